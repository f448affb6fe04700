"""Metric functions on small cases computed by hand."""

from __future__ import annotations

import math

import pytest

from qa.evaluation import metrics as m

PASSAGES = [
    "科技创新与产业创新形成双螺旋结构。",  # covers excerpt 0
    "无关的段落。",
    "要完善源头交汇机制，促进源头融合。",  # covers excerpt 1
    "双螺旋 结构 again: 科技创新与产业创新形成双螺旋结构",  # covers excerpt 0 (whitespace-insensitive)
]
EXCERPTS = ["形成双螺旋结构", "完善源头交汇机制"]


def test_coverage_is_normalised_substring_matching() -> None:
    assert m.coverage_matrix(PASSAGES, EXCERPTS) == [{0}, set(), {1}, {0}]
    assert m.coverage_matrix(["ＡＢＣ d e"], ["abcde"]) == [{0}]  # NFKC, case and whitespace


def test_hit_at_k_any_and_all() -> None:
    covered = m.coverage_matrix(PASSAGES, EXCERPTS)
    assert m.hit_at_k(covered, 2, "any", 1) == 1.0
    assert m.hit_at_k(covered, 2, "all", 1) == 0.0
    assert m.hit_at_k(covered, 2, "all", 3) == 1.0
    assert m.hit_at_k([set(), set()], 2, "any", 10) == 0.0


def test_recall_at_k() -> None:
    covered = m.coverage_matrix(PASSAGES, EXCERPTS)
    assert m.recall_at_k(covered, 2, 1) == 0.5
    assert m.recall_at_k(covered, 2, 2) == 0.5
    assert m.recall_at_k(covered, 2, 3) == 1.0
    assert m.recall_at_k([{0}, {0}], 3, 10) == pytest.approx(1 / 3)  # duplicates count once


def test_reciprocal_rank() -> None:
    assert m.reciprocal_rank([set(), set(), {1}]) == pytest.approx(1 / 3)
    assert m.reciprocal_rank([set()] * 10 + [{0}]) == 0.0  # beyond the top 10
    assert m.reciprocal_rank([{0}]) == 1.0


def test_ndcg_hand_computed() -> None:
    # relevant at ranks 1 and 3, two relevant in the index: (1 + 1/log2(4)) / (1 + 1/log2(3))
    expected = (1 + 1 / 2) / (1 + 1 / math.log2(3))
    assert m.ndcg_at_k([True, False, True], 10) == pytest.approx(expected)
    assert m.ndcg_at_k([True, True], 10) == pytest.approx(1.0)
    assert m.ndcg_at_k([False, False], 10) == 0.0


def test_ndcg_counts_relevant_passages_missing_from_the_list() -> None:
    # one relevant passage retrieved at rank 1, but three exist in the index
    expected = 1 / (1 + 1 / math.log2(3) + 1 / 2)
    assert m.ndcg_at_k([True, False], 10, ideal=3) == pytest.approx(expected)


def test_ndcg_with_ties_does_not_depend_on_tie_order() -> None:
    # ranks 1 and 2 tied: each gets the mean discount (1 + 1/log2(3)) / 2
    tied = m.ndcg_at_k([True, False], 10, scores=[0.5, 0.5], ideal=1)
    swapped = m.ndcg_at_k([False, True], 10, scores=[0.5, 0.5], ideal=1)
    assert tied == swapped == pytest.approx((1 + 1 / math.log2(3)) / 2)
    assert m.ndcg_at_k([True, False], 10, scores=[0.9, 0.5], ideal=1) == 1.0


def test_ndcg_with_duplicate_relevant_passages() -> None:
    # two passages covering the same excerpt are both relevant (binary relevance)
    covered = m.coverage_matrix(PASSAGES, ["形成双螺旋结构"])
    relevant = [bool(c) for c in covered]
    assert relevant == [True, False, False, True]
    expected = (1 + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert m.ndcg_at_k(relevant, 10, ideal=2) == pytest.approx(expected)


def test_key_point_coverage() -> None:
    answer = "The paper names foresight and practicality (前瞻性与实践性) and 战略性与市场性."
    points = [["foresight and practicality"], ["strategic orientation", "战略性与市场性"], ["public good"]]
    assert m.key_point_coverage(answer, points) == pytest.approx(2 / 3)
    assert m.key_point_coverage("", points) == 0.0


def test_citation_validity() -> None:
    assert m.citation_valid("形成双螺旋结构", ["科技创新与产业创新形成双螺旋结构。", None])
    assert m.citation_valid("dual helix", ["中文", "a dual helix structure"])
    assert not m.citation_valid("双螺旋 结构", ["双螺旋结构"])  # exact substring, not normalised
    assert not m.citation_valid("", ["x"])


def test_percentile_and_mean() -> None:
    assert m.percentile([10, 20, 30, 40], 50) == 25
    assert m.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95) == pytest.approx(9.55)
    assert m.mean([]) == 0.0
