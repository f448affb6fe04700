"""Question sets: the spec's format, enforced line by line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.evaluation.questions import QuestionSetError, evidence_problems, load_questions

GOOD = {
    "id": "q1",
    "lang": "zh",
    "question": "五对关系是什么？",
    "type": "list",
    "topic": "tensions",
    "evidence": ["前瞻性与实践性"],
    "evidence_mode": "all",
    "key_points": [["前瞻性与实践性", "foresight and practicality"]],
}
OOS = {**GOOD, "id": "q2", "type": "out_of_scope", "evidence": [], "key_points": [], "evidence_mode": "any"}


def write(tmp_path: Path, *records: object, raw: str = "") -> Path:
    path = tmp_path / "set.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("// a comment\n\n" + "\n".join(lines) + "\n" + raw, encoding="utf-8")
    return path


def test_good_set_loads_and_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    qset = load_questions(write(tmp_path, GOOD, OOS))
    assert [q.id for q in qset.questions] == ["q1", "q2"]
    assert qset.questions[0].line == 3 and not qset.questions[1].in_scope


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({k: v for k, v in GOOD.items() if k != "topic"}, "missing field(s): topic"),
        ({**GOOD, "lang": "fr"}, "lang must be one of"),
        ({**GOOD, "type": "opinion"}, "type must be one of"),
        ({**GOOD, "evidence_mode": "some"}, "evidence_mode must be one of"),
        ({**GOOD, "evidence": "前瞻性与实践性"}, "evidence must be a list"),
        ({**GOOD, "key_points": [[]]}, "key_points must be a list of non-empty lists"),
        ({**OOS, "evidence": ["前瞻性与实践性"]}, "out_of_scope questions have empty"),
        ({**GOOD, "evidence": []}, "in-scope questions need evidence"),
        ([1, 2], "must be a JSON object"),
    ],
)
def test_bad_lines_are_errors_naming_file_and_line(tmp_path: Path, record: object, message: str) -> None:
    path = write(tmp_path, GOOD, record)
    with pytest.raises(QuestionSetError) as err:
        load_questions(path)
    assert f"{path}:4:" in str(err.value) and message in str(err.value)


def test_invalid_json_and_duplicates(tmp_path: Path) -> None:
    with pytest.raises(QuestionSetError, match=r"set.jsonl:4: invalid JSON"):
        load_questions(write(tmp_path, GOOD, raw="{not json\n"))
    with pytest.raises(QuestionSetError, match="duplicate id 'q1'"):
        load_questions(write(tmp_path, GOOD, GOOD))


def test_evidence_length_is_a_warning_unless_strict(tmp_path: Path) -> None:
    short = {**GOOD, "evidence": ["前瞻"]}
    assert "2 characters" in load_questions(write(tmp_path, short)).warnings[0]
    with pytest.raises(QuestionSetError, match="2 characters"):
        load_questions(write(tmp_path, short), strict=True)


def test_evidence_must_sit_inside_one_corpus_sentence(tmp_path: Path) -> None:
    qset = load_questions(write(tmp_path, GOOD, {**GOOD, "id": "q3", "evidence": ["实践性。战略性"]}))
    texts = ["要处理前瞻性与实践性。战略性与市场性也要处理。"]
    problems = evidence_problems(qset.questions, texts)
    assert len(problems) == 1 and "q3" in problems[0]


def test_the_fixed_set_follows_the_spec_and_the_corpus(real_corpus: Path) -> None:
    from qa.corpus.documents import load_corpus

    path = real_corpus.parent / "evals" / "questions.jsonl"
    qset = load_questions(path, strict=True)
    texts = [s.text for d in load_corpus(real_corpus) for s in d.segments]
    assert evidence_problems(qset.questions, texts) == []
    questions = qset.questions
    langs = [q.lang for q in questions]
    assert len(questions) >= 160
    assert abs(langs.count("zh") - langs.count("en")) <= len(questions) * 0.1
    assert {q.type for q in questions} == {"fact", "list", "explain", "compare", "number", "out_of_scope"}
    assert sum(not q.in_scope for q in questions) >= 16
    assert sum(q.topic.startswith(("doc:", "compare:")) for q in questions) >= 40
    for n in range(1, 6):
        assert sum(q.topic == f"tension:{n}" for q in questions) >= 3, n
    for n in range(1, 7):
        assert sum(q.topic == f"policy:{n}" for q in questions) >= 3, n
