"""Law names in questions, and English ones -> documents titled in Chinese only ("the Electric Power Law" -> 电力法).

A document the user adds comes without an English title or aliases, so an English question that
names it ("Under the Charity Law, …") would name nothing, and the named-document leg could not
help. The title's words are looked up in CC-CEDICT (the dictionary the query translator already
uses) and the English name's words matched against their glosses. The dictionary is read on the
first English name asked about, not at start-up.
"""

from __future__ import annotations

import math
import re
import threading

from qa.search.crosslingual import cedict_glosses
from qa.search.tokenize import EN_STOPWORDS, stem

# Laws and acts the question names by name: one that is none of the documents is a reference that
# dangles ("Under China's Copyright Law…", "商标法规定…"). Chinese law names are too varied to find by
# shape alone (方法, 办法, 做法 end in 法 too), so besides a 《…》 title that ends like one (not
# 《资本论》, which the paper cites) a list of common ones is matched.
BOOK_TITLE = re.compile(r"《([^》]{1,60}(?:法|法典|条例|细则|规定|办法|意见|决定|通知|纲要|规划|方案|指引|指南))》")
COMMON_LAWS = re.compile(
    r"著作权法|商标法|反垄断法|反不正当竞争法|公司法|合同法|民法典|劳动法|劳动合同法|企业所得税法|个人所得税法|"
    r"税收征收管理法|数据安全法|网络安全法|个人信息保护法|出口管制法|对外贸易法|外商投资法|证券法|刑法|广告法|"
    r"消费者权益保护法|产品质量法|标准化法|电子商务法|科学技术普及法|高等教育法|中小企业促进法|人工智能法|"
    r"保守国家秘密法|政府采购法|招标投标法|反外国制裁法|生物安全法|农业技术推广法|职业教育法|预算法"
)
LAW_EN = re.compile(r"\b((?:[A-Z][\w&'’-]*\s+(?:(?:and|of|on|for|the)\s+)*){1,6}(?:Law|Act|Code|law))\b")
# A regulation or rule named by its kind first ("the Measures for the Administration of Drug Imports",
# "Regulations on the Protection of Layout-Designs") or last ("the Dairy Quality and Safety Regulations"):
# most of the archive's 1,500 texts are 条例, 办法 and 规定, not 法. Matched against titles only, never
# counted as a law the corpus lacks (laws_named): "the Regulations" of a shipped text go by other names.
RULES_EN = (
    re.compile(
        r"\b((?:Measures|Regulations|Provisions|Rules)\s+(?:for|on|of|concerning|governing)\s+(?:the\s+)?"
        r"[A-Z][\w&'’-]*(?:\s+(?:(?:and|of|on|for|the|in|to)\s+)*[A-Z][\w&'’-]*)*)"
    ),
    re.compile(r"\b((?:[A-Z][\w&'’-]*\s+(?:(?:and|of|on|for|the)\s+)*){1,6}(?:Regulations|Measures|Provisions))\b"),
)  # the first form first: "Under the Measures for …" is not a name ending in Measures
_FILLER = frozenset({
    "law", "act", "code", "of", "the", "and", "on", "for", "china", "china's", "chinese", "prc",
    "people's", "republic", "national", "state", "measures", "regulations", "provisions", "rules",
})  # fmt: skip
_POSSESSIVE = re.compile(
    r"^(?:(?:Under|According\s+to|In|By|Per|Does|Do|Did|Is|Are|What|How|Which|Why|When|Where|Can|If|Has|"
    r"The|the|China|PRC|Chinese|US|U\.S\.|EU)(?:'s|’s)?\s+)+"
)
_STATE = "中华人民共和国"
_KIND = re.compile(r"(?:法|条例|规定|办法|细则|决定|意见)$")  # 水法: 水 is the name


