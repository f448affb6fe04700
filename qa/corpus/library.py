"""The user's own documents: ``qa add`` / ``qa docs`` / ``qa remove``, beside the shipped corpus.

Added documents live in ``$QA_HOME/user-corpus/<id>/`` in the corpus's own format —
``meta.yaml`` and ``source.<lang>.txt`` segments — plus ``original.<ext>``, the file as
added, so that every citation can be traced back to it (its name, path and SHA-256 are
in the metadata). ``corpus/`` is never changed.

Structure is found, not assumed: headings (Markdown, Word styles, HTML ``<h1>``–``<h6>``,
or lines such as 第二章 / 一、…), 第N条 articles with their paragraphs (款) and （一）
items, and otherwise paragraphs (:func:`qa.corpus.sources.parse_body` cuts them, as for
the shipped policy texts). A document is written into a folder of its own first and
moved into place whole, so a failed or interrupted add leaves nothing behind; a folder
is only ever removed if its metadata says ``qa add`` wrote it.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from qa.corpus.documents import (
    META_FILE,
    SOURCE_FILE,
    CorpusError,
    document_folders,
    document_hash,
    format_segments,
    load_document,
)
from qa.corpus.formats import EXTENSIONS, FormatError, read_file
from qa.corpus.snapshot import SNAPSHOT_FILE, Snapshot, files_digest
from qa.corpus.sources import parse_body
from qa.corpus.yamlsafe import safe_yaml
from qa.folders import building_folder, swap_in
from qa.schema import Document, Segment
from qa.text import detect_language

ADDED_BY = "qa add"
DOC_ID = re.compile(r"[a-z0-9\u4e00-\u9fff][a-z0-9\u4e00-\u9fff-]{0,63}")  # plain names: never a path


@dataclass(frozen=True)
class AddedDocument:
    """One row of ``qa docs``."""

    id: str
    title: str
    kind: str
    units: int
    added: str
    translated: bool
    original: str


@dataclass
class AddResult:
    """What an add did: the documents added, and each file that could not be (path, reason)."""

    added: list[AddedDocument] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, and the files of a supported kind inside folders (sorted); a missing path is kept to fail."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS))
        else:
            out.append(path)
    return list(dict.fromkeys(out))


class Library:
    """The folder of added documents (created on the first add)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.hashes: dict[str, str] = {}  # document id -> document_hash, as of the last load()

    def add(self, path: Path, *, doc_id: str | None = None, reserved: frozenset[str] = frozenset()) -> AddedDocument:
        """Read ``path``, find its structure and write it as a document; returns its row.

        ``reserved`` are ids already taken (the shipped corpus's). Raises
        :class:`~qa.corpus.formats.FormatError` for a file that cannot be added.
        """
        extracted = read_file(path)
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        for folder in self._folders():
            if (_added_meta(folder) or {}).get("source", {}).get("sha256") == digest:
                raise FormatError(f"{path.name}: already added as {folder.name}")
        new_id = self._new_id(doc_id or _slug(path.stem) or f"doc-{digest[:10]}", reserved)
        lang = detect_language(" ".join(text for _, text in extracted.blocks[:40]))
        segments = _unique_ids(parse_body(_markdown(extracted.blocks)))
        if lang != "zh":
            segments = [replace(s, lang=lang) for s in segments]
        if not segments:
            raise FormatError(f"{path.name}: no text found in the file")
        title = extracted.title.strip() or path.stem
        translation_lang = "en" if lang == "zh" else "zh"
        meta: dict[str, Any] = {
            "id": new_id,
            "title_zh": title if lang == "zh" else None,
            "title_en": title if lang != "zh" else None,
            "title": title,
            "issuer": None,
            "date": None,
            "doc_type": f"added document ({extracted.kind})",
            "source": {
                "added_by": ADDED_BY,
                "file": path.name,
                "path": str(path.resolve()),
                "sha256": digest,
                "added": datetime.now(UTC).isoformat(timespec="seconds"),
                "original": f"original.{extracted.kind}",
            },
            "licence_basis": "added by the user of this installation; not redistributed with qa",
            "language": lang,
            "translation": {"language": translation_lang, "status": "none", "official": False},
        }
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.root / new_id
        building = building_folder(target)  # this process's own; the document is written under its id inside
        folder = building / new_id
        try:
            folder.mkdir()
            (folder / META_FILE).write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
            (folder / SOURCE_FILE.format(lang=lang)).write_text(format_segments(segments), encoding="utf-8")
            (folder / f"original.{extracted.kind}").write_bytes(data)
            try:
                load_document(folder)  # exactly as the corpus loader will read it
            except CorpusError as exc:
                raise FormatError(f"the document could not be written in the corpus format ({exc})") from exc
            swap_in(folder, target, _is_added, "a document")
        finally:
            shutil.rmtree(building, ignore_errors=True)
        return self._row(target)

    def documents(self) -> list[AddedDocument]:
        """Every added document, oldest first."""
        if not self.root.is_dir():
            return []
        return sorted((self._row(folder) for folder in self._folders()), key=lambda r: (r.added, r.id))

    def load(self) -> list[Document]:
        """The added documents, ready to index; :attr:`hashes` then holds each one's
        :func:`~qa.corpus.documents.document_hash`.

        Read at every start, so a document whose files are as they were last time comes from the
        :class:`~qa.corpus.snapshot.Snapshot` (the whole law archive: 1.7 s to parse, 0.5 s this way).
        """
        self.hashes = {}
        if not self.root.is_dir():
            return []
        snapshot = Snapshot(self.root / SNAPSHOT_FILE)
        snapshot.read()
        docs = []
        for folder in document_folders(self.root):
            digest = files_digest(folder)
            found = snapshot.get(folder.name, digest)
            if found is None:
                meta = _added_meta(folder)
                if meta is None:
                    continue  # not a folder qa add wrote
                doc = load_document(folder, meta)
                found = doc, document_hash(doc)
                snapshot.put(doc, digest, found[1])
            docs.append(found[0])
            self.hashes[found[0].id] = found[1]
        snapshot.keep_only(self.hashes)
        snapshot.save()
        return docs

    def remove(self, doc_id: str) -> AddedDocument:
        """Remove an added document (never a shipped one, never a folder ``qa add`` did not write)."""
        if not isinstance(doc_id, str) or not DOC_ID.fullmatch(doc_id):
            raise ValueError(f"invalid document id {doc_id!r}: see `qa docs` for the ids")
        folder = self.root / doc_id
        if not folder.is_dir() or not _is_added(folder):
            raise ValueError(
                f"no added document {doc_id!r}; `qa docs` lists them (shipped documents cannot be removed)"
            )
        row = self._row(folder)
        aside = folder.with_name(f"{doc_id}.removing")
        folder.rename(aside)  # gone from the corpus at once; deleted after
        shutil.rmtree(aside, ignore_errors=True)
        return row

    # -- helpers ------------------------------------------------------------------------------

    def _folders(self) -> list[Path]:
        """The document folders ``qa add`` wrote (anything else under the root is left alone)."""
        if not self.root.is_dir():
            return []
        return [folder for folder in document_folders(self.root) if _is_added(folder)]

    @staticmethod
    def _row(folder: Path) -> AddedDocument:
        doc = load_document(folder)
        source = doc.meta.get("source") or {}
        return AddedDocument(
            id=doc.id,
            title=doc.title or doc.id,
            kind=str(source.get("original", "")).rsplit(".", 1)[-1],
            units=len(doc.segments),
            added=str(source.get("added", "")),
            translated=any(s.translation for s in doc.segments),
            original=str(source.get("file", "")),
        )

    def _new_id(self, wanted: str, reserved: frozenset[str]) -> str:
        base = wanted[:56].strip("-") or "doc"
        if not DOC_ID.fullmatch(base):
            raise ValueError(f"invalid document id {wanted!r}: use lower-case letters, digits and '-'")
        taken = set(reserved) | ({p.name for p in self.root.iterdir()} if self.root.is_dir() else set())
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        return candidate


