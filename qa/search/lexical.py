"""BM25 over chunks, in both languages at once (bm25s).

Every chunk is indexed on its source text *and* its translation, so an English
question finds a translated Chinese passage by its English words and a Chinese
question finds it by its Chinese ones — and on the reader questions it answers
(:mod:`qa.corpus.readers`), so a question in everyday words finds it too.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.schema import Chunk
from qa.search.tokenize import Tokenizer


@dataclass(frozen=True)
class LexicalResult:
    index: int  # position of the chunk in the indexed sequence
    score: float


class LexicalIndex:
    """A bm25s index over chunk texts plus translations; ``retrieve`` returns plain results."""

    FILES = (  # bm25s's files and ours, all plain JSON or numpy
        "data.csc.index.npy",
        "indices.csc.index.npy",
        "indptr.csc.index.npy",
        "params.index.json",
        "vocab.index.json",
        "qa_lexical.json",
    )

    def __init__(self, tokenizer: Tokenizer, *, k1: float = 1.2, b: float = 0.75) -> None:
        self.tokenizer = tokenizer
        self.k1, self.b = k1, b
        self._bm25: object | None = None  # the bm25s object that built the index (for saving it)
        self._vocab: dict[str, int] = {}  # word -> column of the score matrix
        self._matrix: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # CSC data, indices (passages), indptr
        self._size = 0
        self._idf: dict[str, float] = {}
        self._df: dict[str, int] = {}
        self.avgdl = 0.0  # the average passage length in tokens

    def index(
        self,
        chunks: Sequence[Chunk],
        extra: Sequence[Sequence[str]] | None = None,
        *,
        extends: LexicalIndex | None = None,
    ) -> LexicalIndex:
        """Index the chunks; ``extra[i]`` are more texts for chunk i (its reader questions).

        ``extends``: the index these passages are added to (:mod:`qa.search.overlay`).
        BM25 then measures a passage's length against that index's average, as the
        index's own passages were: one length scale for all. Judged against their own
        shorter average (or that of both), an added law's articles lost to the paper's
        long sections: added-set MRR zh 0.634 (0.670), against 0.682 this way.
        """
        texts = [self.document_text(c) for c in chunks]
        if extra is not None:
            texts = ["\n".join([t, *more]) for t, more in zip(texts, extra, strict=True)]
        return self.index_texts(texts, extends=extends)

    def index_texts(
        self, texts: Sequence[str], *, extends: LexicalIndex | None = None, skip_empty: bool = False
    ) -> LexicalIndex:
        """Index one text per passage (:meth:`index` makes them from chunks; ``extends`` as there).

        ``skip_empty``: a passage with no text is an empty row that does not count in the average
        length (:mod:`qa.search.gloss`, where most rows of a shipped corpus are empty).
        """
        import bm25s

        corpus = [self.tokenizer(t) or ([] if skip_empty else ["<empty>"]) for t in texts]
        lengths = [len(tokens) for tokens in corpus if tokens or not skip_empty]
        self.avgdl = float(np.mean(lengths)) if lengths else 0.0
        bm25 = bm25s.BM25(k1=self.k1, b=self.b)
        if extends is None and not skip_empty:
            bm25.index(corpus, show_progress=False)
        else:
            against = extends.avgdl if extends is not None and extends.avgdl > 0 else self.avgdl
            bm25.vocab_dict, bm25.scores = score_matrix(corpus, self.k1, self.b, against)
            bm25.nonoccurrence_array, bm25.unique_token_ids_set = None, set(bm25.vocab_dict.values())
        self._bm25, self._size = bm25, len(texts)
        matrix = bm25.scores
        self._vocab = dict(bm25.vocab_dict)
        self._matrix = (matrix["data"], matrix["indices"], matrix["indptr"])
        n = len(corpus)
        df: dict[str, int] = {}
        for tokens in corpus:
            for token in set(tokens):
                df[token] = df.get(token, 0) + 1
        self._df = df
        self._idf = {t: idf(n, d) for t, d in df.items()}
        return self

    @property
    def size(self) -> int:
        """How many passages are indexed."""
        return self._size

    def df(self, token: str) -> int:
        """In how many passages ``token`` occurs (0 for a word the index does not know)."""
        return self._df.get(token, 0)

    def scores(self, tokens: Sequence[str], weight: Callable[[str], float] | None = None) -> np.ndarray:
        """BM25 score of every passage for ``tokens``, each token's part scaled by ``weight(token)``.

        The same sum bm25s computes (its eager score matrix, one column per word); the
        weight lets an index that is one part of a bigger one score with the whole's IDF
        (:mod:`qa.search.combined`): a word's BM25 term is its IDF times a part that does
        not depend on the IDF, so rescaling the column is exact.
        """
        if self._matrix is None:
            raise RuntimeError("index() the chunks before scoring")
        data, indices, indptr = self._matrix
        vocab = self._vocab
        rows: list[np.ndarray] = []
        values: list[np.ndarray] = []
        for token in tokens:
            column = vocab.get(token)
            if column is None or column + 1 >= len(indptr) or token not in self._idf:
                continue  # (bm25s gives the empty word a column past the last one)
            start, end = int(indptr[column]), int(indptr[column + 1])
            rows.append(indices[start:end])
            part = data[start:end].astype(np.float32)
            values.append(part * np.float32(weight(token)) if weight is not None else part)
        if not rows:
            return np.zeros(self._size, dtype=np.float32)
        summed = np.bincount(np.concatenate(rows), np.concatenate(values), minlength=self._size)
        return summed.astype(np.float32)

    @staticmethod
    def document_text(chunk: Chunk) -> str:
        """What BM25 sees of a chunk: its section path, text and translation."""
        parts = [chunk.section, chunk.text, chunk.section_en or "", chunk.translation or ""]
        return "\n".join(p for p in parts if p)

    def idf(self, token: str) -> float:
        return self._idf.get(token, 0.0)

    def retrieve(self, query: str, k: int = 10) -> list[LexicalResult]:
        """The ``k`` best passages, best first (ties by position), scored by :meth:`scores`.

        bm25s's own ``retrieve`` sums the same matrix with ``np.add.at``: ten times slower
        (0.8 ms against 0.08 at 7,800 passages), which mattered at the archive's 74,000.
        """
        if self._matrix is None:
            raise RuntimeError("index() the chunks before retrieving")
        tokens = [t for t in self.tokenizer(query) if t in self._idf]
        if not tokens or self._size == 0:
            return []
        return top_results(self.scores(tokens), k)

    def save(self, folder: Path) -> None:
        """bm25s's own files (numpy arrays and JSON, no pickle) plus our IDF table."""
        if self._bm25 is None:
            raise RuntimeError("nothing to save: index() first")
        folder.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(folder))  # type: ignore[attr-defined]
        meta = {"k1": self.k1, "b": self.b, "size": self._size, "avgdl": self.avgdl, "df": self._df}
        (folder / "qa_lexical.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, tokenizer: Tokenizer) -> LexicalIndex:
        """Read bm25s's files and ours, checking each (queries are scored by :meth:`scores`, not by bm25s)."""
        meta = _read(folder, "qa_lexical.json")
        try:
            index = cls(tokenizer, k1=float(meta["k1"]), b=float(meta["b"]))
            index._size, index.avgdl = int(meta["size"]), float(meta["avgdl"])
            index._df = {str(k): int(v) for k, v in meta["df"].items()}
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise ValueError(f"qa_lexical.json is not a {{k1, b, size, avgdl, df}} object ({exc!r})") from exc
        index._idf = {t: idf(index._size, d) for t, d in index._df.items()}
        index._vocab, index._matrix = _check_bm25(folder, index._size)
        return index


def top_results(scores: np.ndarray, k: int) -> list[LexicalResult]:
    """The ``k`` highest positive scores, best first, ties broken by position."""
    k = min(k, len(scores))
    if k <= 0:
        return []
    top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    top = top[np.lexsort((top, -scores[top]))]
    return [LexicalResult(int(i), float(scores[i])) for i in top if scores[i] > 0]


def score_matrix(corpus: list[list[str]], k1: float, b: float, avgdl: float) -> tuple[dict[str, int], dict[str, Any]]:
    """bm25s's eager score matrix (vocabulary, CSC arrays) for ``corpus``, lengths measured against ``avgdl``.

    The same numbers ``bm25s.BM25.index`` computes when ``avgdl`` is the corpus's own
    average (tests/search/test_lexical.py checks it against bm25s); bm25s offers no way
    to give the average of a larger index these passages join.
    """
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    tfs: list[int] = []
    for row, tokens in enumerate(corpus):
        for token, count in Counter(tokens).items():
            rows.append(row)
            cols.append(vocab.setdefault(token, len(vocab)))
            tfs.append(count)
    n, width = len(corpus), len(vocab)
    r, c, tf = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), np.array(tfs, dtype=np.float64)
    df = np.bincount(c, minlength=width)
    lengths = np.array([len(tokens) for tokens in corpus], dtype=np.float64)
    weights = np.log(1 + (n - df + 0.5) / (df + 0.5))
    data = weights[c] * tf / (k1 * ((1 - b) + b * lengths[r] / max(avgdl, 1e-9)) + tf)
    order = np.lexsort((r, c))
    indptr = np.concatenate([[0], np.cumsum(df)])
    return vocab, {
        "data": data[order].astype(np.float32),
        "indices": r[order].astype(np.int32),
        "indptr": indptr.astype(np.int32),
        "num_docs": n,
    }


