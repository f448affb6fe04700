"""Model resolution and loading: real (tiny) models made here, loaded with the hub switched off.

Every model is built in the test from scratch (a tokenizer trained on a few zh/en
sentences, seeded random weights), so nothing is downloaded and nothing depends on
the Hugging Face cache of the machine running the tests.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qa.corpus.documents import load_corpus
from qa.corpus.glossary import Glossary
from qa.search.embedding import (
    DEFAULT_MODEL,
    EmbeddingError,
    ModelChoice,
    StaticEmbedder,
    TransformerEmbedder,
    announce,
    hub_reachable,
    is_static_folder,
    load_embedder,
    resolve_model,
)
from qa.search.static_model import OfflineModelBuilder

SENTENCES = [
    "科技创新与产业创新形成双螺旋结构。",
    "S&T innovation and industrial innovation form a dual helix structure.",
    "要促进源头融合。要完善机制。",
    "Source integration must be promoted. Mechanisms must be improved.",
    "本法自2020年1月1日起施行。",
    "This law takes effect on 1 January 2020.",
]
QUERIES = [
    "科技创新",
    "dual helix structure",
    "源头融合 source integration",
    "要完善机制，促进产业创新。",
    "words the tokenizer never saw 从未见过",
]


def unit(vectors: Any) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float32)
    normalised: np.ndarray = array / np.maximum(np.linalg.norm(array, axis=1, keepdims=True), 1e-12)
    return normalised


@pytest.fixture
def hub_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Any]:
    """HF_HUB_OFFLINE=1, an empty hub cache, and a record of every TCP connect attempted (should stay empty)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-hub-cache"))
    monkeypatch.delenv("QA_MODEL", raising=False)
    attempts: list[Any] = []
    real_connect = socket.socket.connect

    def guarded_connect(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(address)
            raise OSError(f"test: network access attempted to {address!r}")
        real_connect(sock, address)

    def guarded_getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append((host, port))  # a name lookup comes first, and fails on its own without a network
        raise OSError(f"test: name lookup attempted for {host!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    return attempts


def word_level_tokenizer() -> Any:
    """A WordLevel tokenizer trained on SENTENCES; Chinese split into characters as BERT does."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True, handle_chinese_chars=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordLevelTrainer(special_tokens=["[UNK]", "[PAD]"], show_progress=False)
    tokenizer.train_from_iterator(SENTENCES, trainer=trainer)
    # like the BERT tokenizers of model2vec models: StaticEmbedding must encode without these
    tokenizer.add_special_tokens(["[CLS]", "[SEP]"])
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    return tokenizer


def make_static_model(folder: Path, dim: int = 24) -> np.ndarray:
    """Save a sentence-transformers StaticEmbedding model to ``folder``; returns its weights."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding

    tokenizer = word_level_tokenizer()
    weights = np.random.default_rng(7).normal(size=(tokenizer.get_vocab_size(), dim)).astype(np.float32)
    model = SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_weights=weights)], device="cpu")
    model.save(str(folder))
    return weights


# 1. A StaticEmbedding folder is read in numpy and agrees with sentence-transformers.


def test_static_embedding_folder_loads_through_numpy_path(tmp_path: Path, hub_off: list[Any]) -> None:
    from sentence_transformers import SentenceTransformer

    folder = tmp_path / "static-model"
    weights = make_static_model(folder)

    choice = resolve_model(str(folder))
    assert choice.source == "local"
    assert choice.location == str(folder.resolve())
    assert is_static_folder(folder)

    embedder = load_embedder(choice)
    assert isinstance(embedder, StaticEmbedder)
    assert embedder.static is True
    assert embedder.dim == weights.shape[1]
    assert embedder.name == str(folder)
    np.testing.assert_array_equal(embedder.weights, weights)

    ours = embedder.embed_queries(QUERIES)
    reference = SentenceTransformer(str(folder), device="cpu", local_files_only=True).encode(QUERIES)
    assert ours.shape == (len(QUERIES), weights.shape[1])
    assert np.allclose(ours, unit(reference), atol=1e-5)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert np.allclose(embedder.embed_passages(QUERIES), ours)  # a static model has no prompts
    assert not np.allclose(ours[0], ours[1])  # the comparison is not between identical vectors
    assert hub_off == []


