"""English glosses of untranslated passages (qa.search.gloss): what they hold, how BM25 measures them,
and that an English question reaches an untranslated passage through them, in the base and the overlay."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa import Assistant
from qa.schema import Chunk
from qa.search.gloss import glossed_index, glossed_texts
from qa.search.tokenize import Tokenizer


def _chunk(i: int, text: str, translation: str | None = None) -> Chunk:
    return Chunk(f"d/{i}", "d", "第一条", text, "zh", 0, len(text), ("s",), translation=translation)


def test_an_untranslated_passage_reads_as_its_words_dictionary_senses() -> None:
    chunks = [
        _chunk(0, "侵犯专利权的诉讼时效为三年。"),
        _chunk(1, "侵犯专利权的诉讼时效为三年。", translation="The limitation period is three years."),
    ]
    untranslated, translated = glossed_texts(chunks, Tokenizer())
    words = untranslated.split()
    assert {"lawsuit", "patent", "limitation"} <= set(words)  # 诉讼, 专利, 时效 (a third sense)
    assert translated == ""  # it has English of its own


def test_lengths_are_measured_against_the_glossed_rows_only() -> None:
    tokenizer = Tokenizer()
    chunks = [_chunk(0, "研究", translation="research")] * 3 + [
        _chunk(1, "诉讼时效"),
        _chunk(2, "国家支持研究和开发活动"),
    ]
    index = glossed_index(chunks, tokenizer)
    lengths = [len(tokenizer(t)) for t in glossed_texts(chunks, tokenizer) if t]
    assert index.size == 5 and index.avgdl == pytest.approx(np.mean(lengths))
    scores = index.scores(tokenizer("lawsuit"))
    assert scores[3] > 0 and not scores[[0, 1, 2, 4]].any()
    added = glossed_index([_chunk(3, "诉讼")], tokenizer, extends=index)
    assert added.avgdl < index.avgdl  # its own average is kept, but it is scored against the base's
    alone = glossed_index([_chunk(3, "诉讼")], tokenizer)
    assert added.scores(tokenizer("lawsuit"))[0] > alone.scores(tokenizer("lawsuit"))[0]  # shorter than the base's


def test_an_english_question_reaches_an_untranslated_article_through_its_gloss(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    a = Assistant(tiny_corpus, index_root=tmp_path / "idx", model="offline", log=lambda _: None)
    hits = a.search("When does this law take effect?", k=5)  # 施行: "to put in place; … take effect"
    law = next(h for h in hits if h.chunk_id == "mini-law/第三条")
    assert law.ranks.get("bm25_glossed") == 1
    assert all("bm25_glossed" not in h.ranks for h in hits if h.doc_id != "mini-law")  # the paper has English


def test_a_document_added_later_is_glossed_in_the_overlay(tiny_corpus: Path, tmp_path: Path) -> None:
    a = Assistant(
        tiny_corpus, index_root=tmp_path / "idx", library=tmp_path / "lib", model="offline", log=lambda _: None
    )
    a.build()
    law = tmp_path / "fund.md"
    law.write_text("# 某市条例\n\n第一条 市人民政府设立引导基金，支持专利技术在本市实施。\n", encoding="utf-8")
    a.add(law)
    assert (tmp_path / "idx" / "default.added" / "gloss" / "qa_lexical.json").is_file()
    hits = a.search("Which fund does the city government set up?", k=5)
    fund = next(h for h in hits if h.doc_id == "fund")
    assert fund.ranks.get("bm25_glossed") == 1
