"""Reading a user's file into headings and paragraphs: PDF, Word, HTML, Markdown and text.

Each format is read by a well-kept parser (pypdf, python-docx, Beautiful Soup); what is
this product's own is only what comes after: PDF text arrives with a line break at the
end of every printed line and with page headers, footers and page numbers between the
pages, so lines are rejoined into paragraphs (a line ends a paragraph at 。！？；: or when
the next line starts a heading, an article or a numbered item) and lines that repeat at
the top or bottom of most pages are dropped. The result keeps the document's own words
in order; :mod:`qa.corpus.library` finds the structure in it.

Any file that cannot be read — encrypted or image-only PDFs, a corrupt .docx, an empty
file, an unknown extension, a file over :data:`MAX_BYTES` — raises :class:`FormatError`
with one sentence that says what is wrong and what to do.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from qa.text import simplified, traditional

MAX_BYTES = 50 * 1024 * 1024
EXTENSIONS = (".pdf", ".docx", ".html", ".htm", ".md", ".markdown", ".txt")
_ZH_NUM = "零〇一二三四五六七八九十百千"
STRUCTURE_START = re.compile(
    rf"^(?:第[{_ZH_NUM}\d]+[编章节条款]|[{_ZH_NUM}]+、|（[{_ZH_NUM}\d]+）|\([{_ZH_NUM}\d]+\)|\d+[.、．]\s*\S|附\s*则|附件)"
)
HEADING_LINE = re.compile(rf"^(?:第[{_ZH_NUM}\d]+[编章节](?:\s+\S.{{0,40}})?|[{_ZH_NUM}]+、[^。；]{{1,40}}|附\s*则)$")
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–·•第]*(?:\d+|[ivxlcIVXLC]+)\s*(?:/\s*\d+)?[\s\-—–·•页]*$|^page \d+( of \d+)?$", re.I
)
_SENTENCE_END = re.compile(r"[。！？；：:!?;.」』”）)]$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\u200b\ufeff]")


class FormatError(ValueError):
    """A file that cannot be added; the message says why and what to do."""


@dataclass
class Extracted:
    """A file's text: a title (may be empty) and blocks, each a heading (level ≥ 1) or a paragraph (0)."""

    title: str
    blocks: list[tuple[int, str]] = field(default_factory=list)
    kind: str = ""

    @property
    def characters(self) -> int:
        return sum(len(text) for _, text in self.blocks)


def read_file(path: Path) -> Extracted:
    """The headings and paragraphs of ``path`` (see the module docstring for what is checked)."""
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise FormatError(
            f"{path.name}: cannot add a {suffix or 'file without an extension'}; use {', '.join(EXTENSIONS)}"
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FormatError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if size == 0:
        raise FormatError(f"{path.name}: the file is empty")
    if size > MAX_BYTES:
        raise FormatError(
            f"{path.name}: {size / 2**20:.0f} MB is over the {MAX_BYTES // 2**20} MB limit for one document"
        )
    reader = {".pdf": _pdf, ".docx": _docx, ".html": _html, ".htm": _html}.get(suffix, _plain)
    extracted = reader(path)
    table = radical_table("\n".join(t for _, t in extracted.blocks))  # a PDF's are translated already (_pdf)
    cleaned = ((lv, _clean(t).translate(table)) for lv, t in extracted.blocks)
    extracted.blocks = [(level, text) for level, text in cleaned if text]
    extracted.title = extracted.title.translate(table)
    extracted.kind = {".htm": "html", ".markdown": "md"}.get(suffix, suffix.lstrip("."))
    if extracted.characters < 10:
        raise FormatError(f"{path.name}: no text found in the file")
    return extracted


# PDF text often carries Kangxi radicals and CJK radical supplements (⾸⻚, ⽉, ⼀) where the page shows
# ordinary characters (首页, 月, 一): fonts map those glyphs to the radical code points. NFKC restores the
# Kangxi block; the supplement has no decomposition, so the common ones are listed.
_SUPPLEMENT = {  # CJK Radicals Supplement (no decomposition): the simplified forms that stand for whole characters
    "\u2e9d": "月", "\u2e9f": "母", "\u2ea0": "民", "\u2eb0": "纟", "\u2ec5": "见", "\u2ec6": "角", "\u2ec8": "讠",
    "\u2ec9": "贝", "\u2ecb": "车", "\u2ed0": "钅", "\u2ed3": "长", "\u2ed4": "门", "\u2ed9": "韦",
    "\u2eda": "页", "\u2edb": "风", "\u2edc": "飞", "\u2ee0": "饣", "\u2ee2": "马", "\u2ee5": "鱼",
    "\u2ee6": "鸟", "\u2ee7": "卤", "\u2ee8": "麦", "\u2ee9": "黄", "\u2eea": "黾", "\u2eec": "齐",
    "\u2eee": "齿", "\u2ef0": "龙", "\u2ef3": "龟",
}  # fmt: skip
_KANGXI = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0x2F00, 0x2FD6)}


