"""How long the answers are: median characters per language, overall and for questions asking a figure.

    python evals/answer_lengths.py [evals/questions.jsonl evals/natural.jsonl]

Runs the default assistant (as ``qa eval`` does) on each set and prints, per language, the
median length of the answers it gives (declines left out) and of those to questions of type
"number". The figures behind the short English figure answers in evals/README.md ("Answers
that put the asked thing first and stop sooner"); for the before, run it at that commit's
parent (``git worktree add /tmp/before d385630~1``).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa import Assistant  # noqa: E402
from qa.evaluation.questions import load_questions  # noqa: E402


def main(sets: list[str]) -> int:
    assistant = Assistant(log=lambda _: None)
    for path in sets or ["evals/questions.jsonl", "evals/natural.jsonl"]:
        questions = load_questions(Path(path)).questions
        for lang in ("zh", "en"):
            answered = [
                (q.type, len(a.text))
                for q in questions
                if q.lang == lang and not (a := assistant.ask(q.question, lang=q.lang)).abstained
            ]
            if not answered:
                continue
            figures = [n for kind, n in answered if kind == "number"]
            overall = statistics.median(n for _, n in answered)
            figure = statistics.median(figures) if figures else float("nan")
            print(
                f"{Path(path).name} {lang}: {len(answered)} answers, median {overall:,.0f} characters; "
                f"figure questions ({len(figures)}) median {figure:,.0f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
