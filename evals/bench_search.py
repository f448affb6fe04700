"""Search speed benchmark: prints cold and warm timings (no assertions; numbers for the README).

    python evals/bench_search.py [--runs 5]

cold: wall time of a fresh `qa search` process (index already built), best and median of runs;
warm: in one process, `Assistant.ask` (search + answer, the default mode) p50/p95 over the fixed and
the natural set, each question asked once; then `Assistant.search` over the fixed set per mode,
the tokenizer's remembered texts dropped before each mode (a question's first time is what counts).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.assistant import Assistant  # noqa: E402
from qa.evaluation.questions import load_questions  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    Assistant(log=lambda _: None).build()
    qa_bin = str(Path(sys.executable).with_name("qa"))
    for question in ("Who owns a service invention under the patent law?", "第四条政策建议如何处理专利？"):
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run([qa_bin, "search", question, "-k", "10"], check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        print(f"cold qa search ({question[:24]}…): best {min(times):.2f} s, median {statistics.median(times):.2f} s")
    assistant = Assistant(log=lambda _: None)
    # as `qa serve` does, and waited for: what it loads (e5, dictionaries, sentence vectors) is start-up, not answers
    assistant.warm_up(wait=True)
    # Asked first, each question once, after a warm-up question from neither set: a question asked
    # before in the process would find its own words already segmented (the tokenizer remembers texts).
    assistant.ask("What does the paper say about integrating science and industry?")
    assistant.ask("论文里2024年我国的研发经费是多少？")
    for name in ("questions", "natural"):
        asked = [q.question for q in load_questions(ROOT / "evals" / f"{name}.jsonl").questions]
        ms = []
        for q in asked:
            start = time.perf_counter()
            assistant.ask(q)
            ms.append((time.perf_counter() - start) * 1000)
        ms.sort()
        print(
            f"warm ask ({name}.jsonl): p50 {ms[len(ms) // 2]:.1f} ms, p95 {ms[int(len(ms) * 0.95)]:.1f} ms ({len(ms)} questions)"
        )
    questions = [q.question for q in load_questions(ROOT / "evals" / "questions.jsonl").questions]
    for mode in ("bm25", "dense", "hybrid"):
        assistant.search(questions[0], mode=mode)
        assistant.index.tokenizer.forget()  # the asks above and the modes before segmented these questions
        ms = []
        for q in questions:
            start = time.perf_counter()
            assistant.search(q, k=10, mode=mode)
            ms.append((time.perf_counter() - start) * 1000)
        ms.sort()
        print(
            f"warm search {mode:>6}: p50 {ms[len(ms) // 2]:.1f} ms, p95 {ms[int(len(ms) * 0.95)]:.1f} ms ({len(ms)} questions)"
        )


if __name__ == "__main__":
    main()
