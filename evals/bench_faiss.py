"""Exact against approximate vector search on a built index: the measurement behind FLAT_LIMIT.

    python evals/bench_faiss.py [INDEX_FOLDER] [FILE]   (default: indexes/default embeddings.npy)

Loads the index's ``embeddings.npy`` (or FILE: ``multilingual.npy``, the e5 vectors, for the
measurement behind ``qa.search.multilingual.GRAPH_ABOVE``), asks 200 of its own passages slightly perturbed
(a stand-in for questions), and prints the time per question of an exact FAISS search and
of HNSW (M=32, as qa builds it) at several efSearch, with the share of the exact top 10
each keeps (and of the exact top 50, as deep as a search reads the e5 leg). Run on the whole law archive's index for the figures in qa/search/index.py.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "indexes" / "default"
    name = sys.argv[2] if len(sys.argv) > 2 else "embeddings.npy"
    vectors = np.load(folder / name, allow_pickle=False)
    rng = np.random.default_rng(0)
    questions = vectors[rng.choice(len(vectors), min(200, len(vectors)), replace=False)]
    questions = questions + rng.normal(scale=0.05, size=questions.shape).astype(np.float32)
    questions /= np.linalg.norm(questions, axis=1, keepdims=True)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    started = time.perf_counter()
    truth = [exact.search(q.reshape(1, -1), 50)[1][0] for q in questions]
    print(f"{len(vectors)} passages, {vectors.shape[1]} dimensions")
    print(f"exact: {(time.perf_counter() - started) / len(questions) * 1000:.2f} ms a question")
    started = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.add(vectors)
    print(f"HNSW built in {time.perf_counter() - started:.1f} s")
    for ef in (64, 128, 256):
        hnsw.hnsw.efSearch = ef
        started = time.perf_counter()
        found = [hnsw.search(q.reshape(1, -1), 50)[1][0] for q in questions]
        ms = (time.perf_counter() - started) / len(questions) * 1000
        top10 = np.mean([len(set(a[:10]) & set(b[:10])) / 10 for a, b in zip(truth, found, strict=True)])
        top50 = np.mean([len(set(a) & set(b)) / 50 for a, b in zip(truth, found, strict=True)])
        print(f"HNSW efSearch={ef}: {ms:.2f} ms a question, {top10:.1%} of the exact top 10, {top50:.1%} of the top 50")


if __name__ == "__main__":
    main()
