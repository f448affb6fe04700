"""Reading and writing the corpus: one folder per document under ``corpus/``.

A document folder holds three plain-text files, chosen so a person can review a
translation side by side and a diff shows exactly what changed::

    corpus/<doc-id>/meta.yaml            titles, issuer, date, number, source, licence, status
    corpus/<doc-id>/source.zh.txt        the original text, one segment per block
    corpus/<doc-id>/translation.en.txt   the translation, the same segment ids (optional)

A segment file is a sequence of blocks. Each block starts with a header line
``@@ <segment-id> <kind> [key=value ...]`` (kind and attributes only in the
source file); the lines after it, up to the next header, are the segment text.
Lines inside a segment are paragraphs (a law article's clauses, say); a blank
line ends the text, so stray text after a blank line is an error rather than
silently glued to the wrong segment.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from qa.corpus.yamlsafe import safe_yaml
from qa.schema import FRONT_MATTER_LABELS, SEGMENT_KINDS, Document, SectionRef, Segment
from qa.text import zh_number

SOURCE_FILE = "source.{lang}.txt"
TRANSLATION_FILE = "translation.{lang}.txt"
META_FILE = "meta.yaml"
HEADER = "@@"
SEGMENT_SEPARATOR = "\n\n"  # how segments are joined in the document text (offsets count it)

_ID = re.compile(r"^[^\s=]+$")
REQUIRED_META = ("id", "title_zh", "title_en", "issuer", "date", "source", "licence_basis", "translation")


class CorpusError(ValueError):
    """A malformed corpus file. The message names the file and line to fix."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else str(self.path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class RawSegment:
    """A block as read from a segment file, before source and translation are joined."""

    id: str
    kind: str
    attrs: tuple[tuple[str, str], ...]
    text: str
    line: int


_BAD_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\ufeff\ufffd]")  # \r (0x0d) included; tab and newline are not


