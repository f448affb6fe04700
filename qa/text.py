"""Language-aware text helpers: normalisation, language detection, sentence splitting.

Chinese is first-class here: sentences end at 。！？； (and at the closing quote or
bracket that follows one); English sentences end at . ! ? ; followed by a space.
The sentence functions return spans or substrings of their input, never rewritten text,
so that quotes built from them are exact substrings by construction; :func:`simplified` and
:func:`traditional` convert script (OpenCC) for search and display forms only.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import ClassVar

_WS = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z]+")
# A year a text names (2023年, "in 2015", "the 2014 law"): four digits not inside a longer number
# or a word. Bounded by "not a letter or digit", not \b: a CJK character is a word character to
# \b, so "2023年" has none.
YEAR_PATTERN = r"(?<![A-Za-z0-9.])(?:1[89]|20)\d{2}(?![0-9])"
YEAR = re.compile(YEAR_PATTERN)

# A Chinese sentence ends at a terminator, plus any closing quotes/brackets after it.
_ZH_END = re.compile(r"[。！？；!?;]+[”’」』）)\]]*")
# An English sentence ends at . ! ? ; (plus closing quotes) followed by whitespace.
_EN_END = re.compile(r"[.!?;]+[\"'”’)\]]*(?=\s)")
# Abbreviations after which a period does not end an English sentence.
_ROMAN_HEADING = re.compile(r"\s*[IVXLC]{1,6}\.")  # "II. Main Work Measures": a numbered heading, not a sentence end
_EN_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|No|Art|Arts|Fig|Dr|Mr|Ms|St|cf|al|Vol|pp)|\b[A-Z])\.$")


def norm(text: str) -> str:
    """The question-set spec's matching normal form: NFKC, no whitespace, lower case."""
    return _WS.sub("", unicodedata.normalize("NFKC", text)).lower()


_FULLWIDTH_PUNCTUATION = re.compile(r"[，。？！；：、“”‘’（）《》【】…—]")


def detect_language(text: str) -> str:
    """Return ``"zh"`` when the text is mainly Chinese, else ``"en"``.

    Counted as a reader would: one English word weighs about two Chinese
    characters, so "What does 揭榜挂帅 mean?" is English and "AI 产业规模是多少" Chinese.
    """
    text = without_markup(text)  # "<script>…</script> 专利保护期？" is a Chinese question wrapped in tags
    cjk = len(_CJK.findall(text))
    words = len(_WORD.findall(text))
    if cjk == 0:
        # "？？？！！！。。。": no word in either language, but typed on a Chinese keyboard
        return "zh" if not words and _FULLWIDTH_PUNCTUATION.search(text) else "en"
    return "en" if words and words * 2 >= cjk else "zh"


# Scripts of languages qa does not read, whose questions share characters with Chinese
_OTHER_SCRIPTS = (("Japanese", re.compile(r"[\u3040-\u30ff]")), ("Korean", re.compile(r"[\uac00-\ud7af]")))
UNSUPPORTED_NOTE = (
    "Questions are understood in Chinese and English only; this one was read as {lang}. "
    "本助手只理解中文和英文，此问题按{zh}理解。"
)


def unsupported_language(text: str) -> str | None:
    """The language a question is written in when it is one qa does not read (Japanese kana, Hangul), else None.

    A Japanese question's kanji read as Chinese, and it was answered in 繁體 with no word of warning."""
    return next((name for name, script in _OTHER_SCRIPTS if script.search(text)), None)


