"""Plain, frozen data types shared by every layer of qa.

Everything the assistant says is built from these: a :class:`Document` is a list
of :class:`Segment` s read from ``corpus/``; the chunker turns documents into
:class:`Chunk` s, which are what gets indexed and cited. Keeping them frozen and
free of behaviour means the CLI, the Python API and the web page all see the
same objects, and tests can build them by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Kinds of segment a corpus file may hold. Headings build the section path;
# the others are content. Kinds listed in FRONT_MATTER_LABELS sit outside the
# heading tree and get a fixed section label (zh, en) instead.
SEGMENT_KINDS = frozenset(
    {
        "heading",  # a numbered section heading (attr level=1..3)
        "para",  # a body paragraph
        "article",  # a law article (第N条), all its paragraphs (款) included
        "item",  # a numbered item of a policy document (（三）…), all paragraphs included
        "caption",  # a table or figure caption (attr table=… or figure=…)
        "row",  # a table row, cells separated by " | " (attr table=…, header=1)
        "reference",  # a bibliography entry
        "abstract",
        "keywords",
        "profile",  # the authors' profile note
        "history",  # a law's adoption/amendment note, or a document's date line
        "signature",  # issuer and date at the end of a policy document
    }
)

FRONT_MATTER_LABELS: dict[str, tuple[str, str]] = {
    "abstract": ("摘要", "Abstract"),
    "keywords": ("关键词", "Keywords"),
    "profile": ("作者单位简介", "About the authors"),
    "history": ("题注", "Title note"),
    "signature": ("落款", "Signature"),
}

SECTION_SEPARATOR = " › "


@dataclass(frozen=True)
class Segment:
    """One aligned unit of a document: a paragraph, a heading, a table row, a law article.

    ``text`` is in the segment's own language (normally the document's source
    language); ``translation`` is the aligned text in the translation language,
    or ``None`` when the segment has not been translated yet.
    """

    id: str
    kind: str
    text: str
    lang: str
    translation: str | None = None
    attrs: tuple[tuple[str, str], ...] = ()
    line: int = 0  # line of the segment header in its source file, for error messages

    def attr(self, name: str, default: str = "") -> str:
        for key, value in self.attrs:
            if key == name:
                return value
        return default

    @property
    def level(self) -> int:
        return int(self.attr("level", "1"))


@dataclass(frozen=True)
class SectionRef:
    """The heading path a segment sits under, in the source language and in translation."""

    path: tuple[str, ...] = ()
    path_en: tuple[str | None, ...] = ()

    def label(self) -> str:
        return SECTION_SEPARATOR.join(self.path)

    def label_en(self) -> str | None:
        if not self.path_en or any(p is None for p in self.path_en):
            return None
        return SECTION_SEPARATOR.join(p for p in self.path_en if p is not None)


@dataclass(frozen=True)
class Document:
    """A corpus document: metadata plus its ordered segments."""

    id: str
    meta: dict[str, Any]
    segments: tuple[Segment, ...]
    lang: str = "zh"
    translation_lang: str = "en"

    @property
    def title(self) -> str:
        return str(self.meta.get("title_zh") or self.meta.get("title") or self.id)

    @property
    def title_en(self) -> str | None:
        value = self.meta.get("title_en")
        return str(value) if value else None


@dataclass(frozen=True)
class Chunk:
    """A retrievable, citable passage: part of one block (section, article or table).

    ``start``/``end`` are character offsets into :func:`qa.corpus.document_text`
    of the chunk's document, so that ``document_text(doc)[start:end] == text``.
    """

    id: str
    doc_id: str
    section: str
    text: str
    lang: str
    start: int
    end: int
    segment_ids: tuple[str, ...]
    translation: str | None = None
    section_en: str | None = None
    kind: str = "para"


@dataclass(frozen=True)
class Hit:
    """One retrieved passage: the chunk's text and translation, with how it was scored.

    ``scores`` and ``ranks`` hold each retriever's own score and 1-based rank
    (e.g. ``{"bm25": 7.1, "dense": 0.62}``) so that a fused ranking can be explained.
    """

    chunk_id: str
    doc_id: str
    section: str
    text: str
    translation: str | None
    score: float
    rank: int
    lang: str = "zh"
    section_en: str | None = None
    doc_title: str = ""
    doc_title_en: str | None = None
    scores: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    ranks: dict[str, int] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Citation:
    """A cited sentence: ``quote`` is an exact substring of the chunk's text in ``quote_lang``.

    ``other`` is the matching sentence in the other language when the chunk has a translation.
    """

    marker: int
    chunk_id: str
    doc_id: str
    section: str
    quote: str
    quote_lang: str
    other: str | None = None
    section_en: str | None = None
    doc_title: str = ""


@dataclass(frozen=True)
class Answer:
    """What ``Assistant.ask`` returns: the answer text with ``[n]`` markers and what backs it."""

    question: str
    text: str
    language: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    hits: tuple[Hit, ...] = ()
    notes: tuple[str, ...] = ()
    # Every passage a citation points at, once each, in citation order: a list answer may cite
    # passages beyond ``hits`` (an item's own paragraph), and a consumer must be able to show
    # and check each citation from the Answer alone.
    sources: tuple[Hit, ...] = ()
    # The answer's text in traditional characters, for a question asked in them (the chat page and
    # `qa ask` show this; the quotes inside stay the documents' own simplified words in ``citations``).
    text_traditional: str | None = None