def test_static_embedder_gives_a_zero_vector_for_text_without_tokens(tmp_path: Path) -> None:
    make_static_model(tmp_path / "static-model")
    vectors = StaticEmbedder(tmp_path / "static-model").embed_queries(["", "科技"])
    assert np.all(np.isfinite(vectors))
    assert np.allclose(vectors[0], 0.0)
    assert np.isclose(np.linalg.norm(vectors[1]), 1.0)


# 2. Any other sentence-transformers folder goes through sentence-transformers (a tiny BERT here).


def make_tiny_bert(tmp_path: Path) -> Path:
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertModel, BertTokenizerFast

    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True, handle_chinese_chars=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=300, special_tokens=special, show_progress=False)
    tokenizer.train_from_iterator(SENTENCES, trainer=trainer)
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    fast = BertTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
    )

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=tokenizer.get_vocab_size(),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    bert = tmp_path / "bert"
    BertModel(config).save_pretrained(bert)
    fast.save_pretrained(bert)

    transformer = Transformer(str(bert))
    pooling = Pooling(transformer.get_embedding_dimension(), "mean")
    folder = tmp_path / "tiny-bert-st"
    SentenceTransformer(modules=[transformer, pooling], device="cpu").save(str(folder))
    return folder


def test_tiny_bert_folder_loads_as_transformer_embedder(tmp_path: Path, hub_off: list[Any]) -> None:
    from sentence_transformers import SentenceTransformer

    folder = make_tiny_bert(tmp_path)
    assert not is_static_folder(folder)

    choice = resolve_model(str(folder))
    assert choice.source == "local"
    embedder = load_embedder(choice)
    assert isinstance(embedder, TransformerEmbedder)
    assert embedder.static is False
    assert embedder.dim == 32
    assert (embedder.query_prompt, embedder.passage_prompt) == ("", "")  # a folder path has no known prompts

    texts = [SENTENCES[0], SENTENCES[0], SENTENCES[3]]
    queries = embedder.embed_queries(texts)
    passages = embedder.embed_passages(texts)
    assert queries.shape == passages.shape == (3, 32)
    assert np.allclose(np.linalg.norm(queries, axis=1), 1.0, atol=1e-5)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    same, different = float(queries[0] @ queries[1]), float(queries[0] @ queries[2])
    assert same == pytest.approx(1.0, abs=1e-5)
    assert same > different + 1e-4

    reference = SentenceTransformer(str(folder), device="cpu", local_files_only=True).encode(texts)
    assert np.allclose(queries, unit(reference), atol=1e-5)
    assert hub_off == []


# 3. The offline default qa builds from its own corpus.


def test_offline_model_is_a_real_static_embedding_folder(tiny_corpus: Path, tmp_path: Path, hub_off: list[Any]) -> None:
    from sentence_transformers import SentenceTransformer

    docs = load_corpus(tiny_corpus)
    folder = OfflineModelBuilder(docs, Glossary.load(tiny_corpus / "glossary.tsv")).build(tmp_path / "m")
    assert is_static_folder(folder)

    embedder = StaticEmbedder(folder)
    segments = {(doc.id, seg.id): seg for doc in docs for seg in doc.segments}
    paper = segments[("mini-paper", "1-p1")]
    assert paper.translation is not None
    zh, en = paper.text, paper.translation
    assert zh in (tiny_corpus / "mini-paper" / "source.zh.txt").read_text(encoding="utf-8")
    assert en in (tiny_corpus / "mini-paper" / "translation.en.txt").read_text(encoding="utf-8")
    unrelated = [segments[("mini-law", "第三条")].text, segments[("mini-paper", "1-p2")].translation]
    texts = [zh, en, *unrelated]

    ours = embedder.embed_queries(texts)
    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    assert model.get_embedding_dimension() == embedder.dim
    assert np.allclose(ours, unit(model.encode(texts)), atol=1e-5)

    similarity = ours @ ours.T
    for k in (2, 3):
        assert similarity[0, 1] > similarity[0, k], (texts[k], similarity[0])
        assert similarity[0, 1] > similarity[1, k], (texts[k], similarity[1])

    offline = load_embedder(resolve_model("offline"), offline_folder=folder)
    assert isinstance(offline, StaticEmbedder)
    assert offline.name == "offline:m"
    assert np.allclose(offline.embed_queries(texts), ours)
    assert hub_off == []


