"""The chunks of an index (or overlay) on disk: ``chunks.json`` column by column, ``chunks.txt`` the texts.

One JSON object per chunk (``chunks.jsonl`` up to index format 9) took 1.1–1.3 s of the 2.5–3.7 s it
took to open the whole law archive's 74,441 passages: 31 MB of JSON, two thirds of it the passages'
text as escaped strings, and each law's long section paths repeated in every one of its chunks.
Now ``chunks.json`` holds one list per field, each repeated string (a document id, a section path,
a language, a kind) once in a ``strings`` table that the columns point into, and ``chunks.txt`` holds
every text and translation one after another, cut apart again by the lengths in the columns. Both
are plain UTF-8; nothing is pickled. Every column is type-checked as a whole before any chunk is
made, so a damaged file is reported, never half-read.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qa.schema import Chunk

FILES = ("chunks.json", "chunks.txt")
LEGACY = "chunks.jsonl"  # index format 9 and before: read only for its embedding hashes (vectors reused)
_STRING_REFS = ("doc_id", "section", "lang", "kind")  # columns of indexes into ``strings``
_OPTIONAL_REFS = ("section_en",)  # the same, -1 for None
_INTS = ("start", "end", "text", "translation")  # offsets, and the lengths of text and translation (-1: None)
_STRS = ("id", "embedding_hash")


def write_chunks(folder: Path, chunks: Sequence[Chunk], keys: Sequence[str]) -> None:
    """Write ``chunks`` with the content hash each one's embedding is reused by (``keys``)."""
    table: dict[str, int] = {}
    columns: dict[str, list[Any]] = {name: [] for name in (*_STRS, *_STRING_REFS, *_OPTIONAL_REFS, *_INTS)}
    columns["segment_ids"] = []
    texts: list[str] = []
    for chunk, key in zip(chunks, keys, strict=True):
        columns["id"].append(chunk.id)
        columns["embedding_hash"].append(key)
        for name in _STRING_REFS:
            columns[name].append(table.setdefault(getattr(chunk, name), len(table)))
        columns["section_en"].append(-1 if chunk.section_en is None else table.setdefault(chunk.section_en, len(table)))
        columns["start"].append(chunk.start)
        columns["end"].append(chunk.end)
        columns["segment_ids"].append(list(chunk.segment_ids))
        columns["text"].append(len(chunk.text))
        texts.append(chunk.text)
        columns["translation"].append(-1 if chunk.translation is None else len(chunk.translation))
        texts.append(chunk.translation or "")
    data = {"strings": list(table), "columns": columns}
    (folder / "chunks.json").write_bytes(json.dumps(data, ensure_ascii=False).encode("utf-8"))
    (folder / "chunks.txt").write_bytes("".join(texts).encode("utf-8"))


def read_chunks(folder: Path) -> list[Chunk]:
    """The chunks written by :func:`write_chunks`; raises ValueError for anything misshapen."""
    data = json.loads((folder / "chunks.json").read_bytes())
    text = (folder / "chunks.txt").read_bytes().decode("utf-8")
    strings, columns = _checked(data)
    ids, starts, ends, segments = columns["id"], columns["start"], columns["end"], columns["segment_ids"]
    refs = {name: columns[name] for name in (*_STRING_REFS, *_OPTIONAL_REFS)}
    lengths, translated = columns["text"], columns["translation"]
    out: list[Chunk] = []
    at = 0
    for i in range(len(ids)):
        body, at = text[at : at + lengths[i]], at + lengths[i]
        translation = None
        if translated[i] >= 0:
            translation, at = text[at : at + translated[i]], at + translated[i]
        section_en = refs["section_en"][i]
        chunk = object.__new__(Chunk)  # every field checked in _checked: skip the frozen __init__ (0.25 s here)
        chunk.__dict__.update(
            id=ids[i],
            doc_id=strings[refs["doc_id"][i]],
            section=strings[refs["section"][i]],
            text=body,
            lang=strings[refs["lang"][i]],
            start=starts[i],
            end=ends[i],
            segment_ids=tuple(segments[i]),
            translation=translation,
            section_en=None if section_en < 0 else strings[section_en],
            kind=strings[refs["kind"][i]],
        )
        out.append(chunk)
    if at != len(text):
        raise ValueError("chunks.txt holds more or less text than chunks.json says")
    return out


def embedding_hashes(folder: Path) -> list[str]:
    """Each chunk's embedding content hash, in order, from this format or the one-object-per-line
    format before it (so that upgrading an index reuses its vectors)."""
    if (folder / "chunks.json").is_file():
        _, columns = _checked(json.loads((folder / "chunks.json").read_bytes()))
        return list(columns["embedding_hash"])
    rows = [json.loads(line) for line in (folder / LEGACY).read_text(encoding="utf-8").splitlines()]
    if not all(isinstance(row, dict) and isinstance(row.get("embedding_hash", ""), str) for row in rows):
        raise ValueError(f"{LEGACY} is not one chunk object per line")
    return [row.get("embedding_hash", "") for row in rows]


def _checked(data: Any) -> tuple[list[str], dict[str, list[Any]]]:
    """The string table and the columns, each checked whole: its type, length and range."""
    if type(data) is not dict or type(data.get("strings")) is not list or type(data.get("columns")) is not dict:
        raise ValueError("chunks.json is not a strings table with columns")
    strings, columns = data["strings"], data["columns"]
    names = {*_STRS, *_STRING_REFS, *_OPTIONAL_REFS, *_INTS, "segment_ids"}
    if set(columns) != names or not all(type(column) is list for column in columns.values()):
        raise ValueError(f"chunks.json has columns {sorted(columns)}, not {sorted(names)}")
    n = len(columns["id"])
    if any(len(column) != n for column in columns.values()):
        raise ValueError("the columns of chunks.json differ in length")
    if not set(map(type, strings)) <= {str}:
        raise ValueError("the strings of chunks.json are not all strings")
    for name in _STRS:
        if not set(map(type, columns[name])) <= {str}:
            raise ValueError(f"chunks.json: {name} holds something other than strings")
    for name in (*_STRING_REFS, *_OPTIONAL_REFS, *_INTS):
        if not set(map(type, columns[name])) <= {int}:
            raise ValueError(f"chunks.json: {name} holds something other than whole numbers")
    if n and (
        min(min(columns[name]) for name in _STRING_REFS) < 0 or max(map(max, _ref_columns(columns))) >= len(strings)
    ):
        raise ValueError("chunks.json points outside its strings table")
    if n and (min(columns["section_en"]) < -1 or min(columns["text"]) < 0 or min(columns["translation"]) < -1):
        raise ValueError("chunks.json has a negative length or reference")
    segments = columns["segment_ids"]
    if not set(map(type, segments)) <= {list} or not all(set(map(type, ids)) <= {str} for ids in segments):
        raise ValueError("chunks.json: segment_ids are not lists of strings")
    return strings, columns


def _ref_columns(columns: dict[str, list[Any]]) -> list[list[int]]:
    """The columns that point into the strings table."""
    return [columns[name] for name in (*_STRING_REFS, *_OPTIONAL_REFS)]
