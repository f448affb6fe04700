"""The paper's tensions and proposals named by what they are about, not by number.

"前瞻性与实践性", "the whole and the local", "源头融合", "an industry-embedded S&T layout":
researchers name the paper's five tensions (§2.1–2.5) and six proposals (§3 (1)–(6)) by
their subject as often as by number. The patterns are read from the paper's own headings
(both languages), so a corrected heading corrects them; nothing here lists the names.
"""

from __future__ import annotations

import re

from qa.schema import Document


def section_names(paper: Document) -> list[tuple[re.Pattern[str], str]]:
    """Name patterns of the paper's tensions (2.1–2.5) and proposals (3-(1)–(6)), read from their headings."""
    out: list[tuple[re.Pattern[str], str]] = []

    def pair(a: str, b: str, zh: bool) -> re.Pattern[str]:
        if zh:
            a, b = (re.escape(x.rstrip("性")) + "性?" for x in (a, b))
            return re.compile(rf"{a}\s*(?:与|和|跟|同|及|对|/|、|vs\.?)?\s*{b}")
        a, b = (re.escape(x) for x in (a, b))
        return re.compile(rf"\b{a}\b\W*(?:and|vs\.?|versus|or)?\W*(?:the\s+)?{b}\b", re.I)

    for seg in paper.segments:
        if seg.kind != "heading":
            continue
        texts = [(seg.text, True), (seg.translation or "", False)]
        if re.fullmatch(r"2\.\d", seg.id):
            for text, zh in texts:
                m = (
                    re.search(r"把握(.+?)与(.+?)的关系：完善(.+?)机制", text)
                    if zh
                    else re.search(r"between (?:the )?(.+?) and (?:the )?(.+?): improving the (.+?) mechanism", text)
                )
                if m:
                    out.append((pair(m.group(1), m.group(2), zh), seg.id))
                    out.append((re.compile(re.escape(m.group(3)) + (r"(?:机制)?" if zh else r"\b"), re.I), seg.id))
        elif re.fullmatch(r"3-\(\d\)", seg.id):
            for text, zh in texts:
                quoted = re.findall(r"“([^”]{3,})”" if zh else r"\"([^\"]{6,})\"", text)
                goal = re.search(r"促进(.{2,6}融合)。" if zh else r"promoting ([a-z ]{3,30} integration)\.", text)
                names = [*quoted, *([goal.group(1)] if goal else [])]
                out.extend((re.compile(re.escape(n), re.I), seg.id) for n in names)
    return out
