"""Writing an answer down: each quote cited with its own marker, in the question's language.

Takes the quotes an answerer chose, grouped (one group per list item, comparison side or
document), and gives the :class:`qa.schema.Answer`: its text with ``[n]`` markers, a
:class:`qa.schema.Citation` per quote, the English translation quoted for an English question
with the glossary's Chinese terms after their first use, and a law article's number before a
clause quoted from inside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from qa.answers.citing import article_mark
from qa.corpus.glossary import Glossary
from qa.schema import Answer, Citation, Document, Hit
from qa.search.asked import set_apart_footnotes

UNTRANSLATED_NOTE = "Some passages have no English translation yet; they are quoted in the original Chinese."
# A reader who cites an English quote must know whose words it is (a trial user could not tell).
UNOFFICIAL_NOTE = (
    "The English quotes are unofficial translations made for this project; "
    "the Chinese original, shown with each source, is the authoritative text."
)


def official_translations(docs: Iterable[Document]) -> frozenset[str]:
    """The ids of documents whose ``meta.yaml`` calls their English translation official."""
    return frozenset(
        d.id
        for d in docs
        if isinstance(d.meta.get("translation"), dict) and d.meta["translation"].get("official") is True
    )


class AnswerWriter:
    """Turns chosen quotes into an :class:`Answer` (see the module docstring)."""

    def __init__(self, glossary: Glossary | None = None, official: frozenset[str] = frozenset()) -> None:
        """``official``: the documents whose English translation is an official one (their
        ``meta.yaml`` says ``translation: {official: true}``); quotes from any other translation
        carry :data:`UNOFFICIAL_NOTE`."""
        self.glossary = glossary
        self.official = official

    def assemble(
        self,
        question: str,
        lang: str,
        groups: list[list[tuple[Hit, str, str | None]]],
        hits: Sequence[Hit],
        *,
        intro: str | None = None,
        labels: Sequence[str] = (),
        articles: bool = True,
        lead: bool = False,
    ) -> Answer:
        """Cite every quote with its own marker; with ``intro``, each group is a numbered list item
        (``lead``: but the first, the list's lead-in, follows the intro); with ``labels`` and no intro,
        each group is a line of its own under its label.

        ``articles``: a quote from the middle of a law article that is the first from that article
        is preceded by the article's number, "（第七十一条）" / "(Article 71)": without it, a clause
        quoted after another article's text reads as that article's (a trial user's damages answer).
        A list's items are numbered under their article's heading already (``articles=False``).
        """
        citations: list[Citation] = []
        lines: list[str] = []
        untranslated = unofficial = False
        annotated: set[str] = set()
        seen: set[str] = set()
        for group in groups:
            shown_group = []
            for hit, source, translation in group:
                mark = article_mark(hit, source, lang) if articles and hit.chunk_id not in seen else ""
                seen.add(hit.chunk_id)
                quote, quote_lang, other, shown = source, hit.lang, translation, source
                if lang == "en" and hit.lang != "en":
                    if translation:
                        quote, quote_lang, other = translation, "en", source
                        shown = self.annotate(translation, source, annotated)
                        unofficial = unofficial or hit.doc_id not in self.official
                    else:
                        untranslated = True
                n = len(citations) + 1
                citations.append(
                    Citation(
                        n,
                        hit.chunk_id,
                        hit.doc_id,
                        hit.section,
                        quote,
                        quote_lang,
                        other,
                        hit.section_en,
                        hit.doc_title,
                    )
                )
                shown_group.append(f"{mark}{set_apart_footnotes(shown)} [{n}]")
            line = ("" if lang == "zh" else " ").join(shown_group)
            if len(labels) > len(lines):
                line = f"{labels[len(lines)]}{'：' if lang == 'zh' else ': '}{line}"
            lines.append(line)
        if intro is not None:
            first = f"{'' if lang == 'zh' or not intro else ' '}{lines.pop(0)}" if lead and lines else ""
            text = intro + first + "".join(f"\n{i}. {line}" for i, line in enumerate(lines, start=1))
        else:
            text = ("\n" if labels else "" if lang == "zh" else " ").join(lines)
        notes = ((UNTRANSLATED_NOTE,) if untranslated else ()) + ((UNOFFICIAL_NOTE,) if unofficial else ())
        if untranslated:
            text = f"{UNTRANSLATED_NOTE}\n{text}"
        sources = {hit.chunk_id: hit for group in groups for hit, _, _ in group}
        return Answer(question, text, lang, False, tuple(citations), tuple(hits), notes, tuple(sources.values()))

    def annotate(self, english: str, chinese: str, done: set[str]) -> str:
        """The English sentence with the original Chinese after each glossary term's first use.

        Longer renderings go first and a shorter one never lands inside a longer one:
        "service S&T achievement (职务科技成果)", not "service S&T achievement (科技成果) (职务科技成果)".
        """
        if self.glossary is None:
            return english
        terms = {term.zh: term for _, term in self.glossary.find(chinese) if term.zh not in done}
        ordered = sorted(terms.values(), key=lambda t: -max((len(r) for r in t.renderings), default=0))
        out = english
        taken: list[tuple[int, int]] = []  # spans of ``out`` already annotated
        for term in ordered:
            for rendering in sorted(term.renderings, key=len, reverse=True):
                pattern = rf"(?<![A-Za-z]){re.escape(rendering)}[A-Za-z]*"  # whole words: "tensions"
                match = next(
                    (
                        m
                        for m in re.finditer(pattern, out, re.I)
                        if all(m.end() <= a or m.start() >= b for a, b in taken)
                    ),
                    None,
                )
                if match is None or f"({term.zh})" in out:
                    continue
                note = f" ({term.zh})"
                out = f"{out[: match.end()]}{note}{out[match.end() :]}"
                taken = [(a + len(note), b + len(note)) if a >= match.end() else (a, b) for a, b in taken]
                taken.append((match.start(), match.end() + len(note)))
                done.add(term.zh)
                break
        return out
