"""Lexical tokens for BM25 in both languages.

Chinese is segmented with jieba in search mode (a word and its sub-words, so
科技成果转化 also matches 成果转化), with the glossary's terms added to jieba's
dictionary so 双螺旋结构 or 揭榜挂帅 stay whole, and stop words removed. English
is lower-cased words with a light suffix stemmer (integration/integrations,
policy/policies), stop words removed. Mixed text gets both treatments.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qa.search.stopwords import CASUAL_STOPWORDS, EN_STOPWORDS, ZH_STOPWORDS

__all__ = ["ACRONYM", "CASUAL_STOPWORDS", "EN_STOPWORDS", "ZH_STOPWORDS", "Tokenizer", "stem"]

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z&\-']*[A-Za-z]|[A-Za-z]|\d+(?:\.\d+)?%?")

_jieba_lock = threading.Lock()
_segmenters: dict[tuple[str, ...], object] = {}


def _jieba(user_words: Iterable[str] = ()) -> object:
    """A full-dictionary jieba segmenter with these user words, one per distinct word set.

    Never jieba's global instance: adding one corpus's glossary to it would change how
    every other corpus in the same process is segmented.
    """
    key = tuple(sorted(set(user_words)))
    with _jieba_lock:
        segmenter = _segmenters.get(key)
        if segmenter is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            segmenter = _initialized(jieba.Tokenizer())
            for word in key:
                segmenter.add_word(word, freq=2_000_000)
            _segmenters[key] = segmenter
    return segmenter


def _initialized(segmenter: Any) -> Any:
    """A jieba segmenter with its dictionary read directly, bypassing jieba's cache.

    jieba caches the parsed dictionary as a ``marshal`` file under a predictable name in
    the world-writable temporary folder and reads it back on the next start: anyone who
    can write there could hand qa a crafted file. Reading the dictionary itself costs
    well under a second for jieba's full dictionary (needed only when building an index)
    and milliseconds for an index's compact one.
    """
    with segmenter.lock:
        segmenter.FREQ, segmenter.total = segmenter.gen_pfdict(segmenter.get_dict_file())
        segmenter.initialized = True
    return segmenter


_BRITISH = (
    ("licenc", "licens"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("programme", "program"),
    ("defenc", "defens"),
    ("labour", "labor"),
    ("centre", "center"),
    ("organis", "organiz"),
    ("utilis", "utiliz"),
    ("commercialis", "commercializ"),
    ("realis", "realiz"),
)


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """A light English stemmer: British spellings, plural and common endings, nothing aggressive."""
    for british, american in _BRITISH:
        if british in word:
            word = word.replace(british, american)
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, replacement, keep in (
        ("ies", "y", 3),
        ("sses", "ss", 3),
        ("ations", "ate", 4),
        ("ation", "ate", 4),
        ("ing", "", 4),
        ("ed", "", 4),
        ("es", "e", 4),
        ("s", "", 3),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: -len(suffix)] + replacement
    return word


class Tokenizer:
    """Turns text in either language into BM25 tokens (see the module docstring).

    With ``dictionary`` (a compact jieba dictionary written by
    :func:`write_compact_dictionary`), jieba loads only the corpus vocabulary,
    which takes milliseconds instead of the half second its full dictionary takes.
    """

    def __init__(self, user_words: Iterable[str] = (), dictionary: Path | None = None) -> None:
        self.user_words = tuple(sorted(set(user_words)))
        self.dictionary = dictionary
        self._jieba: object | None = None
        # One question is segmented by several parts (the lexical legs, abstention, the answerer), and
        # the same passages' sentences come back for many questions: remember the most recent texts.
        self._remembered = functools.lru_cache(maxsize=8192)(self._tokens)
        if dictionary is not None:
            self._segmenter()  # read the file now: it may be moved once the index is in place

    def _segmenter(self) -> object:
        if self._jieba is None:
            if self.dictionary is None:
                self._jieba = _jieba(self.user_words)
            else:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                segmenter = _initialized(jieba.Tokenizer(dictionary=str(self.dictionary)))
                for word in self.user_words:
                    segmenter.add_word(word, freq=2_000_000)
                self._jieba = segmenter
        return self._jieba

    def __call__(self, text: str) -> list[str]:
        return list(self._remembered(text))

    def forget(self) -> None:
        """Drop the remembered texts (a benchmark times each question's first segmentation)."""
        self._remembered.cache_clear()

    def _tokens(self, text: str) -> tuple[str, ...]:
        tokens: list[str] = []
        pos = 0
        for match in _CJK_RUN.finditer(text):
            tokens.extend(self._english(text[pos : match.start()]))
            tokens.extend(self._chinese(match.group()))
            pos = match.end()
        tokens.extend(self._english(text[pos:]))
        return tuple(tokens)

    def _chinese(self, run: str) -> list[str]:
        jieba = self._segmenter()
        words = jieba.lcut_for_search(run)  # type: ignore[attr-defined]
        return [w for w in words if w.strip() and w not in ZH_STOPWORDS]

    @staticmethod
    def _english(text: str) -> list[str]:
        """Lower-cased, stemmed words without stop words — unless a stop word is written as an
        acronym in a sentence that is not all capitals: "US export controls", "my ID card", "IT
        firms" are about the United States, an identity card, information technology."""
        raw = _EN_WORD.findall(text.replace("\u2019", "'"))
        shouted = not any(c.islower() for c in text)
        out = []
        for word in raw:
            base = _base(word.lower().strip("'-"))
            if base and (base not in EN_STOPWORDS or (not shouted and ACRONYM.fullmatch(word))):
                out.append(stem(base))
        return out


ACRONYM = re.compile(r"[A-Z]{2,4}")
# "don't" -> "do", "can't" -> "can", "won't" -> "will": the word before a negative contraction
_NEGATIVE = {"can't": "can", "won't": "will", "shan't": "shall"}


def _base(word: str) -> str:
    """A word without its possessive or contraction: "paper's" -> "paper", "what's" -> "what", "don't" -> "do".

    Kept whole, "paper's" or "Xi's" matched nothing the documents say and counted as a
    word the corpus does not know (an in-scope question was declined for three of them).
    """
    if "'" not in word:
        return word
    if word in _NEGATIVE:
        return _NEGATIVE[word]
    if word.endswith("n't"):
        return word[:-3]
    return word.split("'", 1)[0]


def write_compact_dictionary(
    texts: Iterable[str], path: Path, user_words: Iterable[str] = (), base: Path | None = None
) -> None:
    """A jieba dictionary of the words the full dictionary finds in ``texts`` (with its frequencies).

    With ``base`` (another compact dictionary), the result is that dictionary with the
    words of ``texts`` it lacks added: documents added to an index segment their text
    with the words they bring, while every word the index already had keeps its entry.
    """
    full = _jieba(user_words)
    freq = full.FREQ.get  # type: ignore[attr-defined]
    counts: Counter[str] = Counter()
    for text in texts:
        for run in _CJK_RUN.findall(text):
            counts.update(full.lcut_for_search(run))  # type: ignore[attr-defined]
            counts.update(full.lcut(run))  # type: ignore[attr-defined]
    counts.update(user_words)
    head = base.read_text(encoding="utf-8") if base is not None else ""
    known = {line.split(" ", 1)[0] for line in head.splitlines()}
    lines = [
        f"{w} {max(int(freq(w) or 0), counts[w], 1)}"
        for w in sorted(counts)
        if w.strip() and " " not in w and w not in known
    ]
    path.write_text(head + "".join(f"{line}\n" for line in lines), encoding="utf-8")


def fingerprint() -> str:
    """Changes whenever tokenisation would (stop words, spelling rules): indexes record it."""
    import hashlib

    parts = [
        sorted(ZH_STOPWORDS),
        sorted(EN_STOPWORDS),
        list(_BRITISH),
        stem("integrations policies licences"),
        Tokenizer._english("the paper's authors don't need a US ID"),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]
