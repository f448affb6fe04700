"""The evaluation harness: score a question set through the same ``Assistant`` users talk to.

``Assistant.search`` gives the ranked passages for the retrieval metrics and
``Assistant.ask`` the answer for the answer metrics; every metric of the
question-set spec is computed overall, per language (``by_lang``), per type
(``by_type``), per topic and per retrieval direction (zh→zh, en→zh, en→en),
with warm p50/p95 latency. Deterministic: no LLM judge.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from qa.answers.lead import read_lead
from qa.evaluation import metrics as m
from qa.evaluation.questions import Question, QuestionSet
from qa.schema import Answer, Chunk, Hit
from qa.text import norm

HEADLINE = (
    "hit@5",
    "mrr",
    "ndcg@10",
    "key_point_coverage",
    "citation_validity",
    "false_abstention",
    "abstention_accuracy",
)


class Scorable(Protocol):
    """What the harness needs of an assistant (``qa.Assistant`` has it)."""

    @property
    def chunks(self) -> list[Chunk]: ...

    def search(self, question: str, k: int = 10, mode: str | None = None) -> list[Hit]: ...

    def ask(self, question: str, *, lang: str | None = None, k: int = 10) -> Answer: ...


@dataclass
class QuestionResult:
    """Everything measured for one question (kept for the failures list and the JSON)."""

    question: Question
    direction: str
    retrieved: list[str]  # chunk ids, best first
    covered: list[list[int]]  # excerpts covered by each retrieved passage
    scores: dict[str, float]
    answer: str = ""
    abstained: bool = False
    citations_total: int = 0
    citations_valid: int = 0
    key_points_missed: list[list[str]] = field(default_factory=list)
    latency_ms: float = 0.0


@dataclass
class EvalRun:
    mode: str
    results: list[QuestionResult]
    summary: dict[str, Any]


def evaluate(
    assistant: Scorable,
    qset: QuestionSet,
    *,
    mode: str | None = None,
    k: int = 10,
    answers: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> EvalRun:
    """Score every question; returns per-question results and the aggregated summary."""
    chunks = {c.id: c for c in assistant.chunks}
    normed = {cid: norm(c.text) for cid, c in chunks.items()}
    if answers and qset.questions:  # warm up: latency is measured warm, as the spec says
        assistant.ask(qset.questions[0].question, lang=qset.questions[0].lang)
    results = []
    for done, q in enumerate(qset.questions, start=1):
        results.append(_score_question(assistant, q, chunks, normed, mode=mode, k=k, answers=answers))
        if progress:
            progress(done, len(qset.questions))
    return EvalRun(mode or "default", results, summarize(results, answers=answers))


def _score_question(
    assistant: Scorable,
    q: Question,
    chunks: dict[str, Chunk],
    normed: dict[str, str],
    *,
    mode: str | None,
    k: int,
    answers: bool,
) -> QuestionResult:
    hits = assistant.search(q.question, k=k, mode=mode)
    covered = m.coverage_matrix([h.text for h in hits], q.evidence)
    excerpts = [norm(e) for e in q.evidence]
    holders = [cid for cid, text in normed.items() if any(e in text for e in excerpts)]
    relevant_in_index = len(holders)
    scores: dict[str, float] = {}
    if q.in_scope:
        for kk in m.KS:
            scores[f"hit@{kk}"] = m.hit_at_k(covered, len(q.evidence), q.evidence_mode, kk)
            scores[f"recall@{kk}"] = m.recall_at_k(covered, len(q.evidence), kk)
        scores["mrr"] = m.reciprocal_rank(covered, 10)
        scores["ndcg@10"] = m.ndcg_at_k(
            [bool(c) for c in covered], 10, scores=[h.score for h in hits], ideal=relevant_in_index
        )
    direction = _direction(q, [chunks[cid] for cid in holders])
    result = QuestionResult(q, direction, [h.chunk_id for h in hits], [sorted(c) for c in covered], scores)
    if answers:
        start = time.perf_counter()
        answer = assistant.ask(q.question, lang=q.lang, k=k)
        result.latency_ms = (time.perf_counter() - start) * 1000
        result.answer, result.abstained = answer.text, answer.abstained
        result.citations_total = len(answer.citations)
        for c in answer.citations:
            chunk = chunks.get(c.chunk_id)
            if chunk is not None and m.citation_valid(c.quote, [chunk.text, chunk.translation]):
                result.citations_valid += 1
        if q.in_scope:
            scores["key_point_coverage"] = m.key_point_coverage(answer.text, q.key_points)
            scores["false_abstention"] = float(answer.abstained)
            text = norm(answer.text)
            result.key_points_missed = [list(p) for p in q.key_points if not any(norm(a) in text for a in p)]
            lead = read_lead(answer.text) if q.key_points else None
            if lead is not None:  # the answer's first line: does it alone hold a key point?
                scores["short_answer_right"] = float(m.key_point_coverage(lead.text, q.key_points) > 0)
        else:
            scores["abstention_accuracy"] = float(answer.abstained)
    return result


def _direction(q: Question, holders: list[Chunk]) -> str:
    """zh→zh, en→zh (evidence only in untranslated text) or en→en (evidence in translated text)."""
    if q.lang == "zh" or not q.in_scope:
        return f"{q.lang}→zh" if q.in_scope else "out_of_scope"
    return "en→en" if holders and all(c.translation or c.lang == "en" for c in holders) else "en→zh"


def summarize(results: Sequence[QuestionResult], *, answers: bool = True) -> dict[str, Any]:
    """The spec's JSON object: metrics at the top level, then by_lang and by_type (and more)."""
    summary = _metrics(results, answers=answers)
    summary["by_lang"] = _group(results, lambda r: r.question.lang, answers)
    summary["by_type"] = _group(results, lambda r: r.question.type, answers)
    summary["by_topic"] = _group(results, lambda r: r.question.topic.split(":")[0], answers)
    summary["by_direction"] = _group([r for r in results if r.question.in_scope], lambda r: r.direction, answers=False)
    styled = [(style, r) for r in results for style in r.question.styles]
    if styled:  # a question counts under each of its labels
        groups: dict[str, list[QuestionResult]] = {}
        for style, r in styled:
            groups.setdefault(style, []).append(r)
        summary["by_style"] = {name: _metrics(rs, answers=answers) for name, rs in sorted(groups.items())}
    return summary


