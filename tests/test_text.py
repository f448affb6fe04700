"""Language detection, sentence splitting and Chinese numerals."""

from __future__ import annotations

import pytest

from qa.text import detect_language, norm, sentence_spans, split_sentences, zh_number


def test_norm_is_the_spec_normal_form() -> None:
    assert norm(" ＡＢｃ　科技\n创新 ") == "abc科技创新"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("第四条政策建议如何处理专利？", "zh"),
        ("What are the five tensions the paper names?", "en"),
        ("AI 产业规模是多少", "zh"),
        ("What does 揭榜挂帅 mean?", "en"),
        ("<script>alert(1)</script> 专利保护期？", "zh"),  # tags are no language
        ("<b>What</b> does 揭榜挂帅 mean?", "en"),
        ("", "en"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_chinese_sentences_end_at_terminators_and_keep_closing_quotes() -> None:
    text = "他指出，“要围绕产业链部署创新链。”这是关键；其次是落实！对吗？好"
    assert split_sentences(text, "zh") == [
        "他指出，“要围绕产业链部署创新链。”",
        "这是关键；",
        "其次是落实！",
        "对吗？",
        "好",
    ]


def test_english_sentences_respect_abbreviations_and_decimals() -> None:
    text = "Spending rose to 6.91% in 2024. See Art. 24 for details; it applies, e.g. to universities. Done"
    assert split_sentences(text, "en") == [
        "Spending rose to 6.91% in 2024.",
        "See Art. 24 for details;",
        "it applies, e.g. to universities.",
        "Done",
    ]


def test_spans_cover_all_non_space_characters() -> None:
    text = "第一句。 第二句！\n第三句"
    covered = {i for a, b in sentence_spans(text, "zh") for i in range(a, b)}
    assert covered == {i for i, c in enumerate(text) if not c.isspace()}


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十五", 15),
        ("二十四", 24),
        ("一百", 100),
        ("一百零三", 103),
        ("一〇三", 103),
        ("一百四十九", 149),
    ],
)
def test_zh_number(numeral: str, value: int) -> None:
    assert zh_number(numeral) == value


def test_zh_number_rejects_other_text() -> None:
    with pytest.raises(ValueError):
        zh_number("二十a")


def test_roman_numeral_headings_are_not_sentence_ends() -> None:
    assert split_sentences("II. Main Work Measures", "en") == ["II. Main Work Measures"]
    assert split_sentences("IX. Organizational Safeguards. Then more.", "en") == [
        "IX. Organizational Safeguards.",
        "Then more.",
    ]


def test_traditional_display_uses_the_forms_taiwan_and_hong_kong_readers_write() -> None:
    from qa.text import simplified, traditional

    shown = traditional("已视为撤回的申请，向特定企业群体开放，为了里面的内容")
    assert shown == "已視為撤回的申請，向特定企業群體開放，為了裡面的內容"
    assert simplified(shown) == "已视为撤回的申请，向特定企业群体开放，为了里面的内容"  # and back for search


def test_a_stray_replacement_character_is_dropped_and_a_question_of_them_refused() -> None:
    from qa.text import QuestionError, check_question

    assert check_question("专利\ufffd期限是多久？") == "专利期限是多久？"
    with pytest.raises(QuestionError, match="could not be decoded"):
        check_question("\ufffd\ufffd\ufffd专利")
    with pytest.raises(QuestionError, match="invalid characters"):
        check_question("专利\ud800期限")  # an unpaired surrogate cannot even be written out


def test_a_question_in_a_language_qa_does_not_read_is_named() -> None:
    from qa.text import unsupported_language

    assert unsupported_language("職務発明の報奨金は最低いくらですか？") == "Japanese"
    assert unsupported_language("직무발명 보상금은 얼마입니까?") == "Korean"
    assert unsupported_language("職務發明的獎金最低是多少？") is None  # 繁體 Chinese
    assert unsupported_language("How long is a patent term?") is None


def test_a_question_of_chinese_punctuation_alone_is_answered_in_chinese() -> None:
    from qa.text import detect_language

    assert detect_language("？？？！！！。。。") == "zh"  # a trial user got an English reply
    assert detect_language("???!!!") == "en"
    assert detect_language("“Open licence”？") == "en"  # a word decides, not its punctuation
