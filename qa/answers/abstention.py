"""Whether to answer at all: the signals of a question and its passages, and what a decline says.

The signals and the per-language lines they are held to are in :mod:`qa.answers.thresholds`.

Declining an in-scope question costs a user the answer; answering an out-of-scope one
quotes passages about something else. Both are measured on the two question sets and
the thresholds calibrated on them together, per language (evals/calibrate_abstention.py).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence

from qa.answers.figures import (
    COUNT_UNIT,
    DATES,
    RATE,
    SPENT_EN,
    SPENT_ZH,
    ZH_DIGITS,
    Name,
    asserted,
    figures_in,
    measured,
    named_by_kind,
    names_met,
    spent_on,
)
from qa.answers.scoring import TextScorer
from qa.answers.sentences import aligned
from qa.answers.subjects import subjects_missing
from qa.answers.thresholds import LIMITS, MEANING_BAND, Limits, Signals
from qa.answers.unmentioned import Unmentioned, both
from qa.schema import Hit
from qa.search.asked import (
    ASKS_FOR_AUTHORS,
    ASKS_FOR_NAMES,
    ASKS_FOR_PLACES,
    ASKS_WHO_WROTE,
    STATES_AUTHORS,
    UNIVERSITIES,
    asked_quantities,
    claims,
    figures_wanted,
    gives,
    topic_sentences,
)
from qa.search.places import chinese_names, english_places_in, organisations_in, places_in
from qa.search.query import Query, understand
from qa.search.tokenize import EN_STOPWORDS
from qa.text import YEAR, YEAR_PATTERN, detect_language

ABSTAIN_TEXT = {
    "zh": "文档中没有找到能回答这个问题的内容。下面列出最接近的段落，仅供参考。",
    "en": "The documents do not say. The closest passages are listed below as related reading.",
}
NOT_COMPOSED = {  # said when asked to write a poem, a story, a joke (qa.search.asked.ASKS_TO_COMPOSE)
    "zh": "本助手只用文档原文回答问题并注明出处，不代写诗歌、故事、合同等文本。下面列出与请求最接近的段落，仅供参考。",
    "en": "qa answers questions with quotes from the documents; it does not write texts such as poems, stories or contracts. "
    "The passages closest to the request are listed below as related reading.",
}
NOTHING_NEAR = {
    "zh": "文档中没有找到能回答这个问题的内容，也没有相近的段落。",
    "en": "The documents do not say, and no passage comes close.",
}
# Something specific a question names: a year (qa.text.YEAR), an acronym, a proper name. Bounded by
# "not a letter or digit", not \b: a CJK character is a word character to \b, so "占GDP的" has none.
_ACRONYM = r"(?<![A-Za-z0-9])[A-Z][A-Za-z]*[A-Z][A-Za-z]*(?![A-Za-z0-9])"
_TECH = re.compile(r"(?<![A-Za-z0-9.])\d[A-Za-z]{1,2}(?![A-Za-z0-9])")  # 5G, 6G, 3D: a technology's name
_SPECIFIC = re.compile(
    YEAR_PATTERN + "|" + _ACRONYM + r"|(?<![A-Za-z0-9])[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]+)+(?![A-Za-z0-9])"
)
PLACE_TOPIC = 0.15  # of what a which-places question asks about, that a sentence naming places must share
# "How many … does the paper name / list", "提到了几个": counted by the listing itself.
_NAMES_THEM = re.compile(
    r"\b(?:names?|named|lists?|listed|mentions?|mentioned|cites?|cited|identif(?:y|ies|ied))\b|提到|提及|列了|列出|举了|点名",
    re.I,
)


class Abstention(Unmentioned):
    """Computes :class:`Signals` and applies the thresholds for a question's language."""

    def __init__(
        self,
        scorer: TextScorer,
        limits: dict[str, Limits] | None = None,
        min_similarity: float | dict[str, float] | None = None,
        years: dict[str, frozenset[str]] | None = None,
        titles: str = "",
        closeness: Callable[[str, Sequence[str]], float] | None = None,
    ) -> None:
        self.scorer = scorer
        # the closest in meaning of some texts to a question (the offline model), for Limits.quantity_meaning
        self.closeness = closeness
        # The years a document is known by (its date, its number 国办发〔2021〕26号, its title): "2021年科技成果
        # 评价意见" names the document by its year, and every passage of it is of that year.
        self.years = years or {}
        # The documents' titles and short titles: an acronym in them ("the CAS paper") names a document,
        # not what a figure is about.
        self.titles = titles
        self.limits = dict(limits or LIMITS)
        # Also decline when no passage's embedding is at least this similar to the question's.
        # Cosine scales differ between models, so this is set per model (the Assistant uses the
        # offline model's calibrated value) and is off (None) for a model nobody calibrated.
        self.min_similarity = min_similarity
        self._figures: frozenset[tuple[str, float]] | None = None  # every percentage and sum stated, on first need
        self._figures_lock = threading.Lock()

    def signals(self, query: Query | str, hits: Sequence[Hit]) -> Signals:
        """What the abstention decision looks at (see :class:`Signals`), for the whole question and its focus."""
        if isinstance(query, str):
            query = understand(query)
        forms = [query.text, query.focus] if query.has_focus else [query.text]
        # The offline model's cosine is calibrated on the shipped, translated documents; for a passage
        # nobody translated (a document the user added) it is not a measure of relevance, so the
        # floor is not applied when such a passage leads (support and unknown words still are).
        untranslated_lead = bool(hits) and not hits[0].translation and hits[0].lang != "en"
        similarities = [v for h in hits for leg, v in h.scores.items() if leg in ("dense", "focus_dense")]
        kinds = asked_quantities(query.focus)
        if "count" in kinds and _NAMES_THEM.search(query.focus):
            kinds.append("items")  # "how many centres does it name": the listed names answer it
        top = [both(h) for h in hits[:3]]
        measured = [kind for kind in kinds if kind != "date"]
        quantity_support = meaning = None
        if measured:
            figures = self.figure_sentences(query.focus, hits[:3], measured)
            quantity_support = max((support for support, _ in figures), default=0.0)
            if self.closeness is not None and 0 < quantity_support < MEANING_BAND:
                meaning = self.closeness(query.focus, [text for support, text in figures if support > 0])
        return Signals(
            # a reference that exists (专利法第五十条), or who wrote a text its front matter names (Retriever's
            # "dated" leg: the paper's profile shares no word with "中科院那篇文章是谁写的")
            referenced=any("ref" in h.ranks for h in hits[:5])
            or (bool(ASKS_WHO_WROTE.search(query.focus)) and any("dated" in h.ranks for h in hits[:2])),
            support=max(self.support(form, hits) for form in forms),
            unknown=min(self.scorer.unknown_share(form) for form in forms),
            similarity=max(similarities) if similarities and not untranslated_lead else None,
            quantity_missing=bool(kinds) and not any(gives(t, kind) for t in top for kind in kinds),
            # a dateline shares no word with "when was it issued": it is about the document, not the question
            quantity_support=quantity_support,
            quantity_meaning=meaning,
            untranslated_lead=untranslated_lead,
            place_missing=self.places_missing(query.focus, hits[:3]),
            names_missing=self.names_missing(query.focus, hits[:3]),
            figure_elsewhere=not kinds and self.figure_elsewhere(query.focus, hits[:3]),
            mention_missing=bool(self.unmentioned(query.focus) or self.subjects_missing(query.text)),
            premise_false=bool(self.false_premises(query.text)),
        )

    def false_premises(self, question: str) -> list[str]:
        """The percentages and sums the question asserts that no passage at all states: "Which article fixes
        R&D spending at 2.5% of GDP?", "The CAS paper proposes a 50-billion-yuan fund…" — a question built
        on a figure the documents never give cannot be answered from them (a fourth held-out set's English
        near misses were answered with whatever passage came closest)."""
        claimed = asserted(claims(question))
        if not claimed:
            return []
        stated = self.figures()
        return [written for written, figure in claimed.items() if figure not in stated]

    def figures(self) -> frozenset[tuple[str, float]]:
        """Every percentage and sum the passages state, read on first need (about 2 s for the whole law
        archive: a server reads it at start-up, :meth:`qa.assistant.Assistant.warm_up`)."""
        if self._figures is None:
            with self._figures_lock:
                if self._figures is None:
                    self._figures = frozenset(
                        f for c in self.scorer.chunks.values() for f in figures_in(f"{c.text}\n{c.translation or ''}")
                    )
        return self._figures

    def places_missing(self, focus: str, hits: Sequence[Hit]) -> bool:
        """It asks which places (哪几个省份, which cities) and no sentence of ``hits`` that is about what it
        asks names one: "Which cities were picked for the pilot on cross-border flow of innovation factors?"
        is not answered by 长三角 in a sentence on household registration beside it."""
        asked = ASKS_FOR_PLACES.search(focus)
        if asked is None:
            return False
        topic = self.scorer.question_tokens(focus[: asked.start()] + " " + focus[asked.end() :])
        for hit in hits:
            _, sources, translations = aligned(hit)
            for source, translation in zip(sources, translations, strict=True):
                if places_in(self.scorer.tokenizer(source)) and (
                    not topic or self.scorer.coverage(topic, f"{source}\n{translation or ''}") >= PLACE_TOPIC
                ):
                    return False
        return True

    def names_missing(self, focus: str, hits: Sequence[Hit]) -> bool:
        """It asks which firms or universities, by name, and none of ``hits`` names one; or who wrote or
        drafted a text, by name, and none states its authors (:data:`~qa.search.asked.ASKS_FOR_AUTHORS`)."""
        if ASKS_FOR_AUTHORS.search(focus):
            return not any(STATES_AUTHORS.search(f"{h.text}\n{h.translation or ''}") for h in hits)
        asked = ASKS_FOR_NAMES.search(focus)
        if asked is None:
            return False
        universities = bool(UNIVERSITIES.search(asked.group()))
        return not any(
            organisations_in(h.text, self.scorer.tokenizer(h.text), h.translation or "", universities=universities)
            for h in hits
        )

    def subjects_missing(self, question: str) -> list[str]:
        """Neighbouring laws' subjects the question is about that no passage mentions (商标, "copyright";
        :mod:`qa.answers.subjects`)."""
        english = detect_language(question) == "en"
        return subjects_missing(question, self.scorer.tokenizer(question), self.scorer.mentions, english)

    def figure_elsewhere(self, focus: str, hits: Sequence[Hit]) -> bool:
        """A vague "多少 / how much" about a place, an acronym, a rate or a year that no sentence stating
        a number in ``hits`` is about: "论文中提到苏州2023年的研发投入是多少" met by 2024's national figures."""
        if not figures_wanted(focus):
            return False
        names, years = self.names(focus), set(YEAR.findall(focus))
        what = measured(focus, self.scorer.tokenizer)
        if what is not None:  # "技术合同成交额是多少": not answered by the R&D total beside it
            names.append(what)
        if not names and not years:
            return False
        for hit in hits:
            _, sources, translations = aligned(hit)
            for source, translation in zip(sources, translations, strict=True):
                if not gives(DATES.sub(" ", source), "number"):
                    continue  # a date or a session (2025年3月, 三次会议) is when something was said, no figure
                if self._of_asked(hit, source, translation, years, names):
                    return False
        return True

    def figure_sentences(self, focus: str, hits: Sequence[Hit], kinds: Sequence[str]) -> list[tuple[float, str]]:
        """The sentences of ``hits`` stating an asked-for quantity of what is asked (with their
        translations), each with how much of the question's focus it covers (IDF-weighted): the
        most of these is ``quantity_support``, whether the number is about the thing asked."""
        tokens = self.scorer.question_tokens(focus)
        years = set(YEAR.findall(focus))
        names = [*self.names(focus), *named_by_kind(focus, kinds)]
        unit = COUNT_UNIT.search(focus) if kinds == ["count"] else None
        counted = re.compile(rf"[\d{ZH_DIGITS}]\s*(?:万|亿)?{unit.group(1)}") if unit else None
        out = []
        for hit in hits:
            _, sources, translations = aligned(hit)
            for source, translation in zip(sources, translations, strict=True):
                if not any(gives(source, kind) for kind in kinds):
                    continue
                if counted is not None and not counted.search(source):
                    continue  # "多少件" (patents) is not answered by a count of firms (4500家)
                if not self._of_asked(hit, source, translation, years, names):
                    continue
                text = f"{source}\n{translation or ''}"
                # what the sentence's section is about is what its figure is about: "the minimum reward for an
                # inventor" is met by "the bonus … not less than 4,000 yuan" under "Reward and Remuneration
                # for Inventors or Designers"
                out.append((self.scorer.coverage(tokens, text, f"{hit.section}\n{hit.section_en or ''}"), text))
        return out

    def _of_asked(self, hit: Hit, source: str, translation: str | None, years: set[str], names: Sequence[Name]) -> bool:
        """Whether a sentence stating a figure is of a year the question asks about (its own, its
        section's or its document's: "in 2023" is not answered by the figure for 2024) and names what
        the question asks it of (Jiangsu's share is not the national one)."""
        stated = set(YEAR.findall(f"{hit.section}\n{source}")) | self.years.get(hit.doc_id, frozenset())
        return (not years or bool(years & stated)) and names_met(names, hit, source, translation)

    def names(self, question: str) -> list[Name]:
        """What a figure the question asks for must be about: the places (江苏, 深圳, Hefei), the acronyms
        the documents use (GDP) and the rate asked of (转化率) in its sentences that are not about the
        asker (:func:`topic_sentences`).

        An acronym the documents never use (CNIPA) is the asker's word for something they name
        otherwise; one in their titles ("the CAS paper") names a document."""
        about = " ".join(topic_sentences(question))
        acronyms = [Name((m.lower(),)) for m in _TECH.findall(about)]  # "5G base stations": their count, not others'
        acronyms += [
            Name((a.lower(),), english_only=True)
            for a in re.findall(_ACRONYM, about)
            if all(map(self.scorer.known, self.scorer.tokenizer(a)))
            and not re.search(rf"(?<![A-Za-z]){re.escape(a)}(?![A-Za-z])", self.titles)
        ]
        words = self.scorer.tokenizer(about)
        places = [Name((p,)) for p in places_in(words)]
        # a firm or university ("清华、浙大…的技术转让收入", "华为的研发投入"): its figure, not the nation's
        places += [Name((o,)) for kind in (False, True) for o in organisations_in(about, words, universities=kind)]
        places += [Name((e.lower(), *chinese_names(e))) for e in english_places_in(about)]
        spent = [spent_on(m) for m in SPENT_ZH.findall(about)]
        spent += [m.lower() for m in SPENT_EN.findall(about) if m.lower() not in EN_STOPWORDS]
        return [
            *places,
            *acronyms,
            *(Name((r,)) for r in RATE.findall(about)),
            *(Name((s,)) for s in spent if len(s) >= 2),
        ]

    def declines(self, query: Query | str, hits: Sequence[Hit]) -> bool:
        """Whether to decline: the passages do not cover the question (thresholds in :class:`Signals`)."""
        if isinstance(query, str):
            query = understand(query)
        lang = detect_language(query.text)
        floor = self.min_similarity
        if isinstance(floor, dict):
            floor = floor.get(lang)
        return self.signals(query, hits).declines(self.limits[lang], floor)

    def support(self, question: str, hits: Sequence[Hit]) -> float:
        """How well the best passages cover the question, in [0, 1] (the abstention score).

        The best IDF-weighted coverage of the question's words (or of its Chinese
        translation, for an English question about a Chinese text) by one of the top
        passages, halved when the question names something specific — a year, an
        acronym, a proper name — that none of the passages contains.
        """
        top = list(hits[:5])
        if not top:
            return 0.0
        # a passage is read under its document's title: of "Both the S&T Progress Law and … opinion …", every
        # passage of the Progress Law covers "S&T Progress Law" (only its purpose article repeats the name)
        texts = [both(h) for h in top]
        titles = [f"{h.doc_title}\n{h.doc_title_en or ''}" for h in top]
        best = max(
            self.scorer.coverage(set(self.scorer.tokens(question)), t, n) for t, n in zip(texts, titles, strict=True)
        )
        dated = " ".join(y for h in top for y in self.years.get(h.doc_id, ()))
        chinese = self.scorer.translate(question)
        if chinese:
            zh_tokens = set(self.scorer.tokens(" ".join(chinese)))
            best = max(best, max(self.scorer.coverage(zh_tokens, t, n) for t, n in zip(texts, titles, strict=True)))
        best *= self.scorer.known_weight(question)
        joined = f"{' '.join(texts)} {dated}".lower()
        missing = [
            s
            for s in _SPECIFIC.findall(question)
            if not re.search(rf"(?<![a-z0-9]){re.escape(s.lower())}(?![a-z0-9])", joined)
        ]
        return best * (0.5 if missing else 1.0)

    @staticmethod
    def decline_text(hits: Sequence[Hit], lang: str, unmentioned: Sequence[str] = ()) -> str:
        """The plain decline, naming the nearest topic the documents do cover (and, for "does it mention
        X", that no passage names X)."""
        text = ABSTAIN_TEXT[lang] if hits else NOTHING_NEAR[lang]  # no promise of passages that are not there
        if unmentioned:
            names = "、".join(f"“{n}”" for n in unmentioned) if lang == "zh" else ", ".join(unmentioned)
            text += f"文档中没有提到{names}。" if lang == "zh" else f" No passage mentions {names}."
        if not hits:
            return text
        top = hits[0]
        if lang == "zh":
            return f"{text}最接近的内容在《{top.doc_title}》{top.section}。"
        where = top.section_en or top.section
        title = top.doc_title_en or top.doc_title
        # a passage before the first heading (the paper's opening) has no section: the title alone
        return (
            f"{text} The nearest topic they cover: {title}, {where}."
            if where
            else f"{text} The nearest topic they cover: {title}."
        )
