"""A year in the question picks the version of a law named in several versions."""

from __future__ import annotations

import datetime as dt

from qa.schema import Document, Segment
from qa.search.references import ReferenceResolver
from qa.search.versions import of_the_year, version_year, years_named


def _law(doc_id: str, title: str, **meta: object) -> Document:
    return Document(doc_id, {"title_zh": title, **meta}, (Segment("第一条", "article", "第一条 本法所称文物……", "zh"),))


def test_a_version_year_comes_from_the_date_or_the_dated_id() -> None:
    assert version_year(_law("x", "甲法", date="2015-04-24")) == 2015
    assert version_year(_law("x", "甲法", date=dt.date(2009, 8, 27))) == 2009
    assert version_year(_law("文物保护法-2017-11-04", "中华人民共和国文物保护法")) == 2017
    assert version_year(_law("mini-law", "甲法")) is None
    assert version_year(_law("law-12017-11-04x", "甲法")) is None  # no date at the end of the id


def test_years_are_whole_four_digit_numbers() -> None:
    assert years_named("按2017年修正的文物保护法") == {2017}
    assert years_named("Under the 2014 Counter-espionage Law, and the 2015 version") == {2014, 2015}
    assert years_named("罚款12017元，第3.2017条") == set()


def test_only_titles_in_several_versions_are_narrowed() -> None:
    years = {"w-2017": 2017, "w-2024": 2024, "p-2020": 2020}
    titles = {"w-2017": "文物保护法", "w-2024": "文物保护法", "p-2020": "专利法"}
    found = ["w-2024", "w-2017", "p-2020"]
    assert of_the_year(found, "2017年修正的文物保护法和专利法", years, titles) == ["w-2017", "p-2020"]
    assert of_the_year(found, "文物保护法和专利法", years, titles) == found  # no year: every version
    assert of_the_year(found, "2003年的文物保护法", years, titles) == found  # no version of that year


def test_the_resolver_names_only_the_version_asked_for() -> None:
    docs = [
        _law("文物保护法-2017-11-04", "中华人民共和国文物保护法"),
        _law("文物保护法-2024-11-08", "中华人民共和国文物保护法"),
    ]
    resolver = ReferenceResolver(docs)
    assert resolver.documents_named("文物保护法对考古发掘有什么规定？")[0] == [d.id for d in docs]
    assert resolver.documents_named("按2017年修正的文物保护法，挖出文物怎么办？")[0] == ["文物保护法-2017-11-04"]
