"""Questions that ask two things: a part for the second ask (qa.answers.parts)."""

from __future__ import annotations

import re

from qa.answers.parts import further_asks, with_parts
from qa.assistant import Assistant
from qa.schema import Answer, Citation, Hit


def test_only_asks_that_stand_on_their_own_get_a_part() -> None:
    assert further_asks("专利的 open license（开放许可）声明里必须写哪些内容？什么情况下不能搞 open license？") == [
        "什么情况下不能搞 open license？"
    ]
    assert further_asks("发明专利最少多少奖金？实用新型的呢？") == []  # a follow-up: the short answer takes it
    assert further_asks("Does the paper want the same? How do the two approaches differ?") == []  # points back
    assert further_asks("专利权的期限是多少年？") == []


def _hit(chunk_id: str) -> Hit:
    return Hit(chunk_id, "doc", "§", "text", None, 1.0, 1, "zh")


def test_a_part_follows_the_answer_with_its_markers_numbered_on() -> None:
    whole = Answer(
        "q", "甲 [1]乙 [2]", "zh", False, (Citation(1, "a", "doc", "§", "甲", "zh"), Citation(2, "b", "doc", "§", "乙", "zh")),
        (_hit("a"), _hit("b")), sources=(_hit("a"), _hit("b")),
    )  # fmt: skip
    part = Answer(
        "二问？", "丙 [1]", "zh", False, (Citation(1, "c", "doc", "§", "丙", "zh"),), (_hit("c"),), sources=(_hit("c"),)
    )
    declined = Answer("三问？", "没有", "zh", True)
    merged = with_parts(whole, [("二问？", part), ("三问？", declined)])
    assert merged.text == "甲 [1]乙 [2]\n\n关于“二问？”：丙 [3]"  # a declined part says nothing
    assert [c.marker for c in merged.citations] == [1, 2, 3] and merged.citations[2].chunk_id == "c"
    assert [h.chunk_id for h in merged.sources] == ["a", "b", "c"]


def test_the_second_ask_of_a_question_is_answered_too(assistant: Assistant) -> None:
    # a trial user's question: the list of Art. 85 answered its first ask alone
    answer = assistant.ask("专利的 open license（开放许可）声明里必须写哪些内容？什么情况下不能搞 open license？")
    cited = [c.chunk_id for c in answer.citations]
    assert "patent-regulations/第八十五条" in cited and "patent-regulations/第八十六条" in cited  # Art. 86: the cases
    markers = [int(m) for m in re.findall(r"\[(\d+)\]", answer.text)]
    assert markers == list(range(1, len(answer.citations) + 1))
    for c in answer.citations:
        chunk = next(ch for ch in assistant.chunks if ch.id == c.chunk_id)
        assert c.quote in chunk.text
