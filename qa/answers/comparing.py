"""Comparisons answered in parts, one per side: two named documents, two sections, or two terms.

"开放许可和强制许可有什么区别？" was answered with Patent Law Art. 60 (how a compulsory licence is
announced) and the open-licence declaration's list of contents: each quote was about one of the
two, none said what either is, and nothing showed which side a quote was on. A comparison of two
terms now quotes, for each term, the best sentences that name it (the passages come from a search
for the term itself, :func:`qa.search.asked.compared_terms`), under the term as a label — the
reader sees the two definitions side by side. Two named documents or two sections pointed at
("(1) vs (6)") are answered the same way, by document or by section.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from qa.answers.sentences import Asked, Sentence, choose, whole_units
from qa.answers.writing import AnswerWriter
from qa.schema import Answer, Hit
from qa.search.asked import COMPARE

Sentences = Callable[[Hit, int, Asked], list[Sentence]]
_COMPARING_WORDS = re.compile(rf"(?:{COMPARE.pattern})\w*", re.I)  # "differ" and "difference", 区别…


class Comparer:
    """Builds a comparison answer from the sides it finds in the retrieved passages."""

    def __init__(
        self,
        sentences: Sentences,
        writer: AnswerWriter,
        start: Callable[[Hit], int],
        tokens: Callable[[str], frozenset[str]],
    ) -> None:
        self.sentences = sentences  # a passage's sentences scored against the question
        self.writer = writer
        self.start = start  # where a passage starts in its document (sections are compared in order)
        self.tokens = tokens  # a text's words, to find which passages name a term

    def compare(
        self,
        question: str,
        lang: str,
        pool: list[Hit],
        referenced: list[Hit],
        named: Sequence[str],
        terms: Sequence[str],
        asked: Asked,
        hits: Sequence[Hit],
    ) -> Answer | None:
        """The comparison's answer, or None when fewer than two sides have something to quote."""
        sides: dict[str, list[Hit]] = {}
        if len(named) >= 2:
            for doc_id in named:
                sides[doc_id] = [h for h in pool if h.doc_id == doc_id][:3]
        elif referenced:
            for hit in referenced:
                sides.setdefault(hit.section.split(" › ")[-1], []).append(hit)
            sides = dict(sorted(sides.items(), key=lambda kv: self.start(kv[1][0])))  # 2.1 before 2.5
        elif len(terms) == 2:
            bare = self.bare(question, terms)
            defining: dict[str, list[Hit]] = {}
            for term in terms:
                naming = [h for h in pool if self.names(h.text, term) or self.names(h.translation or "", term)]
                defining[term] = [h for h in naming if h.ranks.get("first_naming")]
                # a question that asks nothing but the difference: where each document first names the term
                # (defines it); else the passages naming it, in the question's order
                sides[term] = defining[term] if bare and defining[term] else naming[:4]
            shared = set.intersection(*({h.doc_id for h in hits} for hits in defining.values()))
            if bare and shared:  # like with like: both where one document defines them (the law's Art. 50 and
                # Art. 53, not its Regulations' Art. 90 on how a compulsory licence is requested), the one
                # that ranks the first term's definition highest
                doc = next(h.doc_id for h in defining[terms[0]] if h.doc_id in shared)
                sides = {term: [h for h in sides[term] if h.doc_id == doc] for term in terms}
            if self.joint(pool[:5], terms, asked):
                return None  # "发明专利权的期限为二十年，实用新型专利权的期限为十年": one sentence answers both
        groups, labels = [], []
        for key, side in sides.items():
            if not side:
                continue
            candidates = [s for rank, hit in enumerate(side) for s in self.sentences(hit, rank, asked)]
            if key in terms:  # a term's side: sentences that name it and not the other
                candidates = [s for s in candidates if self.names_only(s, key, terms)]
            # whole units here too: an item with its article's lead-in, a list's lead-in with its items
            chosen = whole_units(choose(candidates, limit=3), candidates, 5)
            if not chosen:
                continue
            groups.append([(s.hit, s.source, s.translation) for s in chosen])
            first = chosen[0].hit
            if len(named) >= 2:
                labels.append(f"《{first.doc_title}》" if lang == "zh" else (first.doc_title_en or first.doc_title))
            elif key in terms:
                labels.append(key)
            else:
                section = first.section_en if lang == "en" and first.section_en else first.section
                labels.append(section.split(" › ")[-1])
        if len(groups) < 2:
            return None
        intro = f"分{len(groups)}方面对比：" if lang == "zh" else f"Side by side ({len(groups)} parts):"
        return self.writer.assemble(question, lang, groups, hits, intro=intro, labels=labels)

    def joint(self, best: Sequence[Hit], terms: Sequence[str], asked: Asked) -> bool:
        """Whether the best-scored sentence of the best passages names both terms (then it answers both)."""
        candidates = [s for rank, hit in enumerate(best) for s in self.sentences(hit, rank, asked)]
        top = max(candidates, key=lambda s: s.score, default=None)
        text = f"{top.source}\n{top.translation or ''}" if top else ""
        return top is not None and all(self.names(text, term) for term in terms)

    def names_only(self, sentence: Sentence, term: str, terms: Sequence[str]) -> bool:
        """Whether the sentence names ``term`` and not the other term (quoted once, not on both sides)."""
        text = f"{sentence.source}\n{sentence.translation or ''}"
        return self.names(text, term) and not any(self.names(text, t) for t in terms if t != term)

    def bare(self, question: str, terms: Sequence[str]) -> bool:
        """Whether the question asks only how the terms differ ("开放许可和强制许可有什么区别"), not how they
        differ in something ("……的保护期限有什么不同")."""
        rest = _COMPARING_WORDS.sub(" ", question)
        for term in terms:
            rest = rest.replace(term, " ")
        return not self.tokens(rest)

    def names(self, text: str, term: str) -> bool:
        """Whether ``text`` names ``term``: verbatim, or every word of it ("open licensing" in "an open license")."""
        if term in text:
            return True
        words, have = self.tokens(term), self.tokens(text)
        # "licensing" is stemmed licens, "license" license: a word and a longer one it starts count as one
        return bool(words) and all(w in have or any(len(w) >= 5 and t.startswith(w) for t in have) for w in words)
