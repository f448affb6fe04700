"""The one entry point: ``Assistant`` behind the CLI, the Python API, the page and the evaluation.

    from qa import Assistant
    a = Assistant()
    hits = a.search("What are the five tensions the paper names?", k=10)
    answer = a.ask("第四条政策建议如何处理专利？")

Creating an ``Assistant`` is instant. The first question opens the index under
``indexes/<name>/``, building it (and the offline embedding model, if that is the
model in use) when it is missing, and rebuilding it with a message when the
corpus or the settings changed.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from qa.answers.answering import ExtractiveAnswerer
from qa.answers.parts import cited, further_asks, with_parts
from qa.config import corpus_dir, project_home, user_corpus_dir
from qa.corpus.chunking import DEFAULT_MAX_CHARS, Chunker
from qa.corpus.formats import FormatError
from qa.corpus.library import AddedDocument, AddResult, Library, expand_paths
from qa.corpus.thesaurus import Thesaurus
from qa.heap import collector_paused
from qa.opening import Project, open_project
from qa.progress import note, progress_bar
from qa.schema import Answer, Chunk, Document, Hit
from qa.search.asked import COMPARE, compared_terms
from qa.search.embedding import ModelChoice
from qa.search.index import (
    SearchIndex,
    check_index_name,
)
from qa.search.query import Query, shortened_note, understand
from qa.search.retrieval import MODES, Retriever
from qa.search.spelling import Speller, looks_like_pinyin
from qa.search.weights import FusionWeights
from qa.text import UNSUPPORTED_NOTE, check_question, is_traditional, traditional, unsupported_language

__all__ = ["MODES", "Assistant"]

SIDE_DEPTH = 40  # passages searched for a side of a comparison the best k missed
PINYIN_NOTE = (
    "这个问题看起来是用拼音输入的。请用汉字输入问题，例如：“职务发明的奖金最少多少钱？” "
    "This looks like pinyin: please type the question in Chinese characters or in English."
)
PART_DEPTH = 5  # a further ask's best passage must be among the whole question's best so many
TERM_DEPTH = 4  # passages searched for each of two terms compared ("开放许可和强制许可有什么区别")


def _check_k(k: object) -> None:
    """``k`` comes from callers of every kind (CLI, HTTP, LangChain): say what it must be."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a whole number of passages, at least 1 (got {k!r})")


def _stderr(message: str) -> None:
    print(f"qa: {message}", file=sys.stderr)


