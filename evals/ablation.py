"""Reproduce the ablation tables in evals/README.md (issue 4).

    python evals/ablation.py            # both tables, Markdown, on evals/questions.jsonl

1. Lexical legs, added one at a time on the current index: BM25 on the question;
   + BM25 on its Chinese translation (English questions); + resolved references;
   + the reader questions indexed with their passages (the default).
2. Offline dense models: dense-only MRR and hybrid-vs-lexical MRR for each variant
   of the offline model builder (trained into a temporary folder; ~8 minutes).
3. Fusion: hybrid MRR for a grid of dense weights and dense rrf_k (default model).
4. Reader questions by how closely the nearest one resembles the evaluation question:
   the lexical gain must not come only from look-alikes.

Retrieval metrics only (hit@5 / MRR over in-scope questions), per question language.
"""

from __future__ import annotations

import itertools
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.assistant import Assistant  # noqa: E402
from qa.corpus.glossary import Glossary  # noqa: E402
from qa.corpus.readers import NEAR_COPY, load_corpus_questions, shingles, similarity  # noqa: E402
from qa.evaluation import metrics as mt  # noqa: E402
from qa.evaluation.questions import load_questions  # noqa: E402
from qa.search.embedding import StaticEmbedder  # noqa: E402
from qa.search.lexical import LexicalIndex  # noqa: E402
from qa.search.records import passage_text  # noqa: E402
from qa.search.retrieval import DEPTH, fuse  # noqa: E402
from qa.search.static_model import OfflineModelBuilder  # noqa: E402
from qa.search.weights import FusionWeights  # noqa: E402


def score(questions, rankings, chunks) -> dict[str, tuple[float, float]]:  # type: ignore[no-untyped-def]
    out: dict[str, list[tuple[float, float]]] = {"zh": [], "en": []}
    for q, ranking in zip(questions, rankings, strict=True):
        covered = mt.coverage_matrix([chunks[i].text for i in ranking[:10]], q.evidence)
        out[q.lang].append((mt.hit_at_k(covered, len(q.evidence), q.evidence_mode, 5), mt.reciprocal_rank(covered)))
    return {lang: (float(np.mean([h for h, _ in v])), float(np.mean([r for _, r in v]))) for lang, v in out.items()}


def mean_rr(questions, rankings, chunks) -> float:  # type: ignore[no-untyped-def]
    ranks = [
        mt.reciprocal_rank(mt.coverage_matrix([chunks[i].text for i in ranking[:10]], q.evidence))
        for q, ranking in zip(questions, rankings, strict=True)
    ]
    return float(np.mean(ranks)) if ranks else 0.0


