"""The HTTP API and the MCP tools: answers with checkable citations, 4xx with a message for bad input.

In-process through FastAPI's TestClient for the many cases, then once over a real
`qa serve --api-only` on 127.0.0.1 with a real MCP client (Streamable HTTP), and once
with `qa mcp` over stdin/stdout.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from qa import Assistant
from qa.api import MAX_BODY_BYTES, MAX_K
from qa.server import make_app
from tests.webserver import running_server

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def client() -> Any:
    assistant = Assistant(model="offline", log=lambda _: None)
    assistant.build()
    with TestClient(make_app(assistant, page=False)) as test_client:
        yield test_client


def citations_check_out(body: dict[str, Any]) -> None:
    """Every [n] has citations[n-1], whose quote is verbatim in the passage it names, which is returned."""
    passages = {h["chunk_id"]: f"{h['text']}\n{h['translation'] or ''}" for h in body["sources"]}
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", body["text"])}
    assert markers, body["text"]
    assert markers <= {c["marker"] for c in body["citations"]}
    for c in body["citations"]:
        assert c["quote"] in passages[c["chunk_id"]], c


@pytest.mark.parametrize(
    ("question", "doc", "lang"),
    [
        ("专利法第五十条规定的开放许可是什么？", "patent-law", "zh"),
        (
            "What does Article 45 of the Law on Promoting the Transformation of S&T Achievements require?",
            "transformation-law",
            "en",
        ),
    ],
)
def test_ask_answers_with_citations_in_the_questions_language(client: Any, question: str, doc: str, lang: str) -> None:
    reply = client.post("/api/ask", json={"question": question, "k": 5})
    assert reply.status_code == 200
    body = reply.json()
    assert body["language"] == lang and not body["abstained"]
    assert body["citations"][0]["doc_id"] == doc
    citations_check_out(body)


def test_ask_declines_out_of_scope(client: Any) -> None:
    body = client.post("/api/ask", json={"question": "What is the boiling point of mercury?"}).json()
    assert body["abstained"] and body["citations"] == []


def test_search_returns_ranked_passages_in_both_languages(client: Any) -> None:
    for question in ("开放许可", "open licensing of patents"):
        body = client.post("/api/search", json={"question": question, "k": 3}).json()
        assert [h["rank"] for h in body["hits"]] == [1, 2, 3]
        assert any(h["doc_id"].startswith("patent") for h in body["hits"])


def test_documents_and_health(client: Any) -> None:
    docs = client.get("/api/documents").json()
    assert {"paper", "patent-law", "transformation-law"} <= {d["id"] for d in docs}
    assert not any(d["added"] for d in docs)
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["documents"] == len(docs) and health["passages"] > 100


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"question": ""}, "The question is empty"),
        ({"question": "x" * 10_001}, "the limit is 10000"),
        ({"question": "ok", "k": 0}, "k: Input should be greater than or equal to 1"),
        ({"question": "ok", "k": MAX_K + 1}, f"less than or equal to {MAX_K}"),
        ({"question": "ok", "k": "ten"}, "k: Input should be a valid integer"),
        ({"question": "ok", "lang": "fr"}, "lang: Input should be 'zh' or 'en'"),
        ({"question": "ok", "mode": "magic"}, "mode: Input should be"),
        ({"question": "ok", "bogus": 1}, "bogus: Extra inputs are not permitted"),
        ({"k": 3}, "question: Field required"),
        ({"question": 42}, "question: Input should be a valid string"),
    ],
)
def test_bad_input_is_a_422_with_a_message(client: Any, body: dict[str, Any], message: str) -> None:
    for endpoint in ("ask", "search") if "lang" not in body else ("ask",):
        reply = client.post(f"/api/{endpoint}", json=body)
        assert reply.status_code == 422, reply.text
        assert message in reply.json()["error"]


def test_the_python_apis_messages_are_the_apis(client: Any) -> None:
    """The same QuestionError text as Assistant.ask raises, not a framework paraphrase."""
    with pytest.raises(ValueError) as raised:
        Assistant(model="offline").ask("\x00\x01  ")
    assert client.post("/api/ask", json={"question": "\x00\x01  "}).json()["error"] == str(raised.value)


def test_malformed_and_oversized_bodies(client: Any) -> None:
    reply = client.post("/api/ask", content=b"not json", headers={"content-type": "application/json"})
    assert reply.status_code == 422 and "not valid JSON" in reply.json()["error"]
    big = json.dumps({"question": "a" * (MAX_BODY_BYTES + 10)}).encode()
    reply = client.post("/api/ask", content=big, headers={"content-type": "application/json"})
    assert reply.status_code == 413 and "larger than 128 KiB" in reply.json()["error"]

    def chunked() -> Any:  # no Content-Length: counted as it arrives
        for _ in range(MAX_BODY_BYTES // 1000 + 2):
            yield b"x" * 1000

    reply = client.post("/api/ask", content=chunked(), headers={"content-type": "application/json"})
    assert reply.status_code == 413
    small = client.post(
        "/api/ask",
        content=iter([b'{"question": "', "开放许可".encode(), b'"}']),
        headers={"content-type": "application/json"},
    )
    assert small.status_code == 200 and small.json()["citations"]


def test_openapi_describes_the_endpoints(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/ask", "/api/search", "/api/documents", "/healthz"} <= set(spec["paths"])
    ask = spec["paths"]["/api/ask"]["post"]
    assert {"200", "413", "422"} <= set(ask["responses"])
    assert "AnswerOut" in json.dumps(ask["responses"]["200"])


def test_a_server_answers_http_and_a_real_mcp_client() -> None:
    """`qa serve --api-only` on 127.0.0.1: the API over the network, and the MCP tools over Streamable HTTP."""
    from mcp import Client

    async def agent(url: str) -> None:
        async with Client(url + "mcp") as mcp:
            tools = {t.name: t for t in (await mcp.list_tools()).tools}
            assert set(tools) == {"ask", "search"}
            assert "question" in tools["ask"].input_schema["properties"]
            result = await mcp.call_tool("ask", {"question": "这篇文章提出了哪六方面政策建议？", "k": 10})
            assert not result.is_error
            citations_check_out(result.structured_content)
            result = await mcp.call_tool("search", {"question": "patent open licence", "k": 3})
            assert not result.is_error and len(result.structured_content["hits"]) == 3
            result = await mcp.call_tool("search", {"question": "ok", "k": 0})
            assert result.is_error and "k must be from 1 to 50" in result.content[0].text

    with running_server(api_only=True) as url:
        assert httpx.get(url, timeout=10).status_code == 404  # no page with --api-only
        body = httpx.post(url + "api/ask", json={"question": "What are the five tensions the paper names?"}, timeout=30)
        assert body.status_code == 200
        citations_check_out(body.json())
        asyncio.run(agent(url))


def test_qa_mcp_over_stdio() -> None:
    from mcp import Client, StdioServerParameters

    env = {**os.environ, "QA_MODEL": "offline"}
    params = StdioServerParameters(command=sys.executable, args=["-m", "qa.cli", "mcp"], cwd=str(ROOT), env=env)

    async def agent() -> None:
        async with Client(params, read_timeout_seconds=120) as mcp:
            assert {t.name for t in (await mcp.list_tools()).tools} == {"ask", "search"}
            result = await mcp.call_tool("ask", {"question": "专利法第五十条规定的开放许可是什么？", "k": 5})
            assert not result.is_error and result.structured_content["citations"][0]["doc_id"] == "patent-law"

    asyncio.run(agent())
