"""evals/archive.jsonl: questions about single articles of laws in the national archive (the scale benchmark's set)."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from qa.evaluation.questions import load_questions
from qa.text import norm

ROOT = Path(__file__).resolve().parents[2]
ARCHIVE = ROOT.parent / "shared" / "data" / "cn-laws.tar.xz"


def test_the_archive_set_is_valid_and_balanced() -> None:
    qset = load_questions(ROOT / "evals" / "archive.jsonl", strict=True)
    assert [q.lang for q in qset.questions].count("zh") == 60 == [q.lang for q in qset.questions].count("en")
    laws = {q.topic for q in qset.questions}
    assert len(laws) == 60 and all(t.startswith("law:") for t in laws)
    assert all(q.in_scope and q.evidence and q.key_points for q in qset.questions)


@pytest.mark.skipif(not ARCHIVE.exists(), reason="the law archive (../shared/data) is not on this machine")
def test_every_excerpt_is_in_the_law_it_names() -> None:
    qset = load_questions(ROOT / "evals" / "archive.jsonl")
    wanted = {q.topic.removeprefix("law:") + ".md" for q in qset.questions}
    texts: dict[str, str] = {}
    with tarfile.open(ARCHIVE) as archive:
        for member in archive:
            name = member.name.removeprefix("./")
            if name in wanted and member.isfile():
                handle = archive.extractfile(member)
                assert handle is not None
                texts[name] = norm(handle.read().decode("utf-8"))
    assert set(texts) == wanted
    for q in qset.questions:
        text = texts[q.topic.removeprefix("law:") + ".md"]
        assert all(norm(e) in text for e in q.evidence), q.id