def idf(n: int, df: int) -> float:
    """BM25's (Lucene's) inverse document frequency, the one bm25s uses."""
    return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))


_BM25_PARAMS = frozenset(
    {"k1", "b", "delta", "method", "idf_method", "dtype", "int_dtype", "num_docs", "version", "backend"}
)


def _read(folder: Path, name: str) -> Any:
    """One file of the lexical index (JSON, or a numpy array without pickle); a failure names the file."""
    try:
        if name.endswith(".npy"):
            return np.load(folder / name, allow_pickle=False)
        return json.loads((folder / name).read_text(encoding="utf-8"))
    except Exception as exc:  # numpy and json fail in many ways on a damaged file; all mean the same
        raise ValueError(f"{name}: {exc}") from exc


def _check_bm25(folder: Path, size: int) -> tuple[dict[str, int], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """bm25s's files, checked: arrays of the wrong shape would fail (or mis-rank) at query time, not here."""
    params = _read(folder, "params.index.json")
    if not isinstance(params, dict) or not set(params) <= _BM25_PARAMS or params.get("num_docs") != size:
        raise ValueError(f"params.index.json is not bm25s's parameter object for {size} passages")
    data, indices, indptr = (_read(folder, f"{name}.csc.index.npy") for name in ("data", "indices", "indptr"))
    for name, array, kinds in (("data", data, "f"), ("indices", indices, "iu"), ("indptr", indptr, "iu")):
        if array.ndim != 1 or array.dtype.kind not in kinds:
            raise ValueError(f"{name}.csc.index.npy has the wrong type or shape ({array.dtype}, {array.shape})")
    if len(indptr) < 1 or indptr[0] != 0 or indptr[-1] != len(indices):
        raise ValueError(f"indptr.csc.index.npy does not span the {len(indices)} entries of indices.csc.index.npy")
    if len(data) != len(indices):
        raise ValueError(f"data.csc.index.npy has {len(data)} values for {len(indices)} entries")
    if np.any(np.diff(indptr) < 0):
        raise ValueError("indptr.csc.index.npy is not increasing")
    if not np.all(np.isfinite(data)):
        raise ValueError("data.csc.index.npy holds values that are not numbers")
    if len(indices) and (indices.min() < 0 or indices.max() >= size):
        raise ValueError(f"indices.csc.index.npy points outside the {size} passages")
    vocab = _read(folder, "vocab.index.json")
    if not isinstance(vocab, dict):
        raise ValueError("vocab.index.json is not a word -> id object")
    if len(vocab) not in (len(indptr) - 1, len(indptr)):  # one column per word (bm25s may add one for "")
        raise ValueError(f"vocab.index.json has {len(vocab)} words for {len(indptr) - 1} score columns")
    if not all(type(i) is int and 0 <= i < len(indptr) for i in vocab.values()):
        raise ValueError("vocab.index.json has the wrong shape or points outside the score arrays")
    return {str(w): i for w, i in vocab.items()}, (data, indices, indptr)
