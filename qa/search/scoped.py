"""Searching inside the documents a question names ("Under the 2014 Counter-espionage Law, …").

The named-document leg re-ranks the fused candidates, the first :data:`~qa.search.retrieval.DEPTH`
of every leg: in a library of a thousand laws, the named law's answering article is often none
of them (everyday words match other laws better), and then naming the law did nothing. So the
named documents' own passages are ranked too, by the same signals scoped to them — BM25 on the
question (and, for an English question, on its Chinese translation) and e5 similarity — and those
the candidates missed join the leg after the ones they hold.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qa.search.fusion import fused_order
from qa.search.multilingual import MultilingualSide

SCOPED_RRF_K = 10.0


def ranked_within(
    rows: np.ndarray,
    lexical: Sequence[np.ndarray],
    side: MultilingualSide | None,
    query: np.ndarray | None,
    question: str,
) -> list[int]:
    """``rows`` best first: RRF of their BM25 ranks (one per score array over every passage) and their e5 rank.

    A passage no signal scores (no word in common, no e5 vector) is left out.
    """
    if not len(rows):
        return []
    legs: dict[str, list[tuple[int, float]]] = {}
    for n, scores in enumerate(lexical):
        part = scores[rows]
        legs[f"bm25_{n}"] = _order(rows[part > 0], part[part > 0])
    if side is not None and query is not None:
        similar = side.similarities(query, rows, question)
        legs["e5"] = _order(rows[~np.isnan(similar)], similar[~np.isnan(similar)])
    return fused_order(legs, dict.fromkeys(legs, 1.0), SCOPED_RRF_K)


def _order(rows: np.ndarray, scores: np.ndarray) -> list[tuple[int, float]]:
    order = np.argsort(-scores, kind="stable")
    return [(int(rows[j]), float(scores[j])) for j in order]