def sentence_spans(text: str, lang: str | None = None) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans ``(start, end)`` covering all non-space characters.

    Line breaks always end a sentence (they separate paragraphs inside a segment).
    Leading and trailing whitespace is excluded from each span.
    """
    lang = lang or detect_language(text)
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        offset = line.start()
        body = line.group()
        cuts = _zh_cuts(body) if lang == "zh" else _en_cuts(body)
        start = 0
        for cut in [*cuts, len(body)]:
            piece = body[start:cut]
            if piece.strip():
                left = len(piece) - len(piece.lstrip())
                right = len(piece.rstrip())
                spans.append((offset + start + left, offset + start + right))
            start = cut
    return spans


def split_sentences(text: str, lang: str | None = None) -> list[str]:
    """The sentences of ``text`` as substrings (see :func:`sentence_spans`)."""
    return [text[a:b] for a, b in sentence_spans(text, lang)]


def _zh_cuts(line: str) -> list[int]:
    cuts = []
    for match in _ZH_END.finditer(line):
        # A terminator inside a quotation that continues the sentence ("…”；" is
        # already covered by the pattern); do not cut at the very end twice.
        if match.end() < len(line):
            cuts.append(match.end())
    return cuts


def _en_cuts(line: str) -> list[int]:
    cuts = []
    for match in _EN_END.finditer(line):
        before = line[: match.start() + 1]
        if line[match.start()] == "." and (_EN_ABBREV.search(before) or _ROMAN_HEADING.fullmatch(before)):
            continue
        rest = line[match.end() :].lstrip()
        if rest and line[match.start()] == "." and rest[0].islower():
            continue  # "approx. ten" — not a sentence end
        cuts.append(match.end())
    return cuts


_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}


def zh_number(text: str) -> int:
    """Parse a Chinese numeral as used in article numbers: 二十四 -> 24, 一百一十七 -> 117, 一〇三 -> 103.

    Raises ValueError for anything else, so a malformed article number is reported, not guessed.
    """
    if not text or any(c not in _ZH_DIGITS and c not in _ZH_UNITS for c in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if not any(c in _ZH_UNITS for c in text):  # positional form: 一〇三
        return int("".join(str(_ZH_DIGITS[c]) for c in text))
    total, digit = 0, None
    for char in text:
        if char in _ZH_DIGITS:
            digit = _ZH_DIGITS[char]
        else:
            total += (1 if digit is None else digit) * _ZH_UNITS[char]
            digit = None
    return total + (digit or 0)


MAX_QUESTION_CHARS = 2000  # what a search reads of a question: a longer one is read from its asking part
# What is accepted at all: a user's long story with the ask at its end (a trial user's was 2,414
# characters) is answered from its asking part (:func:`qa.search.query.shortened`), not refused; a
# whole pasted document is refused.
MAX_PASTE_CHARS = 10_000
# A terminal's colour codes (ESC [ 31 m) and control characters are dropped, not turned into spaces:
# pasted into "专利\x07法", a space split the law's name and the answer came from the Regulations (a
# trial user). Zero-width characters (copied from web pages) go the same way; line breaks stay spaces.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff]")
_TAG_NAMES = (
    "a|abbr|b|big|blockquote|body|br|button|code|del|div|em|embed|font|form|h[1-6]|head|hr|html|i|iframe|img|"
    "input|ins|label|li|link|mark|meta|noscript|object|ol|option|p|pre|q|s|script|select|small|span|strong|"
    "style|sub|sup|svg|table|tbody|td|template|textarea|th|thead|title|tr|tt|u|ul|video|audio|source"
)
_TAG = re.compile(rf"<(?:/?(?:{_TAG_NAMES})(?:\s[^<>]*)?/?|!--.*?--)>", re.S | re.I)


class QuestionError(ValueError):
    """A question that cannot be answered as typed; the message says what to change."""


def check_question(question: object) -> str:
    """Validate and tidy a user's question; raise :class:`QuestionError` with a clear message."""
    if isinstance(question, bytes):
        try:
            question = question.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise QuestionError("The question is not valid UTF-8 text.") from exc
    if not isinstance(question, str):
        raise QuestionError("The question must be text.")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in question):
        raise QuestionError("The question contains invalid characters (undecodable bytes).")
    # A stray U+FFFD (a character a PDF copy lost: "专利\ufffd期限") is dropped; a question made mostly
    # of them was never decoded as text at all.
    lost = question.count("\ufffd")
    if lost * 4 > len(question):  # over a quarter
        raise QuestionError("The question is mostly characters that could not be decoded (\ufffd); paste it as text.")
    question = question.replace("\ufffd", "")
    cleaned = _WS.sub(" ", _CONTROL.sub("", _ANSI.sub("", question))).strip()
    if not cleaned:
        raise QuestionError("The question is empty. Type a question in Chinese or English.")
    if len(cleaned) > MAX_PASTE_CHARS:
        raise QuestionError(
            f"The question is {len(cleaned)} characters long; the limit is {MAX_PASTE_CHARS}. Please shorten it."
        )
    return cleaned


