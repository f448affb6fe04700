"""The conversation download: a Markdown file per conversation, in a folder of the page's own.

The page writes the file after every answer, so the button downloads at once. Files go to one
folder of this process's own (``qa-exports-<pid>`` in the temporary folder, named by their
content, so a conversation is written once). Files older than an hour there are removed while
the page runs, all of them when the process exits, and folders left by a page process that is no
longer running (killed before it could tidy up) when the next page starts. Only what this
module writes is ever removed: a folder whose name or contents differ is left alone.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from qa.folders import running
from qa.web_answers import conversation_markdown

EXPORT_KEEP_SECONDS = 3600  # an export file is kept this long after it was written
EXPORT_NAME = "qa-conversation.md"
_FOLDER = re.compile(r"qa-exports-(?P<pid>\d+)")
_ENTRY = re.compile(r"[0-9a-f]{16}")
_registered: set[Path] = set()
_lock = threading.Lock()


def export_file(turns: Any, folder: Path | None = None) -> str | None:
    """The conversation as a Markdown file for the download button (None before the first answer)."""
    turns = [t for t in (turns if isinstance(turns, list) else []) if isinstance(t, dict)]
    if not turns:
        return None
    folder = folder or own_folder()
    folder.mkdir(parents=True, exist_ok=True)
    _remove_at_exit(folder)
    text = conversation_markdown(turns)
    name = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    path = folder / name / EXPORT_NAME
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    remove_exports(folder, older_than=time.time() - EXPORT_KEEP_SECONDS)
    return str(path)


def own_folder() -> Path:
    """This process's export folder (not created)."""
    return Path(tempfile.gettempdir()) / f"qa-exports-{os.getpid()}"


def remove_exports(folder: Path, older_than: float | None = None) -> None:
    """Remove the export files in ``folder`` (those written before ``older_than``, or all), then
    their folders and ``folder`` itself once empty. Anything else in it keeps it."""
    for old in folder.glob(f"*/{EXPORT_NAME}"):
        if not _ENTRY.fullmatch(old.parent.name):
            continue
        try:
            if older_than is None or old.stat().st_mtime < older_than:
                old.unlink()
                old.parent.rmdir()
        except OSError:
            pass  # another request removed it, or its folder is not empty: leave it
    if older_than is None:
        with contextlib.suppress(OSError):  # not empty: something else is in it
            folder.rmdir()


def sweep_stale(parent: Path | None = None) -> list[Path]:
    """Remove the export folders of page processes that are no longer running; the folders removed.

    A folder is removed only if its name is ``qa-exports-<pid>`` of no running process and it
    holds nothing but export files in their content-named folders.
    """
    removed: list[Path] = []
    parent = parent or Path(tempfile.gettempdir())
    try:
        candidates = [p for p in parent.iterdir() if _FOLDER.fullmatch(p.name)]
    except OSError:
        return removed
    for folder in candidates:
        found = _FOLDER.fullmatch(folder.name)
        assert found is not None
        if folder.is_symlink() or not folder.is_dir() or running(int(found["pid"])) or not _only_exports(folder):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _only_exports(folder: Path) -> bool:
    try:
        for entry in folder.iterdir():
            if entry.is_symlink() or not entry.is_dir() or not _ENTRY.fullmatch(entry.name):
                return False
            if any(f.name != EXPORT_NAME or f.is_symlink() or not f.is_file() for f in entry.iterdir()):
                return False
    except OSError:
        return False
    return True


def _remove_at_exit(folder: Path) -> None:
    with _lock:
        if folder in _registered:
            return
        _registered.add(folder)
    atexit.register(remove_exports, folder)
