"""Stage 3, answers: a question and ranked passages in, a cited answer (or a decline) out.

Takes the :class:`~qa.search.query.Query` and :class:`~qa.schema.Hit` lists from
:mod:`qa.search`; gives an :class:`~qa.schema.Answer` whose every sentence is a
verbatim quote with a citation that resolves to a passage in the answer.

Answers never search an index themselves beyond what they are handed, never read
files, and never import an interface.

    scoring     how much of a question a sentence covers
    sentences   splitting and choosing quotable sentences
    lists       enumerations (the five tensions, the six proposals)
    contents    a document's layout, and the kinds its headings name (专利法有哪几章, 哪几种要素)
    parts       a question's second ask answered in a part of its own
    abstention  when to decline, and what nearby topic to offer
    subjects    neighbouring laws' subjects no passage mentions (商标, copyright)
    figures     what a figure asked for must be about (a place, a rate, what money is spent on)
    meaning     sentences scored by embedding similarity too, their vectors remembered
    writing     an answer's text and citations from the chosen quotes
    answering   the extractive answerer
    llm         an optional LLM that may only rephrase the quotes
"""
