"""English typos are corrected towards the documents' words, and nothing else is touched."""

from __future__ import annotations

import pytest

from qa import Assistant
from qa.search import spelling
from qa.search.spelling import Speller

DOCS = ["Universities and research institutes transfer technology.", "The government supports manufacturing."]


def test_typos_become_the_documents_words() -> None:
    speller = Speller(DOCS)
    fixed = speller.correct("Why do univeristies and the goverment care about manufaturing techology?")
    assert fixed == "Why do universities and the government care about manufacturing technology?"


def test_real_words_short_words_and_chinese_stay_as_typed() -> None:
    speller = Speller(DOCS)
    for text in ("Is it going to snow in Boston this weekend?", "What about sourdough?", "专利法第十五条规定了什么？"):
        assert speller.correct(text) == text
    assert speller.correct("Is the modle techy?") == "Is the modle techy?"  # too short to tell a slip


def test_without_the_dictionary_nothing_is_corrected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spelling, "english_words", lambda: frozenset())
    assert spelling.Speller(DOCS).correct("univeristies") == "univeristies"


def test_the_assistant_searches_the_corrected_question(assistant: Assistant) -> None:
    query = assistant.understand("How long does a utility modle patent last, acording to the Patent Law?")
    assert "according" in query.text and "acording" not in query.text
    assert query.original.endswith("acording to the Patent Law?")  # what the user typed is kept
