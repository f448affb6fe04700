"""What a figure a question asks for must be about, and what a sentence stating a figure must not be.

"江苏省2024年研发经费是多少" is not answered by the national total, "量子科技研发投入" not by all R&D
spending, "多少件" not by a count of firms, "in 2025" not by the 2025 paper's 2024 figure nor by a
date or a session (2025年3月, 三次会议). :class:`qa.answers.abstention.Abstention` uses these to tell a
figure about the thing asked from one about something else, with each document's own years and
titles (:func:`document_years`, :func:`document_titles`). The short answer reads what a question
asks the figure of (:func:`figure_of`), and an answer notes a percentage the question assumes that
no passage states (:func:`premises_missing`), and one that no passage at all states makes the question
unanswerable (:func:`asserted`, declined by :mod:`qa.answers.abstention`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from qa.schema import Document, Hit
from qa.search.tokenize import EN_STOPWORDS
from qa.text import YEAR, zh_number

# The rate a percentage is asked of (转化率是百分之多少): a percentage of something else does not answer it.
RATE = re.compile(r"[\u4e00-\u9fff]{2}率(?=(?:是|为|有|达到?|能达到)?(?:百分之|多少|几成|多高))")
# What money asked for is spent on ("量子科技研发投入是多少", "spend on quantum technology R&D"): a national
# total of R&D spending does not answer it (a trial user got 3.6万亿元 for quantum technology's share).
SPENT_ZH = re.compile(
    r"([\u4e00-\u9fff]{2,8}?)(?:领域|方面)?的?(?:研发|科研|研究)?(?:投入|经费|支出|投资)(?:规模|总额|金额)?"
    r"(?:是|为|有|达到?)?(?:多少|几)"
)
SPENT_EN = re.compile(
    r"\bspen(?:d|t|ding)\s+on\s+((?:[a-z][\w-]*\s+){0,3}?[a-z][\w-]*)"
    r"(?=(?:\s+(?:R&D|research))?\s*(?:\b(?:in|during|according|last|this|per|each|so far)\b|[?,.]|$))",
    re.I,
)
# "多少件 / 多少篇": a count in that unit; a number of something counted otherwise answers another question
COUNT_UNIT = re.compile(r"多少(件|篇|名|部|家|所|次|种)")
ZH_DIGITS = "一二三四五六七八九十百千万两"
# When something was said, not a figure: a date (2025年3月) and a session's ordinal (十四届全国人大三次会议, 二十届三中全会)
DATES = re.compile(
    r"\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?|\b(?:19|20)\d\d\b"
    r"|[一二三四五六七八九十]+届|[一二三四五六七八九十]+(?:次(?:全体)?会议|中全会)"
)
# The money a question asks for by what it is ("the annual fee", "罚款多少"): a figure of other money
# (Art. 93's 4,000-yuan bonus for "the annual fee for the fifth year") does not answer it.
MONEY_NOUNS = {
    "fee": ("fee", "费"),
    "fine": ("fine", "罚款"),
    "price": ("price", "价格", "价"),
    "bonus": ("bonus", "奖金"),
    "salary": ("salary", "wage", "工资", "薪"),
    "wage": ("salary", "wage", "工资", "薪"),
    "费": ("fee", "费"),
    "费用": ("fee", "费"),
    "罚款": ("fine", "罚款"),
    "奖金": ("bonus", "奖金"),
    "工资": ("salary", "wage", "工资", "薪"),
}
MONEY_NOUN = re.compile(r"\b(fee|fine|price|bonus|salary|wage)s?\b|(罚款|奖金|工资|(?<=年)费|费用)", re.I)
_ANY_SPENDER = re.compile(r"\d{4}年|[今去前]年|我国|中国|全国|全社会|国家|政府|企业|年度|每年|一年|总")


@dataclass(frozen=True)
class Name:
    """Something a figure must be about, in the forms a sentence may name it by (Hefei, 合肥), lowercased.

    ``english_only``: only an English text can name it (an acronym), so a sentence with no
    English (a document the user added) is not held to it."""

    forms: tuple[str, ...]
    english_only: bool = False


# A period asked for by what it is ("how many years in prison", "判几年有期徒刑"): a law's other periods
# (a patent's twenty-year term, for "years in prison for counterfeiting a patent") do not answer it.
PRISON = Name(("prison", "imprisonment", "jail", "徒刑", "拘役", "监禁"))
PRISON_ASKED = re.compile(r"\b(?:prison|imprisonment|jail|incarcerat\w*|locked up)\b|徒刑|坐.{0,3}牢|监禁|拘役", re.I)


# "How many invention patents were granted…": what is counted, up to the verb or preposition after it
HOW_MANY = re.compile(
    r"\bhow many ((?:[a-z][a-z-]*\s+){0,3}?[a-z][a-z-]*s)\b(?=\s+(?:were|are|did|does|do|have|has|had|is|was|in|of"
    r"|for|per|according|can|will|would|should|must|got|get)\b|\s*[?,.]|$)",
    re.I,
)

# "…, and what are they called?": the list answers it, a sentence stating the number need not
_AND_WHICH = re.compile(r"\band (?:what|which|who|name|list)\b", re.I)


def named_by_kind(question: str, kinds: Sequence[str]) -> list[Name]:
    """What the quantity asked for is, as the sentence stating it must name it: the money
    (:func:`money_named`), a prison term, or what an English "how many" counts (the count of
    companies is no count of patents)."""
    names = money_named(question) if "money" in kinds else []
    if "period" in kinds and PRISON_ASKED.search(question):
        names.append(PRISON)
    if kinds == ["count"] and (counted := HOW_MANY.search(question)) and not _AND_WHICH.search(question):
        head = counted.group(1).split()[-1].lower()
        names.append(Name((head[:-3] + "y" if head.endswith("ies") else head[:-1],), english_only=True))
    return names


# What a vague "X是多少" measures ("文章里给出的2024年全国技术合同成交额是多少？"): X, up to the ask
# — asked as "X是多少", a noun phrase and a copula; "发了多少论文", "从多少涨到多少" ask no such X
MEASURED_ZH = re.compile(r"([\u4e00-\u9fff]{2,14}?)(?:大概|一共|总共|总计|累计)?(?:是|为|有|达到?)多少(?=[？?。！!]|$)")
# the words of X that say when, where or by whom it was stated, not what is measured
_NOT_MEASURED = re.compile(r"^(?:\d+|[今去前明]年|年|全国|我国|中国|国内|全社会|文章|论文|里|中|给出|提到|说|总)$")


def measured(question: str, tokenize: Callable[[str], list[str]]) -> Name | None:
    """What a vague Chinese "X是多少" asks the figure of, as the words a sentence stating it must share
    one of (the 研发 of 研发投入 meets "研发经费达3.6万亿元"; nothing of 技术合同成交额 does)."""
    found = MEASURED_ZH.search(question)
    words = _words_of(found.group(1), tokenize) if found else ()
    return Name(words) if words else None


# A Chinese figure asked of a noun phrase, "X是多久 / X分别是多少年": what it is the figure of, for the
# short answer — with the copula, a noun phrase ("公司最少要给我多少" names no such X)
FIGURE_OF_ZH = re.compile(
    r"([\u4e00-\u9fff]{2,14}?)(?:大概|一共|总共|分别|各自|各|最多|最少|最长|最短|至少|最高|最低)?(?:是|为|有)"
    r"(?:多久|多长时间|多长|多少|几年|几个月|几天|几成|百分之几)"
)


# "How long do I have to request re-examination after …": what the period is for, the words after "have to"
FIGURE_OF_EN = re.compile(
    r"\bhow (?:long|soon|many (?:days|weeks|months|years))\b[^?]*?\b(?:have|need|got) to ((?:[a-z-]+ ){0,3}?[a-z-]+)"
    r"(?= (?:after|before|for|if|when|once|from|in|on|under|with|by)\b|[?,.;]|$)",
    re.I,
)


def figure_of(question: str, tokenize: Callable[[str], list[str]]) -> tuple[str, ...]:
    """The words of what a question asks a figure of ("专利权的期限是多久" → 期限), or (). In English, the
    beginnings of the words of what a period is for ("How long do I have to request re-examination" →
    reques, reexam), to find in a clause lower-cased and without hyphens: a clause naming neither is
    another period (a trial's "In short" gave the regulations' two years for keeping rejected files)."""
    english = FIGURE_OF_EN.search(question)
    if english:
        words = [w.replace("-", "").lower() for w in english.group(1).split()]
        return tuple(w[:6] for w in words if len(w) > 2 and w not in EN_STOPWORDS)
    found = FIGURE_OF_ZH.search(question)
    return _words_of(found.group(1), tokenize) if found else ()


def _words_of(phrase: str, tokenize: Callable[[str], list[str]]) -> tuple[str, ...]:
    """The words that say what is measured: the phrase after its last 的, less when/where/who words."""
    words = [w for w in tokenize(phrase.rsplit("的", 1)[-1]) if len(w) > 1 and not _NOT_MEASURED.match(w)]
    return tuple(dict.fromkeys(words))


def names_met(names: Sequence[Name], hit: Hit, source: str, translation: str | None) -> bool:
    """Whether the sentence (with its section path and translation) names each of ``names``."""
    around = f"{hit.section}\n{source}\n{translation or ''}".lower()
    english = bool(translation) or hit.lang == "en"
    return all(any(f in around for f in name.forms) or (name.english_only and not english) for name in names)


def spent_on(words: str) -> str:
    """What Chinese words before 投入 / 经费 say the money is spent on: 量子科技 in "2024年我国量子科技研发投入",
    nothing in "江苏省2024年研发经费" or "全社会研发投入" (a place is checked as a place)."""
    words = words.rsplit("年", 1)[-1]
    words = re.sub(r"(?:研发|科研|研究|的)+$", "", words)
    return _ANY_SPENDER.sub("", words)


def money_named(question: str) -> list[Name]:
    """What the money asked for is, as the sentence stating it must name it (see :data:`MONEY_NOUNS`)."""
    found = []
    for m in MONEY_NOUN.finditer(question):
        noun = (m.group(1) or m.group(2) or "").lower()
        forms = MONEY_NOUNS[noun]  # every noun the pattern matches has its forms
        if Name(forms) not in found:
            found.append(Name(forms))
    return found


def document_titles(docs: Iterable[Document]) -> str:
    """All the documents' titles and short titles, one per line (see :class:`Abstention`)."""
    keys = ("title_zh", "title_en", "title", "short_title_zh", "short_title_en", "title_en_official")
    return "\n".join(str(doc.meta.get(key) or "") for doc in docs for key in keys)


