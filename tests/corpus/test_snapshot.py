"""The parsed-documents snapshot: the same documents as parsing, never a stale or damaged one."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.corpus.documents import document_hash, load_document
from qa.corpus.library import Library
from qa.corpus.snapshot import SNAPSHOT_FILE, Snapshot, files_digest

LAW = (
    "# 某市科技条例\n\n## 第一章 总则\n\n第一条 为了促进科技成果转化，制定本条例。\n\n第二条 市人民政府设立引导基金。\n"
)
NOTES = "这是一份工作说明。\n\n第二段讲的是人才评价。\n"


def _library(tmp_path: Path) -> Library:
    library = Library(tmp_path / "lib")
    for name, text in (("city.md", LAW), ("notes.txt", NOTES)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        library.add(tmp_path / name)
    return library


def _parsed(library: Library) -> list:
    """The documents as parsing their folders gives them, without any snapshot."""
    return [load_document(library.root / row.id) for row in sorted(library.documents(), key=lambda r: r.id)]


def test_documents_from_the_snapshot_equal_parsed_ones(tmp_path: Path) -> None:
    library = _library(tmp_path)
    first = library.load()
    assert (library.root / SNAPSHOT_FILE).is_file()
    snapshot = Snapshot(library.root / SNAPSHOT_FILE)
    snapshot.read()
    for doc in first:  # the second load is served from the file, not from parsing
        assert snapshot.get(doc.id, files_digest(library.root / doc.id)) == (doc, document_hash(doc))
    again = Library(library.root)
    assert again.load() == first == _parsed(library)
    assert again.hashes == {d.id: document_hash(d) for d in first}


def test_an_edited_document_is_parsed_again_and_a_removed_one_forgotten(tmp_path: Path) -> None:
    library = _library(tmp_path)
    library.load()
    source = library.root / "city" / "source.zh.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("引导基金", "风险补偿基金"), encoding="utf-8")
    library.remove("notes")
    docs = Library(library.root).load()
    assert [d.id for d in docs] == ["city"] and "风险补偿基金" in "".join(s.text for s in docs[0].segments)
    assert docs == _parsed(library)
    snapshot = Snapshot(library.root / SNAPSHOT_FILE)
    snapshot.read()
    assert snapshot.get("notes", "") is None and snapshot.get("city", files_digest(library.root / "city"))


@pytest.mark.parametrize(
    "damage",
    [b"", b"\x00\xff junk", b'{"format": 1, "sha256": "0", "docs": {}}\n', b'{"format": 99}\n', b"[1, 2]\ntext"],
)
def test_a_damaged_snapshot_is_ignored_and_rewritten(tmp_path: Path, damage: bytes) -> None:
    library = _library(tmp_path)
    expected = library.load()
    path = library.root / SNAPSHOT_FILE
    good = path.read_bytes()
    path.write_bytes(damage)
    assert Library(library.root).load() == expected
    assert path.read_bytes() == good  # rewritten whole


def test_a_snapshot_whose_texts_do_not_fit_its_header_is_not_used(tmp_path: Path) -> None:
    library = _library(tmp_path)
    expected = library.load()
    path = library.root / SNAPSHOT_FILE
    head, _, body = path.read_bytes().partition(b"\n")
    shifted = body.replace("引导基金".encode(), "引导资金".encode())  # same length, other words
    path.write_bytes(head + b"\n" + shifted)
    assert Library(library.root).load() == expected


def test_metadata_json_would_change_is_parsed_each_time(tmp_path: Path) -> None:
    library = _library(tmp_path)
    meta = library.root / "city" / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("date: null", "date: 2024-05-01"), encoding="utf-8")
    docs = library.load()
    city = next(d for d in docs if d.id == "city")
    assert str(city.meta["date"]) == "2024-05-01" and type(city.meta["date"]) is not str  # a YAML date
    assert Library(library.root).load() == docs  # still a date, not the string JSON would give back
