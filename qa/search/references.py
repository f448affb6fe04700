"""Explicit references in a question, resolved to passages: 专利法第五十条, Article 45, §2.3, 第四条政策建议.

Researchers cite by number. Word matching treats "第四条政策建议" (the paper's
fourth proposal) like any text containing 第四条 — every law's Article 4 — so
references are parsed first and resolved against the corpus structure:
document aliases from each ``meta.yaml``, article and item ids, the paper's
section numbers, its proposals (1)–(6), tensions 2.1–2.5 and tables.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from qa.schema import Chunk, Document
from qa.search.reference_patterns import (
    ABOUT_LAW,
    ABOUT_PAPER,
    ARTICLE_EN,
    ARTICLE_ZH,
    CJK,
    COUNTED,
    DOC_NUMBER,
    FIGURE,
    ITEM,
    ITEM_EN,
    LEADING,
    LOGIC_EN,
    LOGIC_ZH,
    PROPOSAL_EN,
    PROPOSAL_ZH,
    SECTION,
    TABLE,
    TENSION_EN,
    TENSION_ZH,
    TREND_EN,
    TREND_ZH,
    ZH_NUMERALS,
    article_id,
    articles_bound,
    distributed,
    number,
    number_key,
)
from qa.search.section_names import section_names
from qa.search.titles import LAW_EN, RULES_EN, TitleMatcher, foreign_laws, laws_named, name_words, short_title
from qa.search.versions import of_the_year, version_year
from qa.text import zh_number


@dataclass(frozen=True)
class Reference:
    """A resolved reference: which document (None = any) and which segment ids or prefixes."""

    label: str
    doc_id: str | None
    prefixes: tuple[str, ...]  # a chunk matches when one of its segment ids starts with one of these


class ReferenceResolver:
    """Finds references in questions and returns the chunks they point at."""

    def __init__(self, docs: Iterable[Document]) -> None:
        self._named = functools.lru_cache(maxsize=1024)(self._documents_named)
        self._by_doc: tuple[Sequence[Chunk], dict[str, list[int]]] | None = None
        pairs = []
        docs = list(docs)
        self.titles = {doc.id: (doc.title, doc.title_en) for doc in docs}
        self._years = {doc.id: version_year(doc) for doc in docs}  # which version: "按2017年修正的…"
        # A document the user added has a Chinese title only: an English question names it as "the
        # Foreign Investment Law", found through the title words' dictionary glosses.
        self.untitled = {doc.id: doc.title for doc in docs if not doc.title_en}
        self.title_matcher = TitleMatcher(self.untitled)
        self.numbers = {}  # 国办发〔2021〕26号 -> document id
        for doc in docs:
            number = doc.meta.get("doc_number")
            if isinstance(number, str) and DOC_NUMBER.fullmatch(number.strip()):
                self.numbers[number_key(number)] = doc.id
                pairs.append((number.strip(), doc.id))
        for doc in docs:
            for alias in doc.meta.get("aliases") or []:
                pairs.append((str(alias), doc.id))
            if not doc.meta.get("aliases") and not doc.title_en:  # an added law is named by its title
                pairs.extend((name, doc.id) for name in {doc.title, short_title(doc.title)} if len(name) >= 3)
        self.aliases = sorted(pairs, key=lambda p: -len(p[0]))  # longest first: 专利法实施细则 before 专利法
        # Chinese names are found as plain substrings, English ones by a pattern compiled once: with
        # a library of laws there are thousands, more than the re module's cache of patterns.
        self._alias_patterns = [
            (alias, None if CJK.search(alias) else re.compile(rf"\b{re.escape(alias)}\b", re.I), doc_id)
            for alias, doc_id in self.aliases
        ]
        # every name a document goes by, for telling a law the corpus lacks (laws_missing)
        self._known = [t.lower() for pair in self.titles.values() for t in pair if t] + [a.lower() for a, _ in pairs]
        self.paper = next((d.id for d in docs if d.meta.get("doc_type") == "journal article"), "paper")
        paper = next((d for d in docs if d.id == self.paper), None)
        self.section_names = section_names(paper) if paper is not None else []

    def prepare(self, chunks: Sequence[Chunk]) -> None:
        """Make now what the first questions would otherwise wait for: the chunks by document (55 ms
        at the whole archive) and, with added documents, their titles' English glosses (0.6 s, read
        by the first English question that names a law)."""
        self.positions(chunks)
        if self.untitled:
            self.title_matcher.glosses()

    def documents_named(self, question: str) -> tuple[list[str], str]:
        """Documents the question names (by alias), and the question with those names blanked.

        One question asks this several times (references, the named-document leg, the
        answer), so results are remembered per question text.
        """
        found, text = self._named(question)
        return list(found), text

    def _documents_named(self, question: str) -> tuple[tuple[str, ...], str]:
        found: list[str] = []
        text = question
        named: set[str] = set()  # aliases found (and blanked): every version of a law goes by the same one
        for alias, pattern, doc_id in self._alias_patterns:
            if alias in named:
                hit = True
            elif pattern is None:
                if hit := alias in text:
                    text = text.replace(alias, " ")
            elif hit := bool(pattern.search(text)):
                text = pattern.sub(" ", text)
            if hit:
                named.add(alias)
            if hit and doc_id not in found:
                found.append(doc_id)
        for pattern in (LAW_EN, *RULES_EN):
            for m in pattern.finditer(text):
                titled = self.titled(m.group(1))
                found.extend(d for d in titled if d not in found)
                if titled:
                    text = text.replace(m.group(1), " ")
        found = of_the_year(found, question, self._years, {d: self.titles[d][0] for d in found})
        return tuple(found), text

    def titled(self, name: str) -> list[str]:
        """Documents with only a Chinese title that an English law name names (qa.search.titles)."""
        words = name_words(name)
        return self.title_matcher.match(words) if words else []

    def laws_missing(self, question: str) -> list[str]:
        """Laws and acts the question names that are none of the documents (《商标法》, the Copyright Law)."""
        # with documents named in Chinese only, an English name cannot be ruled out
        missing: list[str] = []
        for name in laws_named(question, english=not self.untitled):
            key = short_title(name.lower())
            if len(key) < 2 or any(key in k or k in key for k in self._known):
                continue
            if not any(name in other for other in missing):  # 著作权法 inside 《中华人民共和国著作权法》
                missing.append(name)
        return [f"《{n}》" if CJK.search(n) else n for n in missing]

    def parse(self, question: str) -> list[Reference]:
        refs: list[Reference] = []
        text = distributed(question)  # 第二条和第三条政策建议: proposals (2) and (3), not Article 2
        for pattern, english in ((PROPOSAL_ZH, False), (PROPOSAL_EN, True)):
            for m in pattern.finditer(text):
                n = number(m.group(1) or m.group(2), english)
                if n:
                    refs.append(Reference(f"proposal ({n})", self.paper, (f"3-({n})",)))
            text = pattern.sub(" ", text)
        for pattern, english in ((TENSION_ZH, False), (TENSION_EN, True)):
            for m in pattern.finditer(text):
                n = number(m.group(1), english)
                if n:
                    refs.append(Reference(f"tension 2.{n}", self.paper, (f"2.{n}",)))
            text = pattern.sub(" ", text)
        for pattern, english, kind, prefix in (
            (LOGIC_ZH, False, "logic", "1.{}"),
            (LOGIC_EN, True, "logic", "1.{}"),
            (TREND_ZH, False, "trend", "1.3-({})"),
            (TREND_EN, True, "trend", "1.3-({})"),
        ):
            for m in pattern.finditer(text):
                n = number(m.group(1), english)
                if n:
                    refs.append(Reference(f"{kind} {n}", self.paper, (prefix.format(n),)))
            text = pattern.sub(" ", text)
        for m in DOC_NUMBER.finditer(text):
            if number_key(m.group()) not in self.numbers:  # 国发〔2016〕16号: a document the corpus lacks
                refs.append(Reference(f"document {LEADING.sub('', m.group())}", "", ()))
        for name in foreign_laws(text):  # "德国专利法": its 专利法 is not the shipped Patent Law
            refs.append(Reference(f"document {name}", "", ()))
            text = text.replace(name, " ")
        docs, rest = self.documents_named(text)
        if not docs:
            refs.extend(Reference(f"document {name}", "", ()) for name in self.laws_missing(text))
        law_docs: list[str | None] = [d for d in docs if d != self.paper] or [None]
        about_paper = self.paper in docs or ABOUT_PAPER.search(rest)
        if law_docs == [None] and about_paper and not ABOUT_LAW.search(rest):
            rest = ARTICLE_ZH.sub(" ", ARTICLE_EN.sub(" ", rest))  # 文章的第四条“文化逻辑”: not a law's Article 4
        bound = articles_bound(question, self._name_spans(question)) if len(law_docs) > 1 else {}
        for m in ARTICLE_ZH.finditer(rest):
            n = number(m.group(1), False)
            if n:
                refs.extend(Reference(f"article {n}", d, (article_id(n),)) for d in bound.get(n, law_docs))
        for m in ARTICLE_EN.finditer(rest):
            n = int(m.group(1))
            refs.extend(Reference(f"article {n}", d, (article_id(n),)) for d in bound.get(n, law_docs))
        rest = ARTICLE_ZH.sub(" ", ARTICLE_EN.sub(" ", rest))
        for m in ITEM.finditer(rest):
            part, item = m.group(1), m.group(2)
            prefix = f"{part}（{item}）" if part else f"（{item}）"
            refs.extend(Reference(f"item {prefix}", d, (prefix,)) for d in law_docs)
        if law_docs != [None]:  # "item (33) of the factor-market opinion": its items are numbered （三十三）
            for m in ITEM_EN.finditer(rest):
                prefix = f"（{article_id(int(m.group(1)))[1:-1]}）"
                refs.extend(Reference(f"item {prefix}", d, (prefix,)) for d in law_docs)
        for m in SECTION.finditer(rest):
            refs.append(Reference(f"section {m.group(1)}.{m.group(2)}", self.paper, (f"{m.group(1)}.{m.group(2)}",)))
        for m in TABLE.finditer(rest):
            refs.append(Reference(f"table {m.group(1)}", self.paper, (f"t{m.group(1)}",)))
        if FIGURE.search(rest):
            refs.append(Reference("figure 1", self.paper, ("fig1",)))
        return refs

    def _name_spans(self, question: str) -> list[tuple[int, int, str]]:
        """Where the question names a law (not the paper): start, end, document; in order."""
        names: list[tuple[int, int, str]] = []
        for alias, pattern, doc_id in self._alias_patterns:
            if doc_id == self.paper:
                continue
            # a plain alias by str.find: thousands of them once the law archive is added, and each compiled
            # regex pushed out of re's cache of 512 was compiled again per question (0.35 s for one at the archive)
            spans = [(m.start(), m.end()) for m in pattern.finditer(question)] if pattern else _spans(alias, question)
            names.extend((a, b, doc_id) for a, b in spans if not any(a >= s and b <= e for s, e, _ in names))
        return sorted(names)

    def resolve(self, question: str, chunks: Sequence[Chunk]) -> list[int]:
        """Positions of the chunks the question's references point at, in corpus order."""
        refs = self.parse(question)
        if not refs:
            return []
        hits = []
        for i in self._candidates(refs, chunks):
            chunk = chunks[i]
            if chunk.kind == "outline":  # an outline repeats the heading; the passage itself is the answer
                continue
            if any(_points_at(ref, chunk) for ref in refs):
                hits.append(i)
        return hits

    def _candidates(self, refs: Sequence[Reference], chunks: Sequence[Chunk]) -> Iterable[int]:
        """Positions of the chunks of the documents ``refs`` name, in corpus order (all, if one names none).

        With the law archive added there are 74,441 chunks: looking only at the named
        documents' took a reference question from ~37 ms to well under one.
        """
        if any(ref.doc_id is None for ref in refs):
            return range(len(chunks))
        by_doc = self.positions(chunks)
        return sorted(i for doc_id in {ref.doc_id for ref in refs} for i in by_doc.get(doc_id or "", ()))

    def positions(self, chunks: Sequence[Chunk]) -> dict[str, list[int]]:
        """Chunk positions by document, made once for the index's chunk list (the one every call passes)."""
        cached = self._by_doc
        if cached is None or cached[0] is not chunks:
            by_doc: dict[str, list[int]] = {}
            for i, chunk in enumerate(chunks):
                by_doc.setdefault(chunk.doc_id, []).append(i)
            cached = self._by_doc = (chunks, by_doc)
        return cached[1]

    def sections_named(self, question: str, chunks: Sequence[Chunk]) -> list[int]:
        """Chunks of the paper's tensions or proposals the question names by name, not number.

        "前瞻性与实践性", "the whole and the local", "源头融合", "national technological capability
        reserve": a reader names a section by what it is about. Only one or two sections
        count — a question listing all five tensions names none in particular.
        """
        named = {prefix for pattern, prefix in self.section_names if pattern.search(question)}
        if not named or len(named) > 2:
            return []
        return [
            i
            for i in self.positions(chunks).get(self.paper, [])
            if chunks[i].kind != "outline"
            and any(_matches(seg, prefix) for seg in chunks[i].segment_ids for prefix in named)
        ]

    def dangling(self, question: str, chunks: Sequence[Chunk]) -> list[Dangling]:
        """The question's references that point at nothing (第七条政策建议, 专利法第二百条), with what exists.

        Only when *every* reference of the question dangles: "第五条和第七条政策建议"
        still has something to answer from.
        """
        refs = self.parse(question)
        if not refs or any(_points_at(ref, chunks[i]) for ref in refs for i in self._candidates([ref], chunks)):
            return []
        return [self._describe(ref, chunks) for ref in refs]

    def _describe(self, ref: Reference, chunks: Sequence[Chunk]) -> Dangling:
        """What the corpus has instead of ``ref``, in both languages."""
        kind = ref.label.split(" ")[0]
        if kind == "document":
            name = ref.label.split(" ", 1)[1]
            return Dangling(ref.label, f"文档库中没有{name}这份文件。", f"{name} is not one of the documents.")
        paper = [seg for i in self.positions(chunks).get(self.paper, []) for seg in chunks[i].segment_ids]
        if kind in COUNTED:  # the paper's numbered parts: say how many there are
            pattern, zh, en = COUNTED[kind]
            n = len({s for s in paper if re.fullmatch(pattern, s)})
            return Dangling(ref.label, zh.format(n=n), en.format(n=n))
        if kind in ("table", "figure", "section"):
            tables = len({s for s in paper if re.fullmatch(r"t\d", s)})
            return Dangling(
                ref.label,
                f"论文有{tables}张表、1张图，章节为{_sections_span(paper, 'zh')}。",
                f"The paper has {tables} tables, one figure and sections {_sections_span(paper, 'en')}.",
            )
        if kind == "item" and ref.doc_id is not None:
            return self._items(ref, chunks)
        counts: dict[str, int] = {}
        for chunk in chunks:
            for seg in chunk.segment_ids:
                m = re.fullmatch(rf"第([{ZH_NUMERALS}]+)条", seg)
                if m:
                    try:
                        counts[chunk.doc_id] = max(counts.get(chunk.doc_id, 0), zh_number(m.group(1)))
                    except ValueError:
                        continue
        if ref.doc_id in counts:
            zh_title, en_title = self.titles.get(ref.doc_id, (ref.doc_id, None))
            n = counts[ref.doc_id]
            return Dangling(ref.label, f"《{zh_title}》共{n}条。", f"The {en_title or zh_title} has {n} articles.")
        longest = max(counts.values(), default=0)
        return Dangling(
            ref.label,
            f"文档中没有这一条（最长的法律共{longest}条）。",
            f"None of the documents has that article (the longest has {longest}).",
        )

    def _items(self, ref: Reference, chunks: Sequence[Chunk]) -> Dangling:
        """How many numbered items a document has (an opinion's （一）–（三十二））, for an item it lacks."""
        n = 0
        for i in self.positions(chunks).get(ref.doc_id or "", ()):
            for seg in chunks[i].segment_ids:
                m = re.search(rf"（([{ZH_NUMERALS}]+)）$", seg)
                if m:
                    with contextlib.suppress(ValueError):
                        n = max(n, zh_number(m.group(1)))
        zh_title, en_title = self.titles.get(ref.doc_id or "", (ref.doc_id or "", None))
        if not n:
            return Dangling(
                ref.label, f"《{zh_title}》没有编号的项。", f"The {en_title or zh_title} has no numbered items."
            )
        last = article_id(n)[1:-1]
        return Dangling(
            ref.label,
            f"《{zh_title}》共{n}项（（一）–（{last}））。",
            f"The {en_title or zh_title} has {n} items, (1)–({n}).",
        )


