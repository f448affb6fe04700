"""The persisted index and hybrid retrieval: FAISS against brute force, fusion, stale and corrupt indexes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa import Assistant
from qa.search.index import FILES, IndexCorruptError, SearchIndex
from qa.search.retrieval import fuse
from qa.search.weights import FusionWeights
from qa.text import MAX_PASTE_CHARS, QuestionError


@pytest.fixture
def built(tiny_corpus: Path, tmp_path: Path) -> Assistant:
    assistant = Assistant(tiny_corpus, index_root=tmp_path / "indexes", model="offline", log=lambda _: None)
    assistant.build()
    return assistant


def test_index_is_a_folder_of_plain_files_with_a_manifest(built: Assistant) -> None:
    folder = built.index_root / "default"
    names = {p.name for p in folder.iterdir()}
    assert set(FILES) <= names and "manifest.json" in names and "bm25" in names
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"]["source"] == "offline" and manifest["dim"] == manifest["model"]["dim"]
    assert manifest["faiss"]["type"] == "IndexFlatIP" and manifest["chunks"] == len(built.chunks)
    assert manifest["chunker"] == {"chunker": "structural-2", "max_chars": 360}
    assert {"corpus_hash", "qa_version", "built_at", "files"} <= set(manifest)
    assert not any(p.suffix in (".pkl", ".pickle") for p in folder.rglob("*"))


def test_faiss_equals_brute_force_numpy(built: Assistant) -> None:
    index = built._index
    assert index is not None
    rng = np.random.default_rng(0)
    for _ in range(5):
        query = rng.normal(size=index.embeddings.shape[1]).astype(np.float32)
        query /= np.linalg.norm(query)
        expected = np.argsort(-(index.embeddings @ query), kind="stable")[:5]
        got = [i for i, _ in index.dense_search(query, 5)]
        scores = index.embeddings @ query
        assert np.allclose(sorted(scores[got], reverse=True), scores[expected], atol=1e-5)


def test_fusion_with_dense_weight_only_gives_the_dense_ranking() -> None:
    legs = {"dense": [(3, 0.9), (1, 0.8), (2, 0.1)], "bm25": [(2, 9.0), (4, 5.0)]}
    assert [r.index for r in fuse(legs, {"dense": 1.0, "bm25": 0.0}, 60)] == [3, 1, 2]
    assert [r.index for r in fuse(legs, {"dense": 0.0, "bm25": 1.0}, 60)] == [2, 4]
    both = fuse(legs, {"dense": 1.0, "bm25": 1.0}, 60)
    assert both[0].index == 2 and both[0].ranks == {"dense": 3, "bm25": 1}  # in both lists: explained by both


def test_fusion_limited_is_the_head_of_the_whole_with_the_same_records() -> None:
    from qa.search.fusion import fused_order

    rng = np.random.default_rng(1)
    legs = {
        name: [(int(i), float(s)) for i, s in zip(rng.permutation(60)[:40], np.sort(rng.random(40))[::-1], strict=True)]
        for name in ("bm25", "dense", "zero")
    }
    legs["bm25"].insert(3, (-1, 0.0))  # a place held by the other group: skipped, not a candidate
    weights = {"bm25": 1.0, "dense": 0.85, "zero": 0.0}
    whole = fuse(legs, weights, 10, {"dense": 20})
    head = fuse(legs, weights, 10, {"dense": 20}, limit=7)
    assert len(head) == 7 and head == whole[:7]  # the same indices, scores and every leg's score and rank
    assert any("zero" in r.ranks for r in head)  # a weightless leg's records are kept, as before
    assert fused_order(legs, weights, 10) == [r.index for r in fuse(legs, weights, 10)]
    assert all(r.index >= 0 for r in whole)


def test_a_document_holding_more_of_the_first_passages_lifts_its_own() -> None:
    """The document prior: a passage of the document that fills the top gains on a lone passage of another."""
    from qa.schema import Chunk
    from qa.search.fusion import Ranked, by_document

    def chunk(i: int, doc: str) -> Chunk:
        return Chunk(f"{doc}/{i}", doc, "", "正文", "zh", 0, 2, (str(i),))

    chunks = [chunk(0, "lone"), chunk(1, "law"), chunk(2, "law"), chunk(3, "law"), chunk(4, "other")]
    ranked = [Ranked(0, 0.30), Ranked(1, 0.29), Ranked(4, 0.285), Ranked(2, 0.20), Ranked(3, 0.19)]
    again = by_document(ranked, chunks, 0.15)
    assert [r.index for r in again] == [1, 0, 4, 2, 3]  # the law's best passage first; the others keep their order
    assert [r.index for r in by_document(ranked, chunks, 0.0)] == [0, 1, 4, 2, 3]  # no share: unchanged
    assert by_document([], chunks, 0.15) == []


def test_hybrid_with_weights_one_zero_matches_dense_mode(tiny_corpus: Path, tmp_path: Path) -> None:
    weights = FusionWeights(
        dense=1.0,
        lexical=0.0,
        translated=0.0,
        reference=0.0,
        multilingual=0.0,
        multilingual_zh=0.0,
        untranslated=0.0,
        untranslated_dense=0.0,
        document=0.0,
    )
    a = Assistant(tiny_corpus, index_root=tmp_path / "i", model="offline", weights=weights, log=lambda _: None)
    question = "科技创新与产业创新形成什么结构"
    hybrid = [h.chunk_id for h in a.search(question, k=5, mode="hybrid")]
    dense = [h.chunk_id for h in a.search(question, k=5, mode="dense")]
    assert hybrid == dense


def test_hits_explain_their_legs(built: Assistant) -> None:
    hit = built.search("双螺旋结构", k=1, mode="hybrid")[0]
    assert {"bm25", "dense"} <= set(hit.scores) and hit.ranks["bm25"] >= 1


def test_english_question_finds_an_untranslated_article(built: Assistant) -> None:
    hits = built.search("Which activities does the state support? research and development", k=3)
    assert "mini-law/第二条" in [h.chunk_id for h in hits]


def test_unchanged_index_is_loaded_and_changed_corpus_rebuilds(tiny_corpus: Path, tmp_path: Path) -> None:
    messages: list[str] = []
    root = tmp_path / "indexes"
    Assistant(tiny_corpus, index_root=root, model="offline", log=messages.append).build()
    assert any("there is none yet" in m for m in messages)
    messages.clear()
    Assistant(tiny_corpus, index_root=root, model="offline", log=messages.append).build()
    assert not any("building" in m for m in messages)
    law = tiny_corpus / "mini-law" / "source.zh.txt"
    law.write_text(law.read_text(encoding="utf-8").replace("为了测试", "为了再次测试"), encoding="utf-8")
    a = Assistant(tiny_corpus, index_root=root, model="offline", log=messages.append)
    a.build()
    assert any("the corpus changed" in m for m in messages)
    assert any("reused by content hash" in m for m in messages)
    assert "再次测试" in a.search("再次测试", k=1)[0].text


def test_changed_chunker_settings_rebuild(tiny_corpus: Path, tmp_path: Path) -> None:
    messages: list[str] = []
    root = tmp_path / "indexes"
    Assistant(tiny_corpus, index_root=root, model="offline", log=messages.append).build()
    Assistant(tiny_corpus, index_root=root, model="offline", max_chars=40, log=messages.append).build()
    assert any("chunker settings changed" in m for m in messages)


@pytest.mark.parametrize("victim", ["embeddings.npy", "vectors.faiss", "chunks.json", "chunks.txt"])
def test_truncated_file_is_named_with_the_fix(built: Assistant, victim: str) -> None:
    path = built.index_root / "default" / victim
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    fresh = Assistant(built.corpus_path, index_root=built.index_root, model="offline", log=lambda _: None)
    with pytest.raises(IndexCorruptError) as err:
        fresh.search("双螺旋结构")
    assert victim in str(err.value) and "qa build --force" in str(err.value)


@pytest.mark.parametrize(
    "victim",
    [
        "bm25/data.csc.index.npy",
        "bm25/indices.csc.index.npy",
        "bm25/indptr.csc.index.npy",
        "bm25/params.index.json",
        "bm25/vocab.index.json",
        "bm25/qa_lexical.json",
        "gloss/data.csc.index.npy",
        "gloss/qa_lexical.json",
        "jieba.dict",
        "translator.json",
    ],
)
def test_a_flipped_byte_in_any_index_file_is_caught(built: Assistant, victim: str) -> None:
    path = built.index_root / "default" / victim
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # same size, one bit: only a checksum sees it
    path.write_bytes(bytes(data))
    fresh = Assistant(built.corpus_path, index_root=built.index_root, model="offline", log=lambda _: None)
    with pytest.raises(IndexCorruptError) as err:
        fresh.search("双螺旋结构")
    assert victim in str(err.value) and "qa build --force" in str(err.value)


@pytest.mark.parametrize("files", [[], ["chunks.json"], {"chunks.json": 5}, "x", None])
def test_a_manifest_whose_checksums_have_the_wrong_shape_is_corrupt(built: Assistant, files: object) -> None:
    folder = built.index_root / "default"
    manifest = SearchIndex.read_manifest(folder)
    assert manifest is not None
    with pytest.raises(IndexCorruptError, match="checksums"):
        SearchIndex.load(folder, {**manifest, "files": files}, [])


def test_corrupt_manifest_and_missing_file(built: Assistant) -> None:
    folder = built.index_root / "default"
    (folder / "translator.json").unlink()
    manifest = SearchIndex.read_manifest(folder)
    assert manifest is not None
    with pytest.raises(IndexCorruptError, match=r"translator\.json is missing"):
        SearchIndex.load(folder, manifest, [])
    (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match=r"manifest\.json is not valid JSON"):
        SearchIndex.read_manifest(folder)


def test_force_rebuild_repairs_a_corrupt_index(built: Assistant) -> None:
    (built.index_root / "default" / "vectors.faiss").write_bytes(b"junk")
    fresh = Assistant(built.corpus_path, index_root=built.index_root, model="offline", log=lambda _: None)
    fresh.build(force=True)
    assert fresh.search("双螺旋结构", k=1)


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_junk_queries_are_answered_without_a_traceback(built: Assistant, mode: str) -> None:
    for junk in ["@@@ ### !!!", "\x00\x01\x02 ☃☃☃", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "1234567890", "的的的的"]:
        assert isinstance(built.search(junk, k=5, mode=mode), list)
    assert built.ask("@@@ ### !!!").abstained
    for bad in ["", " " * 10, "问" * (MAX_PASTE_CHARS + 1)]:
        with pytest.raises(QuestionError):
            built.search(bad, mode=mode)


def test_k_larger_than_the_corpus_and_invalid_k(built: Assistant) -> None:
    assert len(built.search("科技创新", k=10_000)) <= len(built.chunks)
    with pytest.raises(ValueError, match="k must be"):
        built.search("科技创新", k=0)


def test_cli_search_handles_bad_input_without_a_traceback(tiny_corpus: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "QA_HOME": str(tmp_path), "QA_MODEL": "offline"}
    base = [sys.executable, "-m", "qa.cli", "search", "--corpus", str(tiny_corpus)]
    ok = subprocess.run(
        [*base, "双螺旋结构", "--json", "-k", "2"], capture_output=True, text=True, env=env, timeout=300
    )
    assert ok.returncode == 0 and json.loads(ok.stdout)[0]["chunk_id"].startswith("mini-paper/")
    assert (tmp_path / "indexes" / "default" / "manifest.json").exists()  # QA_HOME decides where indexes go
    for bad in ["", "   ", "x" * (MAX_PASTE_CHARS + 5)]:
        result = subprocess.run([*base, bad], capture_output=True, text=True, env=env, timeout=300)
        assert result.returncode == 1 and result.stderr.startswith("error:") and "Traceback" not in result.stderr
    junk = subprocess.run([*base, "@@@ ### \u2603"], capture_output=True, text=True, env=env, timeout=300)
    assert junk.returncode == 0 and "Traceback" not in junk.stderr


def test_offline_model_build_is_deterministic_across_processes(tiny_corpus: Path, tmp_path: Path) -> None:
    """Two builds with different hash seeds give identical weights (CI floors depend on it)."""
    import hashlib
    import os
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from qa.corpus.documents import load_corpus; from qa.corpus.glossary import Glossary; "
        "from qa.search.static_model import OfflineModelBuilder; c = Path(sys.argv[1]); "
        "OfflineModelBuilder(load_corpus(c), Glossary.load(c / 'glossary.tsv')).build(Path(sys.argv[2]))"
    )
    digests = []
    for seed in ("1", "2"):
        out = tmp_path / f"model-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", code, str(tiny_corpus), str(out)], check=True, env=env, timeout=600)
        digests.append(hashlib.sha256((out / "model.safetensors").read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_tied_inflections_do_not_depend_on_vocabulary_order() -> None:
    from qa.search.static_model import OfflineModelBuilder

    class FakeTokenizer:
        def __init__(self, vocab: dict[str, int]) -> None:
            self.vocab = vocab

        def get_vocab(self) -> dict[str, int]:
            return self.vocab

    words = ["center", "centers", "centre", "centres", "policy", "policies", "x"]
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(len(words), 64)).astype(np.float32)
    forward = {w: i for i, w in enumerate(words)}
    backward = dict(reversed(list(forward.items())))
    tied_a = OfflineModelBuilder.tie_inflections(FakeTokenizer(forward), vectors)
    tied_b = OfflineModelBuilder.tie_inflections(FakeTokenizer(backward), vectors)
    assert np.array_equal(tied_a, tied_b)
    assert np.array_equal(tied_a[0], tied_a[3]) and np.array_equal(tied_a[4], tied_a[5])
    assert np.array_equal(tied_a[6], vectors[6])


def test_fusion_counts_a_leg_s_hits_by_their_scores_below_full_at() -> None:
    legs = {"bm25": [(1, 0.5), (2, 0.4)], "bm25_zh_only": [(3, 5.0)]}
    weights = {"bm25": 1.0, "bm25_zh_only": 1.0}
    assert fuse(legs, weights, 10)[0].index == 1  # by rank alone, index order breaks the tie
    weighed = fuse(legs, weights, 10, full_at={"bm25": 2.0})  # 0.5 is a quarter of what counts fully
    assert [r.index for r in weighed] == [3, 1, 2]
    assert weighed[1].score == pytest.approx(0.25 / 11)
    assert fuse(legs, weights, 10, full_at={"bm25": 0.1})[0].score == pytest.approx(1 / 11)  # capped at full


def test_a_split_ranking_keeps_its_places_when_joint() -> None:
    from qa.schema import Chunk
    from qa.search.fusion import split_by_translation as _split

    def chunk(n: int, translated: bool) -> Chunk:
        return Chunk(f"d/{n}", "d", "§1", "文本", "zh", 0, 2, (str(n),), translation="text" if translated else None)

    chunks = [chunk(0, True), chunk(1, False), chunk(2, True), chunk(3, False)]
    ranking = [(2, 0.9), (0, 0.8), (3, 0.7), (1, 0.6)]
    assert _split(ranking, chunks, joint=False) == ([(2, 0.9), (0, 0.8)], [(3, 0.7), (1, 0.6)])
    translated, only = _split(ranking, chunks, joint=True)
    assert translated == [(2, 0.9), (0, 0.8)]  # nothing translated after them: no places held
    assert only == [(-1, 0.0), (-1, 0.0), (3, 0.7), (1, 0.6)]
    fused = fuse({"e5": only}, {"e5": 1.0}, 10)
    assert [(r.index, r.ranks) for r in fused] == [(3, {"e5": 3}), (1, {"e5": 4})]  # third and fourth of all


def test_a_damaged_checksum_in_the_manifest_is_blamed_on_the_manifest(built: Assistant) -> None:
    """One flipped character in a file's recorded checksum: the file is fine, the manifest is not."""
    folder = built.index_root / "default"
    manifest = SearchIndex.read_manifest(folder)
    assert manifest is not None
    files = dict(manifest["files"])
    files["chunks.txt"] = files["chunks.txt"][:-1] + ("0" if files["chunks.txt"][-1] != "0" else "1")
    with pytest.raises(IndexCorruptError, match=r"manifest\.json is damaged"):
        SearchIndex.load(folder, {**manifest, "files": files}, [])