def document_years(docs: Iterable[Document]) -> dict[str, frozenset[str]]:
    """Each document's years: of its date, its number and its titles (see :class:`Abstention`)."""
    years = {}
    for doc in docs:
        meta = doc.meta
        # A journal article's date is when it appeared, not what its figures are of: "R&D spending in
        # 2025" is not answered by the 2025 paper's 2024 figure (a trial user got it). A law's or an
        # opinion's date names its version, as its number does (国办发〔2021〕26号).
        dated = meta.get("doc_type") != "journal article"
        keys = (
            ("date", "doc_number", "title_zh", "title_en", "title")
            if dated
            else ("doc_number", "title_zh", "title_en", "title")
        )
        known = " ".join(str(meta.get(key) or "") for key in keys)
        years[doc.id] = frozenset(YEAR.findall(known))
    return years


# A percentage as written: "2%", "2.5 %", "百分之二十五", "5 percent"
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|％|\s*per\s?cent\b)|百分之([零一二两三四五六七八九十百]+)", re.I)


def percentages(text: str) -> dict[str, float]:
    """The percentages ``text`` states, each as written with its value: {"2%": 2.0, "百分之五十": 50.0}."""
    out: dict[str, float] = {}
    for found in _PERCENT.finditer(text):
        if found.group(1):
            out[found.group(0).strip()] = float(found.group(1))
        else:
            try:
                out[found.group(0)] = float(zh_number(found.group(2).replace("两", "二")))
            except ValueError:
                continue
    return out


