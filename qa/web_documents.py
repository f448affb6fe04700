"""The chat page's "Add a document" panel: upload PDF, Word, HTML, Markdown or text and search it at once.

The page hands the uploaded files to :meth:`qa.assistant.Assistant.add`, exactly as
``qa add`` does, and shows one line per file: added (with its id and units) or why
not. Uploads are limited to :data:`qa.corpus.formats.MAX_BYTES` by the server itself
(larger requests are refused before they are stored) and to the readable extensions
by the file picker; everything shown is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qa.corpus.formats import EXTENSIONS, MAX_BYTES

ACCEPTED = list(EXTENSIONS)


def documents_html(assistant: Any) -> str:
    """The documents the user added, as a table (or a line saying there are none)."""
    rows = assistant.added_documents() if assistant.library is not None else []
    if not rows:
        return "<p>No documents added yet.</p>"
    body = "".join(
        f"<tr><td>{html.escape(r.title)}<br><small>{html.escape(r.id)}</small></td><td>{html.escape(r.kind)}</td>"
        f"<td>{r.units}</td><td>{html.escape(r.added)}</td><td>{'yes' if r.translated else 'no'}</td></tr>"
        for r in rows
    )
    return (
        "<table><tr><th>added document</th><th>kind</th><th>units</th><th>added</th><th>English</th></tr>"
        f"{body}</table>"
    )


def add_uploads(
    assistant: Any, files: list[Any] | None, report: Callable[[float, str], object] | None = None
) -> tuple[str, str]:
    """Add the uploaded files; returns (a status message as escaped HTML lines, the refreshed documents table)."""
    paths = [Path(f if isinstance(f, str) else getattr(f, "name", "")) for f in files or []]
    paths = [p for p in paths if str(p)]
    if not paths:
        return _lines(["Choose one or more files first (PDF, Word .docx, HTML, Markdown or text)."]), documents_html(
            assistant
        )
    if assistant.library is None:
        return _lines(["This page serves a corpus of its own; documents cannot be added to it."]), documents_html(
            assistant
        )

    def each(number: int, total: int, path: Path) -> None:
        if report is not None:
            report((number - 1) / total, f"reading {path.name}")

    try:
        result = assistant.add(*paths, each=each)  # one re-index for all the files
    except Exception as exc:  # the page stays usable; the message says what happened
        return _lines([f"✗ {exc}"]), documents_html(assistant)
    lines = [f"✓ {d.original} added as {d.id}: {d.title} ({d.units} units)" for d in result.added]
    lines += [f"✗ {Path(p).name}: {reason}" for p, reason in result.failed]
    return _lines(lines), documents_html(assistant)


def _lines(lines: list[str]) -> str:
    return "".join(f'<p class="qa-added">{html.escape(line)}</p>' for line in lines)


def limit_text() -> str:
    return f"{', '.join(ACCEPTED)}; up to {MAX_BYTES // 2**20} MB each"
