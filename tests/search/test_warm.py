"""What warm-up reads ahead of the questions, so that a server's first questions do not pay for it."""

from __future__ import annotations

from pathlib import Path

import pytest

import qa.search.retrieval as retrieval
from qa import Assistant


def test_warm_up_reads_every_passage_s_stated_quantities_and_questions_reuse_them(
    tiny_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = Assistant(tiny_corpus, index_root=tmp_path / "idx", model="offline", log=lambda _: None)
    a.build()
    before = [h.chunk_id for h in a.search("How many years does the patent right last?", k=5)]
    a.warm_up(wait=True)

    def unexpected(sentence: str, kind: str) -> bool:
        raise AssertionError(f"read again for {kind!r}")

    monkeypatch.setattr(retrieval, "gives", unexpected)
    after = [h.chunk_id for h in a.search("How many years does the patent right last?", k=5)]
    assert after == before
    assert a.search("专利权的期限是多少年？", k=5)  # another question, other kinds: all read already


def test_a_large_index_reads_quantities_as_questions_meet_them(
    tiny_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retrieval, "QUANTITIES_READ_UP_TO", 1)
    a = Assistant(tiny_corpus, index_root=tmp_path / "idx", model="offline", log=lambda _: None)
    a.build()
    a.warm_up(wait=True)
    read: list[str] = []
    original = retrieval.gives
    monkeypatch.setattr(retrieval, "gives", lambda sentence, kind: read.append(kind) or original(sentence, kind))
    a.search("How many years does the patent right last?", k=5)
    assert read  # not read ahead: the question read what it needed