_SCALE_EN = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SCALE_ZH = {"千": 1e3, "万": 1e4, "亿": 1e8, "万亿": 1e12}
_MONEY_EN = re.compile(
    r"(?:RMB|CNY|¥)?\s*(\d[\d,]*(?:\.\d+)?)[\s-]*(thousand|million|billion|trillion)?[\s-]*(?:yuan|RMB)\b", re.I
)
_MONEY_ZH = re.compile(r"(\d[\d,，]*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)\s*(万亿|万|亿|千)?元")


def amounts(text: str) -> dict[str, float]:
    """The sums of money ``text`` states, each as written with its value in yuan: {"4000元": 4000.0,
    "五百万元": 5e6, "50-billion-yuan": 5e10}."""
    out: dict[str, float] = {}
    for found in _MONEY_EN.finditer(text):
        try:
            value = float(found.group(1).replace(",", ""))
        except ValueError:
            continue
        value *= _SCALE_EN.get((found.group(2) or "").lower(), 1)
        if math.isfinite(value):  # "9999…9 yuan" of four hundred digits is no sum (and round() would raise)
            out[found.group(0).strip()] = value
    for found in _MONEY_ZH.finditer(text):
        number = found.group(1).replace(",", "").replace("，", "")
        try:
            value = float(number) if number[0].isdigit() else float(zh_number(number.replace("两", "二")))
        except (ValueError, IndexError):
            continue
        value *= _SCALE_ZH.get(found.group(2) or "", 1)
        if math.isfinite(value):
            out[found.group(0)] = value
    return out


