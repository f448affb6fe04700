"""How an answer is put together from the scored sentences of the top passages."""

from __future__ import annotations

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
