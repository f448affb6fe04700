"""Places a question names (江苏省, 深圳, 美国; Hefei, Guangdong), from jieba's and CC-CEDICT's dictionaries.

A figure about one place does not answer a question about another: "江苏省2024年……比重是多少"
was answered with the national figures of the paper, because the sentence stating a
percentage shared every other word of the question. Abstention asks that the sentence
stating an asked-for number also name the place the question asks about
(:meth:`qa.answers.abstention.Abstention.quantity_support`), and that "哪几个省份" be
answered by passages that name places.

A place is a word CC-CEDICT knows only as a proper name (capitalised pinyin) and that
either jieba's dictionary tags as a place (``ns``: 美国, 日本) or CC-CEDICT describes as
one ("Hefei, capital of Anhui Province": jieba tags 合肥 a common noun). Either alone is
noisy: jieba tags 深度, 维度 and 之日起 as places. jieba's tags are read from its dictionary
file (its ``posseg`` would load a ``marshal`` cache from the temporary folder, which qa never
reads, see :mod:`qa.search.tokenize`). Read once, on the first question that needs them
(servers load them at start, :meth:`qa.search.retrieval.Retriever.prepare`), about a second.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from qa.search.crosslingual import cedict_entries

# Places every document here is about: a number about 中国 is stated as 我国 / 全国 without naming it.
_NOT_NAMES = frozenset({"中国", "中华人民共和国", "中华", "华夏"})
_LONGEST = 6  # characters: 内蒙古自治区 is the longest place worth matching
_PLACE_GLOSS = re.compile(
    r"\b(?:city|province|county|country|capital|prefecture|district|region|municipality|autonomous)\b", re.I
)
_NAME = re.compile(r"[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*")
_MIN_ENGLISH = 4  # letters: shorter romanised names (An, He, Ba) are English words or syllables


@dataclass(frozen=True)
class Places:
    """The Chinese place names, and their English names as CC-CEDICT writes them (Hefei, Xi'an)."""

    chinese: frozenset[str]
    english: frozenset[str]
    chinese_of: dict[str, tuple[str, ...]]  # an English name -> the Chinese names it glosses
    proper: frozenset[str]  # every word CC-CEDICT knows only as a proper name: places, firms, people (华为, 清华大学)


_lock = threading.Lock()
_places: Places | None = None


def places() -> Places:
    """The place names, read once (see the module docstring)."""
    global _places
    with _lock:
        if _places is None:
            _places = _read()
        return _places


def place_names() -> frozenset[str]:
    """The Chinese place names (see the module docstring)."""
    return places().chinese


def _read() -> Places:
    import jieba

    tagged = set()
    with jieba.Tokenizer().get_dict_file() as lines:  # the packaged dict.txt: "word frequency tag"
        for line in lines:
            parts = line.decode("utf-8").split()
            if len(parts) == 3 and parts[2] == "ns" and 2 <= len(parts[0]) <= _LONGEST:
                tagged.add(parts[0])
    common: set[str] = set()
    glosses: dict[str, list[str]] = {}
    for word, is_proper, gloss in cedict_entries(_Short()):
        if is_proper:
            glosses.setdefault(word, []).extend(gloss)
        else:
            common.add(word)
    chinese = {
        word
        for word, gloss in glosses.items()
        if word not in common and (word in tagged or any(_PLACE_GLOSS.search(g) for g in gloss))
    } - _NOT_NAMES
    chinese_of: dict[str, list[str]] = {}
    for word in chinese:
        name = _NAME.match(glosses[word][0]) if glosses[word] else None
        if name and len(name.group()) >= _MIN_ENGLISH and name.group() not in ("China", "Chinese"):
            chinese_of.setdefault(name.group(), []).append(word)
    return Places(
        frozenset(chinese),
        frozenset(chinese_of),
        {name: tuple(sorted(words)) for name, words in chinese_of.items()},
        frozenset(w for w in glosses if w not in common),
    )


def chinese_names(english: str) -> tuple[str, ...]:
    """The Chinese place names an English one glosses (Hefei -> 合肥), for a text with no English."""
    return places().chinese_of.get(english, ())


class _Short:
    """Every word of two to six characters (what :func:`cedict_entries` is asked for)."""

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and 2 <= len(word) <= _LONGEST


def proper_names_in(text: str, words: Sequence[str]) -> list[str]:
    """The proper names among ``text``'s words (places, firms, universities, people: 华为, 清华大学),
    each the longest such name starting where it stands (search-mode segmentation gives 清华 of 清华大学)."""
    names = places().proper
    found = []
    for word in _standalone(words, names):
        at = text.find(word)
        longer = (
            text[at : at + n] for n in range(len(word) + 1, _LONGEST + 1) if at >= 0 and text[at : at + n] in names
        )
        found.append(max(longer, key=len, default=word))  # the word itself when the text has no longer name
    return list(dict.fromkeys(found))


_NOT_FIRMS = re.compile(r"(?:院|部|委|局|厅|府|会|署|办|中心|政府)$")  # 中国科学院, 国务院: bodies, not firms
_UNIVERSITY = re.compile(r"大学$|(?<!科)学院$")  # 北京大学, 外交学院; not 中国科学院
_ENGLISH_UNIVERSITY = re.compile(r"\bUniversity\b|\bInstitute of Technology\b")


def organisations_in(text: str, words: Sequence[str], translation: str = "", *, universities: bool) -> list[str]:
    """The firms (华为, 谷歌) or, with ``universities``, the universities (清华大学) a passage names:
    proper names that are no place, and no government body or academy (国务院, 中国科学院)."""
    if universities and _ENGLISH_UNIVERSITY.search(translation):
        return [m.group() for m in _ENGLISH_UNIVERSITY.finditer(translation)]
    places = place_names()
    names = [n for n in proper_names_in(text, words) if n not in places and n not in _NOT_NAMES]
    if universities:
        return [n for n in names if _UNIVERSITY.search(n)]
    return [n for n in names if not _NOT_FIRMS.search(n) and not _UNIVERSITY.search(n)]


def places_in(words: Sequence[str]) -> list[str]:
    """The places among a question's words (as :class:`qa.search.tokenize.Tokenizer` segments it:
    whole words, never characters across two, so 执法国家 never names 法国). A place that is only part
    of a longer word (大城 of 大城市, which search-mode segmentation also yields) is not named."""
    return list(dict.fromkeys(_standalone(words, place_names())))


def _standalone(words: Sequence[str], names: frozenset[str]) -> list[str]:
    """The ``words`` in ``names`` that are not only part of a longer word among them."""
    return [w for w in words if w in names and not any(w in other and w != other for other in words)]


_AROUND = frozenset({"In", "The", "At", "From", "For", "To", "Of"})  # may come before a name in a capitalised run
_KIND = frozenset({"City", "Province", "Municipality", "District", "County", "Region", "Area"})  # may follow it


def english_places_in(text: str) -> list[str]:
    """The places an English text names, by their English names (Hefei, Xi'an, Hefei Municipality).

    A run of capitalised words is a place only as a whole, give or take a leading "In" or
    "The" and a trailing "City" or "Province": Jinping is a county, but "Xi Jinping" is not it.
    """
    names = places().english
    found = []
    for match in _NAME.finditer(text):
        words = re.sub(r"['’]s\b", "", match.group()).split()
        while words and words[0] in _AROUND:
            words = words[1:]
        while words and words[-1] in _KIND:
            words = words[:-1]
        name = " ".join(words)
        if name in names:
            found.append(name)
    return list(dict.fromkeys(found))
