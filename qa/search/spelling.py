"""English typos in questions, corrected towards the documents' own words.

"univeristies", "goverment", "manufaturing": a misspelt word matches nothing in BM25, means
nothing to the embedding model, and counts as a word the corpus does not know — enough of
them and an in-scope question is declined. A word is corrected only when

- it is long enough for an edit to be a slip rather than another word (6 letters; 9 for two edits),
- neither the documents' English nor the English of CC-CEDICT's glosses (49,000 words, a
  guard against "correcting" real words the documents happen not to use: "weekend", "Boston",
  "sourdough" stay as typed) knows it, and
- a word of the documents is within one edit (two for long words; a swap of neighbouring
  letters is one edit), the most frequent such word winning.

Chinese is left alone: a wrong character is usually another real word.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable

from qa.search.tokenize import stem

_WORD = re.compile(r"[A-Za-z]+")
MIN_LENGTH = 6  # shorter words are corrected never: one edit turns "snow" into "show"
TWO_EDITS = 9  # from this length a word may be two edits off ("univeristies")


class Speller:
    """Corrects a question's English typos to the documents' words (see the module docstring)."""

    def __init__(self, english_texts: Iterable[str]) -> None:
        counts: Counter[str] = Counter()
        for text in english_texts:
            counts.update(w.lower() for w in _WORD.findall(text))
        self._counts = counts
        self._stems = {stem(w) for w in counts}
        self._candidates = [w for w in counts if len(w) >= MIN_LENGTH - 1]
        # remembered per word, bounded: a long-running server meets endless new words
        self._closest = functools.lru_cache(maxsize=10_000)(self._search)

    def correct(self, text: str) -> str:
        """``text`` with each misspelt English word replaced by the documents' word (case as the document's)."""
        if not _WORD.search(text):
            return text
        return _WORD.sub(lambda m: self._word(m.group(0)), text)

    def _word(self, word: str) -> str:
        lower = word.lower()
        if len(lower) < MIN_LENGTH or lower in self._counts or stem(lower) in self._stems:
            return word
        fixed = self._closest(lower)
        return word if fixed == lower else fixed

    def _search(self, word: str) -> str:
        english = english_words()
        if not english or word in english or stem(word) in english:
            return word  # a real word (or, without the dictionary, no way to tell): left as typed
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        limit = 2 if len(word) >= TWO_EDITS else 1
        found = process.extract(word, self._candidates, scorer=OSA.distance, score_cutoff=limit, limit=20)
        if not found:
            return word
        best = min(score for _, score, _ in found)
        return max((w for w, score, _ in found if score == best), key=lambda w: (self._counts[w], w))

    def prepare(self) -> None:
        """Read the dictionary now (servers, before the first question) rather than in the first typo's question."""
        english_words()


@functools.cache
def english_words() -> frozenset[str]:
    """CC-CEDICT's English gloss words and their stems, read once per process (0.4 s), whichever
    index is open: a speller is made again each time the index is, the dictionary is not."""
    from qa.search.crosslingual import cedict_english

    words = cedict_english()
    return frozenset(words) | frozenset(stem(w) for w in words)
