"""Beside the stages, evaluation: a question set and an assistant in, figures and reports out.

Takes question sets (``evals/*.jsonl``, format in ``../shared/specs/question-set.md``)
and anything with the :class:`~qa.assistant.Assistant` interface; gives hit@k, MRR,
key-point coverage, citation validity and abstention figures per language and per
style, reports with plots, and floors that CI enforces.

Evaluation never changes the corpus or an index, and no stage imports it.

    questions  loading and checking question sets
    metrics    the measures
    harness    running a set through an assistant
    report     report.md, results.json and plots
"""

from qa.evaluation.harness import EvalRun, check_floors, evaluate, summarize
from qa.evaluation.questions import Question, QuestionSet, QuestionSetError, load_questions

__all__ = [
    "EvalRun",
    "Question",
    "QuestionSet",
    "QuestionSetError",
    "check_floors",
    "evaluate",
    "load_questions",
    "summarize",
]
