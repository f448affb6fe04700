"""Candidate answer sentences: what a question asks, how sentences are picked and ordered.

An answer is a handful of sentences taken verbatim from the retrieved passages. The
answerer scores every sentence of the top passages (:class:`Asked` says what the
question wants); these helpers keep the best without repeating one another, quote
short articles and items whole, and put the result back in reading order.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from qa.corpus.chunking import align_sentences
from qa.schema import Hit
from qa.search.asked import Preference
from qa.text import norm, sentence_spans


@dataclass(frozen=True)
class Asked:
    """What one question asks, worked out once and used to score every candidate sentence.

    ``tokens``: its known words (with an English question's translation); ``focus``: the
    asking part's, for a long question; ``kinds``: quantities it asks for; ``front_matter``:
    it asks for keywords, references or authors; ``vector``: its embedding, for the
    semantic part of a sentence's score (None without an embedder); ``chinese``: for an
    English question, the words of its Chinese translation alone (and of its focus's) — all a
    sentence nobody translated can match; ``chinese_everywhere``: every sentence is scored on
    those, translated or not (when the best passage is untranslated: on one scale, the
    answer quotes it rather than a shipped passage's English below it; added-set English
    key points 0.675 -> 0.725, nothing else moved: commit 1f81fbf, evals/README.md); ``preferred``:
    the kinds of sentence it prefers (a minimum or maximum stated for "the minimum reward", a consequence
    for "国家会怎么处理", :data:`~qa.search.asked.PREFERENCES`).
    """

    tokens: set[str]
    focus: set[str] | None
    kinds: Sequence[str]
    front_matter: bool
    vector: np.ndarray | None = None
    semantic: float = 0.0
    chinese: tuple[set[str], set[str] | None] | None = None
    chinese_everywhere: bool = False
    # what kinds of sentence its asking part prefers: one stating a bound, a consequence, a definition, a
    # prohibition or a law's purpose (qa.search.asked.PREFERENCES)
    preferred: tuple[Preference, ...] = ()


def on_one_scale(asked: Asked, pool: Sequence[Hit]) -> Asked:
    """For an English question whose best passage nobody translated, every sentence weighed on the
    question's Chinese (``chinese_everywhere``): else the English of translated passages below it outscores it."""
    if asked.chinese is not None and pool and not pool[0].translation and pool[0].lang != "en":
        return replace(asked, chinese_everywhere=True)
    return asked


@dataclass(frozen=True)
class Sentence:
    hit: Hit
    rank: int
    position: int
    source: str  # exact substring of hit.text
    translation: str | None  # exact substring of hit.translation, when aligned
    score: float
    start: int = 0  # the chunk's offset in its document, for reading order
    unit: int = -1  # which short article or item of the chunk the sentence belongs to (-1: none, or a long one)


def aligned(hit: Hit) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...], tuple[str | None, ...]]:
    """A passage's sentences: their spans in ``hit.text``, their text, and each one's aligned translation.

    The translation of a sentence is an exact substring of ``hit.translation`` (None when the
    passage has none, or the aligner gave that sentence none), so it can be quoted as it is.
    Remembered: abstention and the answerer both read the same top passages for every question.
    """
    return aligned_text(hit.text, hit.lang, hit.translation)


@functools.lru_cache(maxsize=4096)
def aligned_text(
    text: str, lang: str, translation: str | None
) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...], tuple[str | None, ...]]:
    spans = sentence_spans(text, lang)
    sources = [text[a:b] for a, b in spans]
    translations: list[str | None] = [None] * len(sources)
    if translation:
        t_spans = sentence_spans(translation, "en")
        t_sents = [translation[a:b] for a, b in t_spans]
        for i, owned in enumerate(align_sentences(sources, t_sents)):
            if owned:
                translations[i] = translation[t_spans[owned[0]][0] : t_spans[owned[-1]][1]]
    return tuple(spans), tuple(sources), tuple(translations)


