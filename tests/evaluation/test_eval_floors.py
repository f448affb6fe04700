"""CI's quality gate: the fixed question set, scored through the real Assistant, stays above its floors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("questions", "floors"),
    [("questions.jsonl", "floors.json"), ("natural.jsonl", "floors-natural.json")],
    ids=["fixed", "natural"],
)
def test_question_sets_stay_above_their_floors(questions: str, floors: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["eval", "--json", "--questions", str(ROOT / "evals" / questions), "--floors", str(ROOT / "evals" / floors)]
    )
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert code == 0, captured.err
    assert summary["n"] >= 150 and summary["citation_validity"] == 1.0
    assert set(summary["by_lang"]) == {"zh", "en"}


def test_a_raised_floor_fails_the_gate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"hit@5": 1.01}), encoding="utf-8")
    assert main(["eval", "--retrieval-only", "--floors", str(floors)]) == 1
    assert "hit@5" in capsys.readouterr().err


def test_eval_filters_by_language_and_topic(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--retrieval-only", "--json", "--lang", "en", "--topic", "doc:", "--topic", "compare:"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["n"] == 23 and set(summary["by_lang"]) == {"en"}
    assert main(["eval", "--retrieval-only", "--topic", "no-such-topic"]) == 1
    assert "no questions match" in capsys.readouterr().err
