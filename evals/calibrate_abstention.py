"""Reproduce the abstention calibration in evals/README.md.

    python evals/calibrate_abstention.py [--questions evals/questions.jsonl]

For every question: the answerer's three abstention features (coverage of the
question by the best passages, share of its words unknown to the corpus, the
best passage's embedding similarity — meaningful for the offline model, whose
cosine scale this calibrates: qa.static_model.MIN_SIMILARITY), then
for a grid of thresholds the false-abstention rate (in-scope questions declined)
and abstention accuracy (out-of-scope questions declined). Prints the best
settings with false abstention <= 0.05, and the current defaults' figures.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.assistant import Assistant  # noqa: E402
from qa.questions import load_questions  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=Path, default=ROOT / "evals" / "questions.jsonl")
    args = parser.parse_args()
    assistant = Assistant(log=lambda _: None)
    assistant.build()
    answerer = assistant.answerer
    rows = []
    for q in load_questions(args.questions).questions:
        hits = assistant.search(q.question, k=10)
        referenced = any("ref" in h.ranks for h in hits[:5])
        similarity = max([h.scores["dense"] for h in hits if "dense" in h.scores] or [1.0])
        rows.append(
            (q.in_scope, answerer.support(q.question, hits), answerer.unknown_share(q.question), referenced, similarity)
        )
    inside = [r for r in rows if r[0]]
    outside = [r for r in rows if not r[0]]

    def rates(min_support: float, max_unknown: float, min_similarity: float) -> tuple[float, float]:
        def declined(r: tuple[bool, float, float, bool, float]) -> bool:
            return not r[3] and (r[1] < min_support or r[2] > max_unknown or r[4] < min_similarity)

        return sum(map(declined, inside)) / len(inside), sum(map(declined, outside)) / len(outside)

    grid = []
    similarities = [0.0] + [x / 100 for x in range(20, 80, 2)]
    for s, u, m in itertools.product([x / 40 for x in range(4, 18)], [x / 20 for x in range(6, 17)], similarities):
        fa, aa = rates(s, u, m)
        grid.append((fa <= 0.05, aa, -fa, s, u, m))
    grid.sort(reverse=True)
    print(f"{len(inside)} in-scope, {len(outside)} out-of-scope questions")
    print(
        "best settings with false abstention <= 0.05"
        " (min_support, max_unknown, min_similarity: false abstention, abstention accuracy):"
    )
    for _, aa, neg_fa, s, u, m in grid[:5]:
        print(f"  {s:.3f}, {u:.2f}, {m:.2f}: {-neg_fa:.3f}, {aa:.3f}")
    current = answerer.min_similarity or 0.0
    fa, aa = rates(answerer.min_support, answerer.max_unknown, current)
    print(
        f"defaults {answerer.min_support}, {answerer.max_unknown}, {current}:"
        f" false abstention {fa:.3f}, abstention accuracy {aa:.3f}"
    )


if __name__ == "__main__":
    main()
