"""Adding and removing documents without rebuilding the index: the overlay beside the base.

The base index's files must not change when a document is added or removed; what is
searched must be what one index of all the passages would give (same IDF, same length
scale); a damaged overlay is rebuilt, an outgrown one merged into a new base.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from qa import Assistant
from qa.corpus.documents import document_hash
from qa.schema import Chunk, Document, Segment
from qa.search import overlay as overlay_module
from qa.search.combined import CombinedLexical, CombinedVectors
from qa.search.lexical import LexicalIndex, score_matrix
from qa.search.tokenize import Tokenizer
from tests.trees import tree_digest

CITY_LAW = """# 某市促进科技成果转化条例

## 第一章 总则

第一条 为了促进科技成果转化，根据《中华人民共和国促进科技成果转化法》，结合本市实际，制定本条例。

第二条 市人民政府设立科技成果转化引导基金，支持高等院校的专利技术在本市实施。

## 第二章 奖励

第三条 职务科技成果转让所得净收入，应当提取不低于百分之七十的比例奖励完成人。
"""
PARK_RULES = """# 某市科技园区管理办法

第一条 园区管理委员会负责园区内孵化器的认定和年度考核。

第二条 入驻孵化器的初创企业，前三年免收场地租金。
"""


@pytest.fixture
def home(tiny_corpus: Path, tmp_path: Path) -> tuple[Assistant, list[str]]:
    messages: list[str] = []
    a = Assistant(
        tiny_corpus, index_root=tmp_path / "idx", library=tmp_path / "lib", model="offline", log=messages.append
    )
    a.build()
    (tmp_path / "city.md").write_text(CITY_LAW, encoding="utf-8")
    (tmp_path / "park.md").write_text(PARK_RULES, encoding="utf-8")
    messages.clear()
    return a, messages


def test_adding_and_removing_leave_the_base_index_untouched(home: tuple[Assistant, list[str]], tmp_path: Path) -> None:
    a, messages = home
    base = tmp_path / "idx" / "default"
    before, passages = tree_digest(base), len(a.chunks)
    a.add(tmp_path / "city.md")
    assert any("the base index is not rebuilt" in m for m in messages)
    assert not any(m.startswith("building the index") for m in messages)
    assert tree_digest(base) == before and (tmp_path / "idx" / "default.added" / "overlay.json").is_file()
    assert a.search("提取不低于百分之七十的比例奖励完成人", k=1)[0].doc_id == "city"
    a.add(tmp_path / "park.md")
    assert a.search("孵化器的初创企业免收场地租金", k=1)[0].doc_id == "park"
    assert a.search("提取不低于百分之七十的比例奖励完成人", k=1)[0].doc_id == "city"
    a.remove("city")
    assert all(c.doc_id != "city" for c in a.chunks) and tree_digest(base) == before
    assert all(h.doc_id != "city" for h in a.search("科技成果转化引导基金 百分之七十", k=50))
    a.remove("park")
    assert len(a.chunks) == passages and tree_digest(base) == before
    assert not (tmp_path / "idx" / "default.added").exists()  # nothing left to overlay
    # a fresh process finds the same index without building anything
    messages.clear()
    again = Assistant(a.corpus_path, index_root=tmp_path / "idx", library=tmp_path / "lib", model="offline")
    again.log = messages.append
    assert len(again.chunks) == passages and not any("building" in m or "indexing" in m for m in messages)


def test_a_document_in_the_base_is_taken_out_without_a_rebuild(
    home: tuple[Assistant, list[str]], tmp_path: Path
) -> None:
    a, messages = home
    a.add(tmp_path / "city.md")
    a.build(force=True)  # merges the overlay: the law is now part of the base
    assert not (tmp_path / "idx" / "default.added").exists()
    base = tmp_path / "idx" / "default"
    before = tree_digest(base)
    messages.clear()
    a.remove("city")
    assert not any(m.startswith("building the index") for m in messages) and tree_digest(base) == before
    assert all(c.doc_id != "city" for c in a.chunks)
    assert all(h.doc_id != "city" for h in a.search("提取不低于百分之七十的比例奖励完成人", k=50))
    assert "city" not in a.manifest["documents"]


def test_an_overlay_past_its_limit_is_merged_into_a_new_base(
    home: tuple[Assistant, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, messages = home
    monkeypatch.setattr(overlay_module, "MIN_LIMIT", 0)
    monkeypatch.setattr(overlay_module, "MAX_LIMIT", 0)
    a.add(tmp_path / "city.md")
    assert any(m.startswith("building the index") and "merging them in" in m for m in messages)
    assert not (tmp_path / "idx" / "default.added").exists()
    assert a.search("提取不低于百分之七十的比例奖励完成人", k=1)[0].doc_id == "city"


def test_a_damaged_overlay_is_rebuilt_from_the_added_documents(
    home: tuple[Assistant, list[str]], tmp_path: Path
) -> None:
    a, messages = home
    a.add(tmp_path / "city.md")
    chunks = tmp_path / "idx" / "default.added" / "chunks.txt"
    chunks.write_text(chunks.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    messages.clear()
    again = Assistant(a.corpus_path, index_root=tmp_path / "idx", library=tmp_path / "lib", model="offline")
    again.log = messages.append
    assert again.search("提取不低于百分之七十的比例奖励完成人", k=1)[0].doc_id == "city"
    assert any("corrupt" in m for m in messages) and any("the base index is not rebuilt" in m for m in messages)


def _chunk(i: int, text: str) -> Chunk:
    return Chunk(f"d/{i}", "d", "", text, 0, len(text), "zh", ("s",))


def test_base_and_overlay_score_as_one_index_with_the_bases_length_scale() -> None:
    """The reference: one score matrix over all passages, with the whole's IDF and the base's average length."""
    rng = random.Random(3)
    words = ["专利", "许可", "转化", "奖励", "基金", "园区", "孵化器", "租金", "标准", "企业", "高校", "成果"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(2, 30))) for _ in range(60)]
    tokenizer = Tokenizer()
    base = LexicalIndex(tokenizer).index([_chunk(i, t) for i, t in enumerate(texts[:45])])
    added = LexicalIndex(tokenizer).index([_chunk(i, t) for i, t in enumerate(texts[45:])], extends=base)
    kept = np.array([i for i in range(45) if i % 7 != 3])  # a removed document's passages
    combined = CombinedLexical(base, added, kept, tokenizer)
    vocab, matrix = score_matrix([tokenizer(t) for t in texts], 1.2, 0.75, base.avgdl)
    for query in ("专利 许可 奖励", "孵化器 租金 租金", "高校 成果 转化 基金"):
        expected = np.zeros(60)
        for token in tokenizer(query):
            column = vocab[token]
            start, end = matrix["indptr"][column], matrix["indptr"][column + 1]
            np.add.at(expected, matrix["indices"][start:end], matrix["data"][start:end])
        expected = np.concatenate([expected[kept], expected[45:]])
        got = np.zeros(len(expected))
        for result in combined.retrieve(query, k=100):
            got[result.index] = result.score
        assert np.allclose(got, expected, atol=1e-4)
        assert combined.idf(tokenizer(query)[0]) == pytest.approx(
            float(
                np.log(
                    1
                    + (60 - sum(tokenizer(query)[0] in tokenizer(t) for t in texts) + 0.5)
                    / (sum(tokenizer(query)[0] in tokenizer(t) for t in texts) + 0.5)
                )
            )
        )


def test_vectors_of_both_parts_are_searched_as_one_without_the_removed() -> None:
    import faiss

    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(50, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    base = faiss.IndexFlatIP(16)
    base.add(vectors[:40])
    kept = np.array([i for i in range(40) if i not in (4, 5, 6)])
    position = np.full(40, -1, dtype=np.int64)
    position[kept] = np.arange(len(kept))
    combined = CombinedVectors(base, vectors[40:], position, removed_rows=3)
    whole = np.concatenate([vectors[kept], vectors[40:]])
    assert combined.ntotal == len(whole) and combined.d == 16
    for query in rng.normal(size=(5, 16)).astype(np.float32):
        scores, ids = combined.search(query.reshape(1, -1), 8)
        expected = np.argsort(-(whole @ query), kind="stable")[:8]
        assert ids[0].tolist() == expected.tolist()
        assert np.allclose(scores[0], (whole @ query)[expected], atol=1e-5)


def test_a_changed_shipped_document_rebuilds_the_base_with_an_overlay_present(
    home: tuple[Assistant, list[str]], tmp_path: Path
) -> None:
    a, messages = home
    a.add(tmp_path / "city.md")
    source = a.corpus_path / "mini-law" / "source.zh.txt"
    source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    messages.clear()
    again = Assistant(a.corpus_path, index_root=tmp_path / "idx", library=tmp_path / "lib", model="offline")
    again.log = messages.append
    again.build()
    assert any(m.startswith("building the index") for m in messages)  # the corpus digest, then the base, changed
    assert not (tmp_path / "idx" / "default.added").exists()
    assert {c.doc_id for c in again.chunks} >= {"mini-law", "city"}


def test_the_plan_puts_only_added_documents_in_the_overlay() -> None:
    def doc(doc_id: str, text: str) -> Document:
        return Document(doc_id, {"title": doc_id}, (Segment("s1", "paragraph", text, "zh"),))

    paper, law, city = doc("paper", "论文"), doc("law", "法律"), doc("city", "条例")
    hashes = {d.id: document_hash(d) for d in (paper, law, city)}
    manifest = {"document_hashes": {"paper": hashes["paper"], "law": hashes["law"], "gone": "0"}}
    want = overlay_module.plan(manifest, [paper, law, city], hashes, {"paper", "law"})
    assert [d.id for d in want.added] == ["city"] and want.removed == ["gone"] and want.rebuild is None
    changed = {**hashes, "law": "different"}
    assert overlay_module.plan(manifest, [paper, law, city], changed, {"paper", "law"}).rebuild
    assert overlay_module.plan({}, [paper], hashes, {"paper"}).rebuild  # a base from before per-document hashes
