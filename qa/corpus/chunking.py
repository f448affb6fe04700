"""Turn documents into bilingual chunks that respect the documents' structure.

A chunk never crosses a *block*: a section of the paper (its heading and
paragraphs), a law article, a policy item, a table, or a run of front matter of
one kind and language. Inside a block, whole segments are packed up to
``max_chars``; a segment longer than that is split at sentence ends (。！？；),
and its translation is split at the matching English sentences, so every chunk
carries the translation of exactly its own text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from qa.corpus.documents import document_text, section_refs, segment_offsets
from qa.schema import FRONT_MATTER_LABELS, Chunk, Document, SectionRef, Segment
from qa.text import sentence_spans

DEFAULT_MAX_CHARS = 360
# English needs about three characters for what Chinese says in one, so a segment whose
# own language is English (the journal's English abstract) gets a proportionally larger limit.
CHARS_PER_ZH_CHAR = {"zh": 1, "en": 3}


@dataclass(frozen=True)
class _Unit:
    """A whole segment or a run of its sentences, with offsets into the document text."""

    segment: Segment
    ref: SectionRef
    start: int
    end: int
    piece: int  # 0 for the first (or only) piece of a segment
    translation: str | None

    @property
    def size(self) -> int:
        return self.end - self.start


def align_sentences(source: list[str], target: list[str]) -> list[list[int]]:
    """Map each source sentence to the target sentences that translate it.

    With equal counts the mapping is one-to-one (translations in this corpus
    are written sentence for sentence). Otherwise each target sentence goes to
    the source sentence at the same relative position by length, which keeps
    the mapping monotonic and gives every target sentence exactly one owner.
    """
    if len(source) == len(target):
        return [[i] for i in range(len(source))]
    mapping: list[list[int]] = [[] for _ in source]
    if not source:
        return mapping
    src_total = sum(len(s) for s in source) or 1
    tgt_total = sum(len(t) for t in target) or 1
    bounds, acc = [], 0
    for s in source:
        acc += len(s)
        bounds.append(acc / src_total)
    pos = 0
    for j, t in enumerate(target):
        middle = (pos + len(t) / 2) / tgt_total
        pos += len(t)
        owner = next((i for i, b in enumerate(bounds) if middle <= b), len(source) - 1)
        mapping[owner].append(j)
    return mapping


class Chunker:
    """Structure-respecting chunker; ``max_chars`` is the size to tune by measurement."""

    def __init__(self, max_chars: int = DEFAULT_MAX_CHARS) -> None:
        if max_chars < 20:
            raise ValueError("max_chars must be at least 20")
        self.max_chars = max_chars

    @property
    def settings(self) -> dict[str, int | str]:
        return {"chunker": "structural-2", "max_chars": self.max_chars}  # 2: a heading-led article named by its article

    def chunk_corpus(self, docs: Iterable[Document]) -> list[Chunk]:
        return [chunk for doc in docs for chunk in self.chunk(doc)]

    def chunk(self, doc: Document) -> list[Chunk]:
        text = document_text(doc)
        chunks: list[Chunk] = []
        for block in _blocks(doc, self):
            for group in self._pack(block):
                chunks.append(self._make_chunk(doc, text, group))
        return chunks + outline_chunks(doc)

    def limit(self, lang: str) -> int:
        return self.max_chars * CHARS_PER_ZH_CHAR.get(lang, 1)

    def _units(self, doc: Document, seg: Segment, ref: SectionRef, offset: int) -> Iterator[_Unit]:
        limit = self.limit(seg.lang)
        if len(seg.text) <= limit:
            yield _Unit(seg, ref, offset, offset + len(seg.text), 0, seg.translation)
            return
        spans = sentence_spans(seg.text, seg.lang)
        target_lang = doc.translation_lang
        t_spans = sentence_spans(seg.translation, target_lang) if seg.translation else []
        t_sentences = [seg.translation[a:b] for a, b in t_spans] if seg.translation else []
        mapping = align_sentences([seg.text[a:b] for a, b in spans], t_sentences)
        group: list[int] = []
        pieces: list[list[int]] = []
        for i, (_, b) in enumerate(spans):
            if group and b - spans[group[0]][0] > limit:
                pieces.append(group)
                group = []
            group.append(i)
        if group:
            pieces.append(group)
        for n, piece in enumerate(pieces):
            translation = None
            if seg.translation is not None:
                owned = [j for i in piece for j in mapping[i]]
                translation = seg.translation[t_spans[owned[0]][0] : t_spans[owned[-1]][1]] if owned else ""
            start, end = spans[piece[0]][0], spans[piece[-1]][1]
            yield _Unit(seg, ref, offset + start, offset + end, n, translation)

    def _pack(self, block: list[_Unit]) -> Iterator[list[_Unit]]:
        current: list[_Unit] = []
        for unit in block:
            size = unit.end - current[0].start if current else unit.size
            only_headings = all(u.segment.kind == "heading" for u in current)
            if current and size > self.limit(unit.segment.lang) and not only_headings:
                yield current
                current = []
            current.append(unit)
        if current:
            yield current

    def _make_chunk(self, doc: Document, text: str, units: list[_Unit]) -> Chunk:
        first = units[0]
        # A chapter heading packed with the article after it: the chunk is that article, and is named so
        # (patent-law/第一条, not patent-law/第一章, which reads as the whole chapter in a citation).
        named = (
            next((u for u in units if u.segment.kind == "article"), first) if first.segment.kind == "heading" else first
        )
        chunk_id = f"{doc.id}/{named.segment.id}" + (f"~{named.piece}" if named.piece else "")
        needs_translation = first.segment.lang == doc.lang
        translations = [u.translation for u in units]
        translation = None
        if needs_translation and all(t is not None for t in translations):
            translation = "\n\n".join(t for t in translations if t)
        ref = next((u.ref for u in units if u.segment.kind != "heading"), first.ref)
        return Chunk(
            id=chunk_id,
            doc_id=doc.id,
            section=ref.label(),
            section_en=ref.label_en(),
            text=text[first.start : units[-1].end],
            translation=translation,
            lang=first.segment.lang,
            start=first.start,
            end=units[-1].end,
            segment_ids=tuple(dict.fromkeys(u.segment.id for u in units)),
            kind=_chunk_kind(units),
        )


def _chunk_kind(units: list[_Unit]) -> str:
    kinds = [u.segment.kind for u in units if u.segment.kind != "heading"]
    return kinds[0] if kinds else "heading"


def block_key(seg: Segment, ref: SectionRef) -> str:
    """Segments with the same key may share a chunk; a new key starts a new block."""
    if seg.kind in ("article", "item", "signature"):
        return f"{seg.kind}:{seg.id}"
    if seg.kind in ("row", "caption"):
        return f"table:{seg.attr('table') or seg.attr('figure')}"
    if seg.kind in FRONT_MATTER_LABELS or seg.kind == "reference":
        return f"{seg.kind}:{seg.lang}"
    return f"section:{ref.label()}:{seg.lang}"  # a heading opens the section its paragraphs share


def _blocks(doc: Document, chunker: Chunker) -> Iterator[list[_Unit]]:
    refs = section_refs(doc)
    offsets = segment_offsets(doc)
    block: list[_Unit] = []
    key = None
    for seg, ref, offset in zip(doc.segments, refs, offsets, strict=True):
        seg_key = block_key(seg, ref)
        if block and seg_key != key and not all(u.segment.kind == "heading" for u in block):
            yield block
            block = []
        key = seg_key
        block.extend(chunker._units(doc, seg, ref, offset))
    if block:
        yield block


def outline_chunks(doc: Document) -> list[Chunk]:
    """One extra passage per heading with two or more sub-headings: the heading and its sub-headings.

    "What are the five tensions?" is answered by the headings of 2.1-2.5, which sit in
    five different chunks; the outline of section 2 holds them all, verbatim, in one
    passage. Outline chunks (kind ``outline``) repeat heading text, so unlike other
    chunks their ``start``/``end`` span the section rather than slicing ``text``.
    """
    refs = section_refs(doc)
    offsets = segment_offsets(doc)
    segments = list(doc.segments)
    out = []
    for i, seg in enumerate(segments):
        if seg.kind != "heading":
            continue
        children = []
        for j in range(i + 1, len(segments)):
            other = segments[j]
            if other.kind == "heading" and other.level <= seg.level:
                break
            if other.kind == "heading" and other.level == seg.level + 1:
                children.append(j)
        if len(children) < 2:
            continue
        members = [seg] + [segments[j] for j in children]
        translated = all(m.translation for m in members)
        last = segments[children[-1]]
        out.append(
            Chunk(
                id=f"{doc.id}/{seg.id}@outline",
                doc_id=doc.id,
                section=refs[i].label(),
                section_en=refs[i].label_en(),
                text="\n".join(m.text for m in members),
                translation="\n".join(m.translation or "" for m in members) if translated else None,
                lang=seg.lang,
                start=offsets[i],
                end=offsets[children[-1]] + len(last.text),
                segment_ids=tuple(m.id for m in members),
                kind="outline",
            )
        )
    return out
