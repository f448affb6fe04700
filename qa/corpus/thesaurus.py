"""The thesaurus: everyday and Taiwan/Hong Kong words people type, mapped to the documents' terms.

It is corpus data (``corpus/thesaurus.tsv``, beside the glossary), so it is read here;
:mod:`qa.search.query` uses it to add the documents' terms to a Chinese question's
search form (躺在抽屉里 -> 束之高阁, 智慧财产权 -> 知识产权).
"""

from __future__ import annotations

import re
from pathlib import Path

# Everyday Chinese -> the words Chinese laws use (大学 -> 高等学校, 申诉 -> 行政复议), for any corpus:
# written from the 1,527 laws of the archive, every term in at least three of them (see its header).
LEGAL = Path(__file__).with_name("legal_thesaurus.tsv")
# English words and phrases people type -> the words Chinese laws use (landlord -> 出租人, liable ->
# 承担责任): the query translator's first senses for them (qa.search.crosslingual); same checks.
LEGAL_ENGLISH = Path(__file__).with_name("legal_english.tsv")

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class Thesaurus:
    """Everyday words -> the documents' terms, read from a two-column TSV .

    Lines: ``everyday<TAB>term[,term…]``; ``#`` starts a comment. Chinese entries
    match as substrings of the simplified question, English ones as whole words,
    case-insensitively.
    """

    def __init__(self, entries: list[tuple[str, tuple[str, ...]]]) -> None:
        self.entries = entries
        zh = [(k, v) for k, v in entries if _CJK.search(k)]
        en = [(k, v) for k, v in entries if not _CJK.search(k)]
        self._zh = sorted(zh, key=lambda e: -len(e[0]))
        self._en = [(re.compile(rf"(?<![A-Za-z]){re.escape(k)}(?![A-Za-z])", re.I), v) for k, v in en]

    @classmethod
    def load(cls, path: Path) -> Thesaurus:
        entries: list[tuple[str, tuple[str, ...]]] = []
        if not path.exists():
            return cls(entries)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = line.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                raise ValueError(f"{path}:{number}: expected 'everyday<TAB>term[,term…]'")
            terms = tuple(t.strip() for t in re.split(r"[,，]", parts[1]) if t.strip())
            entries.append((parts[0].strip(), terms))
        return cls(entries)

    def extended(self, general: Thesaurus) -> Thesaurus:
        """These entries, then ``general``'s for the words these do not cover (a corpus's own come first)."""
        keys = {key for key, _ in self.entries}
        return Thesaurus(self.entries + [(k, v) for k, v in general.entries if k not in keys])

    def terms_for(self, text: str) -> list[str]:
        """The documents' terms for the everyday words in ``text`` (simplified), each once."""
        found: list[str] = []
        for key, terms in self._zh:
            if key in text:
                found.extend(t for t in terms if t not in found and t not in text)
        for pattern, terms in self._en:
            if pattern.search(text):
                found.extend(t for t in terms if t not in found)
        return found
