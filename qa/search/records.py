"""The index's records on disk: chunks.jsonl lines, file and document digests, reused vectors.

Shared by the index (:mod:`qa.search.index`) and its overlay of added documents
(:mod:`qa.search.overlay`), which write and read the same kinds of files.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, fields
from pathlib import Path

import numpy as np

from qa.progress import progress_bar
from qa.schema import Chunk, Document
from qa.search.embedding import Embedder
from qa.search.lexical import LexicalIndex
from qa.search.multilingual import MultilingualEncoder, MultilingualSide


def passage_text(chunk: Chunk) -> str:
    """What the embedding model sees of a chunk: section path, source text and translation."""
    return LexicalIndex.document_text(chunk)


def passage_vectors(
    chunks: list[Chunk],
    embedder: Embedder,
    previous: Path,
    *,
    progress: bool = False,
    before: Callable[[int], None] = lambda _: None,
) -> tuple[np.ndarray, list[str]]:
    """Every chunk's vector, those of the index at ``previous`` reused by content hash.

    Returns the vectors and each chunk's content hash (written to chunks.jsonl for the next
    build to reuse); ``before`` hears how many are embedded now, before they are.
    """
    texts = [passage_text(c) for c in chunks]
    keys = [hashlib.sha256(f"{embedder.name}|{embedder.revision}|{t}".encode()).hexdigest()[:20] for t in texts]
    reused = previous_embeddings(previous)
    vectors = np.zeros((len(chunks), embedder.dim), dtype=np.float32)
    todo = []
    for i, key in enumerate(keys):
        if key in reused and reused[key].shape == vectors.shape[1:]:
            vectors[i] = reused[key]
        else:
            todo.append(i)
    before(len(todo))
    for start in progress_bar(range(0, len(todo), 64), progress and bool(todo), "embedding", "batch"):
        ids = todo[start : start + 64]
        vectors[ids] = embedder.embed_passages([texts[i] for i in ids])
    return vectors, keys


def multilingual_text(chunk: Chunk) -> str:
    """What the multilingual encoder sees of a chunk (after its document's title): section path and source text."""
    return "\n".join(p for p in (chunk.section, chunk.text) if p)


def multilingual_side(
    docs: list[Document],
    chunks: list[Chunk],
    encoder: MultilingualEncoder,
    previous: Path,
    *,
    questions: Sequence[str] = (),
    progress: bool = False,
    log: Callable[[str], None] = lambda _: None,
) -> MultilingualSide:
    """The passages' e5 vectors (those of the index at ``previous`` reused by content hash), and
    the mean vectors of ``questions`` that questions are centred on (qa.search.centring).

    e5 reads each passage with its document's title: "Under the Electric Power Law …" (or
    "按电力法…") names the document, which the passage itself never does. It reads the source
    only, not the translation: English questions meet e5 only on untranslated passages, and
    the translation would double the tokens of the first build.
    """
    titles = {d.id: d.title for d in docs}
    titled = [f"{titles.get(c.doc_id, '')} › {multilingual_text(c)}" for c in chunks]
    return MultilingualSide.build(chunks, titled, encoder, previous, questions=questions, progress=progress, log=log)


def write_chunks(path: Path, chunks: list[Chunk], keys: list[str]) -> None:
    """chunks.jsonl: one chunk per line, with the content hash its embedding is reused by."""
    with path.open("w", encoding="utf-8") as out:
        for chunk, key in zip(chunks, keys, strict=True):
            out.write(json.dumps({**asdict(chunk), "embedding_hash": key}, ensure_ascii=False) + "\n")


def file_digest(path: Path) -> str:
    """The file's checksum, read through a memory map: the archive's index files (530 MB) are
    checked at every opening, and copying them into bytes first doubled that (0.6 -> 0.33 s)."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return hashlib.sha256(b"").hexdigest()[:16]
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return hashlib.sha256(mapped).hexdigest()[:16]


_TEXT_FIELDS = ("id", "doc_id", "section", "text", "lang", "kind")
_CHUNK_FIELDS = {f.name for f in fields(Chunk)}


def read_chunk(line: str) -> Chunk:
    """One line of chunks.jsonl, type-checked field by field (74,000 of them open the archive's index)."""
    row = json.loads(line)
    if type(row) is not dict:
        raise ValueError("a line is not a chunk object")
    row.pop("embedding_hash", None)
    ids = row.get("segment_ids")
    if (
        type(ids) is not list
        or any(type(row.get(name)) is not str for name in _TEXT_FIELDS)
        or any(type(i) is not str for i in ids)
        or type(row.get("start")) is not int
        or type(row.get("end")) is not int
        or (row.get("translation") is not None and type(row["translation"]) is not str)
        or (row.get("section_en") is not None and type(row["section_en"]) is not str)
    ):
        raise ValueError(f"chunk {row.get('id')!r} has fields of the wrong type")
    row["segment_ids"] = tuple(ids)
    row.setdefault("translation", None)
    row.setdefault("section_en", None)
    if row.keys() != _CHUNK_FIELDS:
        raise ValueError(f"chunk {row.get('id')!r} has fields {sorted(row)}, not {sorted(_CHUNK_FIELDS)}")
    # Every field is checked above, so the frozen dataclass's __init__ (one object.__setattr__ per
    # field: a quarter of a second for the archive's 74,441 passages) is skipped.
    chunk = object.__new__(Chunk)
    chunk.__dict__.update(row)
    return chunk


def previous_embeddings(folder: Path) -> dict[str, np.ndarray]:
    """Embeddings of the index being replaced, by content hash (empty if unreadable)."""
    try:
        vectors = np.load(folder / "embeddings.npy", allow_pickle=False)
        rows = [json.loads(line) for line in (folder / "chunks.jsonl").read_text(encoding="utf-8").splitlines()]
    except Exception:  # reusing vectors only saves time: an unreadable old index just means embedding again
        return {}
    if len(rows) != len(vectors) or not all(isinstance(row, dict) for row in rows):
        return {}
    return {row.get("embedding_hash", ""): vectors[i] for i, row in enumerate(rows)}
