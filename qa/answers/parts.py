"""Questions that ask two things: the second ask answered in a part of its own.

"开放许可声明里必须写哪些内容？什么情况下不能搞开放许可？" was answered with the declaration's list
(Regulations Art. 85) alone: the list answered the first ask, and the second (Art. 86's cases)
was never searched for. Each further ask of a question is searched on its own; when its best
passage is not among those the answer already cites, its answer follows under the ask's words.
A short follow-up ("实用新型的呢？") or one that points back ("Is that true?") is no ask of its
own: it needs the rest of the question (:mod:`qa.answers.lead` answers those in the short answer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from qa.schema import Answer, Hit
from qa.search.query import REFERS_BACK

_ASK_END = re.compile(r"(?<=[？?])")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z]+")
# it needs what came before it: "这种情况…", "Is that true" (query.REFERS_BACK), "两者", "How do the two differ?"
_POINTS_BACK = re.compile(
    rf"{REFERS_BACK.pattern}|两者|二者|两边|双方|各自|\b(?:both|each|the (?:two|three|four|five|six))\b", re.I
)
MIN_ASK = 12  # characters (an English word counts two): a shorter ask is a follow-up of the one before
PART_LABEL = {"zh": "关于“{ask}”：", "en": "On “{ask}”: "}


def further_asks(question: str) -> list[str]:
    """The asks of ``question`` after its first that stand on their own (see the module docstring)."""
    pieces = [p.strip() for p in _ASK_END.split(question) if p.strip()]
    asks = [p for p in pieces if p.endswith(("？", "?"))]
    return [
        ask
        for ask in asks[1:]
        if len(_CJK.findall(ask)) + 2 * len(_WORD.findall(ask)) >= MIN_ASK and not _POINTS_BACK.search(ask)
    ]


def with_parts(whole: Answer, parts: Sequence[tuple[str, Answer]]) -> Answer:
    """``whole`` followed by each further ask's answer under the ask, citations numbered on from its own."""
    lang = whole.language
    text = whole.text
    citations = list(whole.citations)
    sources = list(whole.sources)
    hits = list(whole.hits)
    seen = {h.chunk_id for h in sources}
    held = {h.chunk_id for h in hits}
    for ask, part in parts:
        if part.abstained or not part.citations:
            continue
        offset = len(citations)
        body = _renumbered(part.text, offset)
        text += "\n\n" + PART_LABEL[lang].format(ask=ask) + body
        citations += [replace(c, marker=c.marker + offset) for c in part.citations]
        sources += _new(part.sources, seen)
        hits += _new(part.hits, held)
    return replace(
        whole,
        text=text,
        citations=tuple(citations),
        sources=tuple(sources),
        hits=tuple(hits),
        notes=tuple(dict.fromkeys([*whole.notes, *(n for _, p in parts for n in p.notes)])),
    )


def _renumbered(text: str, offset: int) -> str:
    """``text`` with each citation marker [n] made [n + offset]."""
    return re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", text)


def _new(hits: Sequence[Hit], seen: set[str]) -> list[Hit]:
    """The passages of ``hits`` not in ``seen``, which they join."""
    out = []
    for hit in hits:
        if hit.chunk_id not in seen:
            seen.add(hit.chunk_id)
            out.append(hit)
    return out


def cited(answer: Answer) -> set[str]:
    """The passages an answer quotes."""
    return {c.chunk_id for c in answer.citations}