def whole_units(chosen: list[Sentence], candidates: list[Sentence], cap: int) -> list[Sentence]:
    """Short articles and items are quoted whole: a condition and its consequence stay together.

    An item quoted from a longer article brings the article's opening sentence with it
    ("第四十八条 …有下列情形之一的…"): alone, "（四）…提供的；" reads as part of whatever article
    was quoted before it. The other way round, a chosen sentence that opens a list ("…提取下列比例：")
    brings the items after it. What the best chosen sentences bring comes whole, past ``cap``; what
    weaker ones bring, as far as the cap allows.
    """
    # what each chosen sentence brings along, and for how good a sentence it does
    wanted: dict[tuple[str, int], float] = {}
    leads: dict[str, float] = {}
    listing: dict[tuple[str, int], float] = {}
    for s in chosen:
        if s.unit >= 0:
            wanted[(s.hit.chunk_id, s.unit)] = max(wanted.get((s.hit.chunk_id, s.unit), s.score), s.score)
        if _ITEM.match(s.source):
            leads[s.hit.chunk_id] = max(leads.get(s.hit.chunk_id, s.score), s.score)
        if s.source.rstrip().endswith(("：", ":")):
            listing[(s.hit.chunk_id, s.position)] = s.score
    have = {(s.hit.chunk_id, s.position) for s in chosen}
    extra: list[tuple[float, Sentence]] = []
    for c in candidates:
        if (c.hit.chunk_id, c.position) in have:
            continue
        needed = [wanted.get((c.hit.chunk_id, c.unit))]
        if _ARTICLE_START.match(c.source):
            needed.append(leads.get(c.hit.chunk_id))
        if _ITEM.match(c.source):
            needed.append(_follows(c, listing, candidates))
        best = max((n for n in needed if n is not None), default=None)
        if best is not None:
            extra.append((best, c))
    # What the best chosen sentences bring (within BEST_MARGIN of the best) is quoted whole even past the
    # cap: "……专利权人不得对其实行开放许可：" without its five items tells nothing (Regulations Art. 86 lost
    # them to the rest of a weaker article quoted before it). The rest fill the cap, the better first.
    extra.sort(key=lambda e: -e[0])  # stable: in the candidates' order within one score
    top = max((s.score for s in chosen), default=0.0)
    whole = [c for score, c in extra if score >= top - BEST_MARGIN]
    rest = [c for score, c in extra if score < top - BEST_MARGIN]
    merged = chosen + whole + rest[: max(0, cap - len(chosen) - len(whole))]
    return reading_order(merged)


def _follows(item: Sentence, listing: dict[tuple[str, int], float], candidates: list[Sentence]) -> float | None:
    """If ``item`` is one of the items right after a chosen "…下列情形之一的：" in its passage, that sentence's score."""
    chunk = item.hit.chunk_id
    positions = {c.position: c for c in candidates if c.hit.chunk_id == chunk}
    at = item.position - 1
    while at in positions and _ITEM.match(positions[at].source):
        at -= 1  # back over the items before it
    return listing.get((chunk, at))


def choose(candidates: list[Sentence], limit: int) -> list[Sentence]:
    chosen: list[Sentence] = []
    seen: list[str] = []
    for sent in sorted(candidates, key=lambda s: (-s.score, s.rank, s.position)):
        key = norm(sent.source)
        if len(key) < 4 or any(key in other or other in key for other in seen):
            continue
        chosen.append(sent)
        seen.append(key)
        if len(chosen) == limit:
            break
    return reading_order(chosen)


RUNNER_UP_LENGTH = 10  # characters (normalised) a runner-up sentence has at least
THIRD_SHARE = 0.8  # of the weakest chosen sentence's score, that the third passage's best must reach


def with_runner_up(chosen: list[Sentence], candidates: list[Sentence]) -> list[Sentence]:
    """The chosen sentences and, from the second passage when none of it was chosen, its best one;
    from the third, its best one too if that scores at least ``THIRD_SHARE`` of the weakest chosen.

    The first passages are often close, and which of them answers is what the ranking is least
    sure of; a question in everyday words ("Is the paper saying blue-sky research must now justify
    itself commercially?") matches the wrong one's words best, and its sentences took every place.
    The second passage: natural-set key points en 0.742 -> 0.773, zh 0.884 -> 0.889, added set en
    0.725 -> 0.775. The third, when nearly as good as what was chosen: natural en 0.773 -> 0.805,
    fixed en 0.829 -> 0.843; answers' median length +1-5% (always the third: 0.812 / 0.843, but
    +11-15% for English). Held-out and added sets unchanged by the third (evals/README.md).
    """
    out = list(chosen)
    weakest = min((s.score for s in chosen), default=0.0)
    for rank in (1, 2):
        if any(s.rank == rank for s in out):
            continue
        # a sentence that says something: not a run-in heading such as "（一）指导思想。"
        said = [c for c in candidates if c.rank == rank and len(norm(c.source)) >= RUNNER_UP_LENGTH]
        if said:
            best = max(said, key=lambda c: (c.score, -c.position))
            if rank == 1 or best.score >= THIRD_SHARE * weakest:
                out.append(best)
    return out


