"""The patterns of references in questions (第四条政策建议, Article 45, §2.3, 国办发〔2021〕26号) and
the numbers in them, for :mod:`qa.search.references`.
"""

from __future__ import annotations

import functools
import re

from qa.text import zh_number

ZH_NUMERALS = "零〇一二三四五六七八九十百千两"
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8, "9th": 9, "10th": 10,
}  # fmt: skip
ORDINAL_WORDS = "|".join(ORDINALS)

PROPOSAL_ZH = re.compile(
    r"第\s*[（(]?([一二三四五六七八九十\d]{1,3})[）)]?\s*(?:条|项|个|点|方面)?(?:政策)?(?:建议|举措|对策)|"
    r"(?:政策)?建议\s*[（(]([1-9]\d?)[）)]"
)
PROPOSAL_EN = re.compile(
    rf"\b(?:({ORDINAL_WORDS})\s+(?:policy\s+)?(?:proposal|recommendation)s?|(?:proposal|recommendation)\s*(?:no\.\s*)?\(?([1-9]\d?)\)?(?![\d.]))",
    re.I,
)
TENSION_ZH = re.compile(r"第([一二三四五六七八九十\d]{1,3})对(?:关键)?关系")
TENSION_EN = re.compile(rf"\b({ORDINAL_WORDS})\s+(?:key\s+)?(?:tension|relationship|relation|pair)s?\b", re.I)
# The paper's three logics (§1.1–1.3) and four trends of integration (融合四势, §1.3 (1)–(4)):
# "第四条“文化逻辑”" and "the fifth trend" name something it does not have.
LOGIC_ZH = re.compile(r"第([一二三四五六七八九十\d]{1,2})(?:条|个|种|重|层)?\s*[“\"「『]?[^”\"」』，。？、\s]{0,6}逻辑")
LOGIC_EN = re.compile(rf"\b({ORDINAL_WORDS})\s+(?:[\"'‘“]?[A-Za-z-]+[\"'’”]?\s+)?logics?\b", re.I)
TREND_ZH = re.compile(r"第([一二三四五六七八九十\d]{1,2})(?:个|种|大)?\s*(?:融合)?(?:趋势|势)")
TREND_EN = re.compile(rf"\b({ORDINAL_WORDS})\s+(?:[A-Za-z-]+\s+)?trends?\b", re.I)
SECTION = re.compile(r"(?:§\s*|section\s+|第?)(\d)\.(\d)(?:\s*节)?", re.I)
TABLE = re.compile(r"(?:表|table\s*)([1-9])(?!\d)", re.I)
FIGURE = re.compile(r"(?:图|figure\s*|fig\.?\s*)1\b", re.I)
ARTICLE_ZH = re.compile(rf"第([{ZH_NUMERALS}\d]+)条")
ARTICLE_EN = re.compile(r"\b(?:article|art\.?)\s*(\d{1,3})\b", re.I)
JOINED = re.compile(
    r"\s*(?:和|与|及|以及|、|,|，|and|or)\s*(?:the\s+)?", re.I
)  # 专利法和转化法, the Patent Law and the …
OF_THE = re.compile(r"\s+of\s+(?:the\s+)?|\s*(?:of|in)\s+(?:the\s+)?", re.I)  # "Article 15 of the Patent Law"
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,6}[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*\d+\s*号")
LEADING = re.compile(r"^(?:按照|根据|依照|依据|参照|关于|对照|按)")
ABOUT_PAPER = re.compile(r"文章|论文|本文|作者|\b(?:the )?(?:paper|article|authors?)\b", re.I)
ABOUT_LAW = re.compile(r"法|细则|条例|意见|\b(?:law|regulations?|rules|opinions?)\b", re.I)
CJK = re.compile(r"[\u4e00-\u9fff]")
ITEM = re.compile(rf"([一二三四五六七八九])?[（(]([{ZH_NUMERALS}]+)[）)]")
ITEM_EN = re.compile(r"\bitems?\s*(?:no\.?\s*)?[（(]?(\d{1,2})[）)]?(?!\d)", re.I)  # item (33), item 12


# Two or more numbered parts sharing one noun: "第二条和第三条政策建议", "政策建议（2）和（3）",
# "proposals (2) and (3)", "the first and second tensions". Each number is given the noun
# (:func:`distributed`), so that 第二条 there is proposal (2), not Article 2 of every law.
_NUM = r"[一二三四五六七八九十\d]{1,3}"
_AND_ZH = r"\s*(?:和|与|及|以及|、|跟|同|还是|或|,|，|vs\.?|VS)\s*"
_AND_EN = r"\s*(?:,|and|or|&|vs\.?|versus)\s*(?:the\s+)?"
_ZH_HEADS = (r"(?:条|项|个|点|方面)?", r"(?:政策)?(?:建议|举措|对策)"), (r"对", r"(?:关键)?关系")
_ZH_RUN = [
    (
        re.compile(
            rf"(第\s*{_NUM}\s*{unit}{_AND_ZH}(?:第?\s*{_NUM}\s*{unit}{_AND_ZH})*)(第?\s*{_NUM}\s*{unit}\s*)({head})"
        ),
        unit,
    )
    for unit, head in _ZH_HEADS
]
_ZH_BRACKETS = re.compile(rf"((?:政策)?建议)\s*([（(][1-9]\d?[）)])((?:{_AND_ZH}[（(][1-9]\d?[）)])+)")
_EN_NUMBERS = re.compile(
    rf"\b(proposal|recommendation)s\s*(?:nos?\.\s*)?(\(?[1-9]\d?\)?)((?:{_AND_EN}\(?[1-9]\d?\)?(?![\d.]))+)", re.I
)
_EN_ORDINALS = re.compile(
    rf"\b({ORDINAL_WORDS})((?:{_AND_EN}(?:{ORDINAL_WORDS}))+)\s+((?:policy\s+|key\s+)?"
    r"(?:proposal|recommendation|tension|relationship|pair)s?)\b",
    re.I,
)


def _each_numbered(run: re.Match[str], unit: str) -> str:
    """第二条和第三条政策建议 -> 第二条政策建议和第三条政策建议; 第一、二条建议 -> 第一建议、第二条建议."""

    def own(item: re.Match[str]) -> str:
        return ("" if item.group().startswith("第") else "第") + item.group() + run.group(3)

    return re.sub(rf"第?\s*{_NUM}\s*{unit}", own, run.group(1) + run.group(2).rstrip())


def distributed(text: str) -> str:
    """``text`` with a noun shared by several numbers written after each of them."""
    for pattern, unit in _ZH_RUN:
        text = pattern.sub(functools.partial(_each_numbered, unit=unit), text)
    text = _ZH_BRACKETS.sub(
        lambda m: m.group(1) + m.group(2) + re.sub(r"[（(]", lambda b: m.group(1) + b.group(), m.group(3)), text
    )
    text = _EN_NUMBERS.sub(
        lambda m: (
            f"{m.group(1)} {m.group(2)}" + re.sub(r"\(?[1-9]\d?\)?", lambda n: f"{m.group(1)} {n.group()}", m.group(3))
        ),
        text,
    )

    def each_ordinal(m: re.Match[str]) -> str:
        noun = m.group(3).rstrip("sS")  # "the first and second tensions": "tension" after each
        return f"{m.group(1)} {noun}" + re.sub(ORDINAL_WORDS, lambda o: f"{o.group()} {noun}", m.group(2), flags=re.I)

    return _EN_ORDINALS.sub(each_ordinal, text)


# What a reference to a part the paper lacks is told instead: its segment ids, and the sentences.
COUNTED = {
    "proposal": (
        r"3-\(\d+\)",
        "论文提出的政策建议共{n}条（(1)–({n})）。",
        "The paper makes {n} policy proposals, (1)–({n}).",
    ),
    "tension": (
        r"2\.\d",
        "论文讨论的关键关系共{n}对（2.1–2.{n}）。",
        "The paper discusses {n} key relationships (§2.1–2.{n}).",
    ),
    "logic": (r"1\.\d", "论文论述的融合逻辑共{n}条（1.1–1.{n}）。", "The paper sets out {n} logics (§1.1–1.{n})."),
    "trend": (
        r"1\.3-\(\d\)",
        "论文归纳的融合趋势（融合四势）共{n}个（1.3 (1)–({n})）。",
        "The paper names {n} trends of integration (§1.3 (1)–({n})).",
    ),
}


def number_key(number: str) -> str:
    """国办发〔2021〕26号 and 国办发[2021]26号 are the same number (a leading 按照/根据… is not part of it)."""
    return re.sub(r"[\s〔\[［【(（〕\]］】)）]", "", LEADING.sub("", number))


def number(token: str | None, english: bool) -> int | None:
    if not token:
        return None
    token = token.strip().lower()
    if token.isdigit():
        return int(token)
    if english or token in ORDINALS:
        return ORDINALS.get(token)
    try:
        return zh_number(token)
    except ValueError:
        return None


def article_id(n: int) -> str:
    """第N条 in the corpus's own numerals (第二十四条, 第一百零三条); beyond 999, a form no article has."""
    if not 0 < n < 1000:
        return f"第{n}条"
    digits = "零一二三四五六七八九"
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += digits[hundreds] + "百"
        if tens == 0 and ones:
            out += "零"
    if tens:
        out += ("一" if hundreds and tens == 1 else "" if tens == 1 else digits[tens]) + "十"
    if ones:
        out += digits[ones]
    return f"第{out}条"


def articles_bound(question: str, names: list[tuple[int, int, str]]) -> dict[int, list[str | None]]:
    """For a question naming several laws (``names``: their spans, in order), the laws each article number goes with.

    "专利法第15条和成果转化法第44条": an article belongs to the law named just before it (and to
    those joined to that one: "专利法和转化法第十五条"); "Article 15 of the Patent Law": to the law
    named just after "of". Without this, every article was looked up in every law named, and the
    Transformation Law's Article 15 (on public tendering) was quoted for the Patent Law's (a trial
    user). Numbers with no law beside them are left to every law named.
    """
    bound: dict[int, list[str | None]] = {}
    articles = [(m, number(m.group(1), False)) for m in ARTICLE_ZH.finditer(question)]
    articles += [(m, int(m.group(1))) for m in ARTICLE_EN.finditer(question)]
    for m, n in articles:
        if not n:
            continue
        after = next((d for a, _, d in names if a >= m.end() and OF_THE.fullmatch(question[m.end() : a])), None)
        for law in [after] if after else _named_last(names, question, m.start()):
            if law not in bound.setdefault(n, []):
                bound[n].append(law)
    return bound


def _named_last(names: list[tuple[int, int, str]], question: str, at: int) -> list[str | None]:
    """The law named last before ``at``, with those joined to it by 和 / 与 / and."""
    before = [(a, b, d) for a, b, d in names if b <= at]
    if not before:
        return []
    laws: list[str | None] = [before[-1][2]]
    for (_, end, doc), (start, _, _) in zip(reversed(before[:-1]), reversed(before[1:]), strict=True):
        if not JOINED.fullmatch(question[end:start]):
            break
        laws.append(doc)
    return laws
