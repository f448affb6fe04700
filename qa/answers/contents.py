"""Questions about a document as a whole: how it is laid out, and which kinds of something it covers.

"专利法有哪几章", "How is the paper structured?", "这份意见分为哪几部分" share few words with any
passage, and were answered with Art. 20 or declined; "要素市场化配置那份意见一共讲了哪几种要素" got the
preamble in two trials. Both are answered from the document's top-level headings
(:meth:`~qa.answers.lists.Structure.contents`), each quoted from the passage that holds it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from qa.answers.lists import Item, Structure, hit_for
from qa.schema import Document, Hit
from qa.search.asked import ASKS_STRUCTURE

Quotes = list[list[tuple[Hit, str, str | None]]]  # one group per heading: (hit, source, translation)

# a part of a document the question points at: it asks of that part, not of the whole's layout
_PART_NAMED = re.compile(
    r"第[一二三四五六七八九十百\d]+(?:章|节|部分|条)|\bchapter\s+(?:[ivxlc]+|\d+)\b|\bsection\s+\d|§", re.I
)
# "讲了哪几种要素", "which kinds of factors": the kinds of something a document's headings name
_KINDS_ZH = re.compile(
    r"(?:哪几种|哪几类|哪些种类的?|几种|几类|哪几大类)([\u4e00-\u9fff]{2,4}?)(?:[？?，,。]|$|市场|分别)"
)
_KINDS_EN = re.compile(r"\b(?:what|which) (?:kinds|types|sorts|categories) of (\w+)", re.I)


def contents_of(
    structure: Structure, focus: str, hits: Sequence[Hit], named: Sequence[str], lang: str
) -> tuple[str, Quotes] | None:
    """For a question about how a document is laid out (:data:`~qa.search.asked.ASKS_STRUCTURE`), the
    answer's intro and one quote per top-level heading of the document it names, else of the best
    passage's ("这份意见分哪几部分"); None for any other question, and for one about a part it
    points at ("专利法第五章讲了哪几方面")."""
    if not hits or not ASKS_STRUCTURE.search(focus) or _PART_NAMED.search(focus):
        return None
    doc_id = named[0] if named else hits[0].doc_id
    doc = structure.docs.get(doc_id)
    items = structure.contents(doc_id)
    if doc is None or not items:
        return None
    return _headed(doc, items, hits, lang, "目录")


def kinds_of(
    structure: Structure, focus: str, hits: Sequence[Hit], named: Sequence[str], lang: str
) -> tuple[str, Quotes] | None:
    """For "要素市场化配置意见讲了哪几种要素", "What kinds of factors does the 2020 opinion cover?": the
    top-level headings of the named document that name a kind of it ("推进**土地**要素市场化配置" — not
    "加快要素价格市场化改革", where 要素 follows a verb). None when no two headings do."""
    asked = _KINDS_ZH.search(focus) or _KINDS_EN.search(focus)
    if not named or asked is None:
        return None
    doc = structure.docs.get(named[0])
    items = structure.contents(named[0])
    if doc is None or not items:
        return None
    wanted = asked.group(1)
    forms = [wanted] if not wanted.isascii() else _chinese_of(wanted, items)
    kinds = [i for i in items if any(_names_a_kind(i.text, form) for form in forms)]
    return _headed(doc, kinds, hits, lang, "") if len(kinds) >= 2 else None


def _headed(doc: Document, items: list[Item], hits: Sequence[Hit], lang: str, label: str) -> tuple[str, Quotes]:
    """The intro ("《title》目录（共8项）：") and the quotes, each under the document's titles (hit_for takes them
    from a retrieved passage of the document, and none may be)."""
    quotes = [
        [(replace(hit_for(i.chunk, hits), doc_title=doc.title, doc_title_en=doc.title_en), i.text, i.translation)]
        for i in items
    ]
    if lang == "zh":
        return f"《{doc.title}》{label}（共{len(items)}项）：", quotes
    title = doc.title_en or doc.title
    return (f"{title}: contents ({len(items)} items):" if label else f"{title} ({len(items)} items):"), quotes


def _chinese_of(word: str, items: Sequence[Item]) -> list[str]:
    """The Chinese for an English word as the headings translate it: the two characters every heading whose
    translation has the word shares ("factor": 要素 of 二–八)."""
    stem = word.lower().removesuffix("s")
    having = [i.text for i in items if stem in (i.translation or "").lower()]
    if len(having) < 2:
        return []
    first = having[0]
    return [first[k : k + 2] for k in range(len(first) - 1) if all(first[k : k + 2] in h for h in having[1:])][:1]


def _names_a_kind(heading: str, word: str) -> bool:
    """Whether ``word`` in ``heading`` follows a noun that says which kind ("土地要素", "资本 要素"), not a verb
    or adjective ("加快 要素价格", "健全 要素市场")."""
    if word not in heading:
        return False
    import jieba.posseg  # the full dictionary's parts of speech, read on the first such question

    before = None
    for token in jieba.posseg.lcut(heading):
        if token.word.endswith(word) and len(token.word) > len(word):
            return True  # "土地要素": the kind inside one word
        if token.word.startswith(word):
            return before is not None and before.flag.startswith("n")
        before = token
    return False