# Another country's law ("德国专利法", "美國的拜杜法案", "US patent law (35 USC 102)", "Japanese patent law"):
# the documents are Chinese texts only, and "专利法" or "patent law" inside such a name is not theirs.
# A trial user's questions on the US, German and Japanese grace periods and inventor pay were answered
# with the Chinese Patent Law's articles on other things.
_COUNTRY_ZH = (
    "美国|美國|日本|德国|德國|英国|英國|法国|法國|韩国|韓國|欧盟|歐盟|欧洲|歐洲|印度|俄罗斯|俄羅斯|新加坡|加拿大|"
    "澳大利亚|澳大利亞|澳洲|瑞士|以色列|意大利|荷兰|荷蘭|瑞典|巴西|越南|泰国|泰國"
)
_COUNTRY_EN = (
    r"US|U\.S\.|USA|American|United\s+States|Japan|Japanese|German|Germany|British|UK|U\.K\.|French|France|"
    r"EU|European|Korean|Korea|Indian|India|Canadian|Canada|Australian|Australia|Swiss|Israeli|Singapore|"
    r"Singaporean|Russian|Russia|Brazilian|Brazil|Vietnamese|Vietnam"
)
FOREIGN_LAW = re.compile(
    rf"(?:{_COUNTRY_ZH})(?:的)?[\u4e00-\u9fff]{{0,6}}?(?:法案|法典|法律|法规(?!定)|(?<![做说看想方设无合违非算用写办])法)|拜杜法案?|"
    # "Act" with its capital: "a German company acts as licensor" names no law
    rf"\b(?:{_COUNTRY_EN})(?:'s|’s)?\s+(?:[A-Za-z]+\s+){{0,2}}?(?:[Ll]aws?|Act|[Ss]tatutes?|Code|Regulation|Directive)\b|"
    r"\b\d+\s*U\.?S\.?C\.?\b|\b(?i:Bayh[- ]?Dole)(?:\s+Act)?\b"
)


def foreign_laws(question: str) -> list[str]:
    """Names of other countries' laws in a question (see :data:`FOREIGN_LAW`)."""
    return [m.group().strip() for m in FOREIGN_LAW.finditer(question)]


def short_title(title: str) -> str:
    """A law's title as people write it: without 中华人民共和国 (按照农村土地承包法…)."""
    return title.removeprefix(_STATE)


def laws_named(question: str, *, english: bool = True) -> list[str]:
    """The names of laws and acts in a question: 《…法》 titles, common Chinese law names, English "… Law/Act"."""
    names = [*BOOK_TITLE.findall(question), *COMMON_LAWS.findall(question)]
    if english:
        names += [_POSSESSIVE.sub("", m).strip() for m in LAW_EN.findall(question)]
    return names


def name_words(name: str) -> list[str]:
    """The words of an English law name that tell it apart ("Under China's Electric Power Law" -> Electric, Power)."""
    return [w for w in re.findall(r"[A-Za-z][\w&'’-]*", _POSSESSIVE.sub("", name)) if w.lower() not in _FILLER]


def _close(a: str, b: str) -> float:
    """How surely two words are one: 1 when equal, less for one stem (see the comments), else 0."""
    if a == b:
        return 1.0
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    shorter = min(len(a), len(b))
    if common == shorter >= 4:  # electric/electrical, wild/wildlife
        return 0.9
    if common >= 6 and common >= 0.8 * shorter:  # charity/charitable: one word's derivation, nearly whole
        return 0.9
    return 0.6 if common >= 5 and common >= 0.7 * shorter else 0.0  # medical/medicine


