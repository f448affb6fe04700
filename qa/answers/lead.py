"""The answer's first line: the clause that states the figure asked for, before the quotes.

A "how long / how much / how many" answer quotes three to six sentences, and the clause
that answers is often inside the second ("发明专利权的期限为二十年，实用新型专利权的期限为
十年，……"). A reader should not have to hunt for it (a trial user: "nothing like '10 years,
counted from the filing date [1]' comes first"). The lead is that clause, cut at commas
from a quoted sentence and cited with the sentence's marker: still the documents' words,
a substring of what the citation quotes, never a paraphrase. A question asking two kinds of
figure ("最少发多少奖金？多久之内要发？") gets a clause for each.

Which clause, per kind asked: of the quoted sentences' clauses that state such a quantity, one
of the best-scored sentence (:meth:`ExtractiveAnswerer._sentences`), the clause that best
matches the question's words breaking ties within it — and only when that sentence's quote is
also the answer's first to state such a quantity: the sentence scores and the passage ranking,
two orders made apart, agree. Chosen by sentence score alone, two of six short answers in a
trial were wrong ("专利保护期多少年？" got Art. 42's compensation clause "…减去5年" while the
answer's first quote was Art. 42's twenty years); by the clause's own match first, the lead held
a key point in 32 of 41 Chinese answers on the five sets (evals/README.md).

And the clause must state the figure of what was asked (a fifth trial's three wrong short
answers): a clause naming what the question asks the figure of is preferred ("专利权的期限是多久":
not another deadline's three months), a bound asked ("最多几年") needs a bound stated, and a
number subtracted ("减去5年") or a period counted from another's expiry states no quantity.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from qa.answers.figures import amounts
from qa.search.asked import FOOTNOTE, asked_quantities, gives
from qa.text import detect_language

LABEL = {"zh": "简答", "en": "In short"}
COLON = {"zh": "：", "en": ": "}
SEPARATOR = {"zh": "；", "en": "; "}  # between the clauses of a lead that answers two asks
LEAD = {lang: LABEL[lang] + COLON[lang] for lang in LABEL}
_CLAUSE_END = {"zh": re.compile(r"(?<=[，；：])"), "en": re.compile(r"(?<=[,;:])\s+")}
SHORT = {"zh": 8, "en": 30}  # characters: a clause shorter than this takes the one before it ("…的，为五百元")
LONG = {"zh": 90, "en": 260}  # characters: a lead longer than this is no shorter than the quote
# How well the clause must match the question's words (:meth:`TextScorer.match`). An English
# clause is cut from a translation, whose figure often sits in a clause apart from what it is
# about ("(1) where the achievement is assigned …, | not less than 50% …"): one that shares
# almost no word with the question was another figure in all seven of the five sets' wrong
# English leads (match 0.03-0.08), against 5 of 15 right ones.
MIN_MATCH = {"zh": 0.01, "en": 0.09}
# The sentence's own score (:meth:`ExtractiveAnswerer._sentences`) below which it fits the question too
# loosely to be stated as the answer. Over the five sets the two wrong leads scored 0.49 and 0.68, the
# right ones 0.53-1.72 (5 of 48 below 0.7); with 60 laws of the archive added, 4 of 6 wrong leads
# scored over 0.7 as well (the agreement rule of the module docstring caught them).
MIN_SCORE = 0.7
_ARTICLE = re.compile(
    r"^(?:第[零一二三四五六七八九十百千]+条|Article \d+|[（(](?:[一二三四五六七八九十]+|\d{1,2})[）)])\s*"
)


@dataclass(frozen=True)
class Lead:
    """The lead's clauses (without the label), each with the marker of the quote it comes from."""

    parts: tuple[tuple[str, int], ...]

    def line(self, lang: str) -> str:
        return LEAD[lang] + SEPARATOR[lang].join(f"{text} [{marker}]" for text, marker in self.parts)

    @property
    def text(self) -> str:
        """The clauses alone, for checking what the lead says."""
        return " ".join(text for text, _ in self.parts)


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
    *,
    question: str = "",
    nouns: Sequence[str] = (),
    sections: Mapping[int, str] | None = None,
) -> Lead | None:
    """The lead among ``quotes`` (marker, quoted text as shown, sentence score) for a question asking ``kinds``.

    ``match``: how well a text matches the question's words (0–1). ``question``: what it asks (a
    bound: "最多几年"); ``nouns``: the words of what it asks the figure of ("专利权的期限是多久" → 期限):
    when some clause of the kind names one, only those are led with. ``sections``: each quote's section
    path by marker (what an English clause is about when it shares no word with the question itself).
    None when no kind asked has a
    clause to lead with, or when the only one is where the answer starts anyway (nothing to gain).
    """
    bounded = frozenset(
        kind for piece in _PIECES.split(question) if _BOUND_ASKED.search(piece) for kind in asked_quantities(piece)
    )
    # "发明专利保护多少年？实用新型和外观呢？从哪天开始算？": more asks than kinds of figure asked (one ask
    # follows up another of its kind) are led with whole sentences, or each clause in turn, as "分别" is; its
    # best-matching clause answered one ask (实用新型's ten years; trial 7). "最少给多少钱？多久之内要发？"
    # asks two kinds, a clause for each.
    asks = [piece for piece in re.split(r"(?<=[？?])", question) if re.search(r"[？?]", piece)]
    figures = {kind for kind in kinds if kind not in ("count", "items")}
    several = bool(_SEVERAL.search(question)) or len(asks) > max(1, len(figures))
    fits = _Fit(bounded, tuple(nouns), bool(_MULTIPLE_ASKED.search(question)), several, sections or {})
    parts: list[tuple[str, int]] = []
    missing: list[str] = []
    fresh = False
    for kind in kinds:
        if kind in ("count", "items"):  # "how many items": the list is the answer
            continue
        stated = _clause_for(quotes, kind, lang, match, fits)
        if not stated:
            missing.append(kind)
        for found in stated:
            if any(found[0] in said or said in found[0] for said, _ in parts):
                continue  # one clause may state both kinds asked ("3个月内发给…4000元")
            parts.append(found)
            quote = next(text for marker, text, _ in quotes if marker == found[1])
            fresh = fresh or not (found[1] == 1 and _ARTICLE.sub("", quote).startswith(found[0]))
    parts.extend(_beside(parts, missing, quotes, lang, match))
    return Lead(tuple(parts)) if parts and fresh else None


