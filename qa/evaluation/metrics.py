"""The question-set spec's metrics, as pure functions of plain values.

Matching is the spec's: ``norm`` (NFKC, no whitespace, lower case) and substring.
A passage *covers* an excerpt when the excerpt is inside the passage's
source-language text; a key point is covered when one of its alternatives is
inside the answer text. Nothing here knows about the assistant, so every
function can be checked on hand-computed cases.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from qa.text import norm

KS = (1, 3, 5, 10)


def coverage_matrix(passages: Sequence[str], excerpts: Sequence[str]) -> list[set[int]]:
    """For each ranked passage, the indices of the excerpts it covers."""
    needles = [norm(e) for e in excerpts]
    return [{i for i, n in enumerate(needles) if n and n in norm(p)} for p in passages]


def hit_at_k(covered: Sequence[set[int]], n_excerpts: int, mode: str, k: int) -> float:
    """1 if the top ``k`` cover one excerpt (``any``) or every excerpt (``all``)."""
    union = set().union(*covered[:k]) if covered[:k] else set()
    if mode == "all":
        return float(n_excerpts > 0 and len(union) == n_excerpts)
    return float(bool(union))


def recall_at_k(covered: Sequence[set[int]], n_excerpts: int, k: int) -> float:
    """Share of the question's excerpts covered by the top ``k``."""
    if n_excerpts == 0:
        return 0.0
    union = set().union(*covered[:k]) if covered[:k] else set()
    return len(union) / n_excerpts


def reciprocal_rank(covered: Sequence[set[int]], k: int = 10) -> float:
    """1/rank of the first passage covering any excerpt within the top ``k``, else 0."""
    for rank, cov in enumerate(covered[:k], start=1):
        if cov:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(
    relevant: Sequence[bool], k: int = 10, *, scores: Sequence[float] | None = None, ideal: int | None = None
) -> float:
    """Binary-relevance nDCG@k, tie-aware when ``scores`` are given.

    Passages with equal scores are in no meaningful order, so each gets the mean
    discount of the positions its tie group occupies (McSherry & Najork, 2008):
    the result does not depend on how a retriever happened to break ties.
    ``ideal`` is how many relevant passages exist in the whole index (defaults
    to those retrieved); the ideal ranking puts ``min(ideal, k)`` of them first.
    """
    relevant = list(relevant[:k])
    discounts = [1.0 / math.log2(i + 2) for i in range(len(relevant))]
    gains = list(discounts)
    if scores is not None:
        scores = list(scores[: len(relevant)])
        start = 0
        while start < len(relevant):
            end = start
            while end + 1 < len(relevant) and scores[end + 1] == scores[start]:
                end += 1
            mean = sum(discounts[start : end + 1]) / (end - start + 1)
            for i in range(start, end + 1):
                gains[i] = mean
            start = end + 1
    dcg = sum(g for g, rel in zip(gains, relevant, strict=True) if rel)
    n_ideal = min(k, ideal if ideal is not None else sum(relevant))
    idcg = sum(1.0 / math.log2(i + 2) for i in range(n_ideal))
    return dcg / idcg if idcg > 0 else 0.0


def key_point_coverage(answer: str, key_points: Sequence[Sequence[str]]) -> float:
    """Share of key points with at least one alternative inside the answer."""
    if not key_points:
        return 0.0
    text = norm(answer)
    return sum(any(norm(alt) in text for alt in point) for point in key_points) / len(key_points)


def citation_valid(quote: str, passage_texts: Sequence[str | None]) -> bool:
    """A citation is valid when its quote is a substring of the cited passage (either language)."""
    return bool(quote) and any(t is not None and quote in t for t in passage_texts)


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolation percentile (numpy's default), ``q`` in [0, 100]."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
