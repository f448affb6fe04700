"""An HNSW graph over the e5 passage vectors, so a question is not compared with every passage.

At the whole law archive (74,441 passages) comparing an e5 question with every vector takes
6.5-7.6 ms on one thread; the graph finds the same nearest passages in under a millisecond
(`OMP_NUM_THREADS=1 python evals/bench_faiss.py HOME/indexes/default multilingual.npy`). That
time sits on the path of every search there: the question's e5 vector is the slowest leg.

The graph is a speed-up and nothing else. It is written beside ``multilingual.npy`` when an
index is built with more than :data:`GRAPH_ABOVE` passages, read in the background after the
index opens (reading its 135 MB there would lengthen every opening), and until it is read — or
when it cannot be — the search is exact, by brute force.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np

GRAPH_FILE = "multilingual.faiss"
# Below this many passages brute force is about as fast (2-3 ms at 20,000) and exact.
GRAPH_ABOVE = 20_000
# Measured on the archive's e5 vectors (same command): efSearch 128 keeps 95% of the exact top 10
# and 88% of the top 50, 256 keeps 98.6% and 94.8% in 0.78 ms. The e5 leg reads 50 deep.
EF_SEARCH = 256


def build_graph(vectors: np.ndarray) -> Any:
    """An inner-product HNSW graph over ``vectors`` (12 s for the archive's, one thread)."""
    import faiss

    graph = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    graph.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return graph


def write_graph(vectors: np.ndarray, folder: Path) -> None:
    """Write the graph file into ``folder`` when there are enough vectors to need one."""
    if len(vectors) > GRAPH_ABOVE:
        import faiss

        faiss.write_index(build_graph(vectors), str(folder / GRAPH_FILE))


class Graph:
    """The graph file of one index, read once in another thread; :meth:`search` answers only once it is read."""

    def __init__(self, path: Path, count: int, dim: int) -> None:
        self.path, self.count, self.dim = path, count, dim
        self._loaded: Future[Any] | None = None
        self._lock = threading.Lock()

    def prepare(self) -> Future[Any]:
        """Start reading the file (once); the future holds the graph, or None when it is unusable."""
        with self._lock:
            if self._loaded is None:
                future: Future[Any] = Future()
                self._loaded = future
                threading.Thread(target=self._read, args=(future,), name="qa-e5-graph", daemon=True).start()
            return self._loaded

    def _read(self, future: Future[Any]) -> None:
        try:
            import faiss

            graph = faiss.read_index(str(self.path))
            hnsw = getattr(graph, "hnsw", None)
            usable = graph.ntotal == self.count and graph.d == self.dim and hnsw is not None
            if hnsw is not None:
                hnsw.efSearch = EF_SEARCH
            future.set_result(graph if usable else None)
        except Exception:  # a damaged or foreign file: the exact search answers, as before the graph existed
            future.set_result(None)

    def wait(self) -> None:
        self.prepare().result()

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray] | None:
        """(scores, vector positions) of the ``k`` nearest, or None while the graph is not (or cannot be) read."""
        loaded = self._loaded
        if loaded is None or not loaded.done() or (graph := loaded.result()) is None:
            return None
        scores, found = graph.search(np.asarray(query, dtype=np.float32).reshape(1, -1), k)
        return scores[0], found[0]