def _clean(text: str) -> str:
    return re.sub(r"[ \t\u3000]+", " ", _CONTROL.sub("", text)).strip()


def radical_table(raw: str) -> dict[int, str]:
    """The translation of the radical code points in ``raw`` (a whole document's text) to characters.

    NFKC turns a Kangxi radical into the traditional form of its character (⼾ -> 戶, ⾨ -> 門), but
    in a simplified document the page showed 户 and 门: the font draws both alike. A PDF of
    居民身份证法 printed by Chromium read "常住戶口" eight times, so a quote no longer matched the
    law. So in a simplified document those characters are simplified too.
    """
    kangxi = {c: _KANGXI[c] for c in set(raw) if c in _KANGXI}
    if kangxi and _simplified_script(raw):
        kangxi = {c: s if len(s := simplified(form)) == 1 else form for c, form in kangxi.items()}
    return str.maketrans(_SUPPLEMENT | kangxi)


def _simplified_script(text: str) -> bool:
    """Whether more of the text's characters exist only in simplified than only in traditional form."""
    chars = sorted({c for c in text if "\u4e00" <= c <= "\u9fff"})
    joined = "\n".join(chars)  # one per line: no phrase spans two characters
    traditional_only = sum(1 for c, t in zip(chars, simplified(joined).split("\n"), strict=False) if t != c)
    simplified_only = sum(1 for c, t in zip(chars, traditional(joined).split("\n"), strict=False) if t != c)
    return simplified_only >= traditional_only


# -- PDF ---------------------------------------------------------------------------------------


def _pdf(path: Path) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs what it repairs ("EOF marker not found") straight to stderr, through a progress
    # bar; a file it cannot read is reported once, by the FormatError below
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise FormatError(f"{path.name}: the PDF is encrypted; save an unprotected copy and add that")
        pages = [page.extract_text() or "" for page in reader.pages]
    except FormatError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise FormatError(f"{path.name}: not a readable PDF ({type(exc).__name__}: {str(exc)[:120]})") from exc
    except Exception as exc:  # pypdf raises many kinds of errors on damaged files; all mean the same here
        raise FormatError(f"{path.name}: not a readable PDF ({type(exc).__name__})") from exc
    table = radical_table("".join(pages))  # before the structure is read: 第⼀章 is 第一章
    lines_per_page = [[c for line in page.splitlines() if (c := _clean(line).translate(table))] for page in pages]
    if sum(len("".join(lines)) for lines in lines_per_page) < 20 * len(pages):  # under 20 characters a page
        raise FormatError(
            f"{path.name}: the PDF has no text layer (scanned pages are images); run OCR on it first, then add it"
        )
    title = str(reader.metadata.get("/Title") or "").translate(table) if reader.metadata is not None else ""
    paragraphs = rejoin(drop_page_furniture(lines_per_page))
    return Extracted(title, [(0 if not HEADING_LINE.match(p) else 1, p) for p in paragraphs])


def drop_page_furniture(pages: list[list[str]]) -> list[str]:
    """All lines in order, without page numbers and without headers/footers repeated on most pages."""

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line)

    edges: Counter[str] = Counter()
    for lines in pages:
        edges.update({key(line) for line in lines[:2] + lines[-2:]})
    repeated = {k for k, n in edges.items() if len(pages) >= 3 and n >= 0.6 * len(pages)}
    out: list[str] = []
    for lines in pages:
        for i, line in enumerate(lines):
            at_edge = i < 2 or i >= len(lines) - 2
            if at_edge and (_PAGE_NUMBER.match(line) or key(line) in repeated):
                continue
            out.append(line)
    return out


