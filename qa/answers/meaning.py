"""Sentences scored by meaning as well as by words: the embedding side of choosing what to quote.

An English question meets the translation in other words than its own ("sitting on the shelf" for
束之高阁's "shelved"), so a sentence's score adds its embedding similarity to the question, weighted
per question language (:data:`SEMANTIC`, measured on both question sets: evals/README.md). Sentence
vectors are remembered, and a server embeds every passage's sentences at start-up (:meth:`prepare`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

import numpy as np

from qa.answers.sentences import aligned_text
from qa.schema import Chunk
from qa.search.embedding import Embedder
from qa.text import detect_language

SEMANTIC = {"zh": 0.0, "en": 0.5}  # weight of a sentence's embedding similarity in its score
PREPARE_LIMIT = 5_000  # passages whose sentences SentenceMeaning.prepare embeds ahead of the questions
REMEMBERED = 100_000  # sentence vectors kept before the memory starts over


class SentenceMeaning:
    """The question's embedding and each sentence's closeness to it, sentence vectors remembered."""

    def __init__(self, embedder: Embedder | None, semantic: dict[str, float] | None = None) -> None:
        self.embedder = embedder
        self.semantic = dict(semantic if semantic is not None else SEMANTIC)
        self.vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def of_question(self, text: str) -> tuple[np.ndarray | None, float]:
        """The question's embedding and the weight of meaning in its language (no embedding when 0)."""
        weight = self.semantic.get(detect_language(text), 0.0)
        if self.embedder is None or weight <= 0:
            return None, 0.0
        return np.asarray(self.embedder.embed_queries([text])[0], dtype=np.float32), weight

    def closeness(self, vector: np.ndarray | None, texts: list[str]) -> list[float]:
        """Cosine of each sentence (with its translation) to the question: meaning where the words differ."""
        if vector is None or not texts:
            return [0.0] * len(texts)
        return [float(v @ vector) for v in self.embedded(texts)]

    def embedded(self, texts: list[str]) -> list[np.ndarray]:
        """The sentences' vectors, embedding (and remembering) those not met before."""
        assert self.embedder is not None
        known = self.vectors
        have = {t: v for t in dict.fromkeys(texts) if (v := known.get(t)) is not None}  # another thread may clear it
        missing = [t for t in dict.fromkeys(texts) if t not in have]
        if missing:
            vectors = np.asarray(self.embedder.embed_passages(missing), dtype=np.float32)
            have.update(zip(missing, vectors, strict=True))
            with self._lock:
                if len(known) > REMEMBERED:
                    known.clear()
                known.update(zip(missing, vectors, strict=True))
        return [have[t] for t in texts]

    def prepare(self, chunks: Iterable[Chunk]) -> threading.Thread | None:
        """Embed every passage's sentences now, in another thread (servers call it at start-up); the thread.

        A sentence is embedded the first time a question meets it, about 0.4 ms each here: the
        first questions met a few dozen new ones each, most of a slow answer's time. The shipped
        corpus has about 2,100; past :data:`PREPARE_LIMIT` passages they are left to the questions.
        """
        passages = list(chunks)
        if self.embedder is None or not any(w > 0 for w in self.semantic.values()) or len(passages) > PREPARE_LIMIT:
            return None

        def embed() -> None:
            for start in range(0, len(passages), 64):
                texts = [
                    t
                    for c in passages[start : start + 64]
                    for t in scored_texts(*aligned_text(c.text, c.lang, c.translation)[1:])
                ]
                self.embedded(texts)

        thread = threading.Thread(target=embed, name="qa-sentences", daemon=True)
        thread.start()
        return thread


def scored_texts(sources: Sequence[str], translations: Sequence[str | None]) -> list[str]:
    """What a sentence's meaning is measured on: it and its aligned translation."""
    return [src + "\n" + (tr or "") for src, tr in zip(sources, translations, strict=True)]
