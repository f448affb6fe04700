"""Extractive answers: the sentences (or list items) of the retrieved passages that answer, each cited.

No language model: every quote is taken verbatim from a passage, so it is an
exact substring by construction. The answerer

1. declines when the passages do not cover the question (:mod:`qa.answers.abstention`),
   showing them as related reading;
2. answers a list question ("the five tensions", "六方面政策建议", "融合四势") from
   a listing passage — every item with its own citation (:mod:`qa.answers.lists`);
3. otherwise picks the sentences that share most of the question's weighted
   vocabulary (in either language, with the section heading as context), drops
   repetition and puts them back in reading order.

English answers quote the English translation and add the original Chinese of
the glossary's terms in parentheses; a passage with no translation is quoted in
Chinese, and the answer says so (:mod:`qa.answers.writing` writes the answer down).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from qa.answers.abstention import ABSTAIN_TEXT, NOT_COMPOSED, Abstention
from qa.answers.citing import document_label, is_article
from qa.answers.comparing import Comparer
from qa.answers.contents import contents_of, kinds_of
from qa.answers.figures import document_titles, document_years, figure_of, premise_note, premises_missing
from qa.answers.lead import Lead, find_lead
from qa.answers.lists import (
    Structure,
    choose_list,
    explanation_of,
    hit_for,
    lead_in,
    list_intent,
    opening_of,
)
from qa.answers.meaning import SentenceMeaning, scored_texts
from qa.answers.scoring import TextScorer
from qa.answers.sentences import (
    Asked,
    Sentence,
    aligned,
    choose,
    on_one_scale,
    short_units,
    whole_units,
    with_runner_up,
)
from qa.answers.thresholds import Limits
from qa.answers.unmentioned import BODY_NOTE, PLACE_NOTE
from qa.answers.writing import AnswerWriter, official_translations
from qa.corpus.glossary import Glossary
from qa.schema import Answer, Chunk, Hit
from qa.search.asked import (
    ASKS_FOR_FRONT_MATTER,
    ASKS_TO_COMPOSE,
    ASKS_WHO_WROTE,
    COMPARE,
    NOT_ANSWERS,
    PREFERRED,
    compared_terms,
    figures_wanted,
    gives,
    is_heading,
    is_run_in_heading,
    preferences,
    set_apart_footnotes,
)
from qa.search.embedding import Embedder
from qa.search.query import Query, understand
from qa.search.references import Dangling
from qa.search.tokenize import Tokenizer
from qa.text import detect_language, norm

# "what does Article 45 say", "第二十四条规定了什么": the question is about the whole unit it names
_WHOLE_UNIT = re.compile(
    r"讲了什么|说了什么|规定了什么|写了什么|主要内容|内容是什么|怎么规定|如何规定|是怎样规定|有什么规定|要求什么|"
    r"\bwhat (?:does|do|did)\b.*\b(?:say|provide|require|stipulate|state)\b|\bwhat is in\b|\bsummari[sz]e\b",
    re.I,
)
# "罚款最高是多少": 最高 asks for a bound (scored as one above), it names no topic — as a word it matched
# 国家最高科学技术奖, and the Progress Law's awards article was quoted whole in an answer about fines.
BOUND_WORDS = frozenset({"最高", "最低", "最多", "最少", "至少", "最长", "最短", "上限", "下限", "maximum", "minimum"})
# "how" asks for an explanation, "how long / how much" for a figure (not broad; "how many" often wants the items)
_BROAD = re.compile(
    r"为什么|如何|怎么|怎样|区别|异同|相比|比较|why|how(?!\s+(?:long|much|often|far|soon|old|big|large|high|low)\b)"
    r"|compare|differ|versus|\bvs\b|explain",
    re.I,
)


class ExtractiveAnswerer(TextScorer):
    """Builds an :class:`Answer` from ranked hits (see the module docstring)."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        idf: Callable[[str], float],
        *,
        structure: Structure | None = None,
        chunks: dict[str, Chunk] | None = None,
        glossary: Glossary | None = None,
        translate: Callable[[str], list[str]] | None = None,
        limits: dict[str, Limits] | None = None,
        min_similarity: float | dict[str, float] | None = None,
        embedder: Embedder | None = None,
        semantic: dict[str, float] | None = None,
    ) -> None:
        super().__init__(tokenizer, idf, translate, chunks)
        self.structure = structure
        self.glossary = glossary
        self.writer = AnswerWriter(glossary, official_translations(structure.docs.values() if structure else ()))
        self.comparer = Comparer(self._sentences, self.writer, self._start, self.tokens)
        # The embedding model scores sentences by meaning as well as by words, per question language:
        # an English question meets the translation in other words, a Chinese one the source in its own
        # (measured on both question sets: evals/README.md).
        self.embedder = embedder
        self.meaning = SentenceMeaning(embedder, semantic)
        # Whether to answer at all: limits per language (qa.answers.thresholds), the embedding floor for
        # models somebody calibrated, and the model's judgement of a figure's sentence by meaning.
        docs = list(structure.docs.values()) if structure is not None else []
        closeness = self._closeness if embedder is not None else None
        self.abstention = Abstention(
            self, limits, min_similarity, document_years(docs), document_titles(docs), closeness=closeness
        )

    # -- answering --------------------------------------------------------------------

    def answer(
        self,
        query: Query | str,
        hits: Sequence[Hit],
        lang: str,
        dangling: Sequence[Dangling] = (),
        named: Sequence[str] = (),
    ) -> Answer:
        """The answer to ``query`` (a :class:`Query`, or a plain question) from ``hits``.

        ``dangling``: the question's references that point at nothing (第七条政策建议);
        the answer then declines and says what the documents have instead. ``named``:
        the documents the question names, the sides of a comparison of two documents.
        A percentage the question assumes that no passage states ("细则规定不低于2%在哪一条")
        is pointed out in the answer's notes: quoted around, it read as confirmed (a trial user).
        """
        if isinstance(query, str):
            query = understand(query, lang=lang)
        answer = self._answer(query, hits, lang, dangling, named)
        if answer.abstained:
            return answer
        notes = [premise_note(missing, lang)] if (missing := premises_missing(query.focus, hits)) else []
        join = "、".join if lang == "zh" else ", ".join
        if bodies := self.abstention.bodies_unmentioned(query.text):  # "…the Supreme People's Court?"
            notes.append(BODY_NOTE[lang].format(names=join(bodies)))
        cited = [h for h in hits if h.chunk_id in {c.chunk_id for c in answer.citations}]
        if cited and (places := self.abstention.places_unmentioned(query.text, cited)):  # "深圳市…有什么地方性奖励政策"
            notes.append(PLACE_NOTE[lang].format(names=join(places)))
        return replace(answer, notes=(*answer.notes, *notes)) if notes else answer

    def _answer(
        self,
        query: Query,
        hits: Sequence[Hit],
        lang: str,
        dangling: Sequence[Dangling] = (),
        named: Sequence[str] = (),
    ) -> Answer:
        """:meth:`answer` before its notes on the question's premises."""
        question = query.text
        if dangling:
            notes = " ".join(d.zh if lang == "zh" else d.en for d in dangling)
            return Answer(question, f"{ABSTAIN_TEXT[lang]} {notes}", lang, True, (), tuple(hits))
        if ASKS_TO_COMPOSE.search(query.focus):  # "Write a short poem about patents": quotes are no poem
            return Answer(question, NOT_COMPOSED[lang], lang, True, (), tuple(hits))
        if self.structure is not None and (
            contents := contents_of(self.structure, query.focus, hits, named, lang)
            or kinds_of(self.structure, query.focus, hits, named, lang)
        ):
            return self.writer.assemble(question, lang, contents[1], hits, intro=contents[0], articles=False)
        q_tokens = self.question_tokens(question)
        if not hits or self.abstention.declines(query, hits):
            # "实践逻辑部分讲了哪四个方面": a retrieved listing with exactly the items counted, as relevant as a
            # list answer must be, is the answer even when the embedding finds the short question far away.
            # Fixed-set en false abstention 0.023 -> 0.012, natural zh 0.040 -> 0.027; no near miss answered.
            # So is a section's items when the question repeats the section's heading (Structure.names_its_section).
            counted = self._list_answer(query, q_tokens, list(hits), lang, counted_only=True) if hits else None
            if counted is not None:
                return counted
            missing = [
                *self.abstention.unmentioned(query.focus),
                *self.abstention.subjects_missing(query.text),
                *self.abstention.false_premises(query.text),
            ]
            text = Abstention.decline_text(hits, lang, missing)
            return Answer(question, text, lang, True, (), tuple(hits))
        broad = bool(_BROAD.search(question))
        asked = self.asked(query, lang)
        pool = [h for h in hits if self.chunks.get(h.chunk_id) is None or self.chunks[h.chunk_id].kind != "outline"]
        if lang == "zh" and any(h.lang != "en" for h in pool):  # the journal's English abstract repeats the Chinese
            pool = [h for h in pool if h.lang != "en"]
        referenced = [h for h in pool if "ref" in h.ranks]  # 第四条政策建议: answer from what it points at
        if COMPARE.search(query.focus):  # before lists: "(1) vs (6)" compares two items, it does not list six
            pointed = referenced or [h for h in pool if "section" in h.ranks or "focus_section" in h.ranks]
            terms = compared_terms(query.focus) or ()
            compared = self.comparer.compare(question, lang, pool, pointed, named, terms, asked, hits)
            if compared is not None:
                return compared
        listed = self._list_answer(query, q_tokens, list(hits), lang)
        if listed is not None:
            return listed
        # "when was it issued": the document's dateline, under its name; "who wrote it": its profile or signature
        if "date" in asked.kinds or ASKS_WHO_WROTE.search(query.focus):
            dated = next((h for h in pool if "dated" in h.ranks), None)  # retrieval found its dateline
            if dated is not None:
                _, sources, translations = aligned(dated)
                group = [
                    (dated, source, translation) for source, translation in zip(sources, translations, strict=True)
                ]
                return self.writer.assemble(question, lang, [group], hits, labels=[document_label(dated, lang)])
        pool = (referenced or pool)[:5]
        asked = on_one_scale(asked, pool)
        candidates = [s for rank, hit in enumerate(pool) for s in self._sentences(hit, rank, asked)]
        if not candidates:  # only headings came back: quote them rather than say nothing
            candidates = [s for rank, hit in enumerate(pool) for s in self._sentences(hit, rank, asked, headings=True)]
        limit, extra = (6, 4) if broad else (4, 4)
        if asked.kinds and "count" not in asked.kinds and not broad and lang == "en":
            # "how long / how much" in English: the clause with the figure and little around it. An English
            # answer runs four times the Chinese one's length; with "how long" no longer broad and 3 + 1
            # quotes, figure answers' median 2,252 -> 1,539 characters on the natural set, no key point
            # lost in any set (python evals/answer_lengths.py, here and at d385630~1)
            limit, extra = 3, 1
        if referenced and _WHOLE_UNIT.search(question):
            limit = 10  # quote the article (or section) it names, in order, not just its best sentences
        chosen = choose(candidates, limit=limit)
        if not (asked.kinds and "count" not in asked.kinds):  # a figure's clause is the answer, and short
            chosen = with_runner_up(chosen, candidates)
            extra += 2
        chosen = whole_units(chosen, candidates, limit + extra)
        if not chosen:  # nothing quotable came back (only bibliography entries, say): decline, never say nothing
            return Answer(question, Abstention.decline_text(hits, lang), lang, True, (), tuple(hits))
        # Each document's quotes under its name, on a line of their own: run together, "第四十五条 …" after the
        # regulations' Article 93 read as the regulations' (a trial user); and one law's too, or an English
        # answer starts "Article 120 …" without saying of which law (another trial user)
        documents = list(dict.fromkeys(s.hit.doc_id for s in chosen))
        if len(documents) == 1 and not is_article(chosen[0].hit):  # the paper or an opinion: its sections say where
            ordered = [[s] for s in chosen]
            labels: list[str] = []
        else:
            ordered = [[s for s in chosen if s.hit.doc_id == d] for d in documents]
            labels = [document_label(group[0].hit, lang) for group in ordered]
        groups = [[(s.hit, s.source, s.translation) for s in group] for group in ordered]
        answer = self.writer.assemble(question, lang, groups, hits, labels=labels)
        return self._with_lead(answer, [s.score for group in ordered for s in group], asked, query.focus)

    def _with_lead(self, answer: Answer, scores: Sequence[float], asked: Asked, focus: str) -> Answer:
        """The answer with the clause that states the asked figure first (:mod:`qa.answers.lead`)."""
        tokens = asked.focus or asked.tokens
        quotes = [(c.marker, c.quote, score) for c, score in zip(answer.citations, scores, strict=True)]
        lead = find_lead(
            quotes,
            asked.kinds,
            answer.language,
            lambda text: self.match(tokens, text),
            question=focus,
            nouns=figure_of(focus, self.tokenizer),
            sections={c.marker: f"{c.section}\n{c.section_en or ''}" for c in answer.citations},
        )
        if lead is None:
            return answer
        # the paper's own footnote markers set apart, as in the quotes below: only [n] are citations
        lead = Lead(tuple((set_apart_footnotes(text), marker) for text, marker in lead.parts))
        return replace(answer, text=f"{lead.line(answer.language)}\n{answer.text}")

    def _start(self, hit: Hit) -> int:
        chunk = self.chunks.get(hit.chunk_id)
        return chunk.start if chunk else 0

    def _list_answer(
        self, query: Query, q_tokens: set[str], hits: list[Hit], lang: str, *, counted_only: bool = False
    ) -> Answer | None:
        """A listing's items, when the asking part of the question wants a list (a pasted passage before
        "…是多少？" holds numbered parts of its own, and was answered with the paper's three logics)."""
        question = query.text
        intent = list_intent(query.focus)
        if intent is None or self.structure is None:
            return None

        def names(heading: str) -> float:
            return self.coverage(set(self.question_tokens(heading)), question)

        # a section's items answer, below the similarity floor too, a question that repeats its heading
        # ("要素市场化配置意见里关于技术要素市场提了哪些措施": a trial's wrong decline, cosine 0.3698 < 0.37)
        top = self.chunks.get(hits[0].chunk_id) if hits else None
        if counted_only and intent.count is None and not (top and self.structure.names_its_section(top, names)):
            return None

        def relevance(chunk: Chunk) -> float:
            return self.coverage(
                q_tokens, f"{chunk.section}\n{chunk.text}\n{chunk.section_en or ''}\n{chunk.translation or ''}"
            )

        referenced = [h for h in hits if "ref" in h.ranks]  # "section 2.5 …": lists only from what it points at
        found = choose_list(intent, (referenced or hits)[:8], self.chunks, self.structure, relevance, names=names)
        if found is None:
            return None
        listing, items = found
        groups = []
        lead = lead_in(items[0])
        if lead is not None:  # the sentence that says what the items are for, quoted after the heading
            first = hit_for(items[0].chunk, hits)  # (after the article's opening, when more is asked)
            groups.append([*((first, *s) for s in opening_of(items[0], question)), (first, *lead)])
        for item in items:
            hit = hit_for(item.chunk, hits)
            group = [(hit, item.text, item.translation)]
            explanation = explanation_of(item)
            if explanation is not None:
                group.append((hit, *explanation))
            groups.append(group)
        title = self.structure.listing_title(listing, items, lang)
        intro = f"{title}（共{len(items)}项）：" if lang == "zh" else f"{title} ({len(items)} items):"
        opening = groups[0][0][1:] if lead is not None else None  # (source, translation) quoted first
        if opening is not None and (opening[1] if lang == "en" and opening[1] else opening[0]).startswith(title):
            intro = ""  # "第二十四条 申请专利的发明创造……：" names the article itself
        return self.writer.assemble(question, lang, groups, hits, intro=intro, articles=False, lead=lead is not None)

    def _sentences(self, hit: Hit, rank: int, asked: Asked, *, headings: bool = False) -> list[Sentence]:
        """The passage's sentences scored against the question (``headings``: heading lines too)."""
        chunk = self.chunks.get(hit.chunk_id)
        if chunk is not None and chunk.kind in NOT_ANSWERS and not asked.front_matter:
            return []  # keyword lines, bibliography entries, author notes: never an answer sentence
        spans, sources, translations = aligned(hit)
        units = short_units(hit.text, spans)
        path = f"{hit.section}\n{hit.section_en or ''}"
        context = self.coverage(asked.tokens, path)
        texts = scored_texts(sources, translations)
        closeness = self.meaning.closeness(asked.vector, texts)
        # A passage nobody translated can only match an English question's Chinese translation: scored
        # against all the question's words, its sentences could reach half of a translated one's fit.
        untranslated = (
            (asked.chinese_everywhere or not hit.translation) and hit.lang != "en" and asked.chinese is not None
        )
        own, focus = asked.chinese if untranslated and asked.chinese else (asked.tokens, asked.focus)
        out = []
        for i, src in enumerate(sources):
            # a run-in heading runs on into its item's text ("（一）指导思想。以……"); a short item on a line of its
            # own ("（八）科学技术普及。") is a list's last item, which had been dropped from Art. 87's eight (trial 9)
            runs_on = i < len(sources) - 1 and "\n" not in hit.text[spans[i][1] : spans[i + 1][0]]
            if not headings and (is_heading(src, path) or (runs_on and is_run_in_heading(src))):
                continue  # the section path already shows it, or it is an item's title: a heading answers nothing
            fit = self.match(own, texts[i])
            if focus:
                fit = 0.4 * fit + 0.6 * self.match(focus, texts[i])
            score = fit + asked.semantic * closeness[i] + 0.25 * context + 0.15 / (rank + 1)
            if asked.kinds:  # "how much / how long": the clause that states it, not the article's opening line
                score += 0.35 if any(gives(src, kind) for kind in asked.kinds) else 0.0
            both = f"{src}\n{translations[i] or ''}"
            score += PREFERRED * sum(bool(p.states.search(both if p.in_translation else src)) for p in asked.preferred)
            if len(norm(src)) < 6:
                score -= 0.3  # a fragment says little on its own
            start = chunk.start if chunk else 0
            out.append(Sentence(hit, rank, i, src, translations[i], score, start, units[i]))
        return out

    def asked(self, query: Query, lang: str) -> Asked:
        """What the question asks, worked out once to score every candidate sentence (see :class:`Asked`)."""
        question = query.text
        return Asked(
            self.question_tokens(question) - BOUND_WORDS,
            # a long question's sentences are chosen mostly by what it asks, not by its context
            self.question_tokens(query.focus) - BOUND_WORDS if query.has_focus else None,
            figures_wanted(query.focus),
            bool(ASKS_FOR_FRONT_MATTER.search(question)),
            *self.meaning.of_question(query.focus),
            self._chinese_words(query) if lang == "en" or detect_language(question) == "en" else None,
            preferred=preferences(query.focus),
        )

    def _chinese_words(self, query: Query) -> tuple[set[str], set[str] | None]:
        """The known words of the question's (and its focus's) word-by-word Chinese translation."""

        def words(text: str) -> set[str]:
            return {t for t in self.tokenizer(" ".join(self.translate(text))) if self.idf(t) > 0}

        return words(query.text), words(query.focus) if query.has_focus else None

    def _closeness(self, question: str, texts: Sequence[str]) -> float:
        """The highest cosine of ``texts`` (sentences with their translations, as :func:`scored_texts`
        makes them) to ``question``, their vectors remembered with the answer's own (0 for no texts)."""
        if self.embedder is None or not texts:
            return 0.0
        asked = np.asarray(self.embedder.embed_queries([question])[0], dtype=np.float32)
        return max(self.meaning.closeness(asked, list(texts)))

    def prepare(self) -> threading.Thread | None:
        """Embed every passage's sentences now, in another thread (see :meth:`SentenceMeaning.prepare`)."""
        return self.meaning.prepare(self.chunks.values())
