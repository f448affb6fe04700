"""Chunker invariants on tiny fixtures and on the real corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.corpus.chunking import Chunker, align_sentences, block_key
from qa.corpus.documents import document_text, load_corpus, load_document, section_refs
from qa.schema import Chunk, Document
from qa.text import split_sentences


def coverage(doc: Document, chunks: list[Chunk]) -> list[int]:
    counts = [0] * len(document_text(doc))
    for chunk in chunks:
        for i in range(chunk.start, chunk.end):
            counts[i] += 1
    return counts


def assert_partition(doc: Document, chunks: list[Chunk]) -> None:
    chunks = [c for c in chunks if c.kind != "outline"]  # outlines repeat headings by design
    text = document_text(doc)
    counts = coverage(doc, chunks)
    for i, char in enumerate(text):
        if char.isspace():
            assert counts[i] <= 1
        else:
            assert counts[i] == 1, f"character {i} ({char!r}) is in {counts[i]} chunks"
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text


@pytest.mark.parametrize("max_chars", [20, 30, 60, 400])
def test_every_character_lands_in_exactly_one_chunk(tiny_corpus: Path, max_chars: int) -> None:
    for doc in load_corpus(tiny_corpus):
        assert_partition(doc, Chunker(max_chars).chunk(doc))


def test_ids_are_stable_and_unique(tiny_corpus: Path) -> None:
    docs = load_corpus(tiny_corpus)
    first = [c.id for c in Chunker(30).chunk_corpus(docs)]
    second = [c.id for c in Chunker(30).chunk_corpus(load_corpus(tiny_corpus))]
    assert first == second
    assert len(first) == len(set(first))


def test_no_chunk_crosses_a_block(tiny_corpus: Path) -> None:
    for doc in load_corpus(tiny_corpus):
        keys = {s.id: block_key(s, r) for s, r in zip(doc.segments, section_refs(doc), strict=True)}
        for chunk in Chunker(400).chunk(doc):
            content = [keys[s] for s in chunk.segment_ids if _kind(doc, s) != "heading"]
            assert len(set(content)) <= 1, f"{chunk.id} mixes blocks {set(content)}"


def _kind(doc: Document, seg_id: str) -> str:
    return next(s.kind for s in doc.segments if s.id == seg_id)


def test_law_articles_are_never_merged(tiny_corpus: Path) -> None:
    law = load_document(tiny_corpus / "mini-law")
    chunks = Chunker(400).chunk(law)
    articles = [c for c in chunks if any(s.startswith("第") and s.endswith("条") for s in c.segment_ids)]
    assert [c.segment_ids[-1] for c in articles] == ["第一条", "第二条", "第三条"]
    assert all(sum(s.endswith("条") for s in c.segment_ids) == 1 for c in articles)
    second = next(c for c in chunks if "第二条" in c.segment_ids)
    assert second.section == "第一章 总则 › 第二条"
    assert second.translation is None
    # a chapter heading packed with its first article: the chunk is named by the article, not the chapter
    assert [c.id for c in articles] == ["mini-law/第一条", "mini-law/第二条", "mini-law/第三条"]
    assert articles[0].segment_ids == ("第一章", "第一条")


def test_headings_join_their_section_and_tables_stay_whole(tiny_corpus: Path) -> None:
    paper = load_document(tiny_corpus / "mini-paper")
    chunks = {c.id: c for c in Chunker(400).chunk(paper)}
    assert chunks["mini-paper/1"].segment_ids == ("1", "1-p1", "1-p2")
    assert chunks["mini-paper/t1"].segment_ids == ("t1", "t1-h", "t1-r1")
    assert chunks["mini-paper/t1"].section.endswith("› 表1 示例")
    assert (
        chunks["mini-paper/2"].section == "2 源头融合" and chunks["mini-paper/2"].section_en == "2 Source integration"
    )


def test_long_segments_split_at_sentence_ends_with_their_translation(tiny_corpus: Path) -> None:
    paper = load_document(tiny_corpus / "mini-paper")
    pieces = [c for c in Chunker(20).chunk(paper) if "1-p2" in c.segment_ids]
    assert len(pieces) > 1
    seg = next(s for s in paper.segments if s.id == "1-p2")
    assert seg.translation is not None
    for piece in pieces:
        assert piece.text[-1] in "。！？；", piece.text
        assert piece.translation and piece.translation in seg.translation
        n_zh = len(split_sentences(piece.text, "zh"))
        assert len(split_sentences(piece.translation, "en")) == n_zh
    assert " ".join(p.translation or "" for p in pieces) == seg.translation
    assert [p.id for p in pieces][1:] == [f"mini-paper/1-p2~{n}" for n in range(1, len(pieces))]


def test_alignment_by_length_when_counts_differ() -> None:
    assert align_sentences(["短。", "长长长长长长长长长长。"], ["Short.", "Long long long.", "Longer still."]) == [
        [0],
        [1, 2],
    ]
    assert align_sentences(["一。", "二。"], ["One.", "Two."]) == [[0], [1]]
    mapping = align_sentences(["一二三。"], ["One.", "Two.", "Three."])
    assert mapping == [[0, 1, 2]]


def test_real_corpus_partitions_and_keeps_structure(real_corpus: Path) -> None:
    chunker = Chunker()
    for doc in load_corpus(real_corpus):
        chunks = chunker.chunk(doc)
        assert_partition(doc, chunks)
        for chunk in chunks:
            if chunk.kind == "article":
                assert chunk.segment_ids[0].startswith("第") or chunk.segment_ids[-1].endswith("条")
            if doc.id == "paper" and chunk.lang == "zh":
                assert chunk.translation, f"{chunk.id} lost its translation"
            if not chunk.section:  # only text before the first heading (a preamble) has no section
                first_heading = next(i for i, s in enumerate(doc.segments) if s.kind == "heading")
                assert all(s.id not in chunk.segment_ids for s in doc.segments[first_heading:])


def test_max_chars_must_be_sensible() -> None:
    with pytest.raises(ValueError):
        Chunker(5)


def test_outline_chunks_list_the_sub_headings_verbatim(real_corpus: Path) -> None:
    paper = load_document(real_corpus / "paper")
    outlines = {c.id: c for c in Chunker().chunk(paper) if c.kind == "outline"}
    assert set(outlines) == {"paper/1@outline", "paper/1.3@outline", "paper/2@outline", "paper/3@outline"}
    tensions = outlines["paper/2@outline"]
    assert tensions.segment_ids == ("2", "2.1", "2.2", "2.3", "2.4", "2.5")
    assert "2.3 把握公共性与独占性的关系：完善分类评价机制" in tensions.text
    assert tensions.translation and "improving the seamless connection mechanism" in tensions.translation
    assert len(outlines["paper/3@outline"].text.split("\n")) == 7