def test_a_character_the_corpus_lacks_does_not_silence_its_clause(tiny_corpus: Path, tmp_path: Path) -> None:
    docs = load_corpus(tiny_corpus)
    embedder = StaticEmbedder(OfflineModelBuilder(docs).build(tmp_path / "m"))
    assert "蜂" not in (tiny_corpus / "mini-paper" / "source.zh.txt").read_text(encoding="utf-8")

    def tokens(text: str) -> list[str]:
        return [t for t in embedder.tokenizer.encode(text, add_special_tokens=False).tokens if t != "[UNK]"]

    assert tokens("双螺旋结构蜂") == tokens("双螺旋结构") != []
    assert tokens("科技创新蜂产业创新") == tokens("科技创新 产业创新") != []
    assert np.allclose(embedder.embed_queries(["双螺旋结构蜂"]), embedder.embed_queries(["双螺旋结构"]))
    assert "dual" in tokens("双螺旋结构dual")  # Latin letters inside a Chinese run are their own word


# 4. Resolution never waits on an unreachable hub, and failures are EmbeddingErrors with a reason.


@pytest.fixture
def tcp_server() -> Iterator[Any]:
    """``start(reply)``: a server on 127.0.0.1 that accepts and sends ``reply`` (None: never answers)."""
    servers: list[tuple[socket.socket, threading.Thread, list[socket.socket]]] = []
    stop = threading.Event()

    def start(reply: bytes | None) -> tuple[int, list[socket.socket]]:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.settimeout(0.05)
        held: list[socket.socket] = []

        def serve() -> None:
            while not stop.is_set():
                try:
                    conn, _ = server.accept()
                except TimeoutError:
                    continue
                except OSError:
                    return
                held.append(conn)
                if reply is not None:
                    conn.sendall(reply)

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        servers.append((server, thread, held))
        return server.getsockname()[1], held

    yield start
    stop.set()
    for server, thread, held in servers:
        thread.join(timeout=2)
        for conn in held:
            conn.close()
        server.close()


@pytest.fixture
def hub_at(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    def point(port: int) -> None:
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
        monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-hub-cache"))
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)

    return point


def test_a_hub_that_never_answers_falls_back_fast(tcp_server: Any, hub_at: Any, capsys: Any) -> None:
    port, held = tcp_server(None)
    hub_at(port)

    result: list[ModelChoice] = []
    start = time.monotonic()
    worker = threading.Thread(target=lambda: result.append(resolve_model("some-org/some-model")), daemon=True)
    worker.start()
    worker.join(timeout=15)  # a probe without a timeout would hang here forever: fail instead
    elapsed = time.monotonic() - start

    assert result, f"resolve_model still waiting after {elapsed:.0f} s"
    assert elapsed < 10, elapsed
    assert held, "the probe never connected to the silent server"
    choice = result[0]
    assert choice.source == "offline"
    assert choice.requested == "some-org/some-model"
    assert "not reachable" in choice.note

    announce(choice)
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "offline" in lines[0]
    assert "some-org/some-model" in lines[0]


