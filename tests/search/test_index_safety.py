"""An index name never becomes a path outside indexes/, and a build never deletes what qa did not write."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qa import Assistant
from qa.cli import main
from qa.search.index import check_index_name, is_qa_index


@pytest.mark.parametrize("name", ["..", ".", "../corpus", "/tmp/x", "a/b", "", "models", "\udcff", "x" * 65, None, 5])
def test_only_plain_index_names_are_accepted(name: object, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="invalid index name"):
        check_index_name(name)
    with pytest.raises(ValueError, match="invalid index name"):
        Assistant(index=name, index_root=tmp_path)  # type: ignore[arg-type]


def test_the_cli_refuses_a_path_as_index_name_and_deletes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    (home / "indexes").mkdir(parents=True)
    keep = home / "keep.txt"
    keep.write_text("precious", encoding="utf-8")
    assert main(["ask", "专利", "--index", ".."]) == 1
    assert "invalid index name" in capsys.readouterr().err
    assert keep.read_text(encoding="utf-8") == "precious"


def test_a_folder_that_is_not_a_qa_index_is_never_replaced(tiny_corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "indexes"
    stranger = root / "mine"
    stranger.mkdir(parents=True)
    (stranger / "thesis.docx").write_bytes(b"four years of work")
    assistant = Assistant(tiny_corpus, index_root=root, index="mine", model="offline", log=lambda _: None)
    with pytest.raises(RuntimeError, match="is not an index qa wrote"):
        assistant.build()
    assert (stranger / "thesis.docx").read_bytes() == b"four years of work"
    assert sorted(p.name for p in root.iterdir() if p.name not in ("models", ".build.lock")) == ["mine"]  # no .building


def test_a_rebuild_swaps_the_index_and_leaves_no_temporary_folders(tiny_corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "indexes"
    Assistant(tiny_corpus, index_root=root, model="offline", log=lambda _: None).build()
    assert is_qa_index(root / "default")
    again = Assistant(tiny_corpus, index_root=root, model="offline", log=lambda _: None)
    again.build(force=True)
    assert is_qa_index(root / "default")
    assert sorted(p.name for p in root.iterdir()) == [".build.lock", "default", "models"]
    assert again.search("双螺旋结构", k=3)


def test_two_builds_at_once_both_succeed_and_leave_one_index(tiny_corpus: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    root = tmp_path / "indexes"
    script = (
        "import sys; from qa import Assistant; "
        "a = Assistant(sys.argv[1], index_root=sys.argv[2], model='offline'); a.build(); "
        "print(len(a.search('双螺旋结构', k=3)))"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tiny_corpus), str(root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in outputs]
    assert all(out.strip() and int(out) > 0 for out, _ in outputs)
    # the second waited for the first and loaded its index instead of building another
    assert sum("building the index" in err for _, err in outputs) == 1, [err for _, err in outputs]
    assert sorted(p.name for p in root.iterdir()) == [".build.lock", "default", "models"]
    assert is_qa_index(root / "default")


@pytest.mark.parametrize("k", [None, "5", 1.5, float("nan"), float("inf"), 0, -1, True])
def test_k_must_be_a_positive_whole_number(k: object, tmp_path: Path) -> None:
    assistant = Assistant(index_root=tmp_path)  # fails before anything is built
    with pytest.raises(ValueError, match="k must be a whole number"):
        assistant.search("专利", k=k)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="k must be a whole number"):
        assistant.ask("专利", k=k)  # type: ignore[arg-type]
    assert not any(tmp_path.iterdir())


def test_jieba_never_writes_or_reads_a_cache_in_the_temporary_folder(tmp_path: Path) -> None:
    import tempfile

    from qa.search.tokenize import Tokenizer, write_compact_dictionary

    before = set(Path(tempfile.gettempdir()).glob("jieba*.cache"))
    dictionary = tmp_path / "jieba.dict"
    write_compact_dictionary(["双螺旋结构与科技成果转化"], dictionary, ["双螺旋结构"])
    assert "双螺旋结构" in Tokenizer(["双螺旋结构"], dictionary=dictionary)("双螺旋结构与科技成果转化")
    assert set(Path(tempfile.gettempdir()).glob("jieba*.cache")) == before  # nothing marshal would read back


@pytest.mark.parametrize(
    ("victim", "damage"),
    [
        ("model.safetensors", "delete"),
        ("model.safetensors", "truncate"),
        ("tokenizer.json", "junk"),
        ("qa_model.json", "bad-utf8"),
        ("qa_model.json", "delete"),
    ],
)
def test_a_damaged_offline_model_is_trained_again(tiny_corpus: Path, tmp_path: Path, victim: str, damage: str) -> None:
    root = tmp_path / "indexes"
    Assistant(tiny_corpus, index_root=root, model="offline", log=lambda _: None).build()
    path = root / "models" / "qa-offline" / victim
    if damage == "delete":
        path.unlink()
    elif damage == "truncate":
        path.write_bytes(path.read_bytes()[:100])
    elif damage == "junk":
        path.write_bytes(b"\x00junk")
    else:
        path.write_bytes(b"\xff\xfe not utf-8")
    messages: list[str] = []
    fresh = Assistant(tiny_corpus, index_root=root, model="offline", log=messages.append)
    assert fresh.search("双螺旋结构", k=1)
    assert any("training" in m for m in messages), messages
    assert sorted(p.name for p in (root / "models").iterdir()) == ["qa-offline"]  # no half-built folders left


def _dead_pid() -> int:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_a_build_killed_mid_swap_needs_no_force_and_its_leftovers_are_cleared(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    import shutil

    root = tmp_path / "indexes"
    Assistant(tiny_corpus, index_root=root, model="offline", log=lambda _: None).build()
    dead = _dead_pid()
    # Killed between swap_in's two renames: the old index is aside, the new one not yet in place.
    shutil.copytree(root / "default", root / f"default.building-{dead}-0123abcd")
    (root / "default").rename(root / f"default.old-{dead}-4567cdef")
    (root / "models" / f"qa-offline.building-{dead}-89abcdef").mkdir()  # killed while training
    alive = root / f"default.building-{os.getpid()}-0123abcd"  # this process's: never touched
    alive.mkdir()
    mine = root / "default.building-notes"  # a user's folder that only looks similar
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    messages: list[str] = []
    fresh = Assistant(tiny_corpus, index_root=root, model="offline", log=messages.append)
    assert fresh.search("双螺旋结构", k=1)
    assert sorted(p.name for p in root.iterdir()) == sorted(
        [".build.lock", "default", "models", alive.name, mine.name]
    ), messages
    assert sorted(p.name for p in (root / "models").iterdir()) == ["qa-offline"]
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert sum("interrupted" in m for m in messages) == 3


@pytest.mark.parametrize("delay", [0.5, 2.0, 4.0])
def test_a_build_killed_at_any_moment_leaves_a_usable_index(tiny_corpus: Path, tmp_path: Path, delay: float) -> None:
    """SIGKILL a forced rebuild part-way (while importing, embedding or swapping): the next search just works."""
    import signal
    import subprocess
    import sys
    import time

    root = tmp_path / "indexes"
    Assistant(tiny_corpus, index_root=root, model="offline", log=lambda _: None).build()
    script = "import sys; from qa import Assistant; Assistant(sys.argv[1], index_root=sys.argv[2], model='offline').build(force=True)"
    run = subprocess.Popen([sys.executable, "-c", script, str(tiny_corpus), str(root)], stderr=subprocess.DEVNULL)
    time.sleep(delay)
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=60)
    fresh = Assistant(tiny_corpus, index_root=root, model="offline", log=lambda _: None)
    assert fresh.search("双螺旋结构", k=1)[0].text  # no IndexCorruptError, no --force needed
    assert sorted(p.name for p in root.iterdir()) == [".build.lock", "default", "models"]
    assert is_qa_index(root / "default")
