"""Centring e5 questions on the reader questions' mean: which sample, what it does to a ranking, its file form."""

from __future__ import annotations

import numpy as np
import pytest

from qa.search import centring
from qa.search.centring import Centroids


def _embed_counting(calls: list[list[str]]):  # type: ignore[no-untyped-def]
    def embed(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return np.array([[1.0, float(len(t)), 0.0] for t in texts], dtype=np.float32)

    return embed


QUESTIONS = [f"问题{i}是什么" for i in range(100)] + [f"What is question {i}?" for i in range(100)]


def test_the_sample_is_per_language_bounded_and_independent_of_order() -> None:
    a = Centroids.sample(QUESTIONS, "enc")
    b = Centroids.sample(list(reversed(QUESTIONS)) + QUESTIONS[:10], "enc")  # reordered, some twice
    assert set(a) == {"zh", "en"} and a == b
    assert all(len(texts) == centring.SAMPLE for _, texts in a.values())
    assert all(t.startswith("What") for t in a["en"][1]) and all(t.startswith("问题") for t in a["zh"][1])
    assert Centroids.sample(QUESTIONS, "another encoder")["en"][0] != a["en"][0]  # the key names the encoder


def test_the_mean_is_reused_only_for_the_same_sample() -> None:
    calls: list[list[str]] = []
    first = Centroids.build(QUESTIONS, "enc", _embed_counting(calls))
    assert len(calls) == 2
    again = Centroids.build(QUESTIONS, "enc", _embed_counting(calls), previous=first)
    assert len(calls) == 2 and again.keys == first.keys  # nothing embedded again
    changed = Centroids.build(QUESTIONS[:150], "enc", _embed_counting(calls), previous=first)
    assert (
        len(calls) == 3 and changed.keys["en"] != first.keys["en"]
    )  # only the smaller English sample is embedded anew
    assert changed.keys["zh"] == first.keys["zh"]


def test_a_language_without_questions_is_left_uncentred() -> None:
    only_zh = Centroids.build(QUESTIONS[:100], "enc", _embed_counting([]))
    query = np.array([0.2, 0.3, 0.4], dtype=np.float32)
    assert set(only_zh.means) == {"zh"}
    assert np.array_equal(only_zh.centre(query, "What now?"), query)
    assert not np.array_equal(only_zh.centre(query, "现在怎么办？"), query)


def test_centring_demotes_the_passage_every_question_is_near() -> None:
    """A hub (near the mean question) loses first place to the passage nearer what this question has of its own."""
    mean = np.array([1.0, 0.0], dtype=np.float32)
    hub = np.array([1.0, 0.0], dtype=np.float32)
    specific = np.array([0.6, 0.8], dtype=np.float32)
    query = np.array([0.9, 0.436], dtype=np.float32)
    assert query @ hub > query @ specific  # uncentred, the hub wins
    centred = Centroids({"en": mean}, {"en": "k"}).centre(query, "Which one?")
    assert centred @ specific > centred @ hub
    assert np.allclose(centred, query - centring.SHARE * mean)


def test_the_file_form_round_trips_and_refuses_damage() -> None:
    built = Centroids.build(QUESTIONS, "enc", _embed_counting([]))
    back = Centroids.from_json(built.as_json(), 3)
    assert back.keys == built.keys and all(np.array_equal(back.means[k], built.means[k]) for k in built.means)
    for bad in (
        [],
        {"fr": {"key": "k", "mean": [0.0, 0.0, 0.0]}},
        {"en": {"key": "k", "mean": [0.0, 0.0]}},
        {"en": {"key": 3, "mean": [0.0, 0.0, 0.0]}},
        {"en": {"key": "k", "mean": [0.0, "x", 0.0]}},
        {"en": {"key": "k", "mean": [0.0, True, 0.0]}},
        {"en": {"key": "k", "mean": [0.0, float("nan"), 0.0]}},
        {"en": "k"},
    ):
        with pytest.raises(ValueError):
            Centroids.from_json(bad, 3)


def test_the_sample_is_embedded_in_the_questions_form_and_a_new_form_is_embedded_anew() -> None:
    calls: list[list[str]] = []
    plain = Centroids.build(QUESTIONS, "enc", _embed_counting(calls))
    form = lambda q: f"{q} 问题" if q.startswith("What") else q  # noqa: E731 - as with_chinese reads English questions
    formed = Centroids.build(QUESTIONS, "enc", _embed_counting(calls), previous=plain, form=form)
    assert len(calls) == 3 and all(t.endswith(" 问题") for t in calls[-1])  # only English, in its new form
    assert formed.keys["zh"] == plain.keys["zh"] and formed.keys["en"] != plain.keys["en"]
    assert not np.array_equal(formed.means["en"], plain.means["en"])
