"""What each piece of question understanding contributes (issue 11), on both question sets.

    python evals/ablation_understanding.py

Runs the full evaluation (``qa eval``'s metrics) on the fixed and the natural set with
everything on, then with one piece switched off at a time:

- ``no OpenCC``: traditional characters are searched as typed;
- ``no focus``: a long question is ranked and answered by its whole text only;
- ``no thesaurus``: everyday words are not mapped to the documents' terms;
- ``no quantity leg``: a how-much/how-long question gets no extra ranking of passages that state one;
- ``no named-document leg``: a question naming a document (专利法, "the paper") gets no extra ranking of its passages;
- ``no section-name leg``: a tension or proposal named by what it is about (前瞻性与实践性, 源头融合) is not looked up;
- ``issue-9 fusion``: the earlier weights (dense 0.7, translated leg 1.0, none of the three new legs);
- ``no clause preference``: answers do not prefer the clause with the asked-for quantity (nor decline
  when no top passage states one);
- ``no sentence meaning``: English answers pick sentences by words only, not also by embedding similarity;
- ``one abstention floor``: the issue-9 thresholds for both languages (support 0.1, unknown 0.35, cosine 0.38,
  with today's signals);
- ``e5 for English 0.45`` (on, where the others are off): every English question also compared with every
  passage's multilingual-e5 vector, translated ones included (off by default: it costs each English
  question ~9 ms of e5; see ``FusionWeights``).

The second pass of reader questions changes the index itself; its effect is measured by
checking out the commit before it (evals/README.md gives the figures and the commit).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import qa.answers.abstention  # noqa: E402
import qa.answers.answering  # noqa: E402
import qa.search.query  # noqa: E402
import qa.search.retrieval  # noqa: E402
from qa.answers.abstention import Abstention  # noqa: E402
from qa.answers.thresholds import Limits  # noqa: E402
from qa.assistant import Assistant  # noqa: E402
from qa.evaluation.harness import evaluate  # noqa: E402
from qa.evaluation.questions import load_questions  # noqa: E402
from qa.search.asked import QUANTITIES  # noqa: E402

METRICS = ("hit@5", "mrr", "key_point_coverage", "false_abstention", "abstention_accuracy")


@contextmanager
def patched(obj: object, name: str, value: object) -> Iterator[None]:
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


def variants(assistant: Assistant) -> dict[str, Callable[[], object]]:
    answerer = assistant.answerer
    retriever = assistant.retriever
    return {
        "everything on": lambda: patched(qa.search.query, "LONG_QUESTION", qa.search.query.LONG_QUESTION),
        "no OpenCC": lambda: patched(qa.search.query, "simplified", lambda text: text),
        "no focus": lambda: patched(qa.search.query, "focus_of", lambda text: text),
        "no thesaurus": lambda: patched(assistant, "_thesaurus", None),
        "no quantity leg": lambda: patched(retriever, "weights", replace(retriever.weights, asked=0.0)),
        "no named-document leg": lambda: patched(retriever, "weights", replace(retriever.weights, named=0.0)),
        "no section-name leg": lambda: patched(retriever, "weights", replace(retriever.weights, section=0.0)),
        "issue-9 fusion": lambda: patched(
            retriever,
            "weights",
            replace(retriever.weights, dense=0.7, translated=1.0, asked=0.0, named=0.0, section=0.0),
        ),
        "no clause preference": lambda: _no_quantities(),
        "no sentence meaning": lambda: patched(answerer.meaning, "semantic", {"zh": 0.0, "en": 0.0}),
        "one abstention floor": lambda: _one_floor(answerer.abstention),
        "e5 for English 0.45": lambda: patched(retriever, "weights", replace(retriever.weights, multilingual_en=0.45)),
    }


@contextmanager
def _one_floor(abstention: Abstention) -> Iterator[None]:
    limits = Limits(0.1, 0.35, True)
    with patched(abstention, "limits", {"zh": limits, "en": limits}), patched(abstention, "min_similarity", 0.38):
        yield


@contextmanager
def _no_quantities() -> Iterator[None]:
    with (
        patched(
            qa.answers.answering, "figures_wanted", lambda q: ["number"] if QUANTITIES["number"][0].search(q) else []
        ),
        patched(qa.answers.abstention, "asked_quantities", lambda _: []),
    ):
        yield


def main() -> None:
    assistant = Assistant(log=lambda _: None)
    assistant.build()
    sets = {name: load_questions(ROOT / "evals" / f"{name}.jsonl") for name in ("questions", "natural")}
    header = ["variant", "set", "lang", *METRICS]
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for name, make in variants(assistant).items():
        with make():  # type: ignore[attr-defined]
            for set_name, qset in sets.items():
                summary = evaluate(assistant, qset).summary
                for lang in ("zh", "en"):
                    figures = summary["by_lang"][lang]
                    cells = [f"{figures[m]:.3f}" if figures.get(m) is not None else "–" for m in METRICS]
                    print("| " + " | ".join([name, set_name, lang, *cells]) + " |")


if __name__ == "__main__":
    main()