def rejoin(lines: list[str]) -> list[str]:
    """Printed lines back into paragraphs: a paragraph ends at a sentence end or before a structural start."""
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        starts_unit = bool(STRUCTURE_START.match(line)) or bool(HEADING_LINE.match(line))
        if current and (starts_unit or _SENTENCE_END.search(current) or HEADING_LINE.match(current)):
            paragraphs.append(current)
            current = ""
        current = join_lines(current, line) if current else line
    if current:
        paragraphs.append(current)
    return paragraphs


def join_lines(left: str, right: str) -> str:
    """Two pieces of one paragraph: Chinese joins directly, English with a space (a hyphen at a break is dropped)."""
    if re.search(r"[A-Za-z]-$", left) and re.match(r"[a-z]", right):
        return left[:-1] + right
    if re.search(r"[A-Za-z0-9,;:.)]$", left) or re.match(r"[A-Za-z0-9(]", right):
        return f"{left} {right}"
    return left + right


# -- Word, HTML, Markdown, text -------------------------------------------------------------------


def _docx(path: Path) -> Extracted:
    try:
        import docx

        document = docx.Document(str(path))
    except Exception as exc:  # zipfile, lxml and python-docx fail in their own ways on damaged files
        raise FormatError(
            f"{path.name}: not a readable Word (.docx) file — it is damaged, or not a .docx "
            "(an old .doc or another file renamed); open it in Word or LibreOffice and save it as .docx"
        ) from exc
    blocks: list[tuple[int, str]] = []
    title = str(document.core_properties.title or "")
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level = 0
        if style == "Title":
            title = title or paragraph.text.strip()
            continue
        if found := re.match(r"Heading (\d)", style):
            level = int(found.group(1))
        elif HEADING_LINE.match(paragraph.text.strip()):
            level = 1
        blocks.append((level, paragraph.text))
    for table in document.tables:
        for row in table.rows:
            blocks.append((0, " | ".join(cell.text.strip() for cell in row.cells)))
    return Extracted(title, blocks)


def _html(path: Path) -> Extracted:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_bytes(), "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript", "template", "form"]):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    blocks: list[tuple[int, str]] = []
    for tag in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "pre", "blockquote"]):
        if tag.find_parent(["p", "li", "tr", "pre", "blockquote"]):
            continue  # its text is part of the enclosing block
        text = (
            tag.get_text(" ", strip=True)
            if tag.name != "tr"
            else " | ".join(cell.get_text(" ", strip=True) for cell in tag.find_all(["td", "th"]))
        )
        level = int(tag.name[1]) if tag.name in ("h1", "h2", "h3", "h4", "h5", "h6") else 0
        blocks.append((level, text))
    if not blocks and soup.body:  # a page of bare text
        blocks = [(0, line) for line in soup.body.get_text("\n").splitlines()]
    return Extracted(title, blocks)


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FormatError(f"{path.name}: the text is neither UTF-8 nor GB18030; save it as UTF-8 and add it again")


def _plain(path: Path) -> Extracted:
    """Markdown and text: ``#`` headings (Markdown), blank-line paragraphs, or one paragraph per line."""
    text = _decode(path).replace("\r\n", "\n")
    if text.startswith("---\n") and (end := text.find("\n---\n", 4)) > 0:
        text = text[end + 5 :]  # YAML front matter is metadata, not text
    markdown = path.suffix.lower() in (".md", ".markdown")
    if markdown:
        text = re.sub(r"<!--.*?-->", "", text, flags=re.S)  # comments are not part of the text
    title = ""
    blocks: list[tuple[int, str]] = []
    chunks = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.split("\n")
    for chunk in chunks:
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        structured = any(
            line.startswith("#") or HEADING_LINE.match(line) or STRUCTURE_START.match(line) for line in lines
        )
        for line in lines if structured else [_joined(lines)]:
            if markdown and (found := re.match(r"^(#{1,6})\s+(.*)$", line)):
                level = len(found.group(1))
                if level == 1 and not title:
                    title = found.group(2)
                    continue
                blocks.append((level, found.group(2)))
            elif HEADING_LINE.match(line):
                blocks.append((1, line))
            elif line:
                blocks.append((0, line))
    return Extracted(title, blocks)


def _joined(lines: list[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        text = join_lines(text, line)
    return text