def _beside(
    parts: Sequence[tuple[str, int]],
    kinds: Sequence[str],
    quotes: Sequence[tuple[int, str, float]],
    lang: str,
    match: Callable[[str], float],
) -> list[tuple[str, int]]:
    """For kinds asked that found no clause of their own: the clause of a sentence already led with that
    states one. "连续几年、按营业利润的多少比例": Art. 45 (三) states both, "连续三至五年" and "不低于百分之五";
    the percentage alone went unled, the first quote to state one being (一)'s 50% (a trial's short answer)."""
    extra: list[tuple[str, int]] = []
    for kind in kinds:
        for marker in dict.fromkeys(m for _, m in parts):
            text = next(t for m, t, _ in quotes if m == marker)
            options = [
                _ARTICLE.sub("", text[a:b].rstrip(" ，,；;：:。."))
                for a, b in clause_spans(text, detect_language(text))
                if _states(text[a:b], kind)
            ]
            options = [o for o in options if not any(o in said or said in o for said, _ in [*parts, *extra])]
            if options:
                extra.append((max(options, key=match), marker))
                break
    return extra


@dataclass(frozen=True)
class _Fit:
    """What the question asks of the figure's clause, beyond its kind (see :func:`find_lead`)."""

    bound: frozenset[str]  # kinds asked with "最多 / at most": a clause that states a bound (不超过五年)
    nouns: tuple[str, ...]  # what the figure is asked of (Chinese): a clause naming one is preferred
    multiple: bool = False  # "赔偿是几倍": a multiple is the amount asked; otherwise yuan are stated beside it
    several: bool = False  # "分别是多久", "each": a sentence stating several is led with whole
    sections: Mapping[int, str] = field(default_factory=dict)  # each quote's section path, by marker

    def names(self, clause: str) -> bool:
        """Whether the clause names what is asked (a compound's first two characters count: 赔偿额, 赔偿)."""
        plain = clause.lower().replace("-", "")  # English nouns are word beginnings ("reexam")
        return any(
            (noun in plain) if noun.isascii() else (noun in clause or (len(noun) > 2 and noun[:2] in clause))
            for noun in self.nouns
        )


