"""The HTTP JSON API: the Python API's ``ask``, ``search`` and documents over HTTP, for programs.

    qa serve               # the page at /, the API at /api, OpenAPI at /docs and /openapi.json
    qa serve --api-only    # the API alone (no Gradio page)

    POST /api/ask       {"question": "...", "lang": "zh"|"en"|null, "k": 10, "mode": "hybrid"}
    POST /api/search    {"question": "...", "k": 10, "mode": "hybrid"}
    GET  /api/documents
    GET  /healthz

Answers carry their citations and every passage they point at, exactly the
``Answer``/``Hit`` objects of the Python API, so a program can check each quote.
Bad input gets a 4xx with ``{"error": "..."}`` and the same message the Python API
raises; bodies are limited in size before they are read. FastAPI does the HTTP (it
is what Gradio runs on); this module only maps requests onto the :class:`Assistant`.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qa.schema import Answer, Hit
from qa.text import MAX_PASTE_CHARS, MAX_QUESTION_CHARS

_log = logging.getLogger(__name__)

MAX_BODY_BYTES = 128 * 1024  # a question is at most 10,000 characters (60 KB as JSON \u escapes); room for the rest
MAX_K = 50  # passages per request: more is a scrape, not a question
LIMITED = ("/api/", "/mcp")  # the page's own upload route has its own (larger) limit


class AskRequest(BaseModel):
    """A question to answer. ``lang`` forces the answer language (default: the question's)."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(
        description=f"the question, Chinese or English (up to {MAX_PASTE_CHARS} characters; one over "
        f"{MAX_QUESTION_CHARS} is read from its asking part at the end)"
    )
    lang: Literal["zh", "en"] | None = Field(default=None, description="answer language; default: the question's")
    k: int = Field(default=10, ge=1, le=MAX_K, description="passages to retrieve")
    mode: Literal["hybrid", "bm25", "dense"] | None = Field(default=None, description="retrieval mode")


class SearchRequest(BaseModel):
    """A question to find passages for (no answer is composed)."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(description="the question, Chinese or English")
    k: int = Field(default=10, ge=1, le=MAX_K, description="passages to return")
    mode: Literal["hybrid", "bm25", "dense"] | None = Field(default=None, description="retrieval mode")


class HitOut(BaseModel):
    """One passage: its document, section path, text, translation and how it scored."""

    chunk_id: str
    doc_id: str
    section: str
    text: str
    translation: str | None
    score: float
    rank: int
    lang: str
    section_en: str | None
    doc_title: str
    doc_title_en: str | None
    scores: dict[str, float]
    ranks: dict[str, int]


class CitationOut(BaseModel):
    """A cited sentence: ``quote`` is verbatim from passage ``chunk_id`` (in ``quote_lang``)."""

    marker: int
    chunk_id: str
    doc_id: str
    section: str
    quote: str
    quote_lang: str
    other: str | None
    section_en: str | None
    doc_title: str


class AnswerOut(BaseModel):
    """An answer with ``[n]`` markers; ``citations[n-1]`` backs marker n, ``sources`` holds each passage cited."""

    question: str
    text: str
    language: str
    abstained: bool
    citations: list[CitationOut]
    hits: list[HitOut]
    notes: list[str]
    sources: list[HitOut]
    text_traditional: str | None = Field(
        default=None, description="the text in traditional characters, for a question asked in them"
    )


class SearchOut(BaseModel):
    question: str
    hits: list[HitOut]


class DocumentOut(BaseModel):
    id: str
    title: str
    title_en: str | None
    lang: str
    segments: int
    added: bool = Field(description="added by a user (qa add), not shipped")


class ErrorOut(BaseModel):
    error: str


def answer_json(answer: Answer) -> dict[str, Any]:
    """The Answer as plain JSON data (the same fields as ``dataclasses.asdict``)."""
    return asdict(answer)


def hits_json(hits: list[Hit]) -> list[dict[str, Any]]:
    return [asdict(h) for h in hits]


class BodyLimit:
    """Refuses request bodies over ``limit`` bytes on the API's paths (413) before the app reads them.

    A declared Content-Length is checked first; a body without one (chunked) is read
    here up to the limit and handed on only if it fits, so neither a false header nor
    an endless stream gets past.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(LIMITED) or scope.get("method") in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > self.limit:
                await _too_large(self.limit, send)
                return
            await self.app(scope, receive, send)
            return
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            more = bool(message.get("more_body"))
            if len(body) > self.limit:
                await _too_large(self.limit, send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)


