"""A bounded load test of the HTTP API, on 127.0.0.1 only: throughput, p50/p95 and errors.

    python evals/load_api.py [--clients 20] [--questions 50] [--endpoint ask|search]

Starts `qa serve --api-only` on a free local port (stopped by its process group at
the end), warms it up, then runs ``--clients`` concurrent asyncio clients, each
sending ``--questions`` questions of the fixed and natural sets in turn to
``POST /api/ask`` (or ``/api/search``), and prints requests per second, latency
p50/p95 and errors. Every answer is checked to carry its citations: an answer's
``[n]`` markers must each have a citation whose quote is in a returned passage.
Numbers, not assertions: issue 15 asks for >= 50 requests/s warm.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.evaluation.questions import load_questions  # noqa: E402
from tests.webserver import running_server  # noqa: E402


def check(endpoint: str, body: dict[str, Any]) -> str | None:
    """What is wrong with a reply (None when it is well-formed and every citation checks out)."""
    if endpoint == "search":
        return None if body.get("hits") else "no hits"
    passages = {h["chunk_id"]: f"{h['text']}\n{h.get('translation') or ''}" for h in body["sources"]}
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", body["text"])}
    if not body["abstained"] and not markers:
        return "an answer without citations"
    for c in body["citations"]:
        if c["quote"] not in passages.get(c["chunk_id"], ""):
            return f"citation [{c['marker']}] is not in its passage"
    if markers - {c["marker"] for c in body["citations"]}:
        return "a marker without a citation"
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--endpoint", choices=["ask", "search"], default="ask")
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 1 <= args.questions <= 200:
        parser.error("bounded: 1-200 clients, 1-200 questions each")
    pool = [
        q.question
        for name in ("questions", "natural")
        for q in load_questions(ROOT / "evals" / f"{name}.jsonl").questions
    ]
    latencies: list[float] = []
    errors: list[str] = []

    async def client_run(number: int, http: httpx.AsyncClient) -> None:
        for i in range(args.questions):
            question = pool[(number * args.questions + i) % len(pool)]
            start = time.perf_counter()
            try:
                reply = await http.post(f"/api/{args.endpoint}", json={"question": question, "k": 10})
                problem = (
                    check(args.endpoint, reply.json()) if reply.status_code == 200 else f"HTTP {reply.status_code}"
                )
            except Exception as exc:  # any failure is counted and reported, not raised
                problem = repr(exc)
            latencies.append(time.perf_counter() - start)
            if problem:
                errors.append(f"{problem}: {question[:60]}")

    async def run(url: str) -> float:
        limits = httpx.Limits(max_connections=args.clients + 5)
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
            for question in pool[:20]:  # warm: the first answers load lazily built tables
                await http.post(f"/api/{args.endpoint}", json={"question": question})
            started = time.perf_counter()
            await asyncio.gather(*(client_run(n, http) for n in range(args.clients)))
            return time.perf_counter() - started

    with running_server(api_only=True) as url:
        wall = asyncio.run(run(url.rstrip("/")))
    done = len(latencies)
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (done - 1))]
    print(
        f"POST /api/{args.endpoint}: {args.clients} clients x {args.questions} questions on 127.0.0.1, {done} in {wall:.1f} s"
    )
    print(
        f"throughput {done / wall:.1f} requests/s; latency p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
    )
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))


if __name__ == "__main__":
    main()