# Asking for a bound and stating one. A bound belongs to the asks of its own part of the question:
# "奖金最低是多少？多久内发？" asks the lowest amount, not the shortest period.
_PIECES = re.compile(r"[，,。？?！!；;]")
_BOUND_ASKED = re.compile(
    r"最多|最少|至少|最长|最短|最高|最低|上限|下限|\b(?:at (?:most|least)|maximum|minimum)\b", re.I
)
_BOUND_STATED = re.compile(
    r"不超过|不少于|不低于|不高于|不得超过|以下|以上|以内|最多|最少|至少|最高|最低|最长|上限|下限"
    r"|\b(?:not (?:more|less) than|no (?:more|less) than|not exceed|at (?:most|least)|up to|maximum|minimum)\b",
    re.I,
)
# "赔偿额是多少" asks for yuan (Art. 71's 三万元以上五百万元以下), not the multiple of another amount
# (一倍以上五倍以下) that the same article also states; "几倍" asks for the multiple.
_MULTIPLE_ASKED = re.compile(r"几倍|多少倍|倍数|\b(?:multiples?|how many times|times (?:as|the))\b", re.I)
_SEVERAL = re.compile(r"分别|各自|各是|各为|\b(?:respectively|each)\b", re.I)
# "…间隔天数减去5年": a figure subtracted in a computation is not the quantity the sentence states
_OPERAND = re.compile(r"(?:减去|扣除|扣减|\bminus\b)[^，,；;。]*", re.I)


def _clause_for(
    quotes: Sequence[tuple[int, str, float]], kind: str, lang: str, match: Callable[[str], float], fits: _Fit
) -> list[tuple[str, int]]:
    """The clauses stating a quantity of ``kind`` to lead with, and their quotes' markers (see the module
    docstring): one, or for an amount stated as a multiple, the multiple and the yuan beside it."""
    found: list[tuple[float, float, str, int, str, bool]] = []  # score, fit, clause, marker, quote, names it
    first: int | None = None
    for marker, text, score in quotes:
        spans = clause_spans(text, detect_language(text))
        for i, (start, end) in enumerate(spans):
            if not _states(text[start:end], kind):
                continue
            first = marker if first is None else first  # agreement is with any clause stating one
            if kind in fits.bound and not _BOUND_STATED.search(text[start:end]):
                continue  # "最多几年": "补偿期限不超过五年", not how its days are counted
            if _condition(text[start:end]) and any(_states(text[s:e], kind) for s, e in spans[i + 1 :]):
                continue  # "违法所得在五万元以下的，可以处二十五万元以下的罚款": the figure is the fine
            clause, fit = _with_its_subject(text, spans[: i + 1], lang, match, fits.sections.get(marker, ""))
            before = spans[i - 1][0] if i else end
            conditional = end - len(clause) > before and _condition(text[before : spans[i - 1][1]])
            if conditional and end - before <= LONG[lang]:
                # "没有违法所得的，可以处二十五万元以下的罚款": never the consequence without its condition
                clause, fit = text[before:end], match(text[before:end])
            if fits.several and sum(_states(text[s:e], kind) for s, e in spans) > 1 and len(text) <= LONG[lang]:
                clause, fit = text, match(text)  # "分别是多久": all three terms, not the best-matching one
            # an English figure sits in a clause apart from what it is for: the sentence names it
            named = fits.names(text[start:end]) or (text.isascii() and fits.names(text))
            found.append((score, fit, clause, marker, text, named))
    stated = found
    if any(named for *_, named in found):  # "专利权的期限是多久": not another deadline's three months
        stated = [f for f in found if f[5]]
    elif kind == "number" and fits.nouns:
        return []  # "收费标准是多少": any number would do, so one must name what is asked
    if fits.several and (each := _each_in_turn(stated, first, lang)):
        return each
    yuan = [f for f in stated if amounts(f[2])] if kind == "money" and not fits.multiple else []
    best = _best(stated, first, lang)
    if best is None and yuan:  # the answer's first amount is a multiple, its best one in yuan: they agree on yuan
        best = _best(yuan, yuan[0][3], lang)
    if best is None:
        return []
    parts = [best]
    if yuan and not amounts(best[0]):
        # "罚款最高是多少": "违法所得五倍以下" and, beside it, "没有违法所得的…二十五万元以下"
        extra = _best([f for f in yuan if abs(f[3] - best[1]) <= 2], None, lang)  # the same article
        if extra is not None and extra[0] != best[0]:
            parts = sorted([best, extra], key=lambda part: part[1])
    return parts


EACH_SHARE = 0.9  # of the best sentence score, that each of several asks' clauses must reach (_each_in_turn)


