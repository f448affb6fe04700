"""A bounded load test of the chat page, on 127.0.0.1 only: throughput, p50/p95 and errors.

    python evals/load_page.py [--clients 50] [--questions 20]

Starts `qa serve` on a free local port (stopped by its process group at the end),
then runs ``--clients`` gradio_client clients in threads, each asking ``--questions``
questions of the fixed and natural sets in turn through the page's ``/ask`` endpoint,
and prints requests per second, latency p50/p95 per request and the number of errors.
Numbers, not assertions: issue 12 asks for 0 errors and p95 <= 2 s at 50 x 20.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.questions import load_questions  # noqa: E402
from tests.webserver import running_server  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--questions", type=int, default=20)
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 1 <= args.questions <= 100:
        parser.error("bounded: 1-200 clients, 1-100 questions each")
    from gradio_client import Client

    pool = [
        q.question
        for name in ("questions", "natural")
        for q in load_questions(ROOT / "evals" / f"{name}.jsonl").questions
    ]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client_run(number: int, url: str) -> None:
        try:
            client = Client(url, verbose=False)
        except Exception as exc:  # a client that cannot connect counts as errors for all its questions
            with lock:
                errors.extend([f"connect: {exc}"] * args.questions)
            return
        for i in range(args.questions):
            question = pool[(number * args.questions + i) % len(pool)]
            start = time.perf_counter()
            try:
                history, _, _ = client.predict(question, [], "hybrid", 10, "auto", api_name="/ask")
                ok = len(history) == 2
            except Exception as exc:
                ok, history = False, [str(exc)]
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors.append(str(history)[:200])

    with running_server() as url:
        Client(url, verbose=False).predict("warm up", [], "hybrid", 10, "auto", api_name="/ask")
        threads = [threading.Thread(target=client_run, args=(n, url)) for n in range(args.clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        wall = time.perf_counter() - started
    done = len(latencies)
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (done - 1))] if ordered else float("nan")
    print(f"{args.clients} clients x {args.questions} questions on 127.0.0.1: {done} answered in {wall:.1f} s")
    print(f"throughput {done / wall:.1f} requests/s; latency p50 {statistics.median(ordered):.2f} s, p95 {p95:.2f} s")
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))


if __name__ == "__main__":
    main()
