"""Sentence embeddings: which model, loaded how, and never a hang without a network.

The model is a setting (``Assistant(model=…)``, ``qa … --model``, ``$QA_MODEL``):
a Hugging Face id (``intfloat/multilingual-e5-small`` is the default; ``BAAI/bge-m3``
is stronger and larger), a local folder, or ``offline`` for the model qa builds
from its own corpus (:mod:`qa.search.static_model`). Resolution is decided up front:

1. a local folder is loaded from disk;
2. a hub id already in the Hugging Face cache is loaded with ``local_files_only=True``;
3. otherwise, unless ``HF_HUB_OFFLINE`` is set, the hub is probed with a short
   timeout (a hub lookup without that takes ~70 s to fail, and hangs forever on a
   host that accepts the connection and never answers) and downloaded if reachable;
4. else qa says so in one line and uses the offline default.

Static models (a ``StaticEmbedding`` folder) are run in numpy on the same files,
so a query costs milliseconds and no torch import; other models go through
sentence-transformers, with the query/passage prompts the model expects.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

import numpy as np

DEFAULT_MODEL = "intfloat/multilingual-e5-small"
OFFLINE = "offline"
PROMPTS = {  # model id prefix -> (query prompt, passage prompt)
    "intfloat/multilingual-e5": ("query: ", "passage: "),
    "intfloat/e5": ("query: ", "passage: "),
    "BAAI/bge-m3": ("", ""),
}
PROBE_TIMEOUT_S = 3.0


class EmbeddingError(RuntimeError):
    """A model that cannot be used; the message says why and what to do."""


class Embedder(Protocol):
    name: str
    revision: str
    dim: int
    static: bool

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str], *, progress: bool = False) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    normalised: np.ndarray = vectors / np.maximum(norms, 1e-12)
    return normalised


def folder_hash(folder: Path) -> str:
    """A content hash of a model folder's weights and tokenizer, recorded in index manifests."""
    h = hashlib.sha256()
    names = ("model.safetensors", "tokenizer.json", "modules.json", "config.json", "config_sentence_transformers.json")
    for path in sorted(p for p in folder.rglob("*") if p.name in names or p.parent.name.endswith("_Pooling")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:16]


