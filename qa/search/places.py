"""Places a Chinese question names (江苏省, 深圳, 美国), from jieba's own dictionary.

A figure about one place does not answer a question about another: "江苏省2024年……比重是多少"
was answered with the national figures of the paper, because the sentence stating a
percentage shared every other word of the question. Abstention asks that the sentence
stating an asked-for number also name the place the asking clause names
(:meth:`qa.answers.abstention.Abstention.quantity_support`).

jieba's dictionary tags each word with its part of speech; ``ns`` marks place names. The
tags are noisy (深度 and 维度 are "places"), so only words CC-CEDICT knows solely as
proper names are kept. The tags are read from the dictionary file itself (jieba's ``posseg`` would load its
``marshal`` cache from the temporary folder, which qa never reads, see
:mod:`qa.search.tokenize`), once, on the first question that asks for a number.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from qa.search.crosslingual import cedict_entries

# Tagged ns by jieba but not places, or places every document here is about: a number about
# 中国 is stated as 我国 / 全国 without naming it.
_NOT_NAMES = frozenset(
    {"东西", "城市", "中国", "中华人民共和国", "国内", "国外", "境内", "境外", "全国", "各地", "地方"}
)
_LONGEST = 6  # characters: 内蒙古自治区 is the longest place worth matching

_lock = threading.Lock()
_names: frozenset[str] | None = None


def place_names() -> frozenset[str]:
    """Every word of two or more characters that jieba's dictionary tags as a place (``ns``) and
    CC-CEDICT knows only as a proper name: jieba also tags 深度, 维度, 伦理 and 之日起 as places."""
    global _names
    with _lock:
        if _names is None:
            import jieba

            names = set()
            with jieba.Tokenizer().get_dict_file() as lines:  # the packaged dict.txt: "word frequency tag"
                for line in lines:
                    parts = line.decode("utf-8").split()
                    if len(parts) == 3 and parts[2] == "ns" and 2 <= len(parts[0]) <= _LONGEST:
                        names.add(parts[0])
            common: set[str] = set()
            proper: set[str] = set()
            for word, is_proper, _ in cedict_entries(names):
                (proper if is_proper else common).add(word)
            _names = frozenset(proper - common - _NOT_NAMES)
        return _names


def places_in(words: Sequence[str]) -> list[str]:
    """The places among a question's words (as :class:`qa.search.tokenize.Tokenizer` segments it:
    whole words, never characters across two, so 执法国家 never names 法国). A place that is only part
    of a longer word (大城 of 大城市, which search-mode segmentation also yields) is not named."""
    names = place_names()
    return list(dict.fromkeys(w for w in words if w in names and not any(w in o and w != o for o in words)))
