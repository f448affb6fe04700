"""The Assistant's public contract on the tiny corpus: search hits, cited answers, bad input."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

import qa
from qa import Assistant
from qa.text import MAX_PASTE_CHARS, QuestionError


@pytest.fixture
def assistant(tiny_corpus: Path, tmp_path: Path) -> Assistant:
    return Assistant(tiny_corpus, index_root=tmp_path / "indexes", model="offline", log=lambda _: None)


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = "import sys, qa; bad = [m for m in ('torch', 'sentence_transformers', 'langchain_core', 'gradio') if m in sys.modules]; print(bad)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert qa.Assistant is Assistant


def test_search_returns_hits_with_the_promised_fields(assistant: Assistant) -> None:
    hits = assistant.search("双螺旋结构", k=3)
    assert hits and hits[0].chunk_id == "mini-paper/1"
    first = hits[0]
    assert (first.doc_id, first.rank, first.lang) == ("mini-paper", 1, "zh")
    assert "双螺旋结构" in first.text and first.translation and "dual helix structure" in first.translation
    assert first.score > 0 and {"bm25", "dense"} <= set(first.scores) and first.ranks["bm25"] >= 1
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert all(a.score >= b.score for a, b in itertools.pairwise(hits))


def test_english_question_finds_the_translated_passage(assistant: Assistant) -> None:
    hits = assistant.search("Which structure do S&T and industrial innovation form?", k=2)
    assert hits[0].chunk_id == "mini-paper/1"


def test_untranslated_law_articles_are_searchable(assistant: Assistant) -> None:
    hits = assistant.search("国家支持哪些活动", k=2)
    assert hits[0].chunk_id == "mini-law/第二条" and hits[0].translation is None
    assert hits[0].section == "第一章 总则 › 第二条"


def test_answer_quotes_exact_sentences_in_the_question_language(assistant: Assistant) -> None:
    zh = assistant.ask("科技创新与产业创新形成什么结构？")
    assert not zh.abstained and zh.language == "zh" and zh.citations
    chunks = {c.id: c for c in assistant.chunks}
    for c in zh.citations:
        assert c.quote in chunks[c.chunk_id].text and f"[{c.marker}]" in zh.text
    en = assistant.ask("What structure do S&T innovation and industrial innovation form?")
    assert en.language == "en" and not en.abstained
    cited = en.citations[0]
    assert cited.quote_lang == "en" and cited.quote in (chunks[cited.chunk_id].translation or "")
    assert cited.other and cited.other in chunks[cited.chunk_id].text


def test_english_answer_from_an_untranslated_passage_says_so(assistant: Assistant) -> None:
    answer = assistant.ask("国家支持下列活动 研究 开发", lang="en")
    assert answer.language == "en" and not answer.abstained
    assert "no English translation yet" in answer.text
    assert any(c.quote_lang == "zh" for c in answer.citations)


def test_unrelated_question_is_declined_with_related_reading(assistant: Assistant) -> None:
    answer = assistant.ask("How do I bake sourdough bread at home?")
    assert answer.abstained and answer.citations == () and "do not say" in answer.text
    answer = assistant.ask("今天北京天气怎么样？")
    assert answer.abstained and "没有找到" in answer.text


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "empty"), ("   \n\t", "empty"), ("好" * (MAX_PASTE_CHARS + 1), "limit"), ("bad \udcff byte", "invalid")],
)
def test_bad_questions_get_clear_errors(assistant: Assistant, question: str, message: str) -> None:
    with pytest.raises(QuestionError, match=message):
        assistant.ask(question)
    with pytest.raises(QuestionError, match=message):
        assistant.search(question)


def test_control_characters_are_tidied_not_fatal(assistant: Assistant) -> None:
    assert assistant.search("双螺旋\x00结构\x07", k=1)


def test_unknown_mode_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown mode"):
        Assistant(mode="telepathy")


def test_the_offline_model_sets_a_similarity_floor_for_abstention(assistant: Assistant) -> None:
    question = "科技创新与产业创新形成什么结构？"
    assert not assistant.ask(question).abstained
    answerer = assistant.answerer
    assert answerer.abstention.min_similarity is not None  # the offline model's calibrated cosine floor
    answerer.abstention.min_similarity = 1.01  # nothing is that similar: every question is declined
    assert assistant.ask(question).abstained
    answerer.abstention.min_similarity = None  # an uncalibrated model: the floor is off
    assert not assistant.ask(question).abstained
