"""Drop reader questions that nearly copy a question of an evaluation set.

    python corpus/tools/decontaminate_questions.py [evals/questions.jsonl ...]

Reader questions are written from the corpus alone, but natural questions about
a passage converge ("什么是资本短期逻辑陷阱？" is what anyone would ask), and a
copy in the index would let the evaluation measure memory instead of retrieval.
Similarity: Jaccard over character bigrams (Chinese) or words (English), the
same measure tests/corpus/test_readers.py enforces (qa.corpus.readers.similarity); lines at or
above qa.corpus.readers.NEAR_COPY (0.6) are removed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from qa.corpus.readers import NEAR_COPY, shingles, similarity  # noqa: E402
from qa.evaluation.questions import load_questions  # noqa: E402


def main(sets: list[str]) -> int:
    evaluation = [shingles(q.question) for s in sets for q in load_questions(Path(s)).questions]
    removed = 0
    for path in sorted((ROOT / "corpus").glob("*/questions.jsonl")):
        kept = []
        for raw in path.read_text(encoding="utf-8").splitlines():
            mine = shingles(json.loads(raw)["question"]) if raw.strip() else set()
            if any(similarity(mine, e) >= NEAR_COPY for e in evaluation):
                print(f"{path.relative_to(ROOT)}: removed {json.loads(raw)['question']}")
                removed += 1
            else:
                kept.append(raw)
        path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    print(f"{removed} reader questions removed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or [str(ROOT / "evals" / "questions.jsonl")]))