class _Converter:
    """One OpenCC character table (``t2s`` or ``s2tw``), loaded once per process on first use."""

    _lock = threading.Lock()
    _tables: ClassVar[dict[str, object]] = {}

    @classmethod
    def convert(cls, table: str, text: str) -> str:
        if not _CJK.search(text):
            return text
        with cls._lock:
            if table not in cls._tables:
                import opencc

                cls._tables[table] = opencc.OpenCC(table)
        return str(cls._tables[table].convert(text))  # type: ignore[attr-defined]


def simplified(text: str) -> str:
    """``text`` with traditional characters turned into simplified ones (same length, same order)."""
    return _Converter.convert("t2s", text)


def traditional(text: str) -> str:
    """``text`` shown in traditional characters (for display only; search uses :func:`simplified`).

    In the forms readers in Taiwan and Hong Kong write (為, 群, 裡), not OpenCC's reference forms
    (爲, 羣, 裏), which a trial user found odd in "視爲" and "企業羣體"."""
    return _Converter.convert("s2tw", text)


def is_traditional(text: str) -> bool:
    """Whether the text uses traditional characters (it changes when simplified)."""
    return simplified(text) != text


# An SQL statement pasted in (a probe of the page, not a question): "'; DROP TABLE passages; --" was
# answered with the paper's Table 1. Read as SQL only when it looks like code, not like "How do they
# select projects from the list?": its keywords in capitals, or the text holds ; -- or =.
_SQL = re.compile(
    r"\b(?:drop\s+(?:table|database)|truncate\s+table|alter\s+table|delete\s+from|insert\s+into|"
    r"union\s+(?:all\s+)?select|select\s+(?:\*|[\w.,\s]+?)\s+from|update\s+\w+\s+set)\b[^;]*;?",
    re.I,
)
_CODE_SIGN = re.compile(r";|--|=")


def without_sql(text: str) -> str:
    """``text`` without the SQL statements in it, when it looks like code (see ``_SQL``)."""
    found = _SQL.search(text)
    if found is None or not (_CODE_SIGN.search(text) or found.group().split()[0].isupper()):
        return text
    return _WS.sub(" ", _SQL.sub(" ", text)).strip()


def searchable(text: str) -> str:
    """The form of a question a search reads: no markup (:func:`without_markup`), no SQL statement
    (:func:`without_sql`) and no emoji or other pictographs ("专利能保护几年😀" was answered from
    another article than "专利能保护几年")."""
    text = without_sql(without_markup(text))
    if text.isascii():
        return text
    kept = "".join(
        " " if unicodedata.category(c) == "So" else c
        for c in text
        if c not in "\ufe0e\ufe0f\u200d" and not 0x1F3FB <= ord(c) <= 0x1F3FF
    )
    return _WS.sub(" ", kept).strip()


def without_markup(text: str) -> str:
    """``text`` with any HTML markup taken out, as a search reads a question: scripts and styles
    whole, other tags leaving their words ("<script>alert(1)</script><img src=x>开放许可是什么" is
    "开放许可是什么"; a trial user's was declined). Text with nothing tag-like is returned as it is,
    so "研发投入<2%的企业" keeps its "<"."""
    if not _TAG.search(text):
        return text
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "template", "noscript"]):
        tag.decompose()
    return _WS.sub(" ", soup.get_text()).strip()
