"""The chunks on disk (qa.search.chunkfile): read back exactly as written, and never half-read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.assistant import Assistant
from qa.schema import Chunk
from qa.search.chunkfile import embedding_hashes, read_chunks, write_chunks

CHUNKS = [
    Chunk(
        "law/第一条",
        "law",
        "第一章 › 第一条",
        "第一条 为了……制定本法。",
        "zh",
        0,
        13,
        ("第一条",),
        "Article 1 …",
        "Ch. 1 › Art. 1",
    ),
    Chunk("law/第二条", "law", "第一章 › 第二条", "第二条 本法所称……", "zh", 15, 25, ("第二条", "第二条-2")),
    Chunk("note/p1~1", "note", "", "", "en", 0, 0, ("p1",), "", None, "outline"),  # empty text, empty translation
]


def test_chunks_read_back_exactly_as_written(tmp_path: Path, assistant: Assistant) -> None:
    write_chunks(tmp_path, CHUNKS, ["a", "b", "c"])
    assert read_chunks(tmp_path) == CHUNKS and embedding_hashes(tmp_path) == ["a", "b", "c"]
    shipped = assistant.chunks  # the shipped corpus: translations, section paths in two languages, kinds
    write_chunks(tmp_path, shipped, [str(i) for i in range(len(shipped))])
    assert read_chunks(tmp_path) == shipped
    strings = json.loads((tmp_path / "chunks.json").read_bytes())["strings"]
    assert len(strings) == len(set(strings))  # a section path or document id is written once, not per chunk
    assert len(strings) < len({c.doc_id for c in shipped}) + 2 * len(shipped)
    write_chunks(tmp_path, [], [])
    assert read_chunks(tmp_path) == []


def test_the_vectors_of_an_index_of_the_older_format_are_found_by_hash(tmp_path: Path) -> None:
    rows = [{"id": "law/第一条", "text": "…", "embedding_hash": "k1"}, {"id": "law/第二条", "embedding_hash": "k2"}]
    (tmp_path / "chunks.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert embedding_hashes(tmp_path) == ["k1", "k2"]


def _damaged(data: dict, column: str, value: object) -> dict:
    return {**data, "columns": {**data["columns"], column: value}}


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("start", [0, "15", 0]),  # a string where a number belongs
        ("doc_id", [0, 0, 99]),  # outside the strings table
        ("doc_id", [0, 0]),  # one short
        ("text", [13, -1, 0]),  # a negative length
        ("segment_ids", [["第一条"], "第二条", ["p1"]]),  # not a list
        ("id", None),
    ],
)
def test_a_misshapen_chunks_file_is_refused_whole(tmp_path: Path, column: str, value: object) -> None:
    write_chunks(tmp_path, CHUNKS, ["a", "b", "c"])
    data = json.loads((tmp_path / "chunks.json").read_bytes())
    (tmp_path / "chunks.json").write_text(json.dumps(_damaged(data, column, value)), encoding="utf-8")
    with pytest.raises(ValueError):
        read_chunks(tmp_path)


def test_texts_that_do_not_add_up_are_refused(tmp_path: Path) -> None:
    write_chunks(tmp_path, CHUNKS, ["a", "b", "c"])
    text = (tmp_path / "chunks.txt").read_text(encoding="utf-8")
    for changed in (text[:-3], text + "多余"):
        (tmp_path / "chunks.txt").write_text(changed, encoding="utf-8")
        with pytest.raises(ValueError):
            read_chunks(tmp_path)
    (tmp_path / "chunks.txt").write_bytes(text.encode("utf-8")[:-1])  # cut inside a character
    with pytest.raises(ValueError):
        read_chunks(tmp_path)
