"""Any string at all, asked or searched: an Answer, a list of hits, or a QuestionError — never anything else.

A few hundred inputs here (the README's test command); ``QA_FUZZ_EXAMPLES=10000`` for the long run.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa import Assistant
from qa.schema import Answer
from qa.text import QuestionError

EXAMPLES = int(os.environ.get("QA_FUZZ_EXAMPLES", "300"))
# Questions people might type, and junk: CJK (simplified and traditional), references, numbers, markup.
pieces = st.sampled_from(
    ["第", "条", "第一千条", "第七条政策建议", "专利法", "Article 1000", "proposal (9)", "§9.9", "表3", "國發〔2016〕16號",
     "百分之", "多少钱", "how long", "?", "？", "[6]", "![x](http://a)", "<script>", "\u200b", "\ufeff", "𝔘", "的", " "]
)  # fmt: skip
questions = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(pieces, st.text(max_size=8)), max_size=30).map("".join),
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=questions)
def test_any_string_is_answered_or_refused_with_a_clear_error(assistant: Assistant, question: str) -> None:
    try:
        answer = assistant.ask(question)
    except QuestionError as exc:
        assert str(exc)
        return
    assert isinstance(answer, Answer) and (answer.abstained or answer.citations)
    for citation in answer.citations:
        assert f"[{citation.marker}]" in answer.text
    assert isinstance(assistant.search(question, k=3), list)


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
@settings(max_examples=max(20, EXAMPLES // 10), deadline=None)
@given(question=questions, k=st.integers(min_value=1, max_value=10_000))
def test_search_with_any_k_and_mode(assistant: Assistant, mode: str, question: str, k: int) -> None:
    try:
        hits = assistant.search(question, k=k, mode=mode)
    except QuestionError:
        return
    assert len(hits) <= k and [h.rank for h in hits] == list(range(1, len(hits) + 1))