def _each_in_turn(
    found: list[tuple[float, float, str, int, str, bool]], first: int | None, lang: str
) -> list[tuple[str, int]]:
    """For a question of several asks, the clauses of consecutive quotes from the first that states the kind
    (at most three): "发明专利最少要发多少奖金？实用新型的呢？" is answered by 4000元 and 1500元 in turn,
    where the best-scored alone, the second, disagreed with the first quote and nothing was led."""
    top = max((f[0] for f in found), default=0.0)
    clauses = Counter(f[3] for f in found)
    # each as well scored as the best, nearly (not the "工业增加值40.5万亿元" beside the R&D total asked), and
    # stating one such figure: of a quote with two ("within twelve months … or within six months …"), which
    # one answers which ask is not known
    markers = sorted({f[3] for f in found if f[0] >= EACH_SHARE * top})
    if any(clauses[m] > 1 for m in markers):
        return []
    if len(markers) < 2 or markers[0] != first:
        return []
    run = [markers[0]]
    for marker in markers[1:3]:
        if marker != run[-1] + 1:
            break
        run.append(marker)
    parts = [best for m in run if (best := _best([f for f in found if f[3] == m], m, lang)) is not None]
    return parts if len(parts) > 1 else []


def _best(
    found: list[tuple[float, float, str, int, str, bool]], first: int | None, lang: str
) -> tuple[str, int] | None:
    """The best-scored clause of ``found`` if it fits the question well enough (and, given ``first``, is
    in the first quote to state the kind), without its article number."""
    if not found:
        return None
    _, fit, clause, marker, text, _ = max(found, key=lambda f: f[:2])
    if max(f[0] for f in found) < MIN_SCORE or (first is not None and marker != first):
        return None
    clause = _ARTICLE.sub("", clause.rstrip(" ，,；;：:。."))  # the marker cites the article
    if fit < MIN_MATCH[lang] or len(clause) > LONG[detect_language(text)]:
        return None  # a figure about something else ("within six months before…"), or no shorter than a quote
    return clause, marker


def _condition(clause: str) -> bool:
    """Whether a Chinese clause is a law's condition ("……的，"): its figure says when, not how much."""
    return clause.rstrip(" ，,；;：:。.").endswith("的")


def _states(clause: str, kind: str) -> bool:
    """Whether the clause states a quantity of ``kind``; "Article 45 Where…", "(1) where…", "[7]" and
    "(Figure 1)" number things, they state no quantity; nor is a period counted from another's
    expiry the length of that one (:data:`_AFTER_EXPIRY`), nor a number subtracted the quantity."""
    if kind == "period" and _AFTER_EXPIRY.search(clause):
        return False
    return gives(_OPERAND.sub(" ", _LABELS.sub(" ", FOOTNOTE.sub(" ", _ARTICLE.sub("", clause)))), kind)


# "延误复审请求期限的，可以自复审请求期限届满之日起2个月内…请求恢复权利": the two months follow the
# reexamination time limit, they are not its length — yet the clause names it, so it led the answer
# to "专利复审期限多长" over Art. 41's three months.
_AFTER_EXPIRY = re.compile(r"(?:期限|期)届满之日起|期满之日起|from the (?:date of )?expiry of\b", re.I)


_LABELS = re.compile(r"\b(?:Figure|Table|Article|Item)s? \d+|[图表]\s*\d+|第[零一二三四五六七八九十百千\d]+[条款项]")


def _with_its_subject(
    text: str, spans: list[tuple[int, int]], lang: str, match: Callable[[str], float], section: str = ""
) -> tuple[str, float]:
    """The last clause of ``spans``, with as many clauses before it as it takes to match the question.

    A translation often states what a figure is about a clause earlier: "(1) where the achievement
    is assigned or licensed to others, | not less than 50% of the net income …". The clause alone
    shares no word with the question; with the one before, it is the answer. Or in its section's
    heading: "The bonus for one patent for invention shall be not less than 4,000 yuan" is the
    minimum reward for an inventor under "Reward and Remuneration for Inventors or Designers".
    """
    end = spans[-1][1]
    for start, _ in reversed(spans):
        fit = match(text[start:end])
        if fit >= MIN_MATCH[lang]:
            return text[start:end], fit
    clause = text[spans[-1][0] : end]
    return clause, max(match(clause), match(f"{section}\n{clause}") if section and lang == "en" else 0.0)


def read_lead(text: str) -> Lead | None:
    """The lead an answer's text starts with (for the page and the evaluation), or None."""
    first = text.split("\n", 1)[0]
    label = next((lab for lab in LEAD.values() if first.startswith(lab)), None)
    if label is None:
        return None
    body = first[len(label) :]
    found = list(_PART.finditer(body))
    if not found or "".join(m.group(0) for m in found) != body:
        return None  # not a lead line through to its end
    return Lead(tuple((m.group(1), int(m.group(2))) for m in found))


_PART = re.compile(rf"(.+?) \[(\d+)\](?:{'|'.join(map(re.escape, SEPARATOR.values()))}|$)")
