"""Extractive answers: the sentences of the retrieved passages that answer, each cited.

No language model: the answer is made of sentences taken verbatim from the
passages (so every quote is an exact substring by construction), chosen by how
much of the question's weighted vocabulary they contain, in either language,
and put back in reading order. For an English question the English translation
of a sentence is quoted when the passage has one; otherwise the Chinese is
quoted and the answer says so. When the best passage shares too little with the
question, the assistant declines and shows the passages as related reading.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qa.chunking import align_sentences
from qa.schema import Answer, Citation, Hit
from qa.text import norm, sentence_spans
from qa.tokenize import Tokenizer

ABSTAIN_TEXT = {
    "zh": "文档中没有找到能回答这个问题的内容。下面列出最接近的段落，仅供参考。",
    "en": "The documents do not say. The closest passages are listed below as related reading.",
}
UNTRANSLATED_NOTE = "Some passages have no English translation yet; they are quoted in the original Chinese."


@dataclass(frozen=True)
class Sentence:
    hit: Hit
    rank: int
    position: int
    source: str  # exact substring of hit.text
    translation: str | None  # exact substring of hit.translation, when aligned
    score: float


class ExtractiveAnswerer:
    """Builds an :class:`Answer` from ranked hits (see the module docstring)."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        idf: Callable[[str], float],
        *,
        max_sentences: int = 4,
        passages: int = 5,
        min_coverage: float = 0.35,
    ) -> None:
        self.tokenizer = tokenizer
        self.idf = idf
        self.max_sentences = max_sentences
        self.passages = passages
        self.min_coverage = min_coverage

    def coverage(self, question_tokens: set[str], text: str) -> float:
        """Share of the question's IDF weight found in ``text``."""
        total = sum(self.idf(t) for t in question_tokens)
        if total <= 0:
            return 0.0
        present = question_tokens & set(self.tokenizer(text))
        return sum(self.idf(t) for t in present) / total

    def answer(self, question: str, hits: Sequence[Hit], lang: str) -> Answer:
        q_tokens = {t for t in self.tokenizer(question) if self.idf(t) > 0}
        top = list(hits[: self.passages])
        best = max((self.coverage(q_tokens, _both(h)) for h in top), default=0.0)
        if not top or best < self.min_coverage:
            return Answer(question, ABSTAIN_TEXT[lang], lang, True, (), tuple(hits))
        candidates = [s for rank, hit in enumerate(top) for s in self._sentences(hit, rank, q_tokens)]
        chosen = self._choose(candidates)
        citations: list[Citation] = []
        parts: list[str] = []
        untranslated = False
        for n, sent in enumerate(chosen, start=1):
            quote, quote_lang, other = sent.source, sent.hit.lang, sent.translation
            if lang == "en" and sent.hit.lang != "en":
                if sent.translation:
                    quote, quote_lang, other = sent.translation, "en", sent.source
                else:
                    untranslated = True
            citations.append(
                Citation(
                    marker=n,
                    chunk_id=sent.hit.chunk_id,
                    doc_id=sent.hit.doc_id,
                    section=sent.hit.section,
                    quote=quote,
                    quote_lang=quote_lang,
                    other=other,
                    section_en=sent.hit.section_en,
                    doc_title=sent.hit.doc_title,
                )
            )
            parts.append(f"{quote} [{n}]")
        joiner = "" if lang == "zh" else " "
        text = joiner.join(parts)
        notes = (UNTRANSLATED_NOTE,) if untranslated else ()
        if untranslated:
            text = f"{UNTRANSLATED_NOTE}\n{text}"
        return Answer(question, text, lang, False, tuple(citations), tuple(hits), notes)

    def _sentences(self, hit: Hit, rank: int, q_tokens: set[str]) -> list[Sentence]:
        spans = sentence_spans(hit.text, hit.lang)
        sources = [hit.text[a:b] for a, b in spans]
        translations: list[str | None] = [None] * len(sources)
        if hit.translation:
            t_spans = sentence_spans(hit.translation, "en")
            t_sents = [hit.translation[a:b] for a, b in t_spans]
            for i, owned in enumerate(align_sentences(sources, t_sents)):
                if owned:
                    translations[i] = hit.translation[t_spans[owned[0]][0] : t_spans[owned[-1]][1]]
        out = []
        for i, src in enumerate(sources):
            both = src + "\n" + (translations[i] or "")
            score = self.coverage(q_tokens, both) + 0.05 / (rank + 1)
            out.append(Sentence(hit, rank, i, src, translations[i], score))
        return out

    def _choose(self, candidates: list[Sentence]) -> list[Sentence]:
        chosen: list[Sentence] = []
        seen: list[str] = []
        for sent in sorted(candidates, key=lambda s: -s.score):
            key = norm(sent.source)
            if len(key) < 4 or any(key in other or other in key for other in seen):
                continue
            chosen.append(sent)
            seen.append(key)
            if len(chosen) == self.max_sentences:
                break
        return sorted(chosen, key=lambda s: (s.rank, s.position))


def _both(hit: Hit) -> str:
    return f"{hit.section}\n{hit.text}\n{hit.translation or ''}"
