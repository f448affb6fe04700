"""Formatted references: the pinpoint (article, paragraph, item) is found where the quote sits."""

from __future__ import annotations

import pytest

from qa.answers.citing import full_reference, locate, reference, zh_numeral
from qa.schema import Document

ARTICLE = (
    "第九条 单位应当按照下列标准给予奖励：\n"
    "（一）转让的，提取不低于百分之五十；\n"
    "（二）投资的，提取不低于百分之三十。\n"
    "国家设立的机构应当符合前款规定。\n"
    "（一）另一款下的项。"
)
LAW = Document(
    "city-rule",
    {
        "title_zh": "某市科技成果转化条例",
        "title_en": "City Regulations on S&T Achievement Transformation",
        "issuer": "某市人民代表大会常务委员会 (Standing Committee of the City People's Congress)",
        "date": "2019-03-01; 2024-06-30 (amended)",
    },
    (),
)


@pytest.mark.parametrize(
    ("quote", "where"),
    [
        ("单位应当按照下列标准给予奖励", (1, None)),
        ("提取不低于百分之五十", (1, 1)),
        ("提取不低于百分之三十", (1, 2)),
        ("国家设立的机构应当符合前款规定", (2, None)),
        ("另一款下的项", (2, 1)),
        ("不在这里", (None, None)),
    ],
)
def test_locate_finds_paragraph_and_item(quote: str, where: tuple[int | None, int | None]) -> None:
    assert locate(ARTICLE, quote) == where


def test_numerals() -> None:
    assert [zh_numeral(n) for n in (1, 9, 10, 12, 20, 45, 99)] == ["一", "九", "十", "十二", "二十", "四十五", "九十九"]


def test_a_law_article_reference_in_both_languages() -> None:
    ref = reference(LAW, "第九条", ARTICLE, "（二）投资的，提取不低于百分之三十。")
    assert ref.pinpoint_zh == "《某市科技成果转化条例》第九条第一款第（二）项"
    assert ref.pinpoint_en == "City Regulations on S&T Achievement Transformation, Article 9, paragraph 1, item (2)"
    assert ref.full_zh == "某市人民代表大会常务委员会. 某市科技成果转化条例[Z]. 2024."
    assert (
        ref.full_en.startswith("Standing Committee of the City People's Congress. City Regulations")
        and "2024" in ref.full_en
    )
    single = reference(LAW, "第三条", "第三条 本条例自公布之日起施行。", "本条例自公布之日起施行。")
    assert single.pinpoint_zh == "《某市科技成果转化条例》第三条"  # a one-paragraph article has no 款 to name


def test_a_journal_article_and_a_section() -> None:
    paper = Document(
        "paper",
        {
            "title_zh": "论文题目",
            "title_en": "Paper Title",
            "citation_zh": "某中心. 论文题目. 某刊, 2025, 40(5): 1-10.",
            "citation_en": "A Center. Paper Title. A Journal, 2025, 40(5): 1-10.",
        },
        (),
    )
    assert full_reference(paper)[0] == "某中心. 论文题目[J]. 某刊, 2025, 40(5): 1-10."
    assert reference(paper, "2.1-p3", "text", "text").pinpoint_zh == "《论文题目》§2.1"
    assert reference(paper, "3-(4)", "text", "text").pinpoint_en == "Paper Title, section 3-(4)"
    other = reference(LAW, "二（三）", "x", "x", "二、任务 › （三）加强协同", "2. Tasks › (3) Strengthen")
    assert other.pinpoint_zh == "《某市科技成果转化条例》二、任务 （三）加强协同"
