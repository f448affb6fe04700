"""The base index and its overlay of added documents, searched as one index.

:func:`compose` returns an ordinary :class:`~qa.search.index.SearchIndex` whose
passages are the base's (less the documents taken out) followed by the overlay's,
so everything above the index — fusion, references, answers — sees one list of
passages and does not know the difference. The parts that must be merged:

- BM25: each part's score matrix is rescaled to the IDF of the whole (the documents
  of both, removed ones included until the next rebuild, as a search engine counts
  deleted documents until it merges its segments). Both parts measure passage length
  against the base's average (the overlay is built so: ``LexicalIndex.index(extends=…)``).
- vectors: each part is searched, base hits of removed documents dropped, the two
  lists merged by score (the same inner product on the same model's vectors).
- the tokenizer, dictionary and query translator: the overlay's, which extend the base's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from qa.corpus.chunking import Chunker
from qa.corpus.glossary import Glossary
from qa.schema import Chunk
from qa.search.embedding import Embedder
from qa.search.index import IndexCorruptError, SearchIndex
from qa.search.lexical import LexicalIndex, LexicalResult, idf, top_results
from qa.search.multilingual import MultilingualEncoder, MultilingualSide
from qa.search.overlay import Overlay, Plan, base_stamp, overlay_folder, overlay_limit
from qa.search.tokenize import Tokenizer


class CombinedLexical:
    """BM25 over the base and the overlay with the IDF of both (see the module docstring)."""

    def __init__(self, base: LexicalIndex, overlay: LexicalIndex | None, kept: np.ndarray | None, tokenizer: Tokenizer):
        self.base, self.overlay, self.kept, self.tokenizer = base, overlay, kept, tokenizer
        self._n = base.size + (overlay.size if overlay is not None else 0)
        self._idf: dict[str, float] = {}
        self._lock = threading.Lock()

    def idf(self, token: str) -> float:
        value = self._idf.get(token)
        if value is None:
            df = self.base.df(token) + (self.overlay.df(token) if self.overlay is not None else 0)
            value = idf(self._n, df) if df else 0.0
            with self._lock:
                self._idf[token] = value
        return value

    def _rescale(self, part: LexicalIndex) -> Any:
        return lambda token: self.idf(token) / part.idf(token) if part.idf(token) > 0 else 0.0

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every passage, base's kept ones then the overlay's (as :meth:`LexicalIndex.scores`)."""
        scores = self.base.scores(tokens, self._rescale(self.base))
        if self.kept is not None:
            scores = scores[self.kept]
        if self.overlay is not None:
            scores = np.concatenate([scores, self.overlay.scores(tokens, self._rescale(self.overlay))])
        return scores

    def retrieve(self, query: str, k: int = 10) -> list[LexicalResult]:
        tokens = [t for t in self.tokenizer(query) if self.idf(t) > 0]
        if not tokens:
            return []
        return top_results(self.scores(tokens), k)


class CombinedVectors:
    """The FAISS calls the index makes (``search``, ``ntotal``, ``d``) over the base index plus the overlay."""

    def __init__(self, base: Any, overlay: np.ndarray, position: np.ndarray | None, removed_rows: int) -> None:
        import faiss

        self.base, self.position, self.removed_rows = base, position, removed_rows
        self.kept = base.ntotal - removed_rows
        self.d = base.d
        self.overlay = faiss.IndexFlatIP(self.d)
        if len(overlay):
            self.overlay.add(overlay)
        self.ntotal = self.kept + self.overlay.ntotal

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        found: list[tuple[float, int]] = []
        wanted = min(k + self.removed_rows, self.base.ntotal)
        if wanted > 0:
            scores, ids = self.base.search(queries, wanted)
            for score, row in zip(scores[0], ids[0], strict=True):
                where = int(row) if self.position is None or row < 0 else int(self.position[row])
                if row >= 0 and where >= 0:
                    found.append((float(score), where))
        if self.overlay.ntotal:
            scores, ids = self.overlay.search(queries, min(k, self.overlay.ntotal))
            found += [(float(s), self.kept + int(i)) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0]
        found.sort(key=lambda pair: (-pair[0], pair[1]))
        found = found[:k]
        out_scores = np.full((1, k), -np.inf, dtype=np.float32)
        out_ids = np.full((1, k), -1, dtype=np.int64)
        for j, (score, where) in enumerate(found):
            out_scores[0, j], out_ids[0, j] = score, where
        return out_scores, out_ids


