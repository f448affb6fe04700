"""Where things live. One place to resolve paths, overridable by environment variables.

``QA_CORPUS`` points at a corpus folder, ``QA_USER_CORPUS`` at the folder of the
documents a user adds (default ``$QA_HOME/user-corpus``), ``QA_HOME`` at the folder that holds
``corpus/``, ``indexes/`` and ``evals/`` (by default the repository this package
sits in, so ``qa`` works from a checkout with no configuration).
"""

from __future__ import annotations

import os
from pathlib import Path


def project_home() -> Path:
    home = os.environ.get("QA_HOME")
    return Path(home) if home else Path(__file__).resolve().parents[1]


def corpus_dir() -> Path:
    corpus = os.environ.get("QA_CORPUS")
    return Path(corpus) if corpus else project_home() / "corpus"


def glossary_path(corpus: Path | None = None) -> Path:
    return (corpus or corpus_dir()) / "glossary.tsv"


def user_corpus_dir() -> Path:
    """Where ``qa add`` keeps the user's documents."""
    folder = os.environ.get("QA_USER_CORPUS")
    return Path(folder) if folder else project_home() / "user-corpus"
