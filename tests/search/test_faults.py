"""Fault injection over every file of the index and the offline model folder.

Each file is truncated, has a byte flipped, is deleted, emptied, or replaced by
well-formed data of the wrong shape (JSON or ``.npy``), once as found on disk and
once "re-signed" (its checksum in the manifest updated, as a careless hand edit or
a bug elsewhere would leave it) so that the readers' own shape checks are exercised,
not only the checksums. Through the command line, in-process, every case must end
in one of two ways: a clear ``error:`` line naming the damaged file and a fix that
works (``qa build --force`` then answers), or a correct answer after a rebuild. The
corpus is never touched, and nothing raises.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from qa import Assistant
from qa.cli import main
from qa.search.index import checksums_digest

QUESTION = "双螺旋结构"
# The README's test command runs every file with a few damages of each kind (about a minute);
# QA_FAULTS=all runs every damage on every file (about five minutes).
FULL = os.environ.get("QA_FAULTS") == "all"
SAMPLE = {
    ("delete", False),
    ("flip", False),
    ("truncate", True),
    ("json-0", True),
    ("jsonl-0", True),
    ("npy-1", True),
    ("empty", True),
    ("bad-utf8", True),
}
FIXTURES = Path(__file__).parents[1] / "fixtures"
WRONG_JSON = ("[]", '{"x": 1}', '"x"', "null", "[1, 2, 3]", '{"chunks": {"a": []}}')


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project home (corpus + built index + offline model) that each case copies."""
    home = tmp_path_factory.mktemp("home")
    shutil.copytree(FIXTURES / "tiny", home / "corpus")
    Assistant(home / "corpus", index_root=home / "indexes", model="offline", log=lambda _: None).build()
    return home


def _files(template: Path, sub: str) -> list[str]:
    folder = template / "indexes" / sub
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _damages(name: str) -> Iterator[tuple[str, bytes | None]]:
    """(label, new content); None deletes the file. Wrong shapes are well-formed data of the wrong kind."""
    yield "delete", None
    yield "empty", b""
    yield "truncate", b"\x00TRUNCATE"  # marker: replaced by the first half of the real file
    yield "flip", b"\x00FLIP"
    if name.endswith(".json"):
        for i, text in enumerate(WRONG_JSON):
            yield f"json-{i}", text.encode()
        yield "bad-utf8", b'{"\xff\xfe": 1}'
    if name.endswith(".jsonl"):
        for i, text in enumerate(('{"x": 1}', "[]", "null", '{"id": 5, "segment_ids": 7}')):
            yield f"jsonl-{i}", text.encode()
    if name.endswith(".npy"):
        for i, array in enumerate((np.zeros(3), np.zeros((2, 2, 2)), np.array(["a", "b"]), np.zeros(0))):
            buffer = io.BytesIO()
            np.save(buffer, array, allow_pickle=False)
            yield f"npy-{i}", buffer.getvalue()


