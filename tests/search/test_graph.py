"""The HNSW graph over e5 vectors: written past a size, read in the background, the same answers as brute force."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.search import graph as graph_module
from qa.search.combined import _sides
from qa.search.graph import GRAPH_FILE
from qa.search.multilingual import MultilingualSide

N = 300


def _unit(rows: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(rows, 384)).astype(np.float32)
    unit: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit


def _side(vectors: np.ndarray, offset: int = 0) -> MultilingualSide:
    rows = np.arange(offset, offset + len(vectors), dtype=np.int64)
    return MultilingualSide(rows, vectors, [f"h{i}" for i in rows], np.ones(len(vectors), dtype=bool))


def _exact(vectors: np.ndarray, rows: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    return [int(rows[j]) for j in np.argsort(-(vectors @ query), kind="stable")[:k]]


@pytest.fixture
def saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, np.ndarray]:
    monkeypatch.setattr(graph_module, "GRAPH_ABOVE", 100)
    vectors = _unit(N, 0)
    _side(vectors).save(tmp_path)
    return tmp_path, vectors


def test_a_small_side_has_no_graph(tmp_path: Path) -> None:
    _side(_unit(50, 1)).save(tmp_path)
    assert not (tmp_path / GRAPH_FILE).exists()
    assert MultilingualSide.load(tmp_path, 50).graph is None


def test_a_large_side_is_searched_through_its_graph_once_read(saved: tuple[Path, np.ndarray]) -> None:
    folder, vectors = saved
    side = MultilingualSide.load(folder, N)
    assert side.graph is not None
    query = vectors[7] + 0.3 * _unit(1, 9)[0]
    before = [row for row, _ in side.search(query, 5)]  # not read yet: exact
    for wait in side.prepare():
        wait()
    assert side.graph.search(query, 5) is not None  # now the graph answers
    after = [row for row, _ in side.search(query, 5)]
    assert before == after == _exact(vectors, side.rows, query, 5)


def test_a_graph_of_the_wrong_size_is_ignored(saved: tuple[Path, np.ndarray], tmp_path: Path) -> None:
    folder, vectors = saved
    side = MultilingualSide.load(folder, N)
    assert side.graph is not None
    side.graph.count = N + 1  # as if the file were another index's
    for wait in side.prepare():
        wait()
    assert side.graph.search(vectors[0], 3) is None
    assert [row for row, _ in side.search(vectors[3], 1)] == [3]  # exact search still answers


def test_added_and_removed_passages_around_the_graph(saved: tuple[Path, np.ndarray]) -> None:
    folder, vectors = saved
    base = MultilingualSide.load(folder, N)
    for wait in base.prepare():
        wait()
    removed = np.arange(0, N, 3)  # every third passage of the base removed; the rest shift down
    position = np.arange(N, dtype=np.int64)
    position[removed] = -1
    kept = position >= 0
    position[kept] = np.arange(int(kept.sum()))
    added_vectors = _unit(40, 2)
    added = _side(added_vectors)
    combined = _sides(base, added, position, int(kept.sum()))
    assert combined is not None and combined.graph is base.graph
    everything = np.vstack([vectors[kept], added_vectors])
    for query in (vectors[3], vectors[6], added_vectors[5], vectors[0] + added_vectors[1]):  # vectors[6] is removed
        query = query / np.linalg.norm(query)
        found = [row for row, _ in combined.search(query, 8)]
        assert found == _exact(everything, combined.rows, query, 8)
