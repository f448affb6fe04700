"""The added documents as last parsed: opening a library of 1,500 laws without parsing 1,500 folders.

Parsing every added document's ``meta.yaml`` and segment files took 1.4–1.8 s of the 4.3 s it
took to open the whole law archive, and hashing the parsed documents 0.2 s more
(``evals/bench_scale.py``). A :class:`Snapshot` keeps each document as parsed, with its
:func:`~qa.corpus.documents.document_hash`, under a digest of the very bytes it was parsed
from; a document whose files changed, or a new one, is parsed again and the snapshot
rewritten. A snapshot that cannot be read is ignored (and rewritten): it only saves time.

One plain file, never pickle: a JSON header line (metadata and each segment's fields and
lengths), then every segment text and translation one after another — JSON took about four
times as long to decode the same text from escaped strings. It is replaced whole (written
beside it, then renamed), so a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qa.schema import Document, Segment

SNAPSHOT_FILE = ".qa-parsed"
FORMAT = 1
# What a document is parsed from (corpus/<doc>/): its metadata and segment files, not ``original.*``
_PARSED_FROM = re.compile(r"meta\.yaml|(?:source|translation)\.[A-Za-z-]+\.txt")


def files_digest(folder: Path) -> str:
    """A digest of the files a document folder is parsed from, names and bytes (about 0.1 ms a law)."""
    h = hashlib.sha256()
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if _PARSED_FROM.fullmatch(entry.name) and entry.is_file():
            with open(entry.path, "rb") as handle:
                data = handle.read()
            h.update(f"{entry.name}\x00{len(data)}\x00".encode())
            h.update(data)
    return h.hexdigest()


class Snapshot:
    """Parsed documents by id, each valid for one :func:`files_digest` of its folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stored: dict[str, tuple[str, str, Document]] = {}  # id -> (files digest, document hash, document)
        self._changed = False

    def read(self) -> None:
        """Load the file; a missing, foreign or damaged one is treated as empty (it is rewritten later)."""
        try:
            raw = self.path.read_bytes()
            head, _, body = raw.partition(b"\n")
            header = json.loads(head)
            text = body.decode("utf-8")
            if header.get("format") != FORMAT or header.get("sha256") != hashlib.sha256(body).hexdigest():
                raise ValueError("another format, or the text does not match its header")
            self._stored = _documents(header["docs"], text)
        except (OSError, ValueError, TypeError, KeyError, AttributeError, IndexError):
            self._stored = {}
            self._changed = True

    def get(self, doc_id: str, digest: str) -> tuple[Document, str] | None:
        """The document and its hash when its files still have ``digest``."""
        found = self._stored.get(doc_id)
        return (found[2], found[1]) if found is not None and found[0] == digest else None

    def put(self, doc: Document, digest: str, doc_hash: str) -> None:
        """Remember a freshly parsed document (written by :meth:`save` only if JSON keeps its metadata as is)."""
        self._stored[doc.id] = (digest, doc_hash, doc)
        self._changed = True

    def keep_only(self, ids: Iterable[str]) -> None:
        """Forget documents that are gone."""
        wanted = set(ids)
        for gone in [doc_id for doc_id in self._stored if doc_id not in wanted]:
            del self._stored[gone]
            self._changed = True

    def save(self) -> None:
        """Write the snapshot if anything changed; a folder that cannot be written is left as it is."""
        if not self._changed:
            return
        texts: list[str] = []
        docs: dict[str, Any] = {}
        for doc_id, (digest, doc_hash, doc) in self._stored.items():
            if json.loads(json.dumps(doc.meta, default=repr)) != doc.meta:
                continue  # a YAML date or the like would come back as another type: parse that one each time
            rows = []
            for s in doc.segments:
                texts.append(s.text)
                texts.append(s.translation or "")
                translated = -1 if s.translation is None else len(s.translation)
                rows.append([s.id, s.kind, s.lang, [list(a) for a in s.attrs], s.line, len(s.text), translated])
            docs[doc_id] = {
                "digest": digest,
                "hash": doc_hash,
                "meta": doc.meta,
                "lang": doc.lang,
                "translation_lang": doc.translation_lang,
                "segments": rows,
            }
        body = "".join(texts).encode("utf-8")
        header = {"format": FORMAT, "sha256": hashlib.sha256(body).hexdigest(), "docs": docs}
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            with temporary.open("wb") as out:
                out.write(json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n")
                out.write(body)
            os.replace(temporary, self.path)
            self._changed = False
        except OSError:
            temporary.unlink(missing_ok=True)


def _documents(stored: dict[str, Any], text: str) -> dict[str, tuple[str, str, Document]]:
    """The header's documents, their texts cut from ``text``; raises ValueError on anything misshapen."""
    out: dict[str, tuple[str, str, Document]] = {}
    at = 0
    for doc_id, entry in stored.items():
        segments = []
        for seg_id, kind, lang, attrs, line, length, translated in entry["segments"]:
            if type(seg_id) is not str or type(kind) is not str or type(lang) is not str or type(line) is not int:
                raise ValueError(f"a segment of {doc_id!r} has fields of the wrong type")
            seg_text, at = text[at : at + length], at + length
            translation, at = (None, at) if translated < 0 else (text[at : at + translated], at + translated)
            segment = object.__new__(Segment)  # checked above; the frozen __init__ costs 0.2 s for the archive
            segment.__dict__.update(
                id=seg_id,
                kind=kind,
                text=seg_text,
                lang=lang,
                translation=translation,
                attrs=tuple((str(k), str(v)) for k, v in attrs),
                line=line,
            )
            segments.append(segment)
        meta, digest, doc_hash = entry["meta"], entry["digest"], entry["hash"]
        if type(meta) is not dict or type(digest) is not str or type(doc_hash) is not str:
            raise ValueError(f"document {doc_id!r} is misshapen")
        doc = Document(doc_id, meta, tuple(segments), str(entry["lang"]), str(entry["translation_lang"]))
        out[doc_id] = (digest, doc_hash, doc)
    if at != len(text):
        raise ValueError("the texts do not add up to the segments' lengths")
    return out
