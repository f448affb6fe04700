from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from qa.web_exports import EXPORT_NAME, export_file, remove_exports, sweep_stale

TURNS = [{"question": "第四十五条规定了什么？", "answer": "不低于百分之五十 [1]", "references": []}]


def _dead_pid() -> int:
    probe = subprocess.Popen([sys.executable, "-c", "pass"])
    probe.wait()
    return probe.pid


def _export_folder(parent: Path, pid: int) -> Path:
    folder = parent / f"qa-exports-{pid}"
    (folder / "0123456789abcdef").mkdir(parents=True)
    (folder / "0123456789abcdef" / EXPORT_NAME).write_text("# conversation\n", encoding="utf-8")
    return folder


def test_the_page_process_removes_its_exports_when_it_exits(tmp_path: Path) -> None:
    script = "from qa.web_exports import export_file; import sys; print(export_file(eval(sys.argv[1])))"
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script, repr(TURNS)], env=env, capture_output=True, text=True, check=True
    )
    written = Path(done.stdout.strip())
    assert written.parent.parent.parent == tmp_path and written.name == EXPORT_NAME
    assert not written.exists() and not written.parent.parent.exists()  # gone with the process
    assert list(tmp_path.iterdir()) == []


def test_removing_exports_keeps_what_it_did_not_write(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    path = Path(export_file(TURNS, folder) or "")
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    remove_exports(folder)
    assert not path.exists() and (folder / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_folders_of_killed_pages_are_swept_and_nothing_else(tmp_path: Path) -> None:
    dead = _dead_pid()
    stale = _export_folder(tmp_path, dead)
    alive = _export_folder(tmp_path, os.getpid())
    someone = tmp_path / f"qa-exports-{dead + 1_000_000}"
    someone.mkdir()
    (someone / "thesis.md").write_text("not an export", encoding="utf-8")
    other = tmp_path / "qa-exports-notapid"
    other.mkdir()
    assert sweep_stale(tmp_path) == [stale]
    assert not stale.exists() and alive.is_dir() and (someone / "thesis.md").exists() and other.is_dir()
