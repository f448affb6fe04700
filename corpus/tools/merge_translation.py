"""Merge translation drafts into a document's translation file, in source order, and set its status.

    python corpus/tools/merge_translation.py corpus/<doc> draft1.txt [draft2.txt ...]

Blocks already in translation.en.txt are kept unless a draft replaces them. meta.yaml's
translation status becomes complete, partial or none to match; run `qa corpus check` after.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from qa.corpus.documents import META_FILE, TRANSLATION_FILE, load_document, parse_segment_file  # noqa: E402


def main(folder: Path, drafts: list[Path]) -> int:
    doc = load_document(folder)
    translations = {s.id: s.translation for s in doc.segments if s.translation is not None}
    known = {s.id for s in doc.segments}
    for draft in drafts:
        for block in parse_segment_file(draft, source=False):
            if block.id not in known:
                print(f"{draft}:{block.line}: unknown segment {block.id!r}")
                return 1
            translations[block.id] = block.text
    out = folder / TRANSLATION_FILE.format(lang=doc.translation_lang)
    blocks = [f"@@ {s.id}\n{translations[s.id]}\n" for s in doc.segments if s.id in translations]
    out.write_text("\n".join(blocks), encoding="utf-8")
    needed = [s for s in doc.segments if s.lang == doc.lang]
    done = sum(s.id in translations for s in needed)
    status = "complete" if done == len(needed) else "none" if done == 0 else "partial"
    meta = folder / META_FILE
    text = re.sub(r"(?m)^(  status: ).*$", rf"\g<1>{status}", meta.read_text(encoding="utf-8"), count=1)
    meta.write_text(text, encoding="utf-8")
    print(f"{out}: {len(blocks)} segments; {done}/{len(needed)} translated; status {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]))