async def _too_large(limit: int, send: Send) -> None:
    response = JSONResponse({"error": f"The request body is larger than {limit // 1024} KiB."}, status_code=413)
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


def _validation_message(exc: RequestValidationError) -> str:
    """One readable line per problem, e.g. ``k: Input should be less than or equal to 50``."""
    parts = []
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            return f"The body is not valid JSON ({error.get('ctx', {}).get('error', 'parse error')})."
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "The request is not valid JSON of the documented shape."


def build_api(assistant: Any, app: FastAPI | None = None) -> FastAPI:
    """The API routes on ``app`` (a new FastAPI app by default), answering with ``assistant``.

    ``assistant`` is opened on the first request unless the caller built it (the
    Assistant swaps a rebuilt index in whole, so requests need no lock of their own).
    """
    app = app or FastAPI(
        title="qa",
        description="Cited answers in Chinese and English over a Chinese policy paper and related policy texts.",
        version=_version(),
    )
    app.add_middleware(BodyLimit)

    def ready() -> Any:
        assistant.build()  # opens the index on the first request; after that it only returns it
        return assistant

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": _validation_message(exc)}, status_code=422)

    @app.exception_handler(ValueError)  # QuestionError and the Python API's bad k / mode / lang
    async def bad_value(_: Request, exc: ValueError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=422)

    @app.exception_handler(Exception)
    async def failed(request: Request, exc: Exception) -> JSONResponse:
        _log.exception("%s %s failed", request.method, request.url.path)
        return JSONResponse({"error": f"The request failed on the server ({type(exc).__name__})."}, status_code=500)

    errors: dict[int | str, dict[str, Any]] = {
        413: {"model": ErrorOut, "description": "request body too large"},
        422: {"model": ErrorOut, "description": "bad question or parameter (the message says which)"},
    }

    @app.post("/api/ask", response_model=AnswerOut, responses=errors, tags=["qa"])
    def ask(request: AskRequest) -> dict[str, Any]:
        """A cited answer in the question's language (or ``lang``), or a plain decline."""
        return answer_json(ready().ask(request.question, lang=request.lang, k=request.k, mode=request.mode))

    @app.post("/api/search", response_model=SearchOut, responses=errors, tags=["qa"])
    def search(request: SearchRequest) -> dict[str, Any]:
        """The ``k`` best passages for the question, best first, with their scores per retriever."""
        hits = ready().search(request.question, k=request.k, mode=request.mode)
        return {"question": request.question, "hits": hits_json(hits)}

    @app.get("/api/documents", response_model=list[DocumentOut], tags=["qa"])
    def documents() -> list[dict[str, Any]]:
        """Every document searched: the shipped ones and those added with ``qa add``."""
        opened = ready()
        added = {d.id for d in opened.added_documents()}
        return [
            {
                "id": doc.id,
                "title": doc.title,
                "title_en": doc.title_en,
                "lang": doc.lang,
                "segments": len(doc.segments),
                "added": doc.id in added,
            }
            for doc in opened.documents.values()
        ]

    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, Any]:
        """Liveness and what is loaded (the index is opened on the first call if it was not)."""
        opened = ready()
        return {"status": "ok", "passages": len(opened.chunks), "documents": len(opened.documents)}

    return app


def _version() -> str:
    from qa import __version__

    return __version__