def test_a_hub_that_answers_is_used(tcp_server: Any, hub_at: Any) -> None:
    port, held = tcp_server(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    hub_at(port)
    assert hub_reachable(timeout=2.0)
    choice = resolve_model("some-org/some-model")
    assert held
    assert (choice.source, choice.location) == ("hub", "some-org/some-model")


def test_hub_offline_setting_resolves_a_hub_id_immediately(hub_off: list[Any], capsys: Any) -> None:
    start = time.monotonic()
    choice = resolve_model("some-org/some-model")
    assert time.monotonic() - start < 1.0
    assert choice.source == "offline"
    assert hub_off == []  # no probe at all
    assert resolve_model(None).requested == DEFAULT_MODEL

    offline = resolve_model("offline")  # asked for by name: no complaint
    assert offline.source == "offline"
    announce(offline)
    announce(ModelChoice("/some/folder", "local", "/some/folder"))
    assert capsys.readouterr().err == ""


def test_qa_model_environment_variable_is_the_default_setting(
    tmp_path: Path, hub_off: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QA_MODEL", str(tmp_path))
    choice = resolve_model(None)
    assert (choice.requested, choice.source) == (str(tmp_path), "local")


@pytest.mark.parametrize("kind", ["absolute", "relative", "bare"])
def test_a_missing_model_folder_resolves_offline_naming_it(
    kind: str, tmp_path: Path, hub_off: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    setting = {"absolute": str(tmp_path / "no-such-model"), "relative": "./no-such-model", "bare": "no-such-model"}[
        kind
    ]
    choice = resolve_model(setting)
    assert choice.source == "offline"
    assert setting in choice.note
    assert "does not exist" in choice.note
    assert hub_off == []


def test_offline_choice_without_a_built_model_is_an_embedding_error(tmp_path: Path) -> None:
    choice = resolve_model("offline")
    with pytest.raises(EmbeddingError, match="has not been built"):
        load_embedder(choice)
    with pytest.raises(EmbeddingError, match="qa build"):
        load_embedder(choice, offline_folder=tmp_path / "empty")


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_corrupt_static_model_is_an_embedding_error(damage: str, tmp_path: Path, hub_off: list[Any]) -> None:
    folder = tmp_path / "static-model"
    make_static_model(folder)
    weights = folder / "model.safetensors"
    if damage == "garbage":
        weights.write_bytes(b"this is not a safetensors file")
    else:
        weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])

    with pytest.raises(EmbeddingError, match="not a readable StaticEmbedding model") as raised:
        StaticEmbedder(folder)
    assert str(folder) in str(raised.value)
    with pytest.raises(EmbeddingError):
        load_embedder(resolve_model(str(folder)))


def test_a_static_model_without_embedding_weights_is_an_embedding_error(tmp_path: Path) -> None:
    from safetensors.numpy import save_file

    folder = tmp_path / "static-model"
    make_static_model(folder)
    save_file({"something.else": np.zeros((2, 2), dtype=np.float32)}, str(folder / "model.safetensors"))
    with pytest.raises(EmbeddingError, match=r"no embedding\.weight"):
        StaticEmbedder(folder)


# 5. The query/passage prompts a model expects.


class RecordingModel:
    def __init__(self) -> None:
        self.calls: list[tuple[list[str], dict[str, Any]]] = []

    def get_sentence_embedding_dimension(self) -> int:
        return 3

    def get_embedding_dimension(self) -> int:
        return 3

    def encode(self, texts: list[str], **kwargs: Any) -> np.ndarray:
        self.calls.append((list(texts), kwargs))
        return np.tile(np.array([3.0, 4.0, 0.0], dtype=np.float32), (len(texts), 1))


@pytest.mark.parametrize(
    ("name", "query_prefix", "passage_prefix"),
    [
        ("intfloat/multilingual-e5-small", "query: ", "passage: "),
        ("BAAI/bge-m3", "", ""),
        ("some-org/some-model", "", ""),
    ],
)
def test_transformer_embedder_applies_the_model_prompts(name: str, query_prefix: str, passage_prefix: str) -> None:
    model = RecordingModel()
    embedder = TransformerEmbedder(model, name, "rev")
    assert embedder.dim == 3

    queries = embedder.embed_queries(["科技创新是什么？", "what is S&T innovation?"])
    passages = embedder.embed_passages(["科技创新是根本。"])

    assert [texts for texts, _ in model.calls] == [
        [f"{query_prefix}科技创新是什么？", f"{query_prefix}what is S&T innovation?"],
        [f"{passage_prefix}科技创新是根本。"],
    ]
    assert queries.dtype == np.float32
    assert np.allclose(queries, [[0.6, 0.8, 0.0]] * 2)
    assert np.allclose(passages, [[0.6, 0.8, 0.0]])


def test_the_fallback_line_is_shown_once_per_reason_when_remembered(tmp_path: Path, capsys: Any) -> None:
    notice = tmp_path / "indexes" / ".offline-notice"
    unreachable = ModelChoice("some-org/some-model", "offline", "", "some-org/some-model is not reachable")
    announce(unreachable, notice)
    announce(unreachable, notice)
    assert capsys.readouterr().err.count("using the offline default") == 1  # not on every start
    announce(ModelChoice("other/model", "offline", "", "other/model is not reachable"), notice)
    assert "other/model" in capsys.readouterr().err  # a new reason is said again
    announce(unreachable)
    assert "some-org/some-model" in capsys.readouterr().err  # nothing remembered: every time (asked by name)