def parse_segment_file(path: Path, *, source: bool) -> list[RawSegment]:
    """Parse one segment file, raising :class:`CorpusError` with the line of any problem."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(path, 0, f"cannot read file ({exc.strerror})") from exc
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CorpusError(path, line, "not valid UTF-8 text") from exc
    return list(_parse_blocks(path, content, source=source))


def _parse_blocks(path: Path, content: str, *, source: bool) -> Iterator[RawSegment]:
    lines = content.split("\n")
    seen: set[str] = set()
    header: tuple[str, str, tuple[tuple[str, str], ...], int] | None = None
    body: list[str] = []
    ended_at = 0  # line number of the blank line that ended the current text, if any

    def finish() -> RawSegment | None:
        if header is None:
            return None
        seg_id, kind, attrs, line_no = header
        text = "\n".join(body).strip("\n")
        if not text.strip():
            raise CorpusError(path, line_no, f"segment {seg_id!r} has no text")
        return RawSegment(seg_id, kind, attrs, text, line_no)

    # the whole file is checked at once (a character-by-character loop per line cost a quarter
    # of a second per hundred laws at every start); the line is found only when something is wrong
    bad = _BAD_CHARACTER.search(content)
    if bad:
        number = content.count("\n", 0, bad.start()) + 1
        if bad.group() in "\r\ufeff\ufffd":
            raise CorpusError(path, number, "carriage return, BOM or replacement character in text")
        raise CorpusError(path, number, "control character in text")
    for number, line in enumerate(lines, start=1):
        if line.startswith(HEADER):
            done = finish()
            if done:
                yield done
            header = _parse_header(path, number, line, source=source)
            if header[0] in seen:
                raise CorpusError(path, number, f"duplicate segment id {header[0]!r}")
            seen.add(header[0])
            body, ended_at = [], 0
        elif not line.strip():
            if body:
                ended_at = ended_at or number
        else:
            if header is None:
                raise CorpusError(path, number, f"text before the first '{HEADER} <id>' header")
            if ended_at:
                raise CorpusError(
                    path, number, f"text after a blank line (line {ended_at}); start it with a '{HEADER} <id>' header"
                )
            body.append(line)
    done = finish()
    if done:
        yield done


def _parse_header(
    path: Path, number: int, line: str, *, source: bool
) -> tuple[str, str, tuple[tuple[str, str], ...], int]:
    parts = line[len(HEADER) :].split()
    if not parts or not _ID.match(parts[0]):
        raise CorpusError(path, number, f"malformed header {line!r}: expected '{HEADER} <id> <kind> [key=value ...]'")
    seg_id = parts[0]
    if not source:
        if len(parts) > 1:
            raise CorpusError(path, number, "translation headers carry only the segment id")
        return seg_id, "", (), number
    if len(parts) < 2 or parts[1] not in SEGMENT_KINDS:
        kinds = ", ".join(sorted(SEGMENT_KINDS))
        raise CorpusError(path, number, f"segment {seg_id!r}: kind missing or unknown (one of: {kinds})")
    attrs = []
    for token in parts[2:]:
        key, eq, value = token.partition("=")
        if not eq or not key or not value:
            raise CorpusError(path, number, f"malformed attribute {token!r}: expected key=value")
        attrs.append((key, value))
    if parts[1] == "heading" and not dict(attrs).get("level", "").isdigit():
        raise CorpusError(path, number, f"heading {seg_id!r} needs level=N")
    return seg_id, parts[1], tuple(attrs), number


def format_segments(segments: Iterable[Segment], *, translation: bool = False) -> str:
    """Render segments back to the segment-file format (the inverse of parsing)."""
    blocks = []
    for seg in segments:
        if translation:
            if seg.translation is None:
                continue
            blocks.append(f"{HEADER} {seg.id}\n{seg.translation}\n")
        else:
            attrs = "".join(f" {k}={v}" for k, v in seg.attrs)
            blocks.append(f"{HEADER} {seg.id} {seg.kind}{attrs}\n{seg.text}\n")
    return "\n".join(blocks)


def load_meta(path: Path) -> dict[str, Any]:
    try:
        data = safe_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CorpusError(path, 0, f"cannot read file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise CorpusError(path, 0, "not valid UTF-8 text") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise CorpusError(path, line, f"invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    return checked_meta(path, data)


def checked_meta(path: Path, data: object) -> dict[str, Any]:
    """Parsed metadata that has the keys every document needs (else a :class:`CorpusError` naming them)."""
    if not isinstance(data, dict):
        raise CorpusError(path, 1, "metadata must be a YAML mapping")
    missing = [key for key in REQUIRED_META if key not in data]
    if missing:
        raise CorpusError(path, 1, f"missing metadata keys: {', '.join(missing)}")
    return data


def load_document(folder: Path, meta: dict[str, Any] | None = None) -> Document:
    """Load one document folder, joining source and translation by segment id.

    ``meta``: its meta.yaml as :func:`load_meta` (or the library) already read it.
    """
    meta = checked_meta(folder / META_FILE, meta) if meta is not None else load_meta(folder / META_FILE)
    if meta["id"] != folder.name:
        raise CorpusError(folder / META_FILE, 1, f"id {meta['id']!r} does not match folder name {folder.name!r}")
    lang = str(meta.get("language", "zh"))
    tlang = str((meta.get("translation") or {}).get("language", "en"))
    source_path = folder / SOURCE_FILE.format(lang=lang)
    if not source_path.exists():
        raise CorpusError(source_path, 0, "source text missing")
    raw = parse_segment_file(source_path, source=True)
    translations: dict[str, str] = {}
    translation_path = folder / TRANSLATION_FILE.format(lang=tlang)
    if translation_path.exists():
        known = {r.id for r in raw}
        for block in parse_segment_file(translation_path, source=False):
            if block.id not in known:
                raise CorpusError(translation_path, block.line, f"segment {block.id!r} is not in {source_path.name}")
            translations[block.id] = block.text
    segments = tuple(
        Segment(
            id=r.id,
            kind=r.kind,
            text=r.text,
            lang=dict(r.attrs).get("lang", lang),
            translation=translations.get(r.id),
            attrs=r.attrs,
            line=r.line,
        )
        for r in raw
    )
    return Document(id=folder.name, meta=meta, segments=segments, lang=lang, translation_lang=tlang)


def document_folders(root: Path) -> list[Path]:
    """Document folders under ``root``: every sub-folder with a ``meta.yaml``."""
    return sorted(p.parent for p in root.glob(f"*/{META_FILE}"))


def load_corpus(root: Path) -> list[Document]:
    """Load every document under ``root`` (raises :class:`CorpusError` on the first bad file)."""
    folders = document_folders(root)
    if not folders:
        raise CorpusError(root, 0, f"no documents (no */{META_FILE}) found")
    return [load_document(folder) for folder in folders]


def document_hash(doc: Document) -> str:
    """A digest of everything of a document that shapes its passages (text, translation, metadata).

    Computed for every document at every start, so it reads the fields directly:
    ``dataclasses.asdict`` took 3 ms a law (4.6 s for the archive).
    """
    h = hashlib.sha256(json.dumps([doc.id, doc.lang, doc.translation_lang, doc.meta], default=str).encode())
    for seg in doc.segments:
        fields = (seg.id, seg.kind, seg.lang, seg.translation or "", repr(seg.attrs), str(seg.line), seg.text)
        h.update("\x1f".join(fields).encode() + b"\x1e")
    return h.hexdigest()[:16]


def document_text(doc: Document) -> str:
    """The document's source text: segment texts joined by a blank line."""
    return SEGMENT_SEPARATOR.join(seg.text for seg in doc.segments)


