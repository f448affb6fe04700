"""Replacing a built folder (an index, the offline model) without ever losing data.

A build writes into a temporary folder of its own process, then swaps it in: the
old folder is renamed aside and removed only once the new one is in place, so a
build killed at any moment leaves the old folder or the new one, never half of
each. A folder that qa did not write is never replaced or deleted.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

LEFTOVER = re.compile(r".+\.(?:building|old)-(?P<pid>\d+)-[0-9a-f]{8}")  # the names building_folder and swap_in give


class NotOursError(RuntimeError):
    """The target exists and is not something qa wrote; qa refuses to replace it."""


def written_by_qa(folder: Path, manifest: str, keys: set[str], known_entries: frozenset[str]) -> bool:
    """Whether ``folder`` is one qa wrote: its ``manifest`` JSON has ``keys``, or it holds only ``known_entries``.

    The second test keeps a folder whose manifest was damaged or deleted replaceable: only
    qa could have written exactly those files. Anything else there is someone's data.
    """
    try:
        data = json.loads((folder / manifest).read_text(encoding="utf-8"))
        if isinstance(data, dict) and keys <= set(data):
            return True
    except (OSError, ValueError):
        pass
    try:
        entries = [p.relative_to(folder).as_posix() for p in folder.rglob("*")]
    except OSError:
        return False
    return bool(entries) and set(entries) <= known_entries


def building_folder(target: Path) -> Path:
    """A fresh sibling of ``target`` that only this process writes into."""
    folder = target.with_name(f"{target.name}.building-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    folder.mkdir(parents=True)
    return folder


def check_replaceable(target: Path, ours: Callable[[Path], bool], what: str) -> None:
    """Refuse, before any work is done, to build in place of something qa did not write."""
    if target.exists() and not (target.is_dir() and (not any(target.iterdir()) or ours(target))):
        raise NotOursError(
            f"{target} exists and is not {what} qa wrote; qa will not replace it. Move it away or choose another name."
        )


def swap_in(new: Path, target: Path, ours: Callable[[Path], bool], what: str) -> None:
    """Put the finished ``new`` folder in place of ``target`` (which must be ``ours`` or empty)."""
    if target.exists():
        check_replaceable(target, ours, what)
        if not any(target.iterdir()):
            target.rmdir()
        else:
            aside = target.with_name(f"{target.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}")
            target.rename(aside)
            new.rename(target)
            shutil.rmtree(aside, ignore_errors=True)
            return
    new.rename(target)


def clear_leftovers(parent: Path, log: Callable[[str], None] = lambda _: None) -> None:
    """Remove the temporary folders of builds that were killed (their process is gone).

    Only folders named the way :func:`building_folder` and :func:`swap_in` name them,
    with the id of a process that no longer runs, are touched: those are qa's own,
    and nothing else is. Call it under the build lock.
    """
    try:
        entries = list(parent.iterdir())
    except OSError:
        return
    for entry in entries:
        found = LEFTOVER.fullmatch(entry.name)
        if found is None or entry.is_symlink() or not entry.is_dir() or running(int(found["pid"])):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        log(f"removed {entry}, left by a build that was interrupted")


def running(pid: int) -> bool:
    """Whether process ``pid`` may be running (unknown counts as running: its files are left alone)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or a number we cannot check: leave it alone
    return True
