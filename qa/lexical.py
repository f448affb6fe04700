"""BM25 over chunks, in both languages at once (bm25s).

Every chunk is indexed on its source text *and* its translation, so an English
question finds a translated Chinese passage by its English words and a Chinese
question finds it by its Chinese ones — and on the reader questions it answers
(:mod:`qa.readers`), so a question in everyday words finds it too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.schema import Chunk
from qa.tokenize import Tokenizer


@dataclass(frozen=True)
class LexicalResult:
    index: int  # position of the chunk in the indexed sequence
    score: float


class LexicalIndex:
    """A bm25s index over chunk texts plus translations; ``retrieve`` returns plain results."""

    def __init__(self, tokenizer: Tokenizer, *, k1: float = 1.2, b: float = 0.75) -> None:
        self.tokenizer = tokenizer
        self.k1, self.b = k1, b
        self._bm25: object | None = None
        self._size = 0
        self._idf: dict[str, float] = {}

    def index(self, chunks: Sequence[Chunk], extra: Sequence[Sequence[str]] | None = None) -> LexicalIndex:
        """Index the chunks; ``extra[i]`` are more texts for chunk i (its reader questions)."""
        import bm25s

        texts = [self.document_text(c) for c in chunks]
        if extra is not None:
            texts = ["\n".join([t, *more]) for t, more in zip(texts, extra, strict=True)]
        corpus = [self.tokenizer(t) or ["<empty>"] for t in texts]
        bm25 = bm25s.BM25(k1=self.k1, b=self.b)
        bm25.index(corpus, show_progress=False)
        self._bm25, self._size = bm25, len(chunks)
        n = len(corpus)
        df: dict[str, int] = {}
        for tokens in corpus:
            for token in set(tokens):
                df[token] = df.get(token, 0) + 1
        self._idf = {t: float(np.log(1 + (n - d + 0.5) / (d + 0.5))) for t, d in df.items()}
        return self

    @staticmethod
    def document_text(chunk: Chunk) -> str:
        """What BM25 sees of a chunk: its section path, text and translation."""
        parts = [chunk.section, chunk.text, chunk.section_en or "", chunk.translation or ""]
        return "\n".join(p for p in parts if p)

    def idf(self, token: str) -> float:
        return self._idf.get(token, 0.0)

    def retrieve(self, query: str, k: int = 10) -> list[LexicalResult]:
        if self._bm25 is None:
            raise RuntimeError("index() the chunks before retrieving")
        tokens = [t for t in self.tokenizer(query) if t in self._idf]
        if not tokens or self._size == 0:
            return []
        k = min(k, self._size)
        ids, scores = self._bm25.retrieve([tokens], k=k, show_progress=False)  # type: ignore[attr-defined]
        return [LexicalResult(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if s > 0]

    def save(self, folder: Path) -> None:
        """bm25s's own files (numpy arrays and JSON, no pickle) plus our IDF table."""
        if self._bm25 is None:
            raise RuntimeError("nothing to save: index() first")
        folder.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(folder))  # type: ignore[attr-defined]
        meta = {"k1": self.k1, "b": self.b, "size": self._size, "idf": self._idf}
        (folder / "qa_lexical.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, tokenizer: Tokenizer) -> LexicalIndex:
        import bm25s

        meta = json.loads((folder / "qa_lexical.json").read_text(encoding="utf-8"))
        index = cls(tokenizer, k1=meta["k1"], b=meta["b"])
        index._bm25 = bm25s.BM25.load(str(folder), mmap=False, allow_pickle=False)
        index._size, index._idf = int(meta["size"]), {str(k): float(v) for k, v in meta["idf"].items()}
        return index
