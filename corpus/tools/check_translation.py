"""Check a (partial) translation file against a document's source, for translators.

    python corpus/tools/check_translation.py corpus/paper path/to/translation-part.txt

Prints, per segment in the file: unknown ids, glossary violations, sentence-count
mismatches (the chunker aligns sentences 1:1 when the counts agree) and table rows
whose cell count differs. Exit status 1 when anything is wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from qa.corpus.documents import load_document, parse_segment_file, with_translations  # noqa: E402
from qa.corpus.glossary import Glossary  # noqa: E402
from qa.text import split_sentences  # noqa: E402


def main(folder: str, part: str) -> int:
    doc = load_document(Path(folder))
    blocks = parse_segment_file(Path(part), source=False)
    by_id = {s.id: s for s in doc.segments}
    problems = 0
    for block in blocks:
        if block.id not in by_id:
            print(f"line {block.line}: unknown segment id {block.id!r}")
            problems += 1
    doc = with_translations(doc, {b.id: b.text for b in blocks if b.id in by_id})
    glossary = Glossary.load(ROOT / "corpus" / "glossary.tsv")
    for violation in glossary.violations(doc):
        if violation.segment_id in {b.id for b in blocks}:
            print(f"glossary: {violation}")
            problems += 1
    for block in blocks:
        seg = by_id.get(block.id)
        if seg is None:
            continue
        zh, en = split_sentences(seg.text, "zh"), split_sentences(block.text, "en")
        if seg.kind != "reference" and len(zh) != len(en):
            print(f"{block.id}: {len(zh)} Chinese sentences, {len(en)} English sentences")
            problems += 1
        if seg.text.count("\n") != block.text.count("\n"):
            print(
                f"{block.id}: {seg.text.count(chr(10)) + 1} lines in Chinese, {block.text.count(chr(10)) + 1} in English"
            )
            problems += 1
        if seg.kind == "row" and seg.text.count(" | ") != block.text.count(" | "):
            print(f"{block.id}: table row has a different number of ' | ' cells")
            problems += 1
    print(f"{len(blocks)} segments checked, {problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