class Assistant:
    """Search and cited answers over the corpus (see the module docstring)."""

    def __init__(
        self,
        corpus: Path | str | None = None,
        *,
        mode: str = "hybrid",
        model: str | None = None,
        index: str = "default",
        index_root: Path | str | None = None,
        library: Path | str | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
        weights: FusionWeights | None = None,
        llm: Any = None,
        log: Callable[[str], None] = _stderr,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of: {', '.join(MODES)}")
        self.corpus_path = Path(corpus) if corpus else corpus_dir()
        self.mode = mode
        self.model_setting = model
        self.index_root = Path(index_root) if index_root else project_home() / "indexes"
        # The user's added documents: $QA_HOME/user-corpus unless the caller chose a corpus of its own.
        self.library = Library(Path(library)) if library else Library(user_corpus_dir()) if corpus is None else None
        self.index_name = check_index_name(index)  # a plain name: never "..", never a path
        self.chunker = Chunker(max_chars)
        self.weights = weights or FusionWeights()
        self.llm = llm if llm is not None else (os.environ.get("QA_LLM") or None)  # off unless asked for
        self._llm_answerer: Any = None
        self.log = log
        self._lock = threading.Lock()
        self._docs: dict[str, Document] = {}
        self._index: SearchIndex | None = None
        self._retriever: Retriever | None = None
        self._answerer: ExtractiveAnswerer | None = None
        self._thesaurus: Thesaurus | None = None
        self._speller: Speller | None = None
        self.model_choice: ModelChoice | None = None

    # -- building -----------------------------------------------------------------

    def build(self, *, force: bool = False, progress: bool = False) -> SearchIndex:
        """Open the index, building or rebuilding it as needed (``force`` always rebuilds)."""
        with self._lock, collector_paused():  # qa/heap.py: a fifth of opening the archive was the GC
            return self._open(force=force, progress=progress)

    def _ensure(self) -> None:
        if self._answerer is None:
            self.build()

    def _open(self, *, force: bool, progress: bool, reload: bool = False) -> SearchIndex:
        if self._index is not None and not force and not reload:
            return self._index
        project = Project(
            self.corpus_path,
            self.library,
            self.model_setting,
            self.index_root,
            self.index_name,
            self.chunker,
            self.weights,
            self.log,
        )
        opened = open_project(project, force=force, progress=progress)
        # Everything a question uses is built first and then replaced together (not while half-built).
        self._docs, self._thesaurus, self._index, self._retriever, self._answerer, self._speller = (
            opened.docs,
            opened.thesaurus,
            opened.index,
            opened.retriever,
            opened.answerer,
            None,  # made from this index's English on the first question (qa/search/spelling.py)
        )
        self.model_choice = opened.model_choice
        return opened.index

    def warm_up(self, *, wait: bool = False) -> None:
        """Open the index, then start loading in the background what questions will need.

        For servers, after opening and before the first request: the fast e5 question engine
        (about 2 s, mostly importing torch), the place names, the spelling dictionary, the
        passages' sentence vectors, the figures they state and their English words load beside whatever comes next
        instead of inside the first questions. One-shot commands do not call it; their first question loads what it needs.
        ``wait``: return only once all of it is loaded (a benchmark of warm answers).
        """
        self._ensure()
        assert self._retriever is not None
        waits = self._retriever.prepare()
        self._spelling().prepare()
        sentences = self.answerer.prepare()
        if sentences is not None:
            waits.append(sentences.join)
        loads = {
            "qa-figures": self.answerer.abstention.figures,  # the figures the passages state, for questions asserting one
            "qa-vocabulary": self.answerer.abstention.scorer.read_vocabulary,  # the documents' English words
        }
        for name, load in loads.items():
            thread = threading.Thread(target=load, name=name, daemon=True)
            thread.start()
            waits.append(thread.join)
        if wait:
            for waiting in waits:
                waiting()

    # -- the API ------------------------------------------------------------------

    @property
    def documents(self) -> dict[str, Document]:
        self._ensure()
        return self._docs

    @property
    def chunks(self) -> list[Chunk]:
        self._ensure()
        assert self._index is not None
        return self._index.chunks

    @property
    def index(self) -> SearchIndex:
        """The open search index (built on first use)."""
        self._ensure()
        assert self._index is not None
        return self._index

    @property
    def retriever(self) -> Retriever:
        self._ensure()
        assert self._retriever is not None
        return self._retriever

    @property
    def answerer(self) -> ExtractiveAnswerer:
        self._ensure()
        assert self._answerer is not None
        return self._answerer

    @property
    def manifest(self) -> dict[str, Any]:
        """What the index was built from: model, chunker, corpus hash, build time, FAISS type."""
        self._ensure()
        assert self._index is not None
        return self._index.manifest

    def understand(self, question: str, lang: str | None = None) -> Query:
        """The checked question with the forms search uses (simplified script, focus, thesaurus terms)."""
        checked = check_question(question)
        self._ensure()
        return understand(checked, self._thesaurus, lang, self._spelling())

    def _spelling(self) -> Speller:
        """The speller of the open index's English (two threads may both make it: the same either way)."""
        speller = self._speller
        if speller is None:
            chunks = self.chunks
            lexical = self.index.lexical
            speller = Speller(
                (t for c in chunks for t in (c.translation, c.section_en, c.text if c.lang == "en" else None) if t),
                lambda word: lexical.idf(word) > 0,
            )
            self._speller = speller
        return speller

    # -- the user's documents -------------------------------------------------------------

    def add(
        self, *paths: Path | str, progress: bool = False, each: Callable[[int, int, Path], object] | None = None
    ) -> AddResult:
        """Add PDF, Word, HTML, Markdown or text files (or folders of them) to the user corpus, then index.

        Each file is added whole or not at all; a file that cannot be added is listed in
        ``failed`` with the reason, and the others still go in. Only the new passages
        are embedded (the rest are reused by content hash), and the index is opened again
        once for all the files. ``each(number, total, path)`` is called before each file.
        """
        library = self._library()
        reserved = frozenset(self.documents)  # the open corpus's ids (the shipped ones among them)
        files = expand_paths([Path(p) for p in paths])
        result = AddResult()
        bar = progress_bar(files, progress and len(files) > 1, "adding", "file")
        for number, path in enumerate(bar, start=1):
            if each is not None:
                each(number, len(files), path)
            try:
                result.added.append(library.add(path, reserved=reserved))
            except (FormatError, OSError, ValueError) as exc:
                result.failed.append((str(path), str(exc)))
                note(bar, f"{len(result.failed)} failed")
        if result.added:
            self._reopen(progress)
        return result

    def added_documents(self) -> list[AddedDocument]:
        """The documents added with :meth:`add`, oldest first."""
        return self._library().documents()

    def remove(self, doc_id: str, *, progress: bool = False) -> AddedDocument:
        """Remove an added document and its passages from the index."""
        removed = self._library().remove(doc_id)
        self._reopen(progress)
        return removed

    def _library(self) -> Library:
        if self.library is None:
            raise ValueError(
                "this assistant has a corpus of its own and no user corpus: pass library=… to add documents"
            )
        return self.library

    def _reopen(self, progress: bool) -> None:
        """Open the index again after the corpus changed; questions meanwhile use the old one, whole."""
        with self._lock, collector_paused():
            self._open(force=False, progress=progress, reload=True)

    def search(self, question: str, k: int = 10, mode: str | None = None) -> list[Hit]:
        """The ``k`` best passages for ``question``, best first."""
        _check_k(k)
        return self._search(self.understand(question), k, mode)

    def _search(self, query: Query, k: int, mode: str | None) -> list[Hit]:
        mode = mode or self.mode
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of: {', '.join(MODES)}")
        self._ensure()
        assert self._retriever is not None
        ranked = self._retriever.retrieve(query, k=k, mode=mode)
        return [self._hit(r.index, r.score, rank, r.scores, r.ranks) for rank, r in enumerate(ranked, start=1)]

    def _each_side(self, query: Query, hits: list[Hit], named: list[str], mode: str | None) -> list[Hit]:
        """A comparison of two named documents with passages of each: those of a side the best ``k``
        missed, from a deeper search, after them ("…the patent regulations and the tech-transfer
        law…" was answered from the regulations alone)."""
        missing = [doc for doc in named if not any(h.doc_id == doc for h in hits)]
        if not missing:
            return hits
        deeper = self._search(query, SIDE_DEPTH, mode)
        return hits + [h for h in deeper if h.doc_id in missing][: 3 * len(missing)]

    def _each_term(self, query: Query, hits: list[Hit], terms: tuple[str, str], mode: str | None) -> list[Hit]:
        """A comparison of two terms with, after the best ``k``, for each term the passage of its document
        that names it first — where a law defines it (Patent Law Art. 53 for 强制许可, not Art. 60 on how
        one is announced) — and the best passages for the term on its own."""
        seen = {h.chunk_id for h in hits}
        firsts: set[str] = set()
        extra: list[Hit] = []
        for term in terms:
            found = self._search(self.understand(term, query.lang), TERM_DEPTH, mode)
            for doc_id in dict.fromkeys(h.doc_id for h in found[:2]):  # a law and its regulations: both
                first = self._first_naming(term, doc_id)
                if first is not None:
                    firsts.add(first.chunk_id)
                    found.insert(0, first)
            for hit in found:
                if hit.chunk_id not in seen:
                    seen.add(hit.chunk_id)
                    extra.append(hit)
        marked = [replace(h, ranks={**h.ranks, "first_naming": 1}) if h.chunk_id in firsts else h for h in hits + extra]
        return marked

    def _first_naming(self, term: str, doc_id: str) -> Hit | None:
        """The first passage of ``doc_id`` that names ``term`` (its English words as word beginnings)."""
        assert self._index is not None
        words = re.findall(r"[a-z]+", term.lower())
        pattern = (
            re.compile(r"\b" + r"\w*\s+".join(re.escape(w[: max(4, len(w) - 3)]) for w in words) + r"\w*")
            if words and term.isascii()
            else None
        )
        assert self._retriever is not None and self._retriever.references is not None
        chunks = self._index.chunks
        for number in self._retriever.references.positions(chunks).get(doc_id, ()):  # in the document's order
            chunk = chunks[number]
            if term in chunk.text or (pattern is not None and pattern.search((chunk.translation or "").lower())):
                return self._hit(number, 0.0, 0, {}, {})
        return None

    def ask(self, question: str, *, lang: str | None = None, k: int = 10, mode: str | None = None) -> Answer:
        """A cited answer in the question's language (or ``lang``), or a plain abstention."""
        if lang not in (None, "zh", "en"):
            raise ValueError("lang must be 'zh' or 'en'")
        _check_k(k)
        query = self.understand(question, lang)
        question = query.original
        if looks_like_pinyin(question):  # read as English, it met nothing: say how to ask instead
            return Answer(question, PINYIN_NOTE, "zh", True)
        hits = self._search(query, k, mode)
        assert self._answerer is not None and self._index is not None
        assert self._retriever is not None and self._retriever.references is not None
        dangling = self._retriever.references.dangling(query.text, self._index.chunks)
        named, _ = self._retriever.references.documents_named(query.text)
        if len(named) >= 2 and COMPARE.search(query.focus):
            hits = self._each_side(query, hits, named, mode)
        elif COMPARE.search(query.focus) and (terms := compared_terms(query.focus)):
            hits = self._each_term(query, hits, terms, mode)
        answer_ = self._answerer.answer(query, hits, query.lang, dangling, named)
        if not answer_.abstained:
            answer_ = self._further_asks(answer_, query, k, mode)
        shown = traditional(answer_.text) if query.lang == "zh" and is_traditional(question) else None
        extractive = replace(answer_, question=question, text_traditional=shown)
        if unsupported_language(question):  # a Japanese question's kanji read as Chinese: say so
            read_as = {"zh": ("Chinese", "中文"), "en": ("English", "英文")}[query.lang]
            note = UNSUPPORTED_NOTE.format(lang=read_as[0], zh=read_as[1])
            extractive = replace(extractive, notes=(note, *extractive.notes))
        if long := shortened_note(query):  # a long story before the ask: say what was read
            extractive = replace(extractive, notes=(long, *extractive.notes))
        if not self.llm:
            return extractive
        if self._llm_answerer is None:
            from qa.answers.llm import LLMAnswerer

            self._llm_answerer = LLMAnswerer(self.llm, self._index.tokenizer)
        answer: Answer = self._llm_answerer.answer(question, hits, query.lang, extractive)
        return answer

    def _further_asks(self, answer: Answer, query: Query, k: int, mode: str | None) -> Answer:
        """The answer with a part for each further ask of the question that it does not cover (:mod:`qa.answers.parts`)."""
        assert self._answerer is not None and self._index is not None and self._retriever is not None
        parts = []
        for ask in further_asks(query.text):
            part_query = self.understand(ask, query.lang)
            found = self._search(part_query, k, mode)
            if not found or found[0].chunk_id in cited(answer):
                continue  # what the answer quotes already answers it
            if found[0].chunk_id not in {h.chunk_id for h in answer.hits[:PART_DEPTH]}:
                continue  # read alone, the ask found something the whole question is not about
            part = self._answerer.answer(part_query, found, query.lang, (), ())
            if not part.abstained:  # an ask the answer may well cover, read without its context: no "does not say"
                parts.append((ask, part))
        return with_parts(answer, parts) if parts else answer

    def _hit(self, index: int, score: float, rank: int, scores: dict[str, float], ranks: dict[str, int]) -> Hit:
        assert self._index is not None
        chunk = self._index.chunks[index]
        doc = self._docs[chunk.doc_id]
        return Hit(
            chunk_id=chunk.id,
            doc_id=chunk.doc_id,
            section=chunk.section,
            text=chunk.text,
            translation=chunk.translation,
            score=score,
            rank=rank,
            lang=chunk.lang,
            section_en=chunk.section_en,
            doc_title=doc.title,
            doc_title_en=doc.title_en,
            scores=dict(scores),
            ranks=dict(ranks),
        )
