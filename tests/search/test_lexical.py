"""BM25 against its reference, bm25s: the score matrix qa builds for added passages and qa's own retrieval."""

from __future__ import annotations

import random

import bm25s
import numpy as np

from qa.schema import Chunk
from qa.search.lexical import LexicalIndex, score_matrix
from qa.search.tokenize import Tokenizer


def test_the_score_matrix_is_bm25s_own_when_given_the_corpus_average() -> None:
    rng = random.Random(1)
    corpus = [[f"w{rng.randint(0, 40)}" for _ in range(rng.randint(1, 30))] for _ in range(150)]
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index(corpus, show_progress=False)
    vocab, matrix = score_matrix(corpus, 1.2, 0.75, float(np.mean([len(c) for c in corpus])))
    for query in (["w1", "w2"], ["w5", "w5", "w39"], ["w0"]):
        mine = np.zeros(150)
        for token in query:
            column = vocab[token]
            start, end = matrix["indptr"][column], matrix["indptr"][column + 1]
            np.add.at(mine, matrix["indices"][start:end], matrix["data"][start:end])
        assert np.allclose(mine, reference.get_scores(query), atol=1e-5)


def test_retrieval_ranks_as_bm25s_does() -> None:
    rng = random.Random(2)
    words = [f"w{i}" for i in range(50)]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 25))) for _ in range(300)]
    chunks = [Chunk(f"d/{i}", "d", "", t, 0, len(t), "en", ("s",)) for i, t in enumerate(texts)]
    tokenizer = Tokenizer()
    index = LexicalIndex(tokenizer).index(chunks)
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index([tokenizer(LexicalIndex.document_text(c)) for c in chunks], show_progress=False)
    for _ in range(20):
        query = " ".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
        got = index.retrieve(query, k=10)
        ids, scores = reference.retrieve([tokenizer(query)], k=10, show_progress=False)
        expected = {int(i): float(s) for i, s in zip(ids[0], scores[0], strict=True) if s > 0}
        assert len(got) == len(expected)
        assert np.allclose([r.score for r in got], sorted(expected.values(), reverse=True), atol=1e-5)
        assert [r.score for r in got] == sorted((r.score for r in got), reverse=True)
        assert all(r.index in expected or np.isclose(r.score, min(expected.values())) for r in got)


def test_possessives_and_contractions_are_their_base_words() -> None:
    """ "the paper's authors", "Xi’s", "whats": one word each, the one the documents use (or a stop word)."""
    tokenize = Tokenizer()
    assert tokenize("China's R&D") == tokenize("China R&D")
    assert tokenize("Xi’s picture") == tokenize("Xi picture")  # a typographic apostrophe too
    assert tokenize("the inventor's reward") == tokenize("the inventor reward")
    for casual in ("whats the reward", "what's the reward", "dont the reward", "don't the reward"):
        assert tokenize(casual) == tokenize("the reward"), casual
    assert tokenize("can't") == tokenize("can") and tokenize("won't") == tokenize("will")


def test_remembered_segmentations_are_handed_out_as_copies() -> None:
    tokenizer = Tokenizer()
    first = tokenizer("科技成果转化 patents")
    first.append("changed")
    assert tokenizer("科技成果转化 patents") == first[:-1] and "changed" not in tokenizer("科技成果转化 patents")
    tokenizer.forget()
    assert tokenizer("科技成果转化 patents") == first[:-1]
