"""Searching inside the named documents: their passages the fused candidates missed still reach the named leg."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from qa import Assistant
from qa.search.fusion import Ranked
from qa.search.multilingual import MultilingualSide
from qa.search.query import understand
from qa.search.scoped import SCOPED_RRF_K, ranked_within


def test_ranked_within_is_rrf_of_the_scoped_rankings_and_drops_what_no_signal_scores() -> None:
    rows = np.array([3, 5, 7, 9])
    first = np.zeros(10, dtype=np.float32)
    first[[3, 5, 8]] = [1.0, 3.0, 9.0]  # 8 is outside the scope; 7 and 9 have no word in common
    second = np.zeros(10, dtype=np.float32)
    second[[3, 9]] = [2.0, 1.0]
    got = ranked_within(rows, [first, second], None, None, "")
    expected = {  # by hand: 1 / (k + rank) summed over the rankings a passage is in
        3: 1 / (SCOPED_RRF_K + 2) + 1 / (SCOPED_RRF_K + 1),
        5: 1 / (SCOPED_RRF_K + 1),
        9: 1 / (SCOPED_RRF_K + 2),
    }
    assert got == sorted(expected, key=lambda i: (-expected[i], i))
    assert ranked_within(np.zeros(0, dtype=np.int64), [first], None, None, "") == []


def test_similarities_are_the_rows_vectors_times_the_question_and_nan_without_a_vector() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(3, 384)).astype(np.float32)
    side = MultilingualSide(np.array([0, 2, 4]), vectors, ["a", "b", "c"], np.array([True, False, True]))
    query = rng.normal(size=384).astype(np.float32)
    got = side.similarities(query, np.array([4, 1, 0, 99]))
    assert np.allclose(got[[0, 2]], [vectors[2] @ query, vectors[0] @ query], atol=1e-5)
    assert np.isnan(got[1]) and np.isnan(got[3])  # chunk 1 has no vector; 99 is past every row


def _with_alias(tiny_corpus: Path, tmp_path: Path) -> Assistant:
    """The tiny corpus with its law also going by 微型法, and an assistant over it."""
    meta = tiny_corpus / "mini-law" / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "aliases: [微型法]\n", encoding="utf-8")
    return Assistant(tiny_corpus, index_root=tmp_path / "idx", model="offline", log=lambda _: None)


def test_the_named_leg_keeps_the_candidates_order_then_adds_the_documents_other_passages(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    a = _with_alias(tiny_corpus, tmp_path)
    chunks = a.index.chunks
    law = [i for i, c in enumerate(chunks) if c.doc_id == "mini-law"]
    taking_effect = next(i for i in law if "施行" in chunks[i].text)
    other = next(i for i in law if i != taking_effect)
    question = "按照微型法，本法自什么时候起施行？"
    assert a.retriever.references is not None and a.retriever.references.documents_named(question)[0] == ["mini-law"]
    paper = next(i for i, c in enumerate(chunks) if c.doc_id != "mini-law")

    leg = a.retriever._named_leg([Ranked(paper, 1.0), Ranked(other, 0.5)], ["mini-law"], question, None)
    assert leg[0] == (other, 1.0)  # a candidate of the named law keeps its place, first
    assert [i for i, _ in leg].count(other) == 1 and paper not in [i for i, _ in leg]
    assert leg[1][0] == taking_effect  # of the rest, the passage that says when it takes effect

    assert a.retriever.references.positions(chunks)["mini-law"] == law  # the passages ranked inside it


def test_a_named_document_s_own_words_do_not_rank_a_chinese_question_inside_it(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    a = _with_alias(tiny_corpus, tmp_path)
    retriever = a.retriever
    named = understand("微型法规定本法自什么时候起施行？")
    blanked = retriever._unnamed(named)
    assert blanked is not None and "微型法" not in blanked
    searched = [(r.index, r.score) for r in a.index.lexical.retrieve("规定本法自什么时候起施行？", 50)]
    assert retriever.lexical_legs(named.text, named.terms, blanked)["bm25"] == searched  # BM25 without 微型法
    assert retriever._unnamed(understand("本法自什么时候起施行？")) is None  # names no document
    assert retriever._unnamed(understand("微型法第三条")) is None  # the reference is the question
    assert retriever._unnamed(understand("When does the 微型法 take effect?")) is None  # English keeps it