@dataclass(frozen=True)
class Dangling:
    """A reference to something the corpus does not have, and what it does have nearby."""

    label: str
    zh: str
    en: str


def _points_at(ref: Reference, chunk: Chunk) -> bool:
    if ref.doc_id not in (None, chunk.doc_id):
        return False
    return any(_matches(seg, p) for seg in chunk.segment_ids for p in ref.prefixes)


def _matches(segment_id: str, prefix: str) -> bool:
    if prefix.startswith("（"):  # an item number: the id ends with it (五（十五）)
        return segment_id.endswith(prefix)
    if prefix.startswith("第"):  # an article: exact
        return segment_id == prefix
    return segment_id == prefix or segment_id.startswith((prefix + "-", prefix + "."))


def _spans(needle: str, text: str) -> list[tuple[int, int]]:
    """Where ``needle`` occurs in ``text``, without overlaps (as ``re.finditer(re.escape(needle))``)."""
    spans: list[tuple[int, int]] = []
    at = text.find(needle)
    while at >= 0 and needle:
        spans.append((at, at + len(needle)))
        at = text.find(needle, at + len(needle))
    return spans


def _sections_span(segments: Sequence[str], lang: str) -> str:
    """The paper's sections and their subsections: "1 (1.1–1.3), 2 (2.1–2.5), 3, 4" — not "1.1–2.5",
    which left out the six proposals of section 3 (a trial user's "Section 2.6")."""
    tops = sorted({s for s in segments if re.fullmatch(r"\d", s)}, key=int)
    parts = []
    for top in tops:
        subs = sorted((s for s in set(segments) if re.fullmatch(rf"{top}\.\d", s)), key=lambda s: int(s.split(".")[1]))
        if len(subs) < 2:
            parts.append(top)
            continue
        inside = f"{subs[0]}–{subs[-1]}"
        parts.append(f"{top}（{inside}）" if lang == "zh" else f"{top} ({inside})")
    return ("、" if lang == "zh" else ", ").join(parts) or "—"