class TitleMatcher:
    """Finds the documents an English name points at among Chinese-only titles (see the module docstring)."""

    def __init__(self, titles: dict[str, str]) -> None:
        self.titles = titles  # document id -> Chinese title
        self._index: _Glosses | None = None
        self._lock = threading.Lock()

    def glosses(self) -> _Glosses:
        """The titles' dictionary glosses, read on first use (from a few hundred ms with 1,500 titles)."""
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = _Glosses.read(self.titles)
        return self._index

    def match(self, words: list[str]) -> list[str]:
        """Documents whose titles carry most of the name's weight (at least 60%), shortest titles first.

        A word weighs by how few titles carry it ("Protection" names many laws, "Wildlife"
        few); a word no title carries weighs the most, so a name of a document the corpus
        lacks matches nothing. Nothing, too, when more than two titles tie.
        """
        stems = [stem(w) for word in words for w in word.lower().split("-") if w and w not in EN_STOPWORDS]
        if not stems or not self.titles:
            return []
        glosses = self.glosses()
        carrying = [glosses.carrying(s) for s in stems]
        weights = [math.log((len(self.titles) + 1) / (len(c) + 0.5)) for c in carrying]
        total = sum(weights)
        scores: dict[str, float] = {}
        for weight, docs in zip(weights, carrying, strict=True):
            for d, closeness in docs.items():
                scores[d] = scores.get(d, 0.0) + weight * closeness
        best = max(scores.values(), default=0.0)
        if total <= 0 or best < 0.6 * total:
            return []
        # near-best titles compete on length: 电力法 (electric 0.9 + power) against 核电厂…条例 (电厂
        # "electric power plant"), 慈善法 ("charitable") against 公益事业捐赠法 (公益 "charity")
        top = [d for d, v in scores.items() if v >= 0.85 * best]
        length = {d: len(short_title(self.titles[d])) for d in top}  # 电力法 before 电力设施保护条例
        top = [d for d in top if length[d] == min(length.values())]
        return sorted(top) if len(top) <= 2 else []


class _Glosses:
    """English gloss stems of the titles' words, indexed by stem and by its first four letters.

    A question's word is compared only with the stems that share its first four letters
    (every pair :func:`_close` accepts does), not with every title's every gloss: with the
    whole archive's 1,500 titles that scan cost tens of milliseconds per English name.
    """

    def __init__(self, docs_of: dict[str, set[str]]) -> None:
        self.docs_of = docs_of  # gloss stem -> documents whose titles carry it
        self.by_prefix: dict[str, list[str]] = {}
        for gloss in docs_of:
            self.by_prefix.setdefault(gloss[:4], []).append(gloss)

    @classmethod
    def read(cls, titles: dict[str, str]) -> _Glosses:
        # The title's dictionary words, found as substrings (titles are short; no segmenter, whose full
        # dictionary would cost tens of MB to hold): 电力设施保护条例 -> 电力, 设施, 保护, 条例, …
        # and a one-character name as itself (水法 -> 水).
        pieces: dict[str, set[str]] = {}
        for doc, title in titles.items():
            full = short_title(title)  # 刑法 is itself a word ("criminal law")
            name = _KIND.sub("", full)
            pieces[doc] = {full[a:b] for a in range(len(full)) for b in range(a + 2, min(len(full), a + 6) + 1)}
            if len(name) == 1:
                pieces[doc].add(name)
        wanted = set().union(*pieces.values()) if pieces else set()
        english = {zh: {w for gloss in glosses for w in gloss} for zh, glosses in cedict_glosses(wanted)}
        docs_of: dict[str, set[str]] = {}
        for doc, words in pieces.items():
            for word in words:
                for gloss in english.get(word, ()):
                    docs_of.setdefault(gloss, set()).add(doc)
        return cls(docs_of)

    def carrying(self, word: str) -> dict[str, float]:
        """The documents whose titles carry ``word`` (a stem), each with how surely (see :func:`_close`)."""
        candidates = self.by_prefix.get(word[:4], []) if len(word) >= 4 else [word]
        out: dict[str, float] = {}
        for gloss in candidates:
            closeness = _close(word, gloss)
            for doc in self.docs_of.get(gloss, ()) if closeness else ():
                out[doc] = max(out.get(doc, 0.0), closeness)
        return out
