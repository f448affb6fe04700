from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa import Assistant

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """A writable copy of the tiny two-document corpus (a paper with translation, a law without)."""
    target = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "tiny", target)
    return target


@pytest.fixture(scope="session")
def real_corpus() -> Path:
    return ROOT / "corpus"


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    """The real corpus, index and offline-or-configured model, built once per test module."""
    a = Assistant(log=lambda _: None)
    a.build()
    return a