def _added_meta(folder: Path) -> dict[str, Any] | None:
    """The folder's metadata when ``qa add`` wrote it, else None."""
    try:
        data = safe_yaml((folder / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return None
    ours = (
        isinstance(data, dict) and isinstance(data.get("source"), dict) and data["source"].get("added_by") == ADDED_BY
    )
    return data if ours else None


def _is_added(folder: Path) -> bool:
    return _added_meta(folder) is not None


def _slug(stem: str) -> str:
    """A document id from a file name: letters, digits and Chinese characters, other runs become '-'."""
    return re.sub(r"[^a-z0-9\u4e00-\u9fff]+", "-", stem.lower()).strip("-")[:56].strip("-")


def _unique_ids(segments: list[Segment]) -> list[Segment]:
    """Segment ids must be unique in a document; real files repeat item numbers (（一）…) under one heading."""
    seen: dict[str, int] = {}
    out: list[Segment] = []
    for segment in segments:
        seen[segment.id] = seen.get(segment.id, 0) + 1
        out.append(segment if seen[segment.id] == 1 else replace(segment, id=f"{segment.id}-{seen[segment.id]}"))
    return out


def _markdown(blocks: list[tuple[int, str]]) -> str:
    """Blocks as the Markdown body :func:`parse_body` reads: ``## heading`` lines and blank-line paragraphs."""
    return "\n\n".join(f"## {text}" if level else text for level, text in blocks) + "\n"
