"""Merge the writers' drafts into the natural question set, dropping near-copies.

    python evals/build_natural.py            # writes evals/natural.jsonl, prints what it dropped

The natural set (brief: evals/WRITING_NATURAL.md) was written by writers who saw
neither the fixed set nor the reader questions. Questions converge anyway, so a
draft question that nearly copies a fixed-set question or a reader question
(Jaccard over character bigrams / words ≥ qa.corpus.readers.NEAR_COPY, the measure the
reader questions are held to) is dropped: it would measure memory, not
understanding. Drafts are read in file order; the output is deterministic.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.corpus.readers import NEAR_COPY, shingles, similarity  # noqa: E402
from qa.evaluation.questions import load_questions  # noqa: E402

DRAFTS = ROOT / "evals" / "drafts"
OUT = ROOT / "evals" / "natural.jsonl"


def main() -> int:
    fixed = [(q.question, shingles(q.question)) for q in load_questions(ROOT / "evals" / "questions.jsonl").questions]
    reader = []
    for path in sorted((ROOT / "corpus").glob("*/questions.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.strip():
                text = json.loads(raw)["question"]
                reader.append((text, shingles(text)))
    kept: list[str] = []
    dropped = 0
    for path in sorted(DRAFTS.glob("natural-*.jsonl")):
        load_questions(path, strict=True)  # fails loudly on a malformed draft
        for raw in path.read_text(encoding="utf-8").splitlines():
            if not raw.strip() or raw.lstrip().startswith("//"):
                continue
            question = json.loads(raw)["question"]
            mine = shingles(question)
            near = [
                (name, text)
                for name, pool in (("fixed", fixed), ("reader", reader))
                for text, s in pool
                if similarity(mine, s) >= NEAR_COPY
            ]
            if near:
                dropped += 1
                print(f"dropped ({near[0][0]} near-copy): {question}  ~  {near[0][1]}")
                continue
            kept.append(raw)
    OUT.write_text("\n".join(kept) + "\n", encoding="utf-8")
    questions = load_questions(OUT, strict=True).questions
    by_lang = {lang: sum(q.lang == lang for q in questions) for lang in ("zh", "en")}
    print(f"{len(questions)} questions written to {OUT.relative_to(ROOT)} ({by_lang}); {dropped} dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
