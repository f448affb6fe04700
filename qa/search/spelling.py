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

Chinese: a wrong character is usually another real word, so only the classic slips between
characters that sound alike (做/作, 在/再, 侯/候, …) are mended, and only where the slip leaves a
string the documents never use and the other character makes one of their words: "全国科技工做者日"
(declined: 工做者 counted as an unknown word) reads 工作者. A character the documents use as typed
is never changed.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable

from qa.search.tokenize import stem

_WORD = re.compile(r"[A-Za-z]+")
MIN_LENGTH = 6  # shorter words are corrected never: one edit turns "snow" into "show"
TWO_EDITS = 9  # from this length a word may be two edits off ("univeristies")


# Characters often typed for one another (same or near sound): each -> what it may have been meant as.
_SLIPS: dict[str, str] = {
    "做": "作", "作": "做", "在": "再", "再": "在", "侯": "候", "候": "侯", "帐": "账", "账": "帐",
    "象": "像", "像": "象", "已": "以", "以": "已", "即": "既", "既": "即", "须": "需", "需": "须",
    "形": "型", "型": "形", "订": "定", "定": "订", "付": "副", "副": "付", "带": "代", "代": "带",
    # pinyin input slips a trial met (专理 for 专利, 申情 for 申请, 期现 for 期限, 项木 for 项目, 侵全 for 侵权)
    "理": "利", "利": "理", "情": "请", "请": "情", "现": "限", "限": "现", "木": "目", "目": "木",
    "全": "权", "权": "全",
}  # fmt: skip
_CJK = re.compile(r"[\u4e00-\u9fff]+")
# English prefixes that make a new word of a known one (see Speller._derived)
# (not in-, im-, co-: "inovation" is in+ovation, "imformation" im+formation, "comission" co+mission, all slips)
_PREFIXES = ("re", "un", "non", "dis", "pre", "sub", "inter", "over", "under", "counter", "anti")


class Speller:
    """Corrects a question's English typos and Chinese slips to the documents' words (see the module docstring)."""

    def __init__(self, english_texts: Iterable[str], chinese_word: Callable[[str], bool] | None = None) -> None:
        self._chinese_word = chinese_word  # whether the documents use this Chinese word
        counts: Counter[str] = Counter()
        for text in english_texts:
            counts.update(w.lower() for w in _WORD.findall(text))
        self._counts = counts
        self._stems = {stem(w) for w in counts}
        self._candidates = [w for w in counts if len(w) >= MIN_LENGTH - 1]
        # remembered per word, bounded: a long-running server meets endless new words
        self._closest = functools.lru_cache(maxsize=10_000)(self._search)

    def correct(self, text: str) -> str:
        """``text`` with each misspelt English word replaced by the documents' word (case as the document's),
        and each Chinese slip mended."""
        if self._chinese_word is not None:
            text = _CJK.sub(lambda m: self._mend(m.group(0)), text)
        if not _WORD.search(text):
            return text
        return _WORD.sub(lambda m: self._word(m.group(0)), text)

    def _mend(self, run: str) -> str:
        """A run of Chinese with each slip (see ``_SLIPS``) mended where a word of two to four characters
        around it is one of the documents' only with the other character."""
        known = self._chinese_word
        assert known is not None
        chars = list(run)
        for i, char in enumerate(chars):
            other = _SLIPS.get(char)
            if other is None:
                continue
            around = [
                (start, "".join(chars[start : start + size]))
                for size in (4, 3, 2)
                for start in range(max(0, i - size + 1), min(i, len(chars) - size) + 1)
            ]
            if any(known(word) for _, word in around):
                continue  # part of a word the documents use as typed
            if any(known(word[: i - start] + other + word[i - start + 1 :]) for start, word in around):
                chars[i] = other
        return "".join(chars)

    def _word(self, word: str) -> str:
        lower = word.lower()
        if len(lower) < MIN_LENGTH or lower in self._counts or stem(lower) in self._stems:
            return word
        fixed = self._closest(lower)
        return word if fixed == lower else fixed

    def _search(self, word: str) -> str:
        english = english_words()
        if not english or word in english or stem(word) in english or self._derived(word, english):
            return word  # a real word (or, without the dictionary, no way to tell): left as typed
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        limit = 2 if len(word) >= TWO_EDITS else 1
        found = process.extract(word, self._candidates, scorer=OSA.distance, score_cutoff=limit, limit=20)
        if not found:
            return word
        best = min(score for _, score, _ in found)
        return max((w for w, score, _ in found if score == best), key=lambda w: (self._counts[w], w))

    def _derived(self, word: str, english: frozenset[str]) -> bool:
        """A known word with a prefix: "reconsideration" (行政复议, which the dictionary glosses as "to
        reconsider") is not a slip for "consideration", nor "nonexclusive" for "exclusive"."""
        for prefix in _PREFIXES:
            rest = word[len(prefix) :]
            if not word.startswith(prefix) or len(rest) < MIN_LENGTH - 1:
                continue
            if rest in english or stem(rest) in english or rest in self._counts or stem(rest) in self._stems:
                return True
        return False

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


# A pinyin syllable (tone digits allowed): an initial, then a final. It admits a few non-syllables ("bue"),
# which only matters for words English does not have anyway.
_SYLLABLE = (
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|in|un|vn|ia|ie|iu|ua|uo|ui|ue|ve|a|o|e|i|u|v)"
    r"[1-5]?"
)
_PINYIN_WORD = re.compile(rf"(?:{_SYLLABLE})+")


def looks_like_pinyin(text: str) -> bool:
    """Whether a question is Chinese typed in pinyin ("zhuanli jiangjin zuidi duoshao qian"): two or more
    words, each made of pinyin syllables, and at least two of them — and a third of all — no English word
    ("long time" is English; "zhuanli fa li guiding bu neng shouyu …" has "guiding" and "you" among many)."""
    if not text.isascii():
        return False
    words = re.findall(r"[A-Za-z0-9]+", text.lower())
    if len(words) < 2 or not all(_PINYIN_WORD.fullmatch(w) for w in words):
        return False
    english = english_words()
    foreign = sum(w not in english for w in words)
    return foreign >= 2 and foreign * 3 >= len(words)