class StaticEmbedder:
    """A ``StaticEmbedding`` folder run in numpy: tokenize, average token vectors, normalise."""

    static = True

    def __init__(self, folder: Path, name: str | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        try:
            self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            weights = load_file(str(folder / "model.safetensors"))
        except Exception as exc:  # tokenizers and safetensors raise their own types
            raise EmbeddingError(f"{folder}: not a readable StaticEmbedding model ({exc})") from exc
        key = next((k for k in weights if k.endswith("embedding.weight")), None)
        if key is None:
            raise EmbeddingError(f"{folder}/model.safetensors has no embedding.weight")
        self.weights = weights[key].astype(np.float32)
        if self.weights.ndim != 2 or self.tokenizer.get_vocab_size() > self.weights.shape[0]:
            raise EmbeddingError(
                f"{folder}/model.safetensors does not fit its tokenizer.json "
                f"(weights {self.weights.shape}, vocabulary {self.tokenizer.get_vocab_size()})"
            )
        self.name = name or str(folder)
        self.revision = folder_hash(folder)
        self.dim = int(self.weights.shape[1])

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # one text (a question) through encode: encode_batch hands even one to its thread pool, 0.45 ms
        # against 0.07 ms a question here (2 cores)
        if len(texts) == 1:
            encodings = [self.tokenizer.encode(texts[0], add_special_tokens=False)]
        else:
            encodings = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        for i, encoding in enumerate(encodings):
            if encoding.ids:
                out[i] = self.weights[encoding.ids].mean(axis=0)
        return _normalise(out)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        return self._embed(texts)


class TransformerEmbedder:
    """Any sentence-transformers model, with its query/passage prompts."""

    static = False

    def __init__(self, model: Any, name: str, revision: str) -> None:
        self.model = model
        self.name = name
        self.revision = revision
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 0)
        saved = getattr(model, "prompts", None) or {}  # prompts the model ships in its own config win
        known = next((p for prefix, p in PROMPTS.items() if name.startswith(prefix)), ("", ""))
        self.query_prompt = saved.get("query") or known[0]
        self.passage_prompt = saved.get("document") or saved.get("passage") or known[1]

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _normalise(self.model.encode([self.query_prompt + t for t in texts], show_progress_bar=False))

    def embed_passages(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        texts = [self.passage_prompt + t for t in texts]
        return _normalise(self.model.encode(texts, batch_size=32, show_progress_bar=progress))


@dataclass(frozen=True)
class ModelChoice:
    """Where a model setting resolved to, and why (shown by ``qa about`` and in manifests)."""

    requested: str
    source: str  # "local", "cache", "hub" or "offline"
    location: str
    note: str = ""


def static_module(folder: Path) -> Path | None:
    """The folder holding a static model's files, when ``folder`` is a one-module StaticEmbedding model."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if len(modules) == 1 and str(modules[0].get("type", "")).endswith("StaticEmbedding"):
        return folder / str(modules[0].get("path", ""))
    return None


def is_static_folder(folder: Path) -> bool:
    return static_module(folder) is not None


def _hub_cache() -> Path:
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    home = os.environ.get("HF_HOME") or os.path.join(os.environ.get("XDG_CACHE_HOME", "~/.cache"), "huggingface")
    return Path(home).expanduser() / "hub"


def cached_snapshot(model_id: str) -> Path | None:
    """The model's folder in the Hugging Face cache, if a complete snapshot is there."""
    if not (_hub_cache() / f"models--{model_id.replace('/', '--')}").exists():
        return None  # answered without importing huggingface_hub (a fifth of a second)
    try:
        from huggingface_hub import snapshot_download

        path = snapshot_download(model_id, local_files_only=True)
    except Exception:  # not cached (LocalEntryNotFoundError) or a broken cache entry
        return None
    return Path(path) if (Path(path) / "modules.json").exists() or (Path(path) / "config.json").exists() else None


def hub_reachable(timeout: float = PROBE_TIMEOUT_S) -> bool:
    """True when the hub answers an HTTP request within ``timeout`` (connect and first byte)."""
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"):
        return False
    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    host = endpoint.hostname or "huggingface.co"
    port = endpoint.port or (443 if endpoint.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            if endpoint.scheme == "https":
                import ssl

                context = ssl.create_default_context()
                with context.wrap_socket(sock, server_hostname=host) as tls:
                    tls.sendall(f"HEAD / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
                    return bool(tls.recv(1))
            sock.sendall(f"HEAD / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            return bool(sock.recv(1))
    except OSError:
        return False


def resolve_model(setting: str | None) -> ModelChoice:
    """Decide, without waiting on the network, where the model will come from."""
    requested = setting or os.environ.get("QA_MODEL") or DEFAULT_MODEL
    if requested == OFFLINE:
        return ModelChoice(requested, "offline", "", "the offline default was requested")
    path = Path(requested).expanduser()
    if path.is_dir():
        return ModelChoice(requested, "local", str(path.resolve()))
    if requested.startswith((".", "/", "~")) or requested.count("/") != 1:
        return ModelChoice(requested, "offline", "", f"model folder {requested} does not exist")
    snapshot = cached_snapshot(requested)
    if snapshot is not None:
        return ModelChoice(requested, "cache", str(snapshot))
    if hub_reachable():
        return ModelChoice(requested, "hub", requested)
    return ModelChoice(
        requested, "offline", "", f"{requested} is not on disk and the Hugging Face hub is not reachable"
    )


def load_embedder(choice: ModelChoice, offline_folder: Path | None = None) -> Embedder:
    """Load the resolved model; ``offline_folder`` must hold the built offline model for "offline"."""
    if choice.source == "offline":
        if offline_folder is None or not (offline_folder / "model.safetensors").exists():
            raise EmbeddingError("the offline default model has not been built (run: qa build)")
        return StaticEmbedder(offline_folder, name=f"{OFFLINE}:{offline_folder.name}")
    folder = Path(choice.location)
    module = static_module(folder) if choice.source in ("local", "cache") else None
    if module is not None:
        return StaticEmbedder(module, name=choice.requested)
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # the extra is part of the base install, but say so clearly
        raise EmbeddingError("sentence-transformers is not installed: pip install sentence-transformers") from exc
    try:
        if choice.source == "hub":
            model = SentenceTransformer(choice.requested, device="cpu")
            snapshot = cached_snapshot(choice.requested)  # hash the files, as a later cache load will
            revision = folder_hash(snapshot) if snapshot else choice.requested
        else:
            model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
            revision = folder_hash(folder)
    except Exception as exc:  # a broken folder or download: report, do not crash the caller
        raise EmbeddingError(f"cannot load model {choice.requested}: {exc}") from exc
    return TransformerEmbedder(model, choice.requested, revision)


def announce(choice: ModelChoice, remembered: Path | None = None) -> None:
    """The one clear line when qa falls back to its offline default.

    ``remembered``: a file of qa's own where the line is kept once shown, so that it is not
    repeated on every start for the same reason (a trial user saw it on each of 24 ``qa ask``
    calls); a new reason is shown again.
    """
    if choice.source != "offline" or choice.requested == OFFLINE:
        return
    line = f"qa: {choice.note}; using the offline default model instead."
    if remembered is not None:
        try:
            if remembered.read_text(encoding="utf-8") == line:
                return
        except (OSError, ValueError):
            pass  # not shown yet (or unreadable): show it
    print(line, file=sys.stderr)
    if remembered is not None:
        try:
            remembered.parent.mkdir(parents=True, exist_ok=True)
            remembered.write_text(line, encoding="utf-8")
        except OSError:
            pass  # shown again next time: no harm
