"""How an answer is put together from the scored sentences of the top passages."""

from __future__ import annotations

from qa import Assistant
from qa.answers.sentences import Sentence, choose, with_runner_up
from qa.schema import Hit


def _sentences(hit: Hit, rank: int, scores: list[float]) -> list[Sentence]:
    return [
        Sentence(hit, rank, i, f"{hit.chunk_id} 第{i}句说了一件事。", None, score) for i, score in enumerate(scores)
    ]


def test_the_second_passage_is_quoted_when_the_first_took_every_place() -> None:
    first = Hit("paper/2.1", "paper", "2.1", "…", None, 1.0, 1)
    second = Hit("paper/3-(1)", "paper", "3 (1)", "…", None, 0.9, 2)
    candidates = _sentences(first, 0, [0.9, 0.8, 0.7, 0.6]) + _sentences(second, 1, [0.3, 0.5])
    chosen = choose(candidates, limit=3)
    assert {s.rank for s in chosen} == {0}
    more = with_runner_up(chosen, candidates)
    assert len(more) == 4 and more[-1].hit is second and more[-1].position == 1  # its best sentence
    # already quoted, or no second passage: nothing added
    assert with_runner_up(choose(candidates, limit=6), candidates) == choose(candidates, limit=6)
    only = _sentences(first, 0, [0.9, 0.8])
    assert with_runner_up(choose(only, limit=1), only) == choose(only, limit=1)


def test_the_third_passage_is_quoted_only_when_nearly_as_good_as_what_was_chosen() -> None:
    first = Hit("paper/2.1", "paper", "2.1", "…", None, 1.0, 1)
    second = Hit("paper/3-(1)", "paper", "3 (1)", "…", None, 0.9, 2)
    third = Hit("paper/3-(4)", "paper", "3 (4)", "…", None, 0.8, 3)
    chosen_part = _sentences(first, 0, [0.9, 0.8, 0.7])
    close = chosen_part + _sentences(second, 1, [0.3]) + _sentences(third, 2, [0.6])  # 0.6 >= 0.8 * 0.7
    far = chosen_part + _sentences(second, 1, [0.3]) + _sentences(third, 2, [0.5])
    assert [s.hit for s in with_runner_up(choose(close, limit=3), close)][-2:] == [second, third]
    assert [s.hit for s in with_runner_up(choose(far, limit=3), far)][-1] is second


def test_the_pieces_of_one_paragraph_are_quoted_in_their_own_order() -> None:
    """A long paragraph cut into two chunks is one passage: its sentences keep the text's order."""
    from qa.answers.sentences import reading_order

    first = Hit("paper/3-(4)", "paper", "3 (4)", "甲" * 100, None, 1.0, 1)  # characters 1000-1100
    piece = Hit("paper/3-(4)-p1~1", "paper", "3 (4)", "乙" * 50, None, 0.9, 2)  # runs on at 1100
    other = Hit("paper/2.1", "paper", "2.1", "丙" * 40, None, 0.8, 3)  # elsewhere, at 500
    early = Sentence(first, 1, 3, "培育期的做法。", None, 0.5, 1000)
    later = Sentence(piece, 0, 0, "发展期的做法。", None, 0.9, 1100)
    middle = Sentence(other, 2, 0, "另一段。", None, 0.7, 500)
    assert reading_order([later, middle, early]) == [early, later, middle]
    apart = Sentence(Hit("paper/3-(4)-p1~1", "paper", "3 (4)", "乙" * 50, None, 0.9, 2), 0, 0, "x", None, 0.9, 1200)
    assert reading_order([apart, middle, early]) == [apart, middle, early]  # a gap: two passages, best first


def test_the_best_sentence_s_list_is_quoted_whole_and_a_weaker_one_s_only_as_far_as_the_cap() -> None:
    from qa.answers.sentences import whole_units

    weak = Hit("patent-regulations/第八十五条", "patent-regulations", "第八十五条", "…", None, 1.0, 1)
    best = Hit("patent-regulations/第八十六条", "patent-regulations", "第八十六条", "…", None, 0.9, 2)

    def listing(hit: Hit, rank: int, lead_score: float) -> list[Sentence]:
        lead = Sentence(hit, rank, 0, f"{hit.section} 有下列情形之一的：", None, lead_score)
        items = [Sentence(hit, rank, i, f"（{'一二三四五'[i - 1]}）第{i}种情形；", None, 0.2) for i in range(1, 6)]
        return [lead, *items]

    candidates = listing(weak, 0, 0.9) + listing(best, 1, 1.2)
    chosen = [candidates[0], candidates[6]]  # both lead-ins
    quoted = whole_units(chosen, candidates, cap=5)
    from_best = [s for s in quoted if s.hit is best]
    assert len(from_best) == 6  # its lead-in and all five items, past the cap
    assert len([s for s in quoted if s.hit is weak]) == 1  # the weaker list's items did not fit
    assert len(whole_units(chosen, candidates, cap=12)) == 12  # room for both


def test_a_question_asking_what_is_not_allowed_gets_the_sentence_that_forbids_with_its_items(
    assistant: Assistant,
) -> None:
    answer = assistant.ask("When is a patent owner not alowed to put a patent under an open licence in China?")
    quotes = [c.quote for c in answer.citations if c.chunk_id == "patent-regulations/第八十六条"]
    assert any("shall not grant an open license" in q for q in quotes)
    assert sum(q.lstrip().startswith("(") for q in quotes) == 5  # every circumstance, (1) to (5)


def test_asking_how_two_kinds_of_patent_differ_quotes_what_each_is(assistant: Assistant) -> None:
    from qa.search.asked import ASKS_DEFINITION, STATES_DEFINITION

    assert ASKS_DEFINITION.search("What's the difference between an invention patent and a utility model?")
    assert ASKS_DEFINITION.search("开放许可是什么意思？")
    assert not ASKS_DEFINITION.search("How long does a design patent last?")
    assert STATES_DEFINITION.search("实用新型，是指对产品的形状、构造或者其结合所提出的适于实用的新的技术方案。")
    answer = assistant.ask("What is the difference between an invention patent and a utility model?")
    assert "patent-law/第二条" in [c.chunk_id for c in answer.citations]  # "Utility model means …"
