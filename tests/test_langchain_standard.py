"""LangChain's own standard tests for retrievers, run against QARetriever (k per call, k in the constructor, async)."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("langchain_tests")

from langchain_core.retrievers import BaseRetriever
from langchain_tests.integration_tests import RetrieversIntegrationTests

from qa import Assistant
from qa.langchain import QARetriever

_ASSISTANT: list[Assistant] = []


def _assistant() -> Assistant:
    if not _ASSISTANT:
        _ASSISTANT.append(Assistant(log=lambda _: None))
    return _ASSISTANT[0]


class TestQARetrieverStandard(RetrieversIntegrationTests):
    @property
    def retriever_constructor(self) -> type[BaseRetriever]:
        return QARetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"assistant": _assistant()}

    @property
    def retriever_query_example(self) -> str:
        return "What are the five tensions the paper names?"
