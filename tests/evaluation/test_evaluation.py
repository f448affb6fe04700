"""The harness end to end on a fake assistant with known behaviour, and the floors check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.evaluation.harness import check_floors, evaluate
from qa.evaluation.questions import load_questions
from qa.evaluation.report import run_json, terminal_table, write_report
from qa.schema import Answer, Chunk, Citation, Hit

CHUNKS = [
    Chunk(
        "d/a",
        "d",
        "1",
        "科技创新与产业创新形成双螺旋结构。",
        "zh",
        0,
        17,
        ("a",),
        "S&T and industry form a dual helix structure.",
    ),
    Chunk("d/b", "d", "2", "要完善源头交汇机制。", "zh", 19, 29, ("b",), None),
]


class FakeAssistant:
    """Returns chunk b then a for every question; answers with one valid and one invalid citation."""

    chunks = CHUNKS

    def search(self, question: str, k: int = 10, mode: str | None = None) -> list[Hit]:
        order = [CHUNKS[1], CHUNKS[0]]
        return [
            Hit(c.id, c.doc_id, c.section, c.text, c.translation, 1.0 / (i + 1), i + 1) for i, c in enumerate(order)
        ][:k]

    def ask(self, question: str, *, lang: str | None = None, k: int = 10) -> Answer:
        if "weather" in question:
            return Answer(question, "The documents do not say.", "en", True)
        cites = (
            Citation(1, "d/a", "d", "1", "dual helix structure", "en"),
            Citation(2, "d/b", "d", "2", "not in the passage", "zh"),
        )
        return Answer(question, "They form a dual helix structure (双螺旋结构) [1].", lang or "en", False, cites)


@pytest.fixture
def qset(tmp_path: Path):
    rows = [
        {
            "id": "a",
            "lang": "en",
            "question": "What structure?",
            "type": "fact",
            "topic": "t:1",
            "evidence": ["形成双螺旋结构"],
            "evidence_mode": "any",
            "key_points": [["dual helix"], ["coupling"]],
        },
        {
            "id": "b",
            "lang": "zh",
            "question": "什么机制？",
            "type": "fact",
            "topic": "t:2",
            "evidence": ["完善源头交汇机制"],
            "evidence_mode": "any",
            "key_points": [["双螺旋结构"]],
        },
        {
            "id": "c",
            "lang": "en",
            "question": "Tomorrow's weather?",
            "type": "out_of_scope",
            "topic": "oos",
            "evidence": [],
            "evidence_mode": "any",
            "key_points": [],
        },
        {
            "id": "d",
            "lang": "en",
            "question": "Other weather?",
            "type": "out_of_scope",
            "topic": "oos",
            "evidence": [],
            "evidence_mode": "any",
            "key_points": [],
        },
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return load_questions(path)


def test_metrics_overall_and_by_group(qset) -> None:
    summary = evaluate(FakeAssistant(), qset, mode="fake").summary
    assert summary["hit@1"] == 0.5 and summary["hit@3"] == 1.0
    assert summary["mrr"] == 0.75  # question a at rank 2, question b at rank 1
    assert summary["key_point_coverage"] == 0.75  # a: 1 of 2 points, b: 1 of 1
    assert summary["citation_validity"] == 0.5  # 2 answers x (1 valid + 1 invalid)
    assert summary["false_abstention"] == 0.0 and summary["abstention_accuracy"] == 1.0
    assert set(summary["by_lang"]) == {"en", "zh"} and set(summary["by_type"]) == {"fact", "out_of_scope"}
    assert summary["by_lang"]["zh"]["mrr"] == 1.0 and summary["by_lang"]["en"]["mrr"] == 0.5
    assert set(summary["by_direction"]) == {"en→en", "zh→zh"}
    assert summary["latency_ms_p50"] >= 0


class LeadingAssistant(FakeAssistant):
    """Starts each answer with a short answer: the right clause in Chinese, a wrong one in English."""

    def ask(self, question: str, *, lang: str | None = None, k: int = 10) -> Answer:
        answer = super().ask(question, lang=lang, k=k)
        lead = "简答：形成双螺旋结构 [1]" if answer.language == "zh" else "In short: a structure [1]"
        return answer if answer.abstained else Answer(question, f"{lead}\n{answer.text}", answer.language, False)


def test_short_answers_are_counted_and_checked_for_a_key_point(qset) -> None:
    summary = evaluate(LeadingAssistant(), qset).summary
    assert summary["short_answers"] == 2 and summary["short_answer_precision"] == 0.5
    assert summary["by_lang"]["zh"]["short_answer_precision"] == 1.0  # 双螺旋结构 is b's key point
    assert summary["by_lang"]["en"]["short_answer_precision"] == 0.0  # "a structure" holds neither of a's
    plain = evaluate(FakeAssistant(), qset).summary
    assert plain["short_answers"] == 0 and plain["short_answer_precision"] is None


def test_floors_catch_drops_and_ceilings(qset) -> None:
    summary = evaluate(FakeAssistant(), qset).summary
    assert check_floors(summary, {"mrr": 0.7, "by_lang": {"zh": {"mrr": 1.0}}}) == []
    problems = check_floors(summary, {"mrr": 0.8, "false_abstention": -0.1, "by_lang": {"en": {"hit@1": 0.6}}})
    assert len(problems) == 3 and "mrr = 0.75 is below its floor 0.8" in problems[0]


def test_reports_are_written(qset, tmp_path: Path) -> None:
    run = evaluate(FakeAssistant(), qset, mode="fake")
    files = {p.name for p in write_report([run], tmp_path / "out", "q.jsonl", "qa eval")}
    assert files == {"report.md", "results.json", "metrics.svg", "latency.svg", "questions.jsonl"}
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "## fake: failures" in report and "key points missed: coupling" in report
    data = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert data["mode"] == "fake" and "by_lang" in data and "by_type" in data
    assert run_json([run])["modes"]["fake"]["mrr"] == 0.75
    assert "fake" in terminal_table([run]) and "<svg" in (tmp_path / "out" / "metrics.svg").read_text()
