"""Documents added after the index was built: a small second index beside it.

Adding one law to an index of seventy thousand passages must cost that law, not the
archive: re-segmenting every passage with jieba took 30 s at 7,800 passages and would
take minutes at the whole archive. So the index is built once (the *base*) and what
changes afterwards goes into ``indexes/<name>.added/``, a folder of the same plain files:

    overlay.json      the added documents (id -> content hash), the base documents taken
                      out, which base it extends, file checksums
    chunks.json|txt   the added passages;  embeddings.npy, multilingual.npy|json: their vectors
    bm25/             BM25 over the added passages only (searched with the whole's IDF)
    gloss/            the same over their English glosses (qa.search.gloss)
    jieba.dict        the base's dictionary plus the words the added documents bring
    translator.json   the query translator for the base's and the added documents' words

:func:`plan` decides what a change needs: nothing, a new overlay (the added documents
are chunked, tokenised and embedded; the base is not touched), or a rebuild of the
whole index once the overlay outgrows :func:`overlay_limit` (compaction, as a search
engine merges its segments). :mod:`qa.search.combined` searches base and overlay as one.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from qa.corpus.glossary import Glossary
from qa.folders import building_folder, check_replaceable, swap_in, written_by_qa
from qa.schema import Chunk, Document
from qa.search.chunkfile import FILES as CHUNK_FILES
from qa.search.chunkfile import LEGACY as LEGACY_CHUNKS
from qa.search.chunkfile import read_chunks, write_chunks
from qa.search.crosslingual import QueryTranslator, word_counts
from qa.search.embedding import Embedder
from qa.search.gloss import glossed_index, load_glossed
from qa.search.index import LEXICAL_PARTS, IndexCorruptError, SearchIndex, reading
from qa.search.lexical import LexicalIndex
from qa.search.multilingual import FILES as MULTILINGUAL_FILES
from qa.search.multilingual import MultilingualEncoder, MultilingualSide
from qa.search.records import file_digest, multilingual_side, passage_vectors
from qa.search.tokenize import Tokenizer, write_compact_dictionary

OVERLAY_FORMAT = 3  # 3: chunks.json + chunks.txt; 2: gloss/
SUFFIX = ".added"  # indexes/<name>.added/ (index names cannot contain a dot, so it never collides)
MIN_LIMIT, MAX_LIMIT = 2_000, 4_000  # passages an overlay may hold before the whole index is rebuilt
FILES = ("overlay.json", *CHUNK_FILES, "embeddings.npy", "jieba.dict", "translator.json")
KNOWN_ENTRIES = frozenset(
    {
        *FILES,
        *MULTILINGUAL_FILES,
        *LEXICAL_PARTS,
        *(f"{p}/{n}" for p in LEXICAL_PARTS for n in LexicalIndex.FILES),
        LEGACY_CHUNKS,  # an overlay of format 2 or before is still one qa wrote
    }
)


def overlay_folder(index_folder: Path) -> Path:
    return index_folder.with_name(index_folder.name + SUFFIX)


def overlay_limit(base_chunks: int) -> int:
    """How many passages may be added to or taken out of the base before a rebuild merges them in.

    A quarter of the base, at least 2,000 and at most 4,000: the overlay is tokenised again
    at every change (about 3 s per 1,000 passages here), so its size is what an add costs;
    the rebuild that empties it costs the whole corpus, but once per thousands of passages.
    """
    return max(MIN_LIMIT, min(base_chunks // 4, MAX_LIMIT))


def base_stamp(manifest: dict[str, Any]) -> str:
    """Which base an overlay extends: a rebuilt base makes every overlay of the old one stale."""
    return f"{manifest.get('built_at')}|{manifest.get('corpus_hash')}|{manifest.get('chunks')}"


@dataclass(frozen=True)
class Plan:
    """What the open index needs for the current documents (see :func:`plan`)."""

    added: list[Document] = field(default_factory=list)  # documents the overlay holds (all of them)
    removed: list[str] = field(default_factory=list)  # base documents no longer current
    rebuild: str | None = None  # why the whole index must be built instead


def plan(manifest: dict[str, Any], docs: Sequence[Document], hashes: dict[str, str], shipped: Collection[str]) -> Plan:
    """Compare the documents with those the base was built from.

    A document that is new or changed goes into the overlay; a base document that is
    gone or changed is taken out of the base's results. The shipped documents never go
    into an overlay: their reader questions and the offline model are part of the base,
    so a change to one of them rebuilds it (as does a manifest without per-document hashes:
    an older qa's is already stale by its format, so only a damaged one gets here).
    """
    indexed = manifest.get("document_hashes")
    if not isinstance(indexed, dict):
        return Plan(rebuild="its manifest records no per-document hashes")
    added = [d for d in docs if indexed.get(d.id) != hashes[d.id]]
    removed = sorted(i for i, h in indexed.items() if hashes.get(i) != h)
    if any(d.id in shipped for d in added) or any(i in shipped for i in removed):
        return Plan(rebuild="the shipped corpus changed")
    return Plan(added, removed)


class Overlay:
    """The added part of an index: its passages, vectors, BM25, dictionary and translator."""

    def __init__(
        self,
        folder: Path,
        meta: dict[str, Any],
        chunks: list[Chunk],
        embeddings: np.ndarray,
        lexical: LexicalIndex | None,
        tokenizer: Tokenizer,
        translator: QueryTranslator,
        multilingual: MultilingualSide | None,
        glossed: LexicalIndex | None = None,
    ) -> None:
        self.folder, self.meta, self.chunks, self.embeddings = folder, meta, chunks, embeddings
        self.lexical, self.tokenizer, self.translator, self.multilingual = lexical, tokenizer, translator, multilingual
        self.glossed = glossed

    @property
    def removed(self) -> frozenset[str]:
        return frozenset(self.meta["removed"])

    def matches(self, want: Plan, hashes: dict[str, str], stamp: str) -> bool:
        """Whether this overlay is the one ``want`` describes, on top of the base with ``stamp``."""
        return (
            self.meta.get("base") == stamp
            and self.meta.get("documents") == {d.id: hashes[d.id] for d in want.added}
            and self.meta.get("removed") == want.removed
        )

    @classmethod
    def build(
        cls,
        base: SearchIndex,
        want: Plan,
        hashes: dict[str, str],
        chunks: list[Chunk],
        embedder: Embedder,
        glossary: Glossary | None,
        user_words: list[str],
        multilingual: MultilingualEncoder | None,
        *,
        progress: bool = False,
        log: Callable[[str], None] = lambda _: None,
    ) -> Overlay:
        """Tokenise and embed only the added documents' ``chunks``; the base is read, never written."""
        started = time.time()
        folder = overlay_folder(base.folder)
        check_replaceable(folder, is_overlay, "an index of added documents")
        vectors, keys = passage_vectors(
            chunks,
            embedder,
            folder,
            before=lambda n: log(
                f"indexing the {len(chunks)} passages of the added documents (embedding {n} new); "
                "the base index is not rebuilt"
            ),
        )
        tmp = building_folder(folder)
        try:
            lexical_texts = [LexicalIndex.document_text(c) for c in chunks]
            write_compact_dictionary(lexical_texts, tmp / "jieba.dict", user_words, base=base.folder / "jieba.dict")
            tokenizer = Tokenizer(user_words, dictionary=tmp / "jieba.dict")
            lexical = LexicalIndex(tokenizer).index(chunks, extends=base.lexical) if chunks else None
            glossed = glossed_index(chunks, tokenizer, extends=base.glossed) if chunks else None
            counts = Counter(base.translator.counts) + word_counts((c.text for c in chunks), tokenizer)
            translator = QueryTranslator.from_counts(counts, glossary)
            side = None
            if multilingual is not None:
                side = multilingual_side(want.added, chunks, multilingual, folder, progress=progress, log=log)
                side.save(tmp)
            write_chunks(tmp, chunks, keys)
            np.save(tmp / "embeddings.npy", vectors, allow_pickle=False)
            if lexical is not None:
                lexical.save(tmp / "bm25")
            if glossed is not None:
                glossed.save(tmp / "gloss")
            translator.save(tmp / "translator.json")
            meta = {
                "format": OVERLAY_FORMAT,
                "base": base_stamp(base.manifest),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "build_seconds": round(time.time() - started, 2),
                "documents": {d.id: hashes[d.id] for d in want.added},
                "removed": list(want.removed),
                "chunks": len(chunks),
                "files": {p.relative_to(tmp).as_posix(): file_digest(p) for p in sorted(tmp.rglob("*")) if p.is_file()},
            }
            (tmp / "overlay.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
            swap_in(tmp, folder, is_overlay, "an index of added documents")
            if side is not None:
                side.finished()
            tokenizer.dictionary = folder / "jieba.dict"
            return cls(folder, meta, chunks, vectors, lexical, tokenizer, translator, side, glossed)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)  # only ever our own temporary folder

    @classmethod
    def load(cls, folder: Path, dim: int, user_words: list[str]) -> Overlay:
        """Read an overlay; any missing, corrupt or wrong-shaped file raises :class:`IndexCorruptError`."""
        fix = f"it is rebuilt from the added documents (or delete {folder})"
        with reading(folder / "overlay.json", fix):
            meta = json.loads((folder / "overlay.json").read_text(encoding="utf-8"))
            files = meta.get("files") if isinstance(meta, dict) else None
            if meta.get("format") != OVERLAY_FORMAT or not isinstance(files, dict):
                raise ValueError("not an overlay manifest of this qa")
            if not isinstance(meta.get("documents"), dict) or not isinstance(meta.get("removed"), list):
                raise ValueError("documents and removed are missing")
        for name, digest in files.items():
            path = folder / str(name)
            if ".." in Path(str(name)).parts or not path.is_file() or file_digest(path) != digest:
                raise IndexCorruptError(f"{path} is missing or corrupt; {fix}")
        with reading(folder / "chunks.json", fix):
            chunks = read_chunks(folder)
            if len(chunks) != meta.get("chunks"):
                raise ValueError(f"{len(chunks)} chunks where overlay.json says {meta.get('chunks')}")
        with reading(folder / "embeddings.npy", fix):
            vectors = np.load(folder / "embeddings.npy", allow_pickle=False)
            if vectors.dtype != np.float32 or vectors.shape != (len(chunks), dim):
                raise ValueError(f"shape {vectors.shape} {vectors.dtype}, not ({len(chunks)}, {dim}) float32")
        with reading(folder / "jieba.dict", fix):
            tokenizer = Tokenizer(user_words, dictionary=folder / "jieba.dict")
            tokenizer("双螺旋结构 test")
        lexical = glossed = None
        if chunks:
            with reading(folder / "bm25", fix):
                lexical = LexicalIndex.load(folder / "bm25", tokenizer)
            with reading(folder / "gloss", fix):
                glossed = load_glossed(folder / "gloss", tokenizer, len(chunks))
        with reading(folder / "translator.json", fix):
            translator = QueryTranslator.load(folder / "translator.json")
        side = None
        if "multilingual.npy" in files:
            with reading(folder / "multilingual.npy|json", fix):
                side = MultilingualSide.load(folder, len(chunks))
        return cls(folder, meta, chunks, vectors, lexical, tokenizer, translator, side, glossed)


def is_overlay(folder: Path) -> bool:
    """Whether ``folder`` is an overlay qa wrote (and so may be replaced or removed)."""
    return written_by_qa(folder, "overlay.json", {"format", "base", "documents"}, KNOWN_ENTRIES)


def drop_overlay(index_folder: Path) -> None:
    """Remove the overlay of an index that was rebuilt whole (only if it is one qa wrote)."""
    folder = overlay_folder(index_folder)
    if folder.is_dir() and not folder.is_symlink() and is_overlay(folder):
        shutil.rmtree(folder, ignore_errors=True)