def main() -> None:
    assistant = Assistant(log=lambda _: None)
    assistant.build()
    index, retriever = assistant.index, assistant.retriever
    chunks = index.chunks
    questions = [q for q in load_questions(ROOT / "evals" / "questions.jsonl").questions if q.in_scope]
    lexical = [retriever.lexical_legs(q.question) for q in questions]
    with_readers = index.lexical
    index.lexical = LexicalIndex(index.tokenizer).index(chunks)  # the same passages, no reader questions
    plain = [retriever.lexical_legs(q.question) for q in questions]
    index.lexical = with_readers
    w = FusionWeights()

    print("| lexical legs | zh hit@5 / mrr | en hit@5 / mrr |\n|---|---|---|")
    for label, legs, source in (
        ("BM25 on the question", ("bm25",), plain),
        ("+ BM25 on its Chinese translation", ("bm25", "bm25_zh"), plain),
        ("+ resolved references", ("bm25", "bm25_zh", "ref"), plain),
        (
            "+ reader questions indexed with their passages (the default lexical leg)",
            ("bm25", "bm25_zh", "ref"),
            lexical,
        ),
    ):
        weights = {"bm25": w.lexical, "bm25_zh": w.translated, "ref": w.reference}
        rankings = [
            [r.index for r in fuse({k: v for k, v in lx.items() if k in legs}, weights, w.rrf_k)] for lx in source
        ]
        s = score(questions, rankings, chunks)
        print(f"| {label} | {s['zh'][0]:.3f} / {s['zh'][1]:.3f} | {s['en'][0]:.3f} / {s['en'][1]:.3f} |")

    print("\n| dense weight | dense rrf_k | hybrid zh hit@5 / mrr | hybrid en hit@5 / mrr |\n|---|---|---|---|")
    dense_default = [retriever.dense_leg(q.question) for q in questions]
    for weight, k in itertools.product((0.3, 0.5, 0.7, 1.0), (10, 20, 60)):
        weights = {"bm25": w.lexical, "bm25_zh": w.translated, "ref": w.reference, "dense": weight}
        rankings = [
            [r.index for r in fuse({**lx, "dense": d}, weights, w.rrf_k, {"dense": k})]
            for lx, d in zip(lexical, dense_default, strict=True)
        ]
        s = score(questions, rankings, chunks)
        mark = " (default)" if (weight, k) == (w.dense, w.dense_rrf_k) else ""
        print(f"| {weight}{mark} | {k} | {s['zh'][0]:.3f} / {s['zh'][1]:.3f} | {s['en'][0]:.3f} / {s['en'][1]:.3f} |")

    docs = list(assistant.documents.values())
    glossary = Glossary.load(ROOT / "corpus" / "glossary.tsv")
    reader = [q for found in load_corpus_questions(ROOT / "corpus", docs) for q in found.questions]

    # Do the reader questions help only where they resemble the evaluation questions?
    print(
        "\n| nearest reader question (similarity) | questions | lexical without → with reader questions, mrr | hybrid mrr |"
    )
    print("|---|---|---|---|")
    reader_shingles = [shingles(r.question) for r in reader]
    nearest = [max(similarity(shingles(q.question), r) for r in reader_shingles) for q in questions]
    weights = {"bm25": w.lexical, "bm25_zh": w.translated, "ref": w.reference, "dense": w.dense}
    hybrid = [
        [r.index for r in fuse({**lx, "dense": d}, weights, w.rrf_k, {"dense": w.dense_rrf_k})]
        for lx, d in zip(lexical, dense_default, strict=True)
    ]
    for low, high in ((0.0, 0.3), (0.3, 0.45), (0.45, NEAR_COPY)):
        picked = [i for i, n in enumerate(nearest) if low <= n < high]
        subset = [questions[i] for i in picked]
        without = [[r.index for r in fuse(plain[i], weights, w.rrf_k)] for i in picked]
        with_ = [[r.index for r in fuse(lexical[i], weights, w.rrf_k)] for i in picked]
        both = mean_rr(subset, without, chunks), mean_rr(subset, with_, chunks)
        print(
            f"| {low:.2f}–{high:.2f} | {len(picked)} | {both[0]:.3f} → {both[1]:.3f} |"
            f" {mean_rr(subset, [hybrid[i] for i in picked], chunks):.3f} |"
        )
    variants = (
        ("LSI over aligned zh/en text and glossary", {"use_wordllama": False, "fine_tune": False}),
        ("LSI + CC-CEDICT entries as training pairs", {"use_wordllama": False, "use_cedict": True, "fine_tune": False}),
        ("projected wordllama only", {"lsi_share": 0.0, "fine_tune": False}),
        ("LSI ⊕ projected wordllama 0.65 : 0.35", {"fine_tune": False}),
        ("same, fine-tuned on the corpus structure (issue 4)", {}),
        ("same, with the reader questions in LSI and fine-tuning (default)", {"reader_questions": reader}),
    )
    print("\n| offline model | dense-only zh hit@5 / mrr | dense-only en hit@5 / mrr | hybrid zh mrr | hybrid en mrr |")
    print("|---|---|---|---|---|")
    base = score(
        questions, [[r.index for r in fuse(lx, {"bm25": 1, "bm25_zh": 1, "ref": 2}, w.rrf_k)] for lx in lexical], chunks
    )  # hybrid below = these lexical legs (reader questions included) + each model's dense leg
    with tempfile.TemporaryDirectory() as tmp:
        for label, options in variants:
            folder = OfflineModelBuilder(docs, glossary, **options).build(Path(tmp) / label[:8])  # type: ignore[arg-type]
            embedder = StaticEmbedder(folder)
            passages = embedder.embed_passages([passage_text(c) for c in chunks])
            sims = embedder.embed_queries([q.question for q in questions]) @ passages.T
            dense = [list(np.argsort(-row, kind="stable")[:DEPTH]) for row in sims]
            dense_only = score(questions, dense, chunks)
            weights = {"bm25": w.lexical, "bm25_zh": w.translated, "ref": w.reference, "dense": w.dense}
            fused = [
                [
                    r.index
                    for r in fuse(
                        {**lx, "dense": [(int(i), 0.0) for i in d]}, weights, w.rrf_k, {"dense": w.dense_rrf_k}
                    )
                ]
                for lx, d in zip(lexical, dense, strict=True)
            ]
            hybrid = score(questions, fused, chunks)
            print(
                f"| {label} | {dense_only['zh'][0]:.3f} / {dense_only['zh'][1]:.3f} | "
                f"{dense_only['en'][0]:.3f} / {dense_only['en'][1]:.3f} | "
                f"{hybrid['zh'][1]:.3f} ({hybrid['zh'][1] - base['zh'][1]:+.3f}) | "
                f"{hybrid['en'][1]:.3f} ({hybrid['en'][1] - base['en'][1]:+.3f}) |"
            )


if __name__ == "__main__":
    main()
