"""Which version of a law a question means: "按2017年修正的文物保护法", "the 2015 version of …".

A library of laws holds several versions of one law (文物保护法 of 2017 and of 2024), with the
same title and nearly the same articles, so naming the law names all of them. People who need
one version say its year; then only the versions of that year count as named. A year that
matches none of them (a year the question is about, not a version) changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from qa.schema import Document
from qa.text import YEAR

_DATED_ID = re.compile(r"(?:^|\D)((?:19|20)\d\d)-\d\d-\d\d$")  # 文物保护法-2017-11-04: the archive's file names


def version_year(doc: Document) -> int | None:
    """The year of a document's version: its ``date`` (YYYY-MM-DD), else a date that ends its id."""
    date = doc.meta.get("date")
    if isinstance(date, (dt.date, dt.datetime)):
        return date.year
    if isinstance(date, str) and (m := re.match(r"((?:19|20)\d\d)\b", date.strip())):
        return int(m.group(1))
    m = _DATED_ID.search(doc.id)
    return int(m.group(1)) if m else None


def years_named(question: str) -> set[int]:
    return {int(y) for y in YEAR.findall(question)}


def of_the_year(
    found: Iterable[str], question: str, years: Mapping[str, int | None], titles: Mapping[str, str]
) -> list[str]:
    """``found`` with each title named in several versions narrowed to those of a year the question
    names, when that leaves any: "2024年专利法和文物保护法" keeps the one 专利法 whatever its year."""
    found = list(found)
    asked = years_named(question)
    if not asked or len(found) < 2:
        return found
    groups: dict[str, list[str]] = {}
    for doc_id in found:
        groups.setdefault(titles.get(doc_id, doc_id), []).append(doc_id)
    keep: set[str] = set()
    for members in groups.values():
        dated = [d for d in members if years.get(d) in asked]
        keep.update(dated if len(members) > 1 and dated else members)
    return [d for d in found if d in keep]