def with_overlay(
    base: SearchIndex,
    want: Plan,
    hashes: dict[str, str],
    chunker: Chunker,
    embedder: Embedder,
    glossary: Glossary | None,
    user_words: list[str],
    multilingual: MultilingualEncoder | None,
    log: Callable[[str], None],
) -> tuple[SearchIndex | None, str | None]:
    """The base with the documents changed since it was built, or why the whole index must be rebuilt.

    The overlay on disk is reused when it is the one ``want`` describes, else built again
    from the added documents; past :func:`~qa.search.overlay.overlay_limit` the caller rebuilds.
    """
    folder = overlay_folder(base.folder)
    current = None
    if folder.is_dir():
        try:
            current = Overlay.load(folder, base.embeddings.shape[1], user_words)
        except IndexCorruptError as exc:
            log(str(exc))
    if current is None or not current.matches(want, hashes, base_stamp(base.manifest)):
        chunks = chunker.chunk_corpus(want.added)
        removed = set(want.removed)
        taken_out = sum(c.doc_id in removed for c in base.chunks)
        limit = overlay_limit(len(base.chunks))
        if len(chunks) + taken_out > limit:
            return None, f"the documents changed since it was built exceed {limit:,} passages (merging them in)"
        current = Overlay.build(base, want, hashes, chunks, embedder, glossary, user_words, multilingual, log=log)
    return compose(base, current), None


def compose(base: SearchIndex, overlay: Overlay) -> SearchIndex:
    """One index of the base's kept passages followed by the overlay's (see the module docstring)."""
    removed = overlay.removed
    keep = np.array([c.doc_id not in removed for c in base.chunks], dtype=bool)
    kept = None if keep.all() else np.flatnonzero(keep)
    position = None
    if kept is not None:
        position = np.full(len(base.chunks), -1, dtype=np.int64)
        position[kept] = np.arange(len(kept))
    chunks: list[Chunk] = (base.chunks if kept is None else [base.chunks[i] for i in kept]) + overlay.chunks
    base_vectors = base.embeddings if kept is None else base.embeddings[kept]
    embeddings = np.concatenate([base_vectors, overlay.embeddings]) if len(overlay.chunks) else base_vectors
    vectors = CombinedVectors(base.faiss_index, overlay.embeddings, position, int((~keep).sum()))
    lexical = CombinedLexical(base.lexical, overlay.lexical, kept, overlay.tokenizer)
    side = _sides(base.multilingual, overlay.multilingual, position, len(chunks) - len(overlay.chunks))
    glossed = None
    if base.glossed is not None:
        glossed = CombinedLexical(base.glossed, overlay.glossed, kept, overlay.tokenizer)
    documents = [
        d for d in base.manifest.get("documents", []) if d not in removed and d not in overlay.meta["documents"]
    ]
    manifest = {
        **base.manifest,
        "chunks": len(chunks),
        "documents": documents + list(overlay.meta["documents"]),
        "added": {k: overlay.meta[k] for k in ("built_at", "build_seconds", "documents", "removed", "chunks")},
    }
    return SearchIndex(
        base.folder,
        manifest,
        chunks,
        embeddings,
        vectors,
        lexical,  # type: ignore[arg-type]  # the same retrieve/idf the retriever and answerer call
        overlay.translator,
        overlay.tokenizer,
        side,
        glossed,  # type: ignore[arg-type]  # as lexical
    )


def _sides(
    base: MultilingualSide | None, added: MultilingualSide | None, position: np.ndarray | None, offset: int
) -> MultilingualSide | None:
    """The e5 vectors of both parts, rows renumbered to the combined passages (removed ones dropped)."""
    parts = [p for p in (base, added) if p is not None]
    if not parts:
        return None
    rows: list[np.ndarray] = []
    vectors: list[np.ndarray] = []
    hashes: list[str] = []
    untranslated: list[np.ndarray] = []
    if base is not None:
        where = base.rows if position is None else position[base.rows]
        keep = where >= 0
        rows.append(where[keep])
        vectors.append(base.vectors[keep])
        hashes += [h for h, k in zip(base.hashes, keep, strict=True) if k]
        untranslated.append(base.untranslated[keep])
    if added is not None:
        rows.append(added.rows + offset)
        vectors.append(added.vectors)
        hashes += added.hashes
        untranslated.append(added.untranslated)
    centroids = next((p.centroids for p in parts if p.centroids is not None), None)  # the base's: added parts have none
    graph, graph_rows = None, None
    if base is not None and base.graph is not None and base.graph_rows is None:
        # the base's graph still serves its kept vectors, now at new positions; the added are compared by brute force
        graph_rows = np.full(len(base.rows), -1, dtype=np.int64)
        graph_rows[np.flatnonzero(keep)] = np.arange(rows[0].size)
        graph = base.graph
    return MultilingualSide(
        np.concatenate(rows),
        np.concatenate(vectors),
        hashes,
        np.concatenate(untranslated),
        centroids,
        graph,
        graph_rows,
    )