def _apply(path: Path, content: bytes | None) -> None:
    if content is None:
        path.unlink()
    elif content == b"\x00TRUNCATE":
        path.write_bytes(path.read_bytes()[: max(1, path.stat().st_size // 2)])
    elif content == b"\x00FLIP":
        data = bytearray(path.read_bytes() or b"\n")  # an empty file gains a byte instead
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    else:
        path.write_bytes(content)


def _resign(folder: Path, name: str) -> None:
    """Update the damaged file's checksum in the manifest, so only the reader's shape checks can catch it."""
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    path = folder / name
    if path.is_file():
        manifest["files"][name] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        manifest["files_digest"] = checksums_digest(manifest["files"])
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


def _search(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *extra: str
) -> tuple[int, str, str]:
    monkeypatch.setenv("QA_HOME", str(home))
    monkeypatch.setenv("QA_MODEL", "offline")
    code = main(["search", QUESTION, "-k", "3", "--corpus", str(home / "corpus"), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def _check_outcome(
    home: Path, victim: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = _search(home, capsys, monkeypatch)
    if code == 0:
        assert QUESTION in out, out  # rebuilt (or unaffected) and answering correctly
        return
    *progress, last = err.rstrip("\n").split("\n")
    assert code == 1 and last.startswith("error: ") and all(line.startswith("qa: ") for line in progress), err
    if "is not an index qa wrote" in last:
        # Without a readable manifest nothing proves the folder is qa's: it is left alone, and moving it works.
        assert "Move it away" in last
        folder = home / "indexes" / "default"
        folder.rename(folder.with_name("moved-by-the-user"))
    else:
        assert Path(victim).name in last, err
        assert "qa build --force" in last, err
        assert main(["build", "--force", "--corpus", str(home / "corpus")]) == 0  # the fix it names works
        capsys.readouterr()
    code, out, _ = _search(home, capsys, monkeypatch)
    assert code == 0 and QUESTION in out


def _case(template: Path, tmp_path: Path) -> tuple[Path, str]:
    home = tmp_path / "home"
    shutil.copytree(template, home)
    return home, _tree_digest(home / "corpus")


INDEX_CASES = [
    (name, label, resign)
    for name in (
        "chunks.json",
        "chunks.txt",
        "embeddings.npy",
        "vectors.faiss",
        "translator.json",
        "jieba.dict",
        "reader_questions.jsonl",
        "bm25/data.csc.index.npy",
        "bm25/indices.csc.index.npy",
        "bm25/indptr.csc.index.npy",
        "bm25/params.index.json",
        "bm25/vocab.index.json",
        "bm25/qa_lexical.json",
        "gloss/data.csc.index.npy",
        "gloss/indices.csc.index.npy",
        "gloss/indptr.csc.index.npy",
        "gloss/params.index.json",
        "gloss/vocab.index.json",
        "gloss/qa_lexical.json",
        "multilingual.npy",
        "multilingual.json",
    )
    for label, _ in _damages(name)
    for resign in (False, True)
    if not (resign and label == "delete") and (FULL or (label, resign) in SAMPLE)
]


def test_the_case_list_covers_every_file_of_a_built_index(template: Path) -> None:
    named = {name for name, _, _ in INDEX_CASES} | {"manifest.json"}  # the manifest has its own test
    assert set(_files(template, "default")) == named


@pytest.mark.parametrize(("victim", "label", "resign"), INDEX_CASES)
def test_a_damaged_index_file_gives_a_clear_error_or_a_rebuild(
    template: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    victim: str,
    label: str,
    resign: bool,
) -> None:
    home, corpus_before = _case(template, tmp_path)
    folder = home / "indexes" / "default"
    _apply(folder / victim, dict(_damages(victim))[label])
    if resign:
        _resign(folder, victim)
    _check_outcome(home, victim, capsys, monkeypatch)
    assert _tree_digest(home / "corpus") == corpus_before


MANIFEST_DAMAGES = [label for label, _ in _damages("manifest.json")] + [
    "model-x",
    "files-list",
    "format-x",
    "chunker-x",
]


@pytest.mark.parametrize("label", MANIFEST_DAMAGES)
def test_a_damaged_manifest_gives_a_clear_error_or_a_rebuild(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, label: str
) -> None:
    home, corpus_before = _case(template, tmp_path)
    path = home / "indexes" / "default" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    edits = {
        "model-x": {"model": "x"},
        "files-list": {"files": ["chunks.json"]},
        "format-x": {"format": "x"},
        "chunker-x": {"chunker": ["x"]},
    }
    if label in edits:
        path.write_text(json.dumps({**manifest, **edits[label]}), encoding="utf-8")
    else:
        _apply(path, dict(_damages("manifest.json"))[label])
    _check_outcome(home, "manifest.json", capsys, monkeypatch)
    assert _tree_digest(home / "corpus") == corpus_before


MODEL_FILES = (
    "config_sentence_transformers.json",
    "model.safetensors",
    "modules.json",
    "qa_model.json",
    "tokenizer.json",
    "README.md",
)
MODEL_CASES = [
    (name, label)
    for name in MODEL_FILES
    for label, _ in _damages(name)
    if FULL or label in ("delete", "flip", "json-0")
]


def test_the_case_list_covers_every_file_of_the_offline_model(template: Path) -> None:
    assert set(_files(template, "models/qa-offline")) == set(MODEL_FILES)


@pytest.mark.parametrize(("victim", "label"), MODEL_CASES)
def test_a_damaged_model_file_is_retrained_or_named(
    template: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    victim: str,
    label: str,
) -> None:
    home, corpus_before = _case(template, tmp_path)
    _apply(home / "indexes" / "models" / "qa-offline" / victim, dict(_damages(victim))[label])
    _check_outcome(home, victim, capsys, monkeypatch)
    assert _tree_digest(home / "corpus") == corpus_before
    models = home / "indexes" / "models"
    assert sorted(p.name for p in models.iterdir()) == ["qa-offline"]  # no half-built folders left


def test_the_command_line_prints_no_traceback_for_a_damaged_index(template: Path, tmp_path: Path) -> None:
    """The same, as a user sees it: a separate process, stderr read whole."""
    home, _ = _case(template, tmp_path)
    (home / "indexes" / "default" / "bm25" / "params.index.json").write_text("[]", encoding="utf-8")
    _resign(home / "indexes" / "default", "bm25/params.index.json")
    env = {"QA_HOME": str(home), "QA_MODEL": "offline", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "qa.cli", "search", QUESTION, "--corpus", str(home / "corpus")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert "Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr
    assert done.returncode == 0 or "params.index.json" in done.stderr