def segment_offsets(doc: Document) -> list[int]:
    """Start offset of each segment in :func:`document_text`."""
    offsets, pos = [], 0
    for seg in doc.segments:
        offsets.append(pos)
        pos += len(seg.text) + len(SEGMENT_SEPARATOR)
    return offsets


def section_refs(doc: Document) -> list[SectionRef]:
    """The heading path of each segment (a heading's own path ends with itself)."""
    stack: list[tuple[int, Segment]] = []
    refs = []
    for seg in doc.segments:
        if seg.kind in FRONT_MATTER_LABELS:
            zh, en = FRONT_MATTER_LABELS[seg.kind]
            refs.append(SectionRef((zh,), (en,)))
            continue
        if seg.kind == "heading":
            while stack and stack[-1][0] >= seg.level:
                stack.pop()
            stack.append((seg.level, seg))
        path = [s for _, s in stack]
        if seg.kind in ("caption", "row"):
            caption = _caption_for(doc, seg)
            if caption is not None:
                path.append(caption)
        path_zh = [heading_label(s.text) for s in path]
        path_en = [heading_label(s.translation) if s.translation else None for s in path]
        if seg.kind in ("article", "item"):
            unit_zh, unit_en = unit_label(seg)
            path_zh.append(unit_zh)
            path_en.append(unit_en)
        refs.append(SectionRef(tuple(path_zh), tuple(path_en)))
    return refs


def unit_label(seg: Segment) -> tuple[str, str | None]:
    """The citable number of an article or item: (第二十四条, Article 24), (（十五）, (15))."""
    match = re.fullmatch(r"第(.+)条", seg.id) if seg.kind == "article" else re.search(r"（(.+)）$", seg.id)
    if match is None:
        return seg.id, None
    try:
        number = zh_number(match.group(1))
    except ValueError:
        return seg.id, None
    if seg.kind == "article":
        return seg.id, f"Article {number}"
    return match.group(0), f"({number})"


def heading_label(text: str) -> str:
    """A heading as shown in a section path: one line, without a run-in full stop."""
    first = text.split("\n", 1)[0].strip()
    return first[:-1] if first.endswith(("。", ".")) else first


def _caption_for(doc: Document, seg: Segment) -> Segment | None:
    key = seg.attr("table") or seg.attr("figure")
    if not key:
        return None
    for other in doc.segments:
        if other.kind == "caption" and (other.attr("table") or other.attr("figure")) == key:
            return other
    return None


def with_translations(doc: Document, translations: dict[str, str]) -> Document:
    """A copy of ``doc`` with the given segment translations set (used by importers and tests)."""
    segments = tuple(replace(s, translation=translations.get(s.id, s.translation)) for s in doc.segments)
    return replace(doc, segments=segments)


# Files that shape neither the index nor the offline model: the thesaurus (read when questions are
# asked) and the paper's seed text. Editing the thesaurus must not rebuild them: with the law archive
# added, that was a rebuild of every added law's index.
NOT_INDEXED = frozenset({"seed.txt", "thesaurus.tsv"})


def corpus_hash(corpus: Path) -> str:
    """Hash of every corpus file that shapes the index (text, translations, metadata, glossary, reader questions)."""
    h = hashlib.sha256()
    for path in sorted(corpus.rglob("*")):
        if path.is_file() and path.suffix in (".txt", ".yaml", ".tsv", ".jsonl") and path.name not in NOT_INDEXED:
            h.update(str(path.relative_to(corpus)).encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:16]
