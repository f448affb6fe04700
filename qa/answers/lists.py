"""List answers from the corpus's structure: every item, each with its own citation.

"What are the five tensions?" is answered by the sub-headings of section 2,
"融合四势" by the rows of Table 2, "哪些情形可以给予强制许可" by the numbered
clauses of an article. Nothing here knows those lists: a question with list
intent ("哪些", "五对", "what are the six …") is matched against the retrieved
passages that *have* items — outline passages (a heading and its sub-headings),
tables (rows), articles and items with numbered clauses — preferring one whose
item count equals the number the question asks for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qa.answers.sentences import aligned_text
from qa.corpus.documents import heading_label
from qa.schema import Chunk, Document, Hit, Segment
from qa.search.asked import is_heading
from qa.text import zh_number

_ZH_COUNT = re.compile(r"(?<![第\d.])([两三四五六七八九十]|[2-9])\s*(?:个|项|方面|对|大|种|点|条|类|势|层|重)")
# a number of years, yuan or per cent is a quantity, not how many items are asked for ("within 5 years")
_EN_COUNT = re.compile(
    r"(?<![\d.])\b(two|three|four|five|six|seven|eight|nine|ten|[2-9])\b(?![\d.])"
    r"(?!\s*(?:-\s*)?(?:years?|months?|days?|weeks?|hours?|yuan|%|percent|per cent|times)\b)",
    re.I,
)
# "proposals 3 and 5", "section 2", "Article 4", "year 5" of a fee: a number after these names a part or a
# point in time, it counts nothing
_EN_REFERENCE = re.compile(
    r"\b(?:proposals?|recommendations?|sections?|articles?|items?|parts?|chapters?|tables?|figures?|no\.?|"
    r"years?|months?|days?|weeks?|phases?|stages?|levels?|rounds?)\s*(?:\(?\d+\)?\s*(?:,|and|or|&|to)\s*)*\(?$",
    re.I,
)
_EN_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_ZH_INTENT = re.compile(
    r"哪[几些]|有哪|几[个项方对点种类大条]|列[出举]|分别|包括|具体指|指哪|都是什么|都有什么|各是什么"
)
_EN_INTENT = re.compile(
    r"\b(what are|which are|list|name the|enumerate|what were|rundown|give me the|outline the)\b"
    r"|\b(?:what|which)\s+(?:\w+\s+){0,3}?(?:recommendations|proposals|suggestions|measures|tensions|relationships|"
    r"relations|pairs|trends|logics|mechanisms|steps|elements|principles|stages|areas|ways|types|kinds|categories|"
    r"conditions|circumstances|situations|requirements)\b",
    re.I,
)
_NUMBERED = re.compile(r"^\s*(?:（[一二三四五六七八九十]+）|[①②③④⑤⑥⑦⑧⑨⑩])")
_CIRCLED = re.compile(r"[①②③④⑤⑥⑦⑧⑨⑩]")
_FIRST = ("（一）", "①")


MIN_OUTLINE = 0.05  # the least of a question an outline's headings must cover to list them (choose_list)…
OWN_RANK = 3  # …when reached through a passage ranked below this
_HEADING_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+(?:\.\d+)*\.?\s)")
SECTION_NAMED = 0.6  # of a heading's words (IDF-weighted) a question repeats to ask for its section's items


@dataclass(frozen=True)
class ListIntent:
    count: int | None  # the number of items the question asks for, if it says


@dataclass(frozen=True)
class Item:
    """One list item: the chunk to cite and the segment (or line) that states the item."""

    chunk: Chunk
    text: str  # exact substring of chunk.text
    translation: str | None  # exact substring of chunk.translation, when there is one


def list_intent(question: str) -> ListIntent | None:
    """Whether the question asks for a list, and how many items it expects."""
    zh = _ZH_COUNT.search(question)
    en = next((m for m in _EN_COUNT.finditer(question) if not _EN_REFERENCE.search(question[: m.start()])), None)
    count = None
    if zh:
        token = zh.group(1)
        count = int(token) if token.isdigit() else 2 if token == "两" else zh_number(token)
    elif en:
        token = en.group(1).lower()
        count = int(token) if token.isdigit() else _EN_NUMBERS[token]
    if count is not None or _ZH_INTENT.search(question) or _EN_INTENT.search(question):
        return ListIntent(count)
    return None


class Structure:
    """Lookups from the corpus structure to the chunks that hold each segment."""

    def __init__(self, docs: dict[str, Document], chunks: list[Chunk]) -> None:
        self.docs = docs
        self.segments: dict[tuple[str, str], Segment] = {(d.id, s.id): s for d in docs.values() for s in d.segments}
        self.holder: dict[tuple[str, str], Chunk] = {}
        self.outlines: dict[tuple[str, str], Chunk] = {}  # (doc, heading id) -> its outline chunk
        self._sections: dict[str, list[Item]] = {}  # chunk id -> the items of the section it opens
        for chunk in chunks:
            if chunk.kind == "outline":
                self.outlines[(chunk.doc_id, chunk.segment_ids[0])] = chunk
                continue
            for seg_id in chunk.segment_ids:
                self.holder.setdefault((chunk.doc_id, seg_id), chunk)
        self.ancestors: dict[tuple[str, str], list[str]] = {}  # (doc, segment) -> heading ids, innermost first
        for doc in docs.values():
            stack: list[Segment] = []
            for seg in doc.segments:
                if seg.kind == "heading":
                    while stack and stack[-1].level >= seg.level:
                        stack.pop()
                    stack.append(seg)
                self.ancestors[(doc.id, seg.id)] = [h.id for h in reversed(stack)]

    def section_outlines(self, chunk: Chunk) -> list[Chunk]:
        """Outline chunks of the sections a chunk sits in, innermost first."""
        heads = self.ancestors.get((chunk.doc_id, chunk.segment_ids[0]), [])
        return [self.outlines[(chunk.doc_id, h)] for h in heads if (chunk.doc_id, h) in self.outlines]

    def lists(self, chunk: Chunk) -> list[list[Item]]:
        """The lists a passage holds, each of two items or more (none when it is not a list).

        An outline lists its sub-headings and a table its rows; prose lists its numbered
        clauses, one list per run from （一） or ① on — "在把握…上，①要…；②要…" is two items
        even inside one paragraph, and a passage can hold two such runs.
        """
        if chunk.kind == "outline":
            return _at_least_two([self._segment_items(chunk.doc_id, chunk.segment_ids[1:])])
        rows = [s for s in chunk.segment_ids if self._kind(chunk.doc_id, s) == "row"]
        if len(rows) >= 3:
            body = [s for s in rows if self.segments[(chunk.doc_id, s)].attr("header") != "1"]
            return _at_least_two([self._segment_items(chunk.doc_id, tuple(body))])
        return _at_least_two(_numbered(chunk, prose=False))

    def names_its_section(self, chunk: Chunk, names: Callable[[str], float]) -> bool:
        """Whether a question repeats most of the heading ``chunk`` opens, its number aside ("五、", "2.3 ",
        "（十五）" are no words of it): ``names(text)`` is how much of ``text`` the question repeats. Then
        the question asks for that section's items (:data:`SECTION_NAMED`)."""
        heading = self.opening_heading(chunk)
        return heading is not None and names(_HEADING_NUMBER.sub("", heading.text)) >= SECTION_NAMED

    def opening_heading(self, chunk: Chunk) -> Segment | None:
        """The heading a passage opens with, if it does (not an outline's)."""
        first = self.segments.get((chunk.doc_id, chunk.segment_ids[0]))
        return first if chunk.kind != "outline" and first is not None and first.kind == "heading" else None

    def section_items(self, chunk: Chunk) -> list[Item]:
        """The items of the section a passage opens ("五、加快发展技术要素市场" and its （十五）–（十九）), each
        by its first sentence. The policy opinions' sections have no outline passage, and "加快发展技术
        要素市场有哪些举措" was answered with the one item that ranked first (a trial user). Remembered:
        the list answer asks again for its title (:meth:`listing_title`)."""
        if chunk.id not in self._sections:
            self._sections[chunk.id] = self._section_items(chunk)
        return self._sections[chunk.id]

    def _section_items(self, chunk: Chunk) -> list[Item]:
        doc = self.docs.get(chunk.doc_id)
        heading = self.opening_heading(chunk)
        if doc is None or heading is None:
            return []
        items = []
        for seg in doc.segments:
            if seg.kind == "item" and self.ancestors.get((doc.id, seg.id), [""])[0] == heading.id:
                holder = self.holder.get((doc.id, seg.id))
                first = _opening_sentence(holder, seg) if holder is not None else None
                if first is not None:
                    items.append(first)
        return items

    def prose_lists(self, chunk: Chunk) -> list[list[Item]]:
        """Numbered clauses inside a paragraph: a list only when the question counts them (see :func:`choose_list`)."""
        return _at_least_two(_numbered(chunk, prose=True))

    def _kind(self, doc_id: str, seg_id: str) -> str:
        seg = self.segments.get((doc_id, seg_id))
        return seg.kind if seg else ""

    def _segment_items(self, doc_id: str, seg_ids: tuple[str, ...]) -> list[Item]:
        items = []
        for seg_id in seg_ids:
            seg = self.segments.get((doc_id, seg_id))
            chunk = self.holder.get((doc_id, seg_id))
            if seg is None or chunk is None or seg.text not in chunk.text:
                continue
            translation = (
                seg.translation
                if seg.translation and chunk.translation and seg.translation in chunk.translation
                else None
            )
            items.append(Item(chunk, seg.text, translation))
        return items

    def contents(self, doc_id: str) -> list[Item]:
        """A document's top-level headings, each quoted from the passage that holds it: "专利法有哪几章",
        "How is the paper structured?" share few words with any passage, and were answered with Art. 20
        or declined. Empty for a document with fewer than two."""
        doc = self.docs.get(doc_id)
        heads = [s for s in doc.segments if s.kind == "heading"] if doc is not None else []
        if not heads:
            return []
        top = min(s.level for s in heads)
        items = self._segment_items(doc_id, tuple(s.id for s in heads if s.level == top))
        return items if len(items) >= 2 else []

    def listing_title(self, listing: Chunk, items: list[Item], lang: str) -> str:
        """What a list answer is headed with: the heading of the section whose items it lists (the
        passage's own section path ends one level deeper, at "（十五）"), else the listing's label."""
        section = self.opening_heading(listing)
        if section is not None and items == self.section_items(listing):
            return heading_label(section.translation if lang == "en" and section.translation else section.text)
        return self.heading_label(listing, lang)

    def heading_label(self, chunk: Chunk, lang: str) -> str:
        label = chunk.section_en if lang == "en" and chunk.section_en else chunk.section
        return heading_label(label.split(" › ")[-1]) if label else ""


