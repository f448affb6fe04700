"""One server process: the chat page, the HTTP API and the MCP tools over one open index.

    qa serve [--host 127.0.0.1] [--port 7860] [--api-only]

    /              the Gradio chat page (not with --api-only)
    /api/...       the HTTP JSON API (qa.api); /docs and /openapi.json describe it
    /mcp           the MCP tools ask and search over Streamable HTTP (qa.agents)
    /healthz       liveness

All three share one :class:`~qa.assistant.Assistant`, so a document added on the
page is searched by the API and the agents at once. FastAPI is the application
(Gradio mounts on it); uvicorn runs it.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from qa.api import build_api


def make_app(assistant: Any, *, page: bool = True, host: str = "127.0.0.1") -> Any:
    """The ASGI application: API and MCP routes, and (``page=True``) the chat page at ``/``."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    from fastapi import FastAPI

    from qa import __version__
    from qa.agents import build_mcp

    mcp = build_mcp(assistant)
    # The MCP SDK's own app, with DNS-rebinding protection when bound to a loopback address.
    mcp_app = mcp.streamable_http_app(streamable_http_path="/mcp", host=host)

    @asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        async with mcp.session_manager.run():
            yield

    app = FastAPI(
        title="qa",
        description=(
            "Cited answers in Chinese and English over a Chinese policy paper and related policy texts. "
            "The same objects as the Python API: an answer's citations[n-1] backs its marker [n]."
        ),
        version=__version__,
        lifespan=lifespan,
    )
    build_api(assistant, app)
    app.router.routes.extend(mcp_app.routes)  # /mcp, before the page's catch-all mount at /
    if not page:
        return app
    import gradio as gr

    from qa.web import CSS, UPLOAD_LIMIT, build_app

    theme = gr.themes.Default(  # system fonts: the default theme would fetch web fonts from Google
        font=["system-ui", "Noto Sans CJK SC", "sans-serif"], font_mono=["ui-monospace", "monospace"]
    )
    return gr.mount_gradio_app(
        app,
        build_app(assistant),
        path="/",
        server_name=host,
        show_error=False,
        css=CSS,
        theme=theme,
        ssr_mode=False,
        max_file_size=UPLOAD_LIMIT,  # anything larger is refused before it is stored
    )


def serve(host: str = "127.0.0.1", port: int = 7860, *, api_only: bool = False, **assistant_options: Any) -> None:
    """Open the index, then serve until interrupted."""
    import uvicorn

    from qa.assistant import Assistant

    assistant = Assistant(**assistant_options)
    assistant.build()  # before listening: the first request should not pay for opening the index
    assistant.warm_up()  # and what questions need loads while the app starts
    app = make_app(assistant, page=not api_only, host=host)
    where = f"http://{host}:{port}"
    print(
        f"qa: serving {'the API' if api_only else 'the page at ' + where + '/'}; API docs {where}/docs; MCP {where}/mcp"
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)