def figures_in(text: str) -> set[tuple[str, float]]:
    """The percentages and sums ``text`` states, as (kind, value) to compare across ways of writing them."""
    return {("percent", v) for v in percentages(text).values()} | {("money", round(v)) for v in amounts(text).values()}


def asserted(claims: Iterable[str]) -> dict[str, tuple[str, float]]:
    """The percentages and sums stated in ``claims`` (:func:`qa.search.asked.claims`), as written ->
    (kind, value): "Which article fixes R&D spending at 2.5% of GDP?" asserts 2.5%."""
    out: dict[str, tuple[str, float]] = {}
    for claim in claims:
        out.update({written: ("percent", value) for written, value in percentages(claim).items()})
        out.update({written: ("money", round(value)) for written, value in amounts(claim).items()})
    return out


def premises_missing(question: str, hits: Sequence[Hit]) -> list[str]:
    """The percentages a question states ("细则规定不低于2%在哪一条") that none of ``hits`` states:
    a premise the passages do not bear out, which an answer quoting around it should point out."""
    asked = percentages(question)
    if not asked:
        return []
    stated = {value for h in hits for value in percentages(f"{h.text}\n{h.translation or ''}").values()}
    return [written for written, value in asked.items() if value not in stated]


def premise_note(missing: Sequence[str], lang: str) -> str:
    """What an answer says of a figure the question assumes and the passages do not state."""
    if lang == "zh":
        return f"注意：问题中的“{'、'.join(missing)}”在找到的段落中都没有出现，引文并未说到这个数字。"
    return f'Note: "{", ".join(missing)}" in the question appears in none of the passages found; the quotes do not state it.'