def reading_order(chosen: list[Sentence]) -> list[Sentence]:
    """Documents by their best passage; in each, its passages by their best sentence, each passage's
    sentences in their own order.

    In the documents' order a fine question's answer came last: a regulation's Article 23 on who
    may enter, 43 and 48 on other fines, then 52, whose sentence states the fine asked about.
    Pieces of one long paragraph (chunks that meet end to start) are one passage: ranked apart, the
    paper's 培育期 / 发展期 / 成熟期 advice was quoted as 发展期, 成熟期, the government's part, 培育期.
    """
    first_rank: dict[str, int] = {}
    for sent in sorted(chosen, key=lambda s: s.rank):
        first_rank.setdefault(sent.hit.doc_id, sent.rank)
    passage = _passages(chosen)
    best: dict[str, float] = {}
    for sent in chosen:
        key = passage[sent.hit.chunk_id]
        best[key] = max(best.get(key, sent.score), sent.score)
    return sorted(chosen, key=lambda s: (first_rank[s.hit.doc_id], -best[passage[s.hit.chunk_id]], s.start, s.position))


def _passages(chosen: list[Sentence]) -> dict[str, str]:
    """Each chunk's passage: the first of the chunks it runs on from without a gap (one paragraph's pieces)."""
    spans = sorted({(s.hit.doc_id, s.start, s.start + len(s.hit.text), s.hit.chunk_id) for s in chosen})
    out: dict[str, str] = {}
    doc, end, key = "", -1, ""
    for doc_id, start, stop, chunk_id in spans:
        if doc_id != doc or start > end:
            doc, end, key = doc_id, stop, chunk_id
        end = max(end, stop)
        out[chunk_id] = key
    return out


SHORT_UNIT = 220  # characters: an article or item this short is quoted whole
BEST_MARGIN = 0.05  # a chosen sentence this close to the best one brings its article or list whole (whole_units)
SHORT_ARTICLE = 300  # characters: an article this short is quoted whole, lead-in and every item
_ARTICLE_START = re.compile(r"^第[零一二三四五六七八九十百千]+条", re.M)
_UNIT_START = re.compile(
    r"^(?:第[零一二三四五六七八九十百千]+条|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", re.M
)
_ITEM = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")
_ITEM_UNITS = 1000  # item units are numbered after article units, so the two never share a number


def short_units(text: str, spans: Sequence[tuple[int, int]]) -> list[int]:
    """For each sentence span, the index of the short article or item it belongs to, or -1.

    A short article is one unit, lead-in and items together: "in which ways may…" asked of
    an article listing five ways must not be answered with the three that scored best. In a
    longer article each short item is its own unit, so the item carrying the number is quoted whole.
    """
    articles = _bounded(text, [m.start() for m in _ARTICLE_START.finditer(text)], SHORT_ARTICLE)
    items = _bounded(text, [m.start() for m in _UNIT_START.finditer(text)], SHORT_UNIT)
    out = []
    for a, _ in spans:
        article, item = articles(a), items(a)
        out.append(article if article >= 0 else item + _ITEM_UNITS if item >= 0 else -1)
    return out


def _bounded(text: str, starts: list[int], longest: int) -> Callable[[int], int]:
    """A lookup: the index of the unit (from each start to the next) holding an offset, -1 if none or too long."""
    bounds = [*starts, len(text)]

    def unit(offset: int) -> int:
        u = next((u for u in range(len(starts)) if bounds[u] <= offset < bounds[u + 1]), -1)
        return u if u >= 0 and len(text[bounds[u] : bounds[u + 1]].strip()) <= longest else -1

    return unit
