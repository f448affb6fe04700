"""The LangChain bridge: qa's retrieval as a ``BaseRetriever`` and its answers as a runnable.

    from qa import Assistant
    from qa.langchain import QARetriever, answer_chain

    retriever = QARetriever(assistant=Assistant(), k=5)
    docs = retriever.invoke("What are the five tensions the paper names?")
    answer = answer_chain(Assistant()).invoke("第四条政策建议如何处理专利？")

Importing :mod:`qa` does not import LangChain; only this module does.
"""

from __future__ import annotations

from typing import Any

try:
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever
    from langchain_core.runnables import Runnable, RunnableLambda
except ImportError as exc:  # pragma: no cover - langchain-core is a dependency, but say so clearly
    raise ImportError("qa.langchain needs langchain-core: pip install langchain-core") from exc

from pydantic import ConfigDict

from qa.schema import Answer, Hit


def hit_to_document(hit: Hit) -> Document:
    """A hit as a LangChain document: the source text, with everything else as metadata."""
    return Document(
        page_content=hit.text,
        id=hit.chunk_id,
        metadata={
            "chunk_id": hit.chunk_id,
            "doc_id": hit.doc_id,
            "document": hit.doc_title,
            "document_en": hit.doc_title_en,
            "section": hit.section,
            "section_en": hit.section_en,
            "translation": hit.translation,
            "lang": hit.lang,
            "score": hit.score,
            "rank": hit.rank,
            "scores": dict(hit.scores),
            "ranks": dict(hit.ranks),
        },
    )


class QARetriever(BaseRetriever):
    """qa's hybrid (or bm25/dense) retrieval as a LangChain retriever."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Any
    k: int = 10
    mode: str | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None, **_: Any
    ) -> list[Document]:
        """``retriever.invoke(q, k=1)`` overrides the retriever's ``k`` for one call (LangChain's convention)."""
        return [hit_to_document(h) for h in self.assistant.search(query, k=self.k if k is None else k, mode=self.mode)]


def answer_chain(assistant: Any, **ask_options: Any) -> Runnable[str, Answer]:
    """``Assistant.ask`` as a runnable: a question in, a cited :class:`~qa.schema.Answer` out."""
    return RunnableLambda(lambda question: assistant.ask(question, **ask_options), name="qa_answer")
