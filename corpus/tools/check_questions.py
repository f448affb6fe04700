"""Check a file of reader questions against a document, for the people writing them.

    python corpus/tools/check_questions.py corpus/paper path/to/part.jsonl [--ids 2.1-p1,2.1-p2]

Prints every bad line (unknown segment, evidence not an exact excerpt, wrong
language, duplicate) and, with --ids, the listed segments that still lack a
question in Chinese or English. Exit status 1 when anything is wrong.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from qa.corpus.documents import load_document  # noqa: E402
from qa.corpus.readers import parse_reader_questions  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("part", type=Path)
    parser.add_argument("--ids", default="", help="comma-separated segment ids this part must cover")
    parser.add_argument("--per-lang", type=int, default=2)
    args = parser.parse_args()
    doc = load_document(args.folder)
    parsed = parse_reader_questions(doc, args.part.read_text(encoding="utf-8"), str(args.part))
    for error in parsed.errors:
        print(error)
    missing: list[str] = []
    if args.ids:
        wanted = {i.strip() for i in args.ids.split(",") if i.strip()}
        unknown = wanted - {s.id for s in doc.segments}
        missing = sorted(unknown) + [i for i in parsed.uncovered(doc, args.per_lang) if i in wanted]
        for i in missing:
            print(f"segment {i}: fewer than {args.per_lang} questions in zh or en")
    zh = sum(q.lang == "zh" for q in parsed.questions)
    print(
        f"{len(parsed.questions)} good questions ({zh} zh, {len(parsed.questions) - zh} en), {len(parsed.errors)} bad lines"
    )
    return 1 if parsed.errors or missing else 0


if __name__ == "__main__":
    sys.exit(main())
