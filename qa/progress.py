"""Progress bars for long work (building, embedding, adding documents), shown only when asked for.

One helper for every stage, so that the CLI's bars look alike and a library caller
(tests, the page) gets none: tqdm writes to stderr, never to the output a command prints.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def progress_bar(items: Iterable[T], show: bool, desc: str, unit: str) -> Iterable[T]:
    """``items``, wrapped in a tqdm bar on stderr when ``show``."""
    if not show:
        return items
    from tqdm import tqdm

    bar: Iterable[T] = tqdm(items, desc=desc, unit=unit, file=sys.stderr)
    return bar


def note(bar: Iterable[object], text: str) -> None:
    """Show ``text`` beside a bar's count ("2 failed"), so that "2/2 files" does not read as two added."""
    set_postfix = getattr(bar, "set_postfix_str", None)
    if set_postfix is not None:
        set_postfix(text)