def _group(results: Sequence[QuestionResult], key: Callable[[QuestionResult], str], answers: bool) -> dict[str, Any]:
    groups: dict[str, list[QuestionResult]] = {}
    for r in results:
        groups.setdefault(key(r), []).append(r)
    return {name: _metrics(rs, answers=answers) for name, rs in sorted(groups.items())}


def _metrics(results: Sequence[QuestionResult], *, answers: bool) -> dict[str, Any]:
    in_scope = [r for r in results if r.question.in_scope]
    oos = [r for r in results if not r.question.in_scope]
    out: dict[str, Any] = {"n": len(results), "n_in_scope": len(in_scope), "n_out_of_scope": len(oos)}
    names = [f"hit@{k}" for k in m.KS] + [f"recall@{k}" for k in m.KS] + ["mrr", "ndcg@10"]
    for name in names:
        out[name] = _round(m.mean([r.scores[name] for r in in_scope])) if in_scope else None
    if answers:
        out["key_point_coverage"] = (
            _round(m.mean([r.scores["key_point_coverage"] for r in in_scope])) if in_scope else None
        )
        total = sum(r.citations_total for r in results)
        out["citation_validity"] = _round(sum(r.citations_valid for r in results) / total) if total else None
        out["false_abstention"] = _round(m.mean([r.scores["false_abstention"] for r in in_scope])) if in_scope else None
        out["abstention_accuracy"] = _round(m.mean([r.scores["abstention_accuracy"] for r in oos])) if oos else None
        short = [r.scores["short_answer_right"] for r in in_scope if "short_answer_right" in r.scores]
        out["short_answers"] = len(short)  # answers that start with the clause stating the figure asked for
        out["short_answer_precision"] = _round(m.mean(short)) if short else None  # …of which hold a key point
        latencies = [r.latency_ms for r in results]
        out["latency_ms_p50"] = round(m.percentile(latencies, 50), 1)
        out["latency_ms_p95"] = round(m.percentile(latencies, 95), 1)
    return out


def _round(value: float) -> float:
    return round(value, 4)


def failures(run: EvalRun, limit: int | None = None) -> list[QuestionResult]:
    """Questions to look at first: retrieval misses, missed key points, wrong (non-)abstentions."""
    bad = [
        r
        for r in run.results
        if (r.question.in_scope and (r.scores.get("hit@5", 1.0) < 1 or r.key_points_missed or r.abstained))
        or (not r.question.in_scope and r.scores.get("abstention_accuracy", 1.0) < 1)
    ]
    bad.sort(key=lambda r: (r.scores.get("hit@10", 1.0), r.scores.get("key_point_coverage", 1.0)))
    return bad[:limit] if limit else bad


def check_floors(summary: dict[str, Any], floors: dict[str, Any]) -> list[str]:
    """Metrics below their floor, as readable lines (empty when all pass).

    ``floors`` maps metric names to minimum values at the top level, and may hold
    ``by_lang``/``by_type`` maps of the same shape. ``false_abstention`` is a ceiling.
    """
    problems = []
    for scope, table in [
        ("", floors),
        *[(f"{g}.{n}.", t) for g in ("by_lang", "by_type") for n, t in floors.get(g, {}).items()],
    ]:
        actual = summary
        for part in scope.strip(".").split(".") if scope else []:
            actual = actual.get(part, {})
        for name, bound in table.items():
            if isinstance(bound, dict) or name.startswith("_"):
                continue
            value = actual.get(name)
            if value is None:
                problems.append(f"{scope}{name}: not measured")
            elif name == "false_abstention" and value > bound:
                problems.append(f"{scope}{name} = {value} is above its ceiling {bound}")
            elif name != "false_abstention" and value < bound:
                problems.append(f"{scope}{name} = {value} is below its floor {bound}")
    return problems