def _opening_sentence(chunk: Chunk, segment: Segment) -> Item | None:
    """The segment's first sentence as it stands in ``chunk`` (its holder), with its aligned translation."""
    at = chunk.text.find(segment.text[:40])
    spans, sources, translations = aligned_text(chunk.text, chunk.lang, chunk.translation)
    for (start, _), source, translation in zip(spans, sources, translations, strict=True):
        if start == at:
            return Item(chunk, source, translation)
    return None


def _numbered(chunk: Chunk, *, prose: bool) -> list[list[Item]]:
    """Runs of numbered clauses, each clause the sentence (cut from its number on) with its aligned translation.

    ``prose``: the runs inside a paragraph ("主要包括：① …；② …"), else those whose every
    clause starts a line (an article's （一）（二）, a section's ① ② sub-points).
    """
    runs: list[list[Item]] = []
    inline: list[bool] = []
    spans, sources, translations = aligned_text(chunk.text, chunk.lang, chunk.translation)
    for (start, _), source, translation in zip(spans, sources, translations, strict=True):
        mark = _NUMBERED.match(source) or _CIRCLED.search(source)
        if mark is None:
            continue
        text = source[mark.start() :].strip()
        if not runs or text.startswith(_FIRST):
            runs.append([])
            inline.append(False)
        marker = mark.group(0).strip()
        if translation and marker in translation:  # "…mainly include: ① the deep…" -> "① the deep…"
            translation = translation[translation.index(marker) :]
        runs[-1].append(Item(chunk, text, translation))
        at = chunk.text.find(text, start)
        inline[-1] = inline[-1] or (at > 0 and chunk.text[:at].rstrip(" \t")[-1:] != "\n")
    return [run for run, is_inline in zip(runs, inline, strict=True) if is_inline == prose]


