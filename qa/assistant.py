"""The one entry point: ``Assistant`` behind the CLI, the Python API, the page and the evaluation.

    from qa import Assistant
    a = Assistant()
    hits = a.search("What are the five tensions the paper names?", k=10)
    answer = a.ask("第四条政策建议如何处理专利？")

Everything is built lazily on first use from the corpus folder, so creating an
``Assistant`` is instant and a failed build surfaces as a clear error at the
first question rather than at import.
"""

from __future__ import annotations

import threading
from pathlib import Path

from qa.answering import ExtractiveAnswerer
from qa.chunking import DEFAULT_MAX_CHARS, Chunker
from qa.config import corpus_dir, glossary_path
from qa.corpus import load_corpus
from qa.glossary import Glossary
from qa.lexical import LexicalIndex
from qa.schema import Answer, Chunk, Document, Hit
from qa.text import check_question, detect_language
from qa.tokenize import Tokenizer

MODES = ("bm25",)


class Assistant:
    """Search and cited answers over the corpus (see the module docstring)."""

    def __init__(
        self, corpus: Path | str | None = None, *, mode: str = "bm25", max_chars: int = DEFAULT_MAX_CHARS
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of: {', '.join(MODES)}")
        self.corpus_path = Path(corpus) if corpus else corpus_dir()
        self.mode = mode
        self.chunker = Chunker(max_chars)
        self._lock = threading.Lock()
        self._docs: dict[str, Document] | None = None
        self._chunks: list[Chunk] = []
        self._lexical: LexicalIndex | None = None
        self._answerer: ExtractiveAnswerer | None = None

    # -- building -----------------------------------------------------------------

    def _ensure(self) -> None:
        if self._answerer is not None:
            return
        with self._lock:
            if self._answerer is not None:
                return
            docs = load_corpus(self.corpus_path)
            glossary_file = glossary_path(self.corpus_path)
            terms = [t.zh for t in Glossary.load(glossary_file).terms] if glossary_file.exists() else []
            tokenizer = Tokenizer(terms)
            chunks = self.chunker.chunk_corpus(docs)
            lexical = LexicalIndex(tokenizer).index(chunks)
            self._docs = {d.id: d for d in docs}
            self._chunks = chunks
            self._lexical = lexical
            self._answerer = ExtractiveAnswerer(tokenizer, lexical.idf)

    @property
    def documents(self) -> dict[str, Document]:
        self._ensure()
        assert self._docs is not None
        return self._docs

    @property
    def chunks(self) -> list[Chunk]:
        self._ensure()
        return self._chunks

    # -- the API ------------------------------------------------------------------

    def search(self, question: str, k: int = 10, mode: str | None = None) -> list[Hit]:
        """The ``k`` best passages for ``question``, best first."""
        question = check_question(question)
        mode = mode or self.mode
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of: {', '.join(MODES)}")
        self._ensure()
        assert self._lexical is not None
        results = self._lexical.retrieve(question, k=k)
        return [self._hit(r.index, r.score, rank, {"bm25": r.score}) for rank, r in enumerate(results, start=1)]

    def ask(self, question: str, *, lang: str | None = None, k: int = 10) -> Answer:
        """A cited answer in the question's language (or ``lang``), or a plain abstention."""
        question = check_question(question)
        if lang not in (None, "zh", "en"):
            raise ValueError("lang must be 'zh' or 'en'")
        answer_lang = lang or detect_language(question)
        hits = self.search(question, k=k)
        assert self._answerer is not None
        return self._answerer.answer(question, hits, answer_lang)

    def _hit(self, index: int, score: float, rank: int, scores: dict[str, float]) -> Hit:
        chunk = self._chunks[index]
        doc = self.documents[chunk.doc_id]
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
            scores=scores,
            ranks={name: rank for name in scores},
        )
