"""Replacing a built folder (an index, the offline model) without ever losing data.

A build writes into a temporary folder of its own process, then swaps it in: the
old folder is renamed aside and removed only once the new one is in place, so a
build killed at any moment leaves the old folder or the new one, never half of
each. A folder that qa did not write is never replaced or deleted.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path


class NotOursError(RuntimeError):
    """The target exists and is not something qa wrote; qa refuses to replace it."""


def building_folder(target: Path) -> Path:
    """A fresh sibling of ``target`` that only this process writes into."""
    folder = target.with_name(f"{target.name}.building-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    folder.mkdir(parents=True)
    return folder


def swap_in(new: Path, target: Path, ours: Callable[[Path], bool], what: str) -> None:
    """Put the finished ``new`` folder in place of ``target`` (which must be ``ours`` or empty)."""
    if target.exists():
        if target.is_dir() and not any(target.iterdir()):
            target.rmdir()
        elif not target.is_dir() or not ours(target):
            raise NotOursError(
                f"{target} exists and is not {what} qa wrote; qa will not replace it. Move it away or choose another name."
            )
        else:
            aside = target.with_name(f"{target.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}")
            target.rename(aside)
            new.rename(target)
            shutil.rmtree(aside, ignore_errors=True)
            return
    new.rename(target)
