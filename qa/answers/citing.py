"""Formatted references for a quoted sentence, the way researchers cite it.

    《中华人民共和国促进科技成果转化法》第四十五条第一款第（一）项
    Law of the People's Republic of China on Promoting the Transformation of S&T Achievements,
    Article 45, paragraph 1, item (1)

The pinpoint (article, paragraph 款, item 项) is found where the quote sits in its
article: each line of an article that does not open with （一）-style numbering is a
paragraph, and a line that does is an item of the paragraph before it. The full
reference follows GB/T 7714-2015 in Chinese ([J] for the journal article, [Z] for
laws and policy documents) and a plain author–title–date form in English, from the
document's own metadata (meta.yaml), never from a list of known documents.

Inside an answer's text, the same names label quotes: a document's name before its
quotes when an answer quotes several, an article's number before a clause quoted
from inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.schema import Document, Hit
from qa.search.titles import short_title
from qa.text import zh_number

_ARTICLE = re.compile(r"^第([零〇一二三四五六七八九十百千两]+)条")
_ITEM = re.compile(r"^[（(]([零〇一二三四五六七八九十]+)[）)]")
_ZH_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Reference:
    """A quote's pinpoint and full reference in both languages."""

    pinpoint_zh: str  # 《…》第四十五条第一款第（一）项, or 《…》§2.1
    pinpoint_en: str  # Title, Article 45, paragraph 1, item (1)
    full_zh: str  # GB/T 7714-2015
    full_en: str

    @property
    def zh(self) -> str:
        return f"{self.pinpoint_zh}。{self.full_zh}"

    @property
    def en(self) -> str:
        return f"{self.pinpoint_en}. {self.full_en}"


def zh_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 45 -> 四十五 (for paragraph numbers, under 100)."""
    if n < 10:
        return _ZH_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _ZH_DIGITS[tens]) + "十" + (_ZH_DIGITS[ones] if ones else "")


def locate(article: str, quote: str) -> tuple[int | None, int | None]:
    """(paragraph, item) of ``quote`` within the article's text, 1-based; None where not found."""
    at = article.find(quote)
    if at < 0:
        return None, None
    paragraph, item, offset = 0, None, 0
    for line in article.split("\n"):
        stripped = line.strip()
        numbered = _ITEM.match(stripped)
        if stripped and not numbered:
            paragraph, item = paragraph + 1, None
        elif numbered:
            item = zh_number(numbered.group(1))
        if offset <= at < offset + len(line) + 1:
            return max(paragraph, 1), item
        offset += len(line) + 1
    return None, None


def _year(meta: dict[str, object]) -> str:
    years = re.findall(r"(?:19|20)\d{2}", str(meta.get("date") or ""))
    return years[-1] if years else ""


def _issuer(meta: dict[str, object], lang: str) -> str:
    issuer = str(meta.get("issuer") or "").strip()
    match = re.match(r"^(.*?)\s*\((.*)\)\s*$", issuer)  # "全国人民代表大会常务委员会 (Standing Committee …)"
    if match:
        return match.group(1) if lang == "zh" else match.group(2)
    return issuer


def full_reference(doc: Document) -> tuple[str, str]:
    """The document's GB/T 7714-2015 reference and its English form."""
    meta = doc.meta
    if meta.get("citation_zh"):  # a journal article states its own citation
        zh = str(meta["citation_zh"]).rstrip(".")
        zh = re.sub(r"^(.*?\. .*?)\. ", r"\1[J]. ", zh, count=1)
        return zh + ".", str(meta.get("citation_en") or meta["citation_zh"])
    year, number = _year(meta), str(meta.get("doc_number") or "").split("[")[0].split("(")[0].strip()
    issuer_zh, issuer_en = _issuer(meta, "zh"), _issuer(meta, "en")
    zh = f"{issuer_zh}. {doc.title}" if issuer_zh else doc.title
    zh += f": {number}[Z]" if number and "〔" in number else "[Z]"
    zh += f". {year}." if year else "."
    title_en = doc.title_en or doc.title
    en = f"{issuer_en}. {title_en}" if issuer_en else title_en
    en += f". {year}." if year else "."
    return zh, en + (" (in Chinese)" if doc.lang == "zh" else "")


def reference(
    doc: Document, segment_id: str, segment_text: str, quote: str, section: str = "", section_en: str | None = None
) -> Reference:
    """The reference for ``quote``, found in segment ``segment_id`` (its whole text) of ``doc``."""
    full_zh, full_en = full_reference(doc)
    title_en = doc.title_en or doc.title
    article = _ARTICLE.match(segment_id)
    if article:
        number = zh_number(article.group(1))
        paragraph, item = locate(segment_text, quote)
        zh, en = f"《{doc.title}》{article.group(0)}", f"{title_en}, Article {number}"
        if paragraph is not None and (paragraph > 1 or item is not None or _has_more(segment_text)):
            zh += f"第{zh_numeral(paragraph)}款"
            en += f", paragraph {paragraph}"
        if item is not None:
            zh += f"第（{zh_numeral(item)}）项"
            en += f", item ({item})"
        return Reference(zh, en, full_zh, full_en)
    numbered = re.match(r"^(\d+(?:\.\d+)*|\d+-\(\d+\))(?:-p\d+)?$", segment_id)
    if numbered:  # the paper's numbered sections: §2.1, §3-(4)
        where = numbered.group(1)
        return Reference(f"《{doc.title}》§{where}", f"{title_en}, section {where}", full_zh, full_en)
    path_zh, path_en = section.replace(" › ", " "), (section_en or section).replace(" › ", ", ")
    zh = f"《{doc.title}》{_short(path_zh)}" if path_zh else f"《{doc.title}》"
    en = f"{title_en}, {_short(path_en)}" if path_en else title_en
    return Reference(zh, en, full_zh, full_en)


def _short(label: str, limit: int = 60) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _has_more(article: str) -> bool:
    """Whether the article has more than one paragraph or any items (so a paragraph number means something)."""
    lines = [line for line in article.split("\n") if line.strip()]
    return len(lines) > 1


# -- labels inside an answer's text ---------------------------------------------------------


def document_label(hit: Hit, lang: str) -> str:
    """A document's name as an answer labels its quotes: 《专利法实施细则》, "Patent Law"."""
    if lang == "en" and hit.doc_title_en:
        return hit.doc_title_en
    return f"《{short_title(hit.doc_title)}》" if hit.doc_title else hit.doc_id


def is_article(hit: Hit) -> bool:
    """Whether the passage is (part of) a law's article: its section path ends in 第…条."""
    return bool(_ARTICLE.fullmatch(hit.section.split(" › ")[-1].strip()))


def article_mark(hit: Hit, source: str, lang: str) -> str:
    """ "（第七十一条）" before a quote from inside a law article that does not itself start with the number."""
    article = hit.section.split(" › ")[-1].strip()
    if not _ARTICLE.fullmatch(article) or source.lstrip().startswith(article):
        return ""
    if lang == "en":
        english = (hit.section_en or "").split(" › ")[-1].strip()
        return f"({english}) " if english.startswith("Article") else ""
    return f"（{article}）"
