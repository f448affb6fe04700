"""The bilingual glossary: one English rendering per key term, checked everywhere.

Readers of a translated policy text must be able to trust that 价值融合 is
"value integration" in every paragraph, not three different phrases. The glossary
is ``corpus/glossary.tsv`` (tab-separated, ``#`` comments); this module reads it,
finds terms in Chinese text (longest match first, so 战略性新兴产业 is not also
read as a shorter term inside it) and checks aligned translations.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from qa.corpus.documents import CorpusError
from qa.schema import Document

COLUMNS = ["zh", "en", "also", "category", "note"]


@dataclass(frozen=True)
class Term:
    zh: str
    en: str
    also: tuple[str, ...] = ()
    category: str = ""
    note: str = ""

    @property
    def renderings(self) -> tuple[str, ...]:
        return (self.en, *self.also)


@dataclass(frozen=True)
class Violation:
    """A glossary term present in a Chinese segment whose English rendering is missing."""

    doc_id: str
    segment_id: str
    term: Term

    def __str__(self) -> str:
        return f"{self.doc_id}/{self.segment_id}: {self.term.zh} -> expected {self.term.en!r}"


class Glossary:
    """Glossary terms with longest-match lookup over Chinese text."""

    def __init__(self, terms: list[Term]) -> None:
        self.terms = terms
        self._by_zh = {t.zh: t for t in terms}
        # Longest first: at each place the regex engine takes the first alternative that matches, so
        # the scan is leftmost-longest as a hand-written loop would be, in C (English answers look up
        # every quoted sentence's terms; the loop took 0.2 ms a sentence, about 8% of a question's time).
        longest_first = sorted(self._by_zh, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, longest_first))) if longest_first else None

    def __len__(self) -> int:
        return len(self.terms)

    def get(self, zh: str) -> Term | None:
        return self._by_zh.get(zh)

    @classmethod
    def load(cls, path: Path) -> Glossary:
        try:
            lines = path.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise CorpusError(path, 0, f"cannot read glossary ({exc})") from exc
        numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.startswith("#")]
        if not numbered or numbered[0][1].split("\t") != COLUMNS:
            raise CorpusError(path, numbered[0][0] if numbered else 1, f"header must be: {' '.join(COLUMNS)}")
        terms: list[Term] = []
        seen: set[str] = set()
        for number, line in numbered[1:]:
            row = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
            if len(row) < 2 or not row[0].strip() or not row[1].strip():
                raise CorpusError(path, number, "a term needs at least a zh and an en column")
            if row[0] in seen:
                raise CorpusError(path, number, f"duplicate term {row[0]!r}")
            seen.add(row[0])
            row += [""] * (len(COLUMNS) - len(row))
            also = tuple(a.strip() for a in row[2].split("|") if a.strip())
            terms.append(Term(row[0].strip(), row[1].strip(), also, row[3].strip(), row[4].strip()))
        return cls(terms)

    def find(self, text: str) -> Iterator[tuple[int, Term]]:
        """Glossary terms in ``text``, scanning left to right, longest match first."""
        if self._pattern is None:
            return
        for match in self._pattern.finditer(text):
            yield match.start(), self._by_zh[match.group()]

    def violations(self, doc: Document) -> list[Violation]:
        """Terms in a translated Chinese segment whose English rendering is absent from its translation."""
        found = []
        for seg in doc.segments:
            if seg.translation is None or seg.lang != "zh":
                continue
            english = seg.translation.lower()
            seen: set[str] = set()
            for _, term in self.find(seg.text):
                if term.zh in seen:
                    continue
                seen.add(term.zh)
                if not any(r.lower() in english for r in term.renderings):
                    found.append(Violation(doc.id, seg.id, term))
        return found
