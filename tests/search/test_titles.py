"""English law names matched to documents that have a Chinese title only (documents a user adds)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from qa.corpus.documents import load_corpus
from qa.search.references import ReferenceResolver
from qa.search.titles import TitleMatcher

TITLES = {
    "power": "中华人民共和国电力法",
    "power-rules": "电力设施保护条例",
    "water": "中华人民共和国水法",
    "charity": "中华人民共和国慈善法",
    "donations": "中华人民共和国公益事业捐赠法",  # 公益事业 is glossed "charity" itself
    "wildlife": "中华人民共和国野生动物保护法",
    "sea": "中华人民共和国海洋环境保护法",
}


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["Electric", "Power"], ["power"]),  # the law, not its shorter-named neighbour's rules
        (["Water"], ["water"]),  # 水法: the title word is 水
        (["Charity"], ["charity"]),  # 慈善 is glossed "charitable": as near as 公益事业's "charity", and shorter
        (["Wildlife", "Protection"], ["wildlife"]),  # 野生 "wild"
        (["Copyright"], []),  # no such title: nothing, rather than the nearest
    ],
)
def test_english_names_find_their_chinese_titles(words: list[str], expected: list[str]) -> None:
    assert TitleMatcher(TITLES).match(words) == expected


def test_a_named_added_law_is_named_not_missing(real_corpus: Path) -> None:
    docs = load_corpus(real_corpus)
    added = replace(docs[0], id="power-law", meta={"title": "中华人民共和国电力法"})
    resolver = ReferenceResolver([*docs, added])
    question = "Under the Electric Power Law, who pays for damage caused by a power accident?"
    assert resolver.documents_named(question)[0] == ["power-law"]
    assert resolver.laws_missing(question) == []
    # with documents named in Chinese only, an English name that matches none is not declared missing
    assert resolver.laws_missing("What does the Copyright Law say about software?") == []
    assert ReferenceResolver(docs).laws_missing("What does the Copyright Law say about software?") == ["Copyright Law"]


def test_an_added_law_is_named_by_its_chinese_title_too(real_corpus: Path) -> None:
    docs = load_corpus(real_corpus)
    added = replace(docs[0], id="power-law", meta={"title": "中华人民共和国电力法"})
    resolver = ReferenceResolver([*docs, added])
    assert resolver.documents_named("按照电力法，电力企业在什么情况下不承担赔偿责任？")[0] == ["power-law"]
    assert resolver.documents_named("《中华人民共和国电力法》第六十条讲什么？")[0] == ["power-law"]
    assert resolver.documents_named("专利法第十五条讲什么？")[0] == ["patent-law"]  # the shipped aliases still work


def test_a_regulation_named_by_its_kind_first_or_last_is_found(real_corpus: Path) -> None:
    docs = load_corpus(real_corpus)
    imports = replace(docs[0], id="drug-imports", meta={"title": "药品进口管理办法"})
    dairy = replace(docs[0], id="dairy", meta={"title": "乳品质量安全监督管理条例"})
    resolver = ReferenceResolver([*docs, imports, dairy])
    named = resolver.documents_named(
        "Under the Measures for the Administration of Drug Imports, which drugs are tested?"
    )
    assert named[0] == ["drug-imports"] and "Drug Imports" not in named[1]
    assert resolver.documents_named("What do China's Dairy Quality and Safety Regulations require?")[0] == ["dairy"]
    # never a law the corpus lacks: the shipped corpus's own regulations go by other names
    assert ReferenceResolver(docs).laws_missing("What do the Regulations on Trade Secrets say?") == []