def _at_least_two(runs: list[list[Item]]) -> list[list[Item]]:
    return [run for run in runs if len(run) >= 2]


def choose_list(
    intent: ListIntent,
    hits: list[Hit],
    chunks: dict[str, Chunk],
    structure: Structure,
    relevance: Callable[[Chunk], float],
    min_relevance: float = 0.4,
    names: Callable[[str], float] | None = None,
) -> tuple[Chunk, list[Item]] | None:
    """The listing passage that answers a list question, or None.

    Candidates are the retrieved passages that list items and the outlines of the
    sections they sit in. A candidate must be relevant (``relevance``, the share of
    the question its heading and items cover, at least ``min_relevance``); with a
    count in the question ("five tensions") its item count must match, without one
    it must be the top hit itself. ``names``: how much of a heading the question repeats; a
    question that repeats most of the heading the top hit opens with asks for that section's items
    (at least :data:`SECTION_NAMED`), not for a list inside its first one.
    """
    best: tuple[float, Chunk, list[Item]] | None = None
    for hit in hits:
        chunk = chunks.get(hit.chunk_id)
        if chunk is None or (intent.count is None and hit.rank != 1):
            continue
        own = relevance(chunk)
        outlines = structure.section_outlines(chunk) if intent.count is not None else []
        runs = [(c, run) for c in [chunk, *outlines] for run in structure.lists(c)]
        if hit.rank == 1 and intent.count is not None:  # "what four challenges…": ① … ④ inside the best passage
            runs += [(chunk, run) for run in structure.prose_lists(chunk)]
        if hit.rank == 1 and names is not None and structure.names_its_section(chunk, names):
            runs += [(chunk, run) for run in _at_least_two([structure.section_items(chunk)])]
        for candidate, items in runs:
            if intent.count is not None and len(items) != intent.count:
                continue
            # an outline reached through a passage of its section is as relevant as that passage — through one
            # of the best few, or if it shares something with the question itself: through a table of section 1
            # ranked 7th (0.23), "What three remedies does the paper propose for … regional S&T integration?"
            # got section 1's three logics (0.026); "What are the five tensions the paper names?" shares
            # nothing with the English headings, and is answered through its best passage
            if candidate is not chunk and hit.rank > OWN_RANK and relevance(candidate) < MIN_OUTLINE:
                continue
            score = max(relevance(candidate), own)
            needed = (
                min_relevance / 2 if intent.count is not None else min_relevance
            )  # a matching count is evidence too
            if score >= needed and (best is None or score > best[0]):
                best = (score, candidate, items)
    return (best[1], best[2]) if best else None


