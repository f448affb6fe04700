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
