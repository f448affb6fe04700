"""The index's records on disk: file digests, passage vectors reused by content hash (chunks: :mod:`qa.search.chunkfile`).

Shared by the index (:mod:`qa.search.index`) and its overlay of added documents
(:mod:`qa.search.overlay`), which write and read the same kinds of files.
"""

from __future__ import annotations

import hashlib
import mmap
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from qa.progress import progress_bar
from qa.schema import Chunk, Document
from qa.search.chunkfile import embedding_hashes
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

    Returns the vectors and each chunk's content hash (written beside the chunks for the next
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
    form: Callable[[str], str] = str,
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
    return MultilingualSide.build(
        chunks, titled, encoder, previous, questions=questions, form=form, progress=progress, log=log
    )


def file_digest(path: Path) -> str:
    """The file's checksum, read through a memory map: the archive's index files (530 MB) are
    checked at every opening, and copying them into bytes first doubled that (0.6 -> 0.33 s)."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return hashlib.sha256(b"").hexdigest()[:16]
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return hashlib.sha256(mapped).hexdigest()[:16]


def previous_embeddings(folder: Path) -> dict[str, np.ndarray]:
    """Embeddings of the index being replaced, by content hash (empty if unreadable)."""
    try:
        vectors = np.load(folder / "embeddings.npy", allow_pickle=False)
        keys = embedding_hashes(folder)
    except Exception:  # reusing vectors only saves time: an unreadable old index just means embedding again
        return {}
    if len(keys) != len(vectors):
        return {}
    return {key: vectors[i] for i, key in enumerate(keys)}
