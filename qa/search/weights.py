"""How much each retrieval leg counts: the fusion weights, and why each is what it is.

Kept apart from :mod:`qa.search.retrieval`, which runs the legs: each weight below was chosen
by measurement, and its docstring is the record of those measurements.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FusionWeights:
    """RRF weights per leg; ``rrf_k`` damps the advantage of the very top ranks.

    The defaults were chosen on the fixed and the natural question set together
    (evals/README.md): the dense leg is a near-equal partner (0.85) with the same
    sharp ``rrf_k`` as the lexical legs; an English question's word-by-word Chinese
    translation is a weaker witness (0.3) than the question itself, because everyday
    English translates into the wrong Chinese words; a resolved reference
    (第四条政策建议) still wins. Two legs re-rank the fused candidates: ``asked``
    (for a how-much/how-long question, the passages that state such a quantity) and
    ``named`` (the passages of a document the question names: 专利法, "the paper"; those the
    candidates missed follow, ranked inside the document, :mod:`qa.search.scoped`). Scoped and at
    2.0 instead of 1.0, the archive's English hit@5 went 0.567 -> 0.600 (MRR 0.419 -> 0.433;
    scoped at 1.0 moved nothing: the named law's best article then sat near rank 20), natural-set
    English MRR 0.777 -> 0.780, nothing else moved; 3.0 pushed every other passage out of a named
    question's first ten, among them its most similar one, and natural-set false abstention rose
    0.014 -> 0.041 (en) and 0.040 -> 0.053 (zh). A question asking when a document was issued
    adds a third: ``dated``, the documents' datelines, weighted as a reference and put first.
    The ``multilingual`` legs (e5, present only once some passage is untranslated, i.e. a
    user added a document) follow one rule: every passage gets one full-weight dense
    witness. For a passage nobody translated the corpus-trained dense model is nearly
    blind, so its e5 rank counts as the dense leg's (``multilingual_only``: 1.8 for an
    English question, its best way there; 1.5 for a Chinese one); for a translated
    passage e5 is a second opinion for a Chinese question (``multilingual_zh`` 0.3) and none for
    an English one (``multilingual_en`` 0.0: its translated passages only hold their places in the
    e5 ranking, see below. Counted at 0.45 — which would also embed every English question with
    e5 when nothing is untranslated — fixed-set English abstention went 0.750 -> 0.833 and key
    points 0.793 -> 0.802, natural-set English MRR 0.769 -> 0.776, nothing lower — but every English
    question then waits for e5, 1.2 ms -> ~10 ms warm: kept off; ``python
    evals/ablation_understanding.py``; measured again after the centring, at 0.3: natural-set
    English hit@5 0.892 -> 0.905, MRR 0.780 -> 0.803, but warm ask p50 7.6 -> 24 ms on a slow
    AVX2 core, evals/README.md). On 100 laws of the archive this took Chinese hit@5 on their
    questions from 0.65 to 0.82 (evals/README.md, evals/bench_scale.py).
    A Chinese question's e5 ranking is one ranking of all passages (e5 reads every passage's
    Chinese), split in two legs that keep their places in it (:func:`qa.search.fusion.split_by_translation`): ranked apart, the
    best law article after twenty better shipped passages counted as first, and pulled law
    articles above the shipped answer. Kept in place, the untranslated weight could rise from
    0.85 to 1.2 (measured at commit b3fe10b in a home with the four laws of evals/added-docs added
    as Markdown, see evals/README.md): with them, fixed-set zh MRR 0.887 -> 0.881, natural 0.873 ->
    0.875, added set zh hit@5 0.925 -> 0.950, MRR 0.778 -> 0.788; whole archive zh hit@5 0.70 ->
    0.73, MRR 0.54 -> 0.61 (at 0.85 with separate places: fixed 0.887, added 0.925 / 0.778).
    An English question's e5 ranking is made the same way, over every passage (e5 reads the
    shipped ones in Chinese too, so neither group is favoured); before, it was compared with the
    untranslated passages alone, and the first of them counted as first whatever the question
    was about. With that, its untranslated weight 1.0 -> 1.3 (commit ffca340, the same home): added-set en hit@5 0.800 -> 0.825,
    MRR 0.64 -> 0.70, key points 0.66 -> 0.68; fixed-set en beside the added laws 0.920 -> 0.931,
    MRR 0.842 -> 0.850; natural set unchanged; archive en hit@5 0.42 -> 0.50 (1.6 and 2.0 gave
    less). Joint places for the English question's Chinese translation (BM25) were measured
    too: natural-set en hit@5 0.892 -> 0.878 beside the added laws, not kept.
    Once e5's questions were centred (qa.search.centring) its ranks were worth more: 1.3 / 1.2 ->
    1.8 / 1.5 took the added set's English hit@5 0.775 -> 0.900 (MRR 0.71 -> 0.73) and the
    archive's 0.533 -> 0.550 (MRR 0.39 -> 0.42); beside the added laws the shipped sets' hit@5 held
    and MRR gave 0.005-0.008 (fixed en 0.838 -> 0.830, natural zh 0.853 -> 0.849). 2.0 / 1.8
    went further on the archive (zh hit@5 0.80) but cost the shipped sets beside the laws 0.02-0.04 MRR.
    For a passage nobody translated, an English question's Chinese translation is its only
    lexical witness (the English BM25 leg cannot reach it), so there it counts fully
    (``untranslated``, leg ``bm25_zh_only``): at 0.3 a law article that leg ranked first
    lost to shipped passages that several English legs ranked lower (evals/bench_scale.py).
    An English question's English BM25 ranks translated passages only. Once some passages are
    reachable only through translation, its first place there is no evidence by itself: an
    insurance question's best match among the patent texts shares "claim" and "year" with it.
    There a hit counts fully only if it matches ``english_matched`` of the question (the share
    of its words' IDF), less in proportion. ``python evals/eval_added.py`` prints the sets with it
    and without it (0): added documents' English questions hit@5 0.725 -> 0.800, MRR 0.60 -> 0.67,
    key points 0.66 -> 0.71; beside those laws, fixed-set English hit@5 0.943 -> 0.931, natural-set
    key points 0.742 -> 0.766; without added documents nothing changes. On the law archive's
    English questions 0.37 -> 0.42 (commit 47a192f, the probe of evals/bench_scale.py).
    The untranslated passages' English glosses (:mod:`qa.search.gloss`) are a second lexical witness
    for them, from the documents' side (``glossed``, leg ``bm25_glossed``): on the shipped corpus
    and 60 laws of the archive, English hit@5 0.70 -> 0.80 and MRR 0.588 -> 0.630 at 0.5; 1.0 gave
    0.783 / 0.621, 0.7 0.767 / 0.605, 0.3 0.783 / 0.632 (``python evals/bench_scale.py --probe``).
    In a library (once the user has added documents) the hard part is often which document:
    ``document`` adds to each passage that share of the first one's score in proportion to
    how much of the first ten's score its document holds (:func:`qa.search.fusion.by_document`; 80a58c8, measured
    as evals/README.md's "Documents users add" step 10 says). Archive hit@5
    zh 0.800 -> 0.833, en 0.550 -> 0.567; added set en 0.900 -> 0.925; beside the added laws
    fixed-set en hit@5 0.931 -> 0.920, natural zh MRR 0.849 -> 0.839. Counted from the first 30,
    the shipped sets beside the laws lost more (natural zh hit@5 0.907 -> 0.893); on the shipped
    corpus alone (seven documents, where the paper holds most passages; counted from the first
    30) it took fixed en hit@5 0.954 -> 0.931, so it is off there, and wherever there are no
    more documents than the ten places: then a document's share of them says how long it is, not
    how relevant (in the tiny test corpus a two-document law outranked the paper's answer).
    """

    dense: float = 0.85
    lexical: float = 1.0
    translated: float = 0.3
    reference: float = 2.0
    asked: float = 0.5
    named: float = 2.0
    section: float = 1.0
    multilingual: float = 1.8
    multilingual_zh: float = 0.3
    multilingual_en: float = 0.0
    untranslated_dense: float = 1.5
    untranslated: float = 1.0
    glossed: float = 0.5
    english_matched: float = 0.3
    document: float = 0.15
    rrf_k: float = 10.0
    dense_rrf_k: float = 10.0