def lead_in(first: Item) -> tuple[str, str | None] | None:
    """The sentence that introduces a list, right before its first item and ending in "：" — with
    the part of the question a list alone drops: "申请专利的发明创造在申请日以前**六个月内**，有下列
    情形之一的，不丧失新颖性：" before Article 24's four cases (a trial user asked "多久内…有哪些情形")."""
    chunk = first.chunk
    start = chunk.text.find(first.text)
    if start <= 0:
        return None
    spans, sources, translations = aligned_text(chunk.text, chunk.lang, chunk.translation)
    before = [i for i, (a, b) in enumerate(spans) if b <= start]
    if not before or not sources[before[-1]].rstrip().endswith(("：", ":")):
        return None
    return sources[before[-1]], translations[before[-1]]


def opening_of(first: Item, question: str) -> list[tuple[str, str | None]]:
    """For a question that asks more than the list ("要写哪些内容？什么时候可以提？"), the sentences of the
    listing's passage before its lead-in: the article's opening paragraph, which says when, who or
    on what condition (Regulations Art. 85: "应当在公告授予专利权后提出"; a trial user got only the items).
    At most two, and none for a question with one ask."""
    asks = [a for a in re.split(r"[？?；;]", question) if len(a.strip()) >= 2]
    if len(asks) < 2 or lead_in(first) is None:
        return []
    chunk = first.chunk
    start = chunk.text.find(first.text)
    spans, sources, translations = aligned_text(chunk.text, chunk.lang, chunk.translation)
    before = [i for i, (_, b) in enumerate(spans) if b <= start][:-1]  # the last one is the lead-in
    said = [i for i in before if not is_heading(sources[i], chunk.section) and len(sources[i].strip()) > 6]
    return [(sources[i], translations[i]) for i in said[:2]]


def explanation_of(item: Item) -> tuple[str, str | None] | None:
    """For a short run-in heading such as （1）统域部署。, the sentence after it that explains it.

    A short clause of an article ("（一）自行投资实施转化；") is not a heading: the sentence after it
    is the next clause, which the list quotes as its own item (each one was quoted twice).
    """
    if len(item.text) > 16 or item.text.rstrip().endswith(("；", ";", "，", ",", "：", ":")):
        return None
    chunk = item.chunk
    start = chunk.text.find(item.text)
    if start < 0:
        return None
    spans, sources, translations = aligned_text(chunk.text, chunk.lang, chunk.translation)
    after = [i for i, (a, _) in enumerate(spans) if a >= start + len(item.text)]
    if not after:
        return None
    source = sources[after[0]]
    if _NUMBERED.match(source) or re.match(r"\s*[（(]\d+[）)]", source):
        return None  # the next item, not an explanation
    return source, translations[after[0]]


def hit_for(chunk: Chunk, hits: Sequence[Hit]) -> Hit:
    """A Hit for an item's chunk (the retrieved one if it was retrieved)."""
    for hit in hits:
        if hit.chunk_id == chunk.id:
            return hit
    doc_title = next((h.doc_title for h in hits if h.doc_id == chunk.doc_id), "")
    return Hit(
        chunk.id,
        chunk.doc_id,
        chunk.section,
        chunk.text,
        chunk.translation,
        0.0,
        0,
        chunk.lang,
        chunk.section_en,
        doc_title,
    )
