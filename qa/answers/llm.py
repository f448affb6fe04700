"""Optional LLM-written answers (off by default), held to the extractive answer's standard of evidence.

Any LangChain chat model writes the answer from the numbered passages and cites
them as ``[n]``. Then every sentence is checked: its markers must point at
passages that were given, and every span it puts in quotation marks must occur
verbatim in a cited passage (either language). Sentences that fail are dropped;
if less than half survives, the extractive answer is returned instead. Each
kept marker gets a :class:`~qa.schema.Citation` whose quote is the cited
passage's sentence closest to what the model said — an exact substring by
construction, like every other quote qa shows.

The model is a LangChain ``BaseChatModel`` or an ``init_chat_model`` string
("ollama:qwen2.5:7b", "openai:gpt-4o-mini" with ``OPENAI_BASE_URL`` for any
OpenAI-compatible endpoint); strings need ``pip install 'qa[llm]'``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from qa.schema import Answer, Citation, Hit
from qa.search.tokenize import Tokenizer
from qa.text import sentence_spans, split_sentences

_MARKER = re.compile(r"\[(\d{1,2})\]")
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{4,}?)[”\"」』]")
LANGUAGE_NAMES = {"zh": "Chinese (简体中文)", "en": "English"}

SYSTEM_PROMPT = (
    "You answer questions about Chinese policy documents using only the numbered passages given. "
    "Write a short answer in {language}. Put the passage number in square brackets, like [2], after "
    "every sentence that uses a passage. Only put text in quotation marks when you copy it exactly "
    "from a passage. If the passages do not answer the question, say that the documents do not say."
)


class LLMError(RuntimeError):
    """The model could not be created or called; the message says why."""


def chat_model(spec: Any) -> Any:
    """A LangChain chat model from an ``init_chat_model`` string, or the model itself."""
    if not isinstance(spec, str):
        return spec
    try:
        from langchain.chat_models import init_chat_model
    except ImportError as exc:
        raise LLMError("LLM answers need LangChain's model loader: pip install 'qa[llm]'") from exc
    try:
        return init_chat_model(spec)
    except Exception as exc:  # provider packages raise their own errors
        raise LLMError(f"cannot create chat model {spec!r}: {exc}") from exc


class LLMAnswerer:
    """Writes answers with a chat model and keeps only what the passages support."""

    def __init__(self, model: Any, tokenizer: Tokenizer, *, passages: int = 6, min_kept: float = 0.5) -> None:
        self.model = chat_model(model)
        self.tokenizer = tokenizer
        self.passages = passages
        self.min_kept = min_kept

    def prompt(self, question: str, hits: Sequence[Hit], lang: str) -> list[tuple[str, str]]:
        blocks = []
        for n, hit in enumerate(hits[: self.passages], start=1):
            where = f"{hit.doc_title} › {hit.section}".strip(" ›")
            body = hit.text if not (lang == "en" and hit.translation) else f"{hit.translation}\n(original: {hit.text})"
            blocks.append(f"[{n}] {where}\n{body}")
        user = "Passages:\n\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question}"
        return [("system", SYSTEM_PROMPT.format(language=LANGUAGE_NAMES[lang])), ("human", user)]

    def answer(self, question: str, hits: Sequence[Hit], lang: str, fallback: Answer) -> Answer:
        """The model's answer, checked; ``fallback`` (the extractive answer) when too little survives."""
        given = list(hits[: self.passages])
        if not given or fallback.abstained:
            return fallback
        try:
            reply = self.model.invoke(self.prompt(question, given, lang))
        except Exception as exc:  # network, provider or model errors: the extractive answer stands
            return _with_note(fallback, f"LLM answer unavailable ({type(exc).__name__}); extractive answer shown.")
        text = str(getattr(reply, "content", reply)).strip()
        sentences = split_sentences(text, lang)
        kept: list[str] = []
        cited: dict[int, Citation] = {}
        for sentence in sentences:
            markers = [int(m) for m in _MARKER.findall(sentence)]
            if not markers or any(not 1 <= m <= len(given) for m in markers):
                continue
            sources = [given[m - 1] for m in markers]
            quotes = _QUOTED.findall(sentence)
            if any(not any(q in h.text or q in (h.translation or "") for h in sources) for q in quotes):
                continue
            kept.append(sentence)
            for m in markers:
                if m not in cited:
                    cited[m] = self._citation(m, given[m - 1], sentence, lang)
        if not sentences or len(kept) < self.min_kept * len(sentences):
            return _with_note(fallback, "The LLM answer did not hold up against the passages; extractive answer shown.")
        body = ("" if lang == "zh" else " ").join(kept)
        citations = tuple(cited[m] for m in sorted(cited))
        return Answer(
            question,
            body,
            lang,
            False,
            citations,
            tuple(hits),
            ("Written by a language model from the cited passages.",),
            tuple({given[m - 1].chunk_id: given[m - 1] for m in sorted(cited)}.values()),
        )

    def _citation(self, marker: int, hit: Hit, sentence: str, lang: str) -> Citation:
        """Cite the passage sentence that shares most words with what the model wrote."""
        use_translation = lang == "en" and hit.translation is not None
        text = hit.translation if use_translation and hit.translation else hit.text
        quote_lang = "en" if use_translation else hit.lang
        words = set(self.tokenizer(_MARKER.sub("", sentence)))
        spans = sentence_spans(text, quote_lang)
        best = (
            max(spans, key=lambda s: len(words & set(self.tokenizer(text[s[0] : s[1]])))) if spans else (0, len(text))
        )
        quote = text[best[0] : best[1]]
        return Citation(
            marker, hit.chunk_id, hit.doc_id, hit.section, quote, quote_lang, None, hit.section_en, hit.doc_title
        )


def _with_note(answer: Answer, note: str) -> Answer:
    return Answer(
        answer.question,
        answer.text,
        answer.language,
        answer.abstained,
        answer.citations,
        answer.hits,
        (*answer.notes, note),
        answer.sources,
    )
