"""English glosses of the passages nobody translated: translation on the documents' side.

An English question reaches a Chinese passage without a translation only through its own
word-by-word Chinese translation (:mod:`qa.search.crosslingual`) and e5. Both translate the
question, where one wrong choice of Chinese word loses the passage: "sue" read backwards through
CC-CEDICT is 控告 or 起诉, and the article says 诉讼. Reading the dictionary forwards, from the
passage's own words, has no choice to get wrong: 诉讼 is "lawsuit", 时效 "prescription; limitation".
So every untranslated passage also gets a bag of English words — the first
:data:`SENSES` senses CC-CEDICT gives each of its words (names as the name only) — indexed by
BM25 on its own, and an English question is matched against it as one more leg
(``bm25_glossed``, weighted by :attr:`~qa.search.weights.FusionWeights.glossed`).

This is the classic finding of cross-language retrieval that translating the documents beats
translating the query, and the two together beat either. On the shipped corpus and 60 laws of the
archive (5,341 passages) its English questions' hit@5 went 0.70 -> 0.80, MRR 0.588 -> 0.630 (0.617 -> 0.650 at 500 laws)
(evals/README.md, "Documents users add"); passages with a translation get an empty gloss, so on the
shipped corpus nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from qa.schema import Chunk
from qa.search.crosslingual import cedict_senses
from qa.search.lexical import LexicalIndex
from qa.search.tokenize import EN_STOPWORDS, Tokenizer

SENSES = 3  # a word's first three senses: its usual meanings (six: MRR 0.638 against 0.631, one question)


def needs_gloss(chunk: Chunk) -> bool:
    """A passage an English question cannot read: Chinese, with no translation."""
    return not chunk.translation and chunk.lang != "en"


def glossed_texts(chunks: Sequence[Chunk], tokenizer: Tokenizer) -> list[str]:
    """Each chunk's English gloss (its section's, then its text's), "" for one that has a translation."""
    words = {
        i: [t for t in tokenizer(f"{c.section}\n{c.text}") if not t.isascii()]
        for i, c in enumerate(chunks)
        if needs_gloss(c)
    }
    senses: dict[str, list[str]] = {}
    for zh, position, english, _ in cedict_senses({w for ws in words.values() for w in ws}):
        if position < SENSES:
            senses.setdefault(zh, []).extend(w for w in re.findall(r"[a-z]+", english.lower()) if w not in EN_STOPWORDS)
    glossed = {w: " ".join(dict.fromkeys(english)) for w, english in senses.items()}
    return [
        " ".join(filter(None, (glossed.get(w) for w in words[i]))) if i in words else "" for i in range(len(chunks))
    ]


def glossed_index(chunks: Sequence[Chunk], tokenizer: Tokenizer, extends: LexicalIndex | None = None) -> LexicalIndex:
    """BM25 over the chunks' glosses, one row per chunk (empty rows for translated ones).

    Lengths are measured against the average gloss of the passages that have one (those of
    ``extends``, an index the chunks are added to, if it has any), not diluted by the empty rows.
    """
    return LexicalIndex(tokenizer).index_texts(glossed_texts(chunks, tokenizer), extends=extends, skip_empty=True)


def load_glossed(folder: Path, tokenizer: Tokenizer, chunks: int) -> LexicalIndex:
    """The gloss index saved in ``folder`` (``gloss/`` of an index or an overlay), one row per chunk."""
    glossed = LexicalIndex.load(folder, tokenizer)
    if glossed.size != chunks:
        raise ValueError(f"{glossed.size} glosses for {chunks} chunks")
    return glossed
