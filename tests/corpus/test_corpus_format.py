"""The segment-file format: round trips, and malformed files named by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.corpus.documents import (
    CorpusError,
    document_text,
    format_segments,
    load_corpus,
    load_document,
    parse_segment_file,
    segment_offsets,
)


def test_tiny_corpus_loads_with_translations_joined_by_id(tiny_corpus: Path) -> None:
    docs = {d.id: d for d in load_corpus(tiny_corpus)}
    assert set(docs) == {"mini-paper", "mini-law"}
    paper = docs["mini-paper"]
    by_id = {s.id: s for s in paper.segments}
    assert by_id["1-p1"].translation == (
        "S&T innovation and industrial innovation form a dual helix structure. The two iterate interactively."
    )
    assert by_id["t1-r1"].attr("table") == "t1"
    assert all(s.translation is None for s in docs["mini-law"].segments)
    assert (
        docs["mini-law"].segments[3].text
        == "第二条 国家支持下列活动：\n（一）研究；\n（二）开发。\n有关部门应当予以保障。"
    )


def test_format_then_parse_round_trips(tiny_corpus: Path, tmp_path: Path) -> None:
    doc = load_document(tiny_corpus / "mini-paper")
    out = tmp_path / "again.txt"
    out.write_text(format_segments(doc.segments), encoding="utf-8")
    again = parse_segment_file(out, source=True)
    assert [(r.id, r.kind, r.attrs, r.text) for r in again] == [(s.id, s.kind, s.attrs, s.text) for s in doc.segments]
    out.write_text(format_segments(doc.segments, translation=True), encoding="utf-8")
    assert {r.id: r.text for r in parse_segment_file(out, source=False)} == {s.id: s.translation for s in doc.segments}


def test_offsets_index_the_document_text(tiny_corpus: Path) -> None:
    doc = load_document(tiny_corpus / "mini-law")
    text = document_text(doc)
    for seg, start in zip(doc.segments, segment_offsets(doc), strict=True):
        assert text[start : start + len(seg.text)] == seg.text


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("stray text\n@@ a para\nx\n", 1, "before the first"),
        ("@@ a para\nx\n\n@@ a para\ny\n", 4, "duplicate segment id"),
        ("@@ a sonnet\nx\n", 1, "kind missing or unknown"),
        ("@@ a para\nx\n\nforgotten header\n", 4, "text after a blank line"),
        ("@@\nx\n", 1, "malformed header"),
        ("@@ a para level\nx\n", 1, "malformed attribute"),
        ("@@ a heading\nx\n", 1, "needs level=N"),
        ("@@ a para\n\n@@ b para\ny\n", 1, "has no text"),
        ("@@ a para\nx\x07y\n", 2, "control character"),
    ],
)
def test_malformed_source_files_name_the_line(tmp_path: Path, content: str, line: int, message: str) -> None:
    path = tmp_path / "source.zh.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        parse_segment_file(path, source=True)
    assert err.value.line == line
    assert message in str(err.value)
    assert f"{path}:{line}" in str(err.value)


def test_invalid_utf8_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "source.zh.txt"
    path.write_bytes("@@ a para\n好\n".encode() + b"\xff\xfe junk\n")
    with pytest.raises(CorpusError, match=r"source.zh.txt:3: not valid UTF-8"):
        parse_segment_file(path, source=True)


def test_translation_of_an_unknown_segment_is_an_error(tiny_corpus: Path) -> None:
    path = tiny_corpus / "mini-paper" / "translation.en.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n@@ no-such-id\nGhost.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="no-such-id"):
        load_document(tiny_corpus / "mini-paper")


def test_translation_headers_carry_only_ids(tiny_corpus: Path) -> None:
    path = tiny_corpus / "mini-paper" / "translation.en.txt"
    path.write_text("@@ 1 heading level=1\n1 General\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"translation\.en\.txt:1: translation headers carry only"):
        load_document(tiny_corpus / "mini-paper")


def test_bad_metadata_is_reported(tiny_corpus: Path) -> None:
    meta = tiny_corpus / "mini-law" / "meta.yaml"
    meta.write_text("id: mini-law\ntitle_zh: [unclosed\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"meta.yaml:\d+: invalid YAML"):
        load_document(tiny_corpus / "mini-law")
    meta.write_text("id: mini-law\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="missing metadata keys: title_zh"):
        load_document(tiny_corpus / "mini-law")


def test_folder_and_id_must_agree(tiny_corpus: Path) -> None:
    (tiny_corpus / "mini-law").rename(tiny_corpus / "renamed")
    with pytest.raises(CorpusError, match="does not match folder name"):
        load_corpus(tiny_corpus)


def test_empty_corpus_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no documents"):
        load_corpus(tmp_path)
