"""The answer's first line: the clause that states the figure asked for, before the quotes.

A "how long / how much / how many" answer quotes three to six sentences, and the clause
that answers is often inside the second ("发明专利权的期限为二十年，实用新型专利权的期限为
十年，……"). A reader should not have to hunt for it (a trial user: "nothing like '10 years,
counted from the filing date [1]' comes first"). The lead is that clause, cut at commas
from a quoted sentence and cited with the sentence's marker: still the documents' words,
a substring of what the citation quotes, never a paraphrase.

Which clause: of the quoted sentences' clauses that state a quantity of the asked kind, one
of the best-scored sentence (:meth:`ExtractiveAnswerer._sentences`), the clause that best
matches the question's words breaking ties within it. Chosen by the clause's own match first,
leads were right less often (on the five sets, the lead held a key point in 32 of 41 Chinese
answers, against 39 of 41 this way): "自发明专利申请日起满四年" matched "发明专利能保护多久"
as well as "发明专利权的期限为二十年" did.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from qa.search.asked import gives

LEAD = {"zh": "简答：", "en": "In short: "}
_CLAUSE_END = {"zh": re.compile(r"(?<=[，；：])"), "en": re.compile(r"(?<=[,;:])\s+")}
SHORT = {"zh": 8, "en": 30}  # characters: a clause shorter than this takes the one before it ("…的，为五百元")
LONG = {"zh": 90, "en": 260}
# How well the clause must match the question's words (:meth:`TextScorer.match`). An English
# clause is cut from a translation, whose figure often sits in a clause apart from what it is
# about ("(1) where the achievement is assigned …, | not less than 50% …"): one that shares
# almost no word with the question was another figure in all seven of the five sets' wrong
# English leads (match 0.03-0.08), against 5 of 15 right ones.
MIN_MATCH = {"zh": 0.01, "en": 0.09}
# The sentence's own score (:meth:`ExtractiveAnswerer._sentences`) below which it fits the question too
# loosely to be stated as the answer. Over the five sets the two wrong leads scored 0.49 and 0.68, the
# right ones 0.53-1.72 (5 of 48 below 0.7); with 60 laws of the archive added, 4 of 6 wrong leads
# scored over 0.7 as well: a lead is only as right as the passage retrieval put first.
MIN_SCORE = 0.7
_ARTICLE = re.compile(
    r"^(?:第[零一二三四五六七八九十百千]+条|Article \d+)\s*"
)  # characters: a lead longer than this is no shorter than the quote


@dataclass(frozen=True)
class Lead:
    """The lead's text (without the label) and the marker of the quote it comes from."""

    text: str
    marker: int

    def line(self, lang: str) -> str:
        return f"{LEAD[lang]}{self.text} [{self.marker}]"


def clauses(sentence: str, lang: str) -> list[str]:
    """The sentence cut after its commas and semicolons, a clause too short to stand joined to the one before."""
    return [sentence[a:b] for a, b in clause_spans(sentence, lang)]


def clause_spans(sentence: str, lang: str) -> list[tuple[int, int]]:
    """Where :func:`clauses` cuts ``sentence``: each clause's start and end, surrounding spaces left out."""
    cuts = [0, *(m.end() for m in _CLAUSE_END[lang].finditer(sentence)), len(sentence)]
    spans: list[tuple[int, int]] = []
    for a, b in pairwise(cuts):
        part = sentence[a:b]
        if not part.strip():
            continue
        start, end = a + len(part) - len(part.lstrip()), a + len(part.rstrip())
        if spans and len(part.strip(" ，,；;：:。.")) < SHORT[lang]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def find_lead(
    quotes: Sequence[tuple[int, str, float]],
    kinds: Sequence[str],
    lang: str,
    match: Callable[[str], float],
) -> Lead | None:
    """The lead among ``quotes`` (marker, quoted text as shown, sentence score) for a question asking ``kinds``.

    ``match``: how well a text matches the question's words (0–1). None when no clause states
    such a quantity, or when the best one is the whole quote anyway (nothing to gain).
    """
    wanted = [k for k in kinds if k not in ("count", "items")]  # "how many items": the list is the answer
    if not wanted:
        return None
    best: tuple[float, float, str, int, str] | None = None
    for marker, text, score in quotes:
        spans = clause_spans(text, _language(text))
        for i, (_, end) in enumerate(spans):
            if any(gives(text[spans[i][0] : end], kind) for kind in wanted):
                clause, fit = _with_its_subject(text, spans[: i + 1], lang, match)
                key = (score, fit, clause, marker, text)
                if best is None or key[:2] > best[:2]:
                    best = key
    if best is None or best[0] < MIN_SCORE:
        return None
    _, fit, clause, marker, text = best
    clause = _ARTICLE.sub("", clause.rstrip(" ，,；;：:。."))  # the marker cites the article
    if fit < MIN_MATCH[lang]:
        return None  # a figure about something else: "within six months before the date of application"
    if len(clause) > LONG[_language(text)] or (marker == 1 and _ARTICLE.sub("", text).startswith(clause)):
        return None  # about as long as a quote, or where the answer starts anyway
    return Lead(clause, marker)


def _with_its_subject(
    text: str, spans: list[tuple[int, int]], lang: str, match: Callable[[str], float]
) -> tuple[str, float]:
    """The last clause of ``spans``, with as many clauses before it as it takes to match the question.

    A translation often states what a figure is about a clause earlier: "(1) where the achievement
    is assigned or licensed to others, | not less than 50% of the net income …". The clause alone
    shares no word with the question; with the one before, it is the answer.
    """
    end = spans[-1][1]
    for start, _ in reversed(spans):
        fit = match(text[start:end])
        if fit >= MIN_MATCH[lang]:
            return text[start:end], fit
    return text[spans[-1][0] : end], match(text[spans[-1][0] : end])


def read_lead(text: str) -> Lead | None:
    """The lead an answer's text starts with (for the page and the evaluation), or None."""
    first = text.split("\n", 1)[0]
    label = next((lab for lab in LEAD.values() if first.startswith(lab)), None)
    found = _MARKED_END.search(first) if label else None
    return Lead(first[len(label) : found.start()], int(found.group(1))) if label and found else None


_MARKED_END = re.compile(r" \[(\d+)\]$")


def _language(text: str) -> str:
    """How a quote is cut into clauses: at Chinese or at English punctuation."""
    return "zh" if re.search(r"[\u4e00-\u9fff]", text) else "en"
