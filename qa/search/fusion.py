"""Fusing the legs' rankings: weighted reciprocal rank fusion, a document prior, and legs split by translation.

Plain functions over ``(chunk index, score)`` lists, so that they can be tested and ablated
apart from the legs that make the lists (:class:`qa.search.retrieval.Retriever`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from qa.schema import Chunk


@dataclass(frozen=True)
class Ranked:
    index: int  # chunk position in the index
    score: float
    scores: dict[str, float] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)


def fuse(
    legs: dict[str, list[tuple[int, float]]],
    weights: dict[str, float],
    rrf_k: float,
    leg_k: dict[str, float] | None = None,
    full_at: dict[str, float] | None = None,
    limit: int | None = None,
) -> list[Ranked]:
    """Weighted RRF of ranked lists ``(chunk index, leg score)``; ties broken by chunk index.

    ``leg_k`` overrides ``rrf_k`` for some legs; ``full_at``: for some legs, the score at which
    a hit counts fully; below it, a hit counts in proportion to its score. ``limit``: only the
    first this many are returned, and each leg's scores and ranks are gathered for those alone (a
    question's legs hold a few hundred candidates, a search returns ten; the saving, ~0.1 ms a search
    on the shipped corpus, was within the noise of a busy machine).
    """
    fused = _fused(legs, weights, rrf_k, leg_k, full_at)
    order = sorted(fused, key=lambda i: (-fused[i], i))[:limit]
    kept: dict[int, tuple[dict[str, float], dict[str, int]]] = {i: ({}, {}) for i in order}
    for leg, ranking in legs.items():
        for rank, (idx, score) in enumerate(ranking, start=1):
            entry = kept.get(idx)
            if entry is not None:
                entry[0][leg] = score
                entry[1][leg] = rank
    return [Ranked(i, fused[i], *kept[i]) for i in order]


def fused_order(legs: dict[str, list[tuple[int, float]]], weights: dict[str, float], rrf_k: float) -> list[int]:
    """The chunk indices :func:`fuse` would return, in its order, without the per-leg records."""
    fused = _fused(legs, weights, rrf_k, None, None)
    return sorted(fused, key=lambda i: (-fused[i], i))


def _fused(
    legs: dict[str, list[tuple[int, float]]],
    weights: dict[str, float],
    rrf_k: float,
    leg_k: dict[str, float] | None,
    full_at: dict[str, float] | None,
) -> dict[int, float]:
    """Each candidate's fused score: the weighted sum of ``share / (k + rank)`` over the legs that rank it."""
    fused: dict[int, float] = {}
    for leg, ranking in legs.items():
        weight = weights.get(leg, 0.0)
        if weight <= 0:
            continue
        k = (leg_k or {}).get(leg, rrf_k)
        full = (full_at or {}).get(leg)
        for rank, (idx, score) in enumerate(ranking, start=1):
            if idx < 0:
                continue  # a place held by a passage of the other group (see split_by_translation)
            share = 1.0 if not full else min(1.0, score / full)
            fused[idx] = fused.get(idx, 0.0) + weight * share / (k + rank)
    return fused


DOCUMENT_DEPTH = 10  # the first passages whose scores the document prior sums


def by_document(
    ranked: list[Ranked], chunks: Sequence[Chunk], share: float, depth: int = DOCUMENT_DEPTH
) -> list[Ranked]:
    """``ranked`` re-scored with a document prior: each passage gains ``share`` of the first
    passage's score times its document's part of the first ``depth`` passages' total score."""
    if not ranked:
        return ranked
    held: dict[str, float] = {}
    for r in ranked[:depth]:
        doc = chunks[r.index].doc_id
        held[doc] = held.get(doc, 0.0) + r.score
    most = max(held.values())
    if most <= 0:
        return ranked
    scale = share * ranked[0].score / most
    scored = [
        Ranked(r.index, r.score + scale * held.get(chunks[r.index].doc_id, 0.0), r.scores, r.ranks) for r in ranked
    ]
    return sorted(scored, key=lambda r: (-r.score, r.index))


def split_by_translation(
    ranking: list[tuple[int, float]], chunks: Sequence[Chunk], *, joint: bool
) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """A ranking of all passages as two legs: the translated passages' and the others'.

    ``joint``: each keeps its places in the whole ranking (the other group's are held by
    index -1, which :func:`fuse` skips), so the first untranslated passage after twenty
    shipped ones counts as 21st, not 1st. Used for e5, which reads both groups in Chinese
    (see :class:`qa.search.weights.FusionWeights`).
    """
    translated: list[tuple[int, float]] = []
    only: list[tuple[int, float]] = []
    for i, score in ranking:
        mine, other = (translated, only) if chunks[i].translation or chunks[i].lang == "en" else (only, translated)
        mine.append((i, score))
        if joint:
            other.append((-1, 0.0))
    for leg in (translated, only):
        while leg and leg[-1][0] < 0:
            leg.pop()
    return translated, only
