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


def test_a_known_word_with_a_prefix_is_not_a_slip_but_a_slip_that_looks_like_one_is() -> None:
    speller = Speller([*DOCS, "consideration of the law; innovation and information; commission"])
    assert speller.correct("the Administrative Reconsideration Law") == "the Administrative Reconsideration Law"
    assert speller.correct("inovation, imformation, comission") == "innovation, information, commission"


def test_without_the_dictionary_nothing_is_corrected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spelling, "english_words", lambda: frozenset())
    assert spelling.Speller(DOCS).correct("univeristies") == "univeristies"


def test_the_assistant_searches_the_corrected_question(assistant: Assistant) -> None:
    query = assistant.understand("How long does a utility modle patent last, acording to the Patent Law?")
    assert "according" in query.text and "acording" not in query.text
    assert query.original.endswith("acording to the Patent Law?")  # what the user typed is kept


def test_chinese_slips_are_mended_only_towards_the_documents_words() -> None:
    words = {"工作者", "工作", "时候", "作出", "再次", "申请"}
    speller = Speller(DOCS, words.__contains__)
    assert speller.correct("全国科技工做者日是哪天？") == "全国科技工作者日是哪天？"
    assert speller.correct("做实验的时侯") == "做实验的时候"
    # a character in a word the documents use as typed, or with no document word to become, stays
    for text in ("专利权人作出的声明", "再次申请", "在家做饭"):
        assert speller.correct(text) == text


def test_the_assistant_understands_a_chinese_slip(assistant: Assistant) -> None:
    answer = assistant.ask("全国科技工做者日是几月几号啊？哪部法律规定的")
    assert not answer.abstained and "5月30日" in answer.text
    assert assistant.understand("全国科技工做者日是几月几号啊？").original.startswith("全国科技工做者日")


def test_a_question_typed_in_pinyin_is_told_apart_from_english() -> None:
    from qa.search.spelling import looks_like_pinyin

    assert looks_like_pinyin("zhuanli jiangjin zuidi duoshao qian")
    assert looks_like_pinyin("kexue jishu jinbu fa")
    # English words among them ("guiding", "you") do not make it English (trial 9)
    assert looks_like_pinyin("zhuanli fa li guiding bu neng shouyu zhuanli quan de dongxi you naxie?")
    for english in ("long time", "How long is a patent?", "hang seng index", "zhuanli", "专利 zhuanli jiangjin"):
        assert not looks_like_pinyin(english)


def test_a_pinyin_question_is_told_how_to_ask(assistant: Assistant) -> None:
    answer = assistant.ask("zhuanli jiangjin zuidi duoshao qian")
    assert answer.abstained and answer.language == "zh" and "拼音" in answer.text and not answer.citations


def test_pinyin_input_slips_are_mended_where_the_documents_have_the_word(assistant: Assistant) -> None:
    speller = assistant._spelling()
    assert speller.correct("别人假冒专理，最高能罚多少钱？") == "别人假冒专利，最高能罚多少钱？"  # trial 8: declined
    assert speller.correct("专利申情递交以后多久要交申请费？") == "专利申请递交以后多久要交申请费？"  # trial 9
    assert speller.correct("专利被侵全了怎么办") == "专利被侵权了怎么办"
    # a character the documents use as typed stays: 管理, 情况, 全国, 实现
    for kept in ("专利管理部门", "这种情况下", "全国科技工作者日", "实现转化"):
        assert speller.correct(kept) == kept
