"""Reader questions: validation, attachment to chunks, their effect on search, and decontamination."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.assistant import Assistant
from qa.cli import main
from qa.corpus.chunking import Chunker
from qa.corpus.documents import corpus_hash, load_corpus, load_document
from qa.corpus.readers import (
    ASKABLE_KINDS,
    NEAR_COPY,
    ReaderQuestion,
    attach,
    load_corpus_questions,
    parse_reader_questions,
    shingles,
    similarity,
)
from qa.evaluation.questions import load_questions
from qa.schema import Chunk

ROOT = Path(__file__).resolve().parents[2]


def line(segment: str, evidence: str, lang: str, question: str) -> str:
    return json.dumps(
        {"segment": segment, "evidence": evidence, "lang": lang, "question": question}, ensure_ascii=False
    )


def test_bad_lines_are_reported_and_skipped_good_ones_kept(tiny_corpus: Path) -> None:
    doc = load_document(tiny_corpus / "mini-law")
    content = "\n".join(
        [
            line("第二条", "国家支持下列活动", "zh", "国家支持哪些活动？"),
            "{not json",
            line("第九条", "国家支持下列活动", "zh", "第九条说什么？"),
            line("第一章", "第一章 总则", "zh", "总则是什么？"),
            line("第二条", "国家禁止下列活动", "zh", "国家禁止什么？"),
            line("第二条", "国家支持下列活动", "en", "国家支持哪些研究活动？"),
            line("第二条", "国家支持下列活动", "zh", "啥？"),
            line("第二条", "国家支持下列活动", "zh", "国家支持哪些活动？"),
            json.dumps({"segment": "第二条", "question": "缺字段"}, ensure_ascii=False),
            line("第二条", "（一）研究", "en", "Does the state support research?"),
        ]
    )
    parsed = parse_reader_questions(doc, content, "q.jsonl")
    assert [q.question for q in parsed.questions] == ["国家支持哪些活动？", "Does the state support research?"]
    reasons = "\n".join(parsed.errors)
    for expected in (
        "q.jsonl:2: not JSON",
        "q.jsonl:3: unknown segment",
        "q.jsonl:4: segment '第一章' is a heading",
        "q.jsonl:5: evidence is not an exact excerpt",
        "q.jsonl:6: question is not in en",
        "q.jsonl:7: question must be",
        "q.jsonl:8: duplicate question",
        "q.jsonl:9: needs string fields",
    ):
        assert expected in reasons
    assert len(parsed.errors) == 8


def test_a_question_goes_to_the_chunk_holding_its_evidence() -> None:
    def chunk(cid: str, text: str) -> Chunk:
        return Chunk(cid, "d", "s", text, "zh", 0, len(text), ("p1",))

    chunks = [chunk("d/p1", "第一句话。第二句话。"), chunk("d/p1~1", "第三句话。第四句话。")]
    chunks.append(Chunk("d/p2", "d", "s", "别的。", "zh", 0, 3, ("p2",)))

    def ask(evidence: str, segment: str = "p1") -> ReaderQuestion:
        return ReaderQuestion("d", segment, evidence, "zh", "问题？")

    owners = attach(
        [ask("第四句话"), ask("第一句话"), ask("第二句话。第三句"), ask("别的", "p2"), ask("x", "p9")], chunks
    )
    assert owners == [1, 0, 0, 2, -1]


def test_reader_questions_make_everyday_words_find_the_passage(tiny_corpus: Path, tmp_path: Path) -> None:
    def top(question: str) -> list[str]:
        assistant = Assistant(
            tiny_corpus, index_root=tmp_path / "idx", mode="bm25", model="offline", log=lambda _: None
        )
        return [h.chunk_id for h in assistant.search(question, k=3)]

    assert top("沙盒试验归谁管？") == []  # no corpus word in the question
    (tiny_corpus / "mini-law" / "questions.jsonl").write_text(
        line("第二条", "国家支持下列活动", "zh", "国家会支持沙盒试验吗？") + "\n", encoding="utf-8"
    )
    hits = top("沙盒试验归谁管？")  # the corpus changed: the index is rebuilt with the question
    assert hits and hits[0].startswith("mini-law/") and "第二条" in hits[0]
    assistant = Assistant(tiny_corpus, index_root=tmp_path / "idx", mode="bm25", model="offline", log=lambda _: None)
    answer = assistant.ask("沙盒试验归谁管？")
    assert all("沙盒" not in c.quote for c in answer.citations)  # reader questions are never quoted
    assert "沙盒试验吗" not in answer.text


def test_changing_reader_questions_changes_the_corpus_hash(tiny_corpus: Path) -> None:
    before = corpus_hash(tiny_corpus)
    (tiny_corpus / "mini-law" / "questions.jsonl").write_text(
        line("第二条", "国家支持下列活动", "zh", "国家支持哪些活动？") + "\n", encoding="utf-8"
    )
    assert corpus_hash(tiny_corpus) != before


def test_the_thesaurus_is_read_at_question_time_and_does_not_change_the_corpus_hash(tiny_corpus: Path) -> None:
    before = corpus_hash(tiny_corpus)
    (tiny_corpus / "thesaurus.tsv").write_text("躺在抽屉里\t束之高阁\n", encoding="utf-8")
    assert corpus_hash(tiny_corpus) == before  # no rebuild of the index (or of a library of added laws)
    (tiny_corpus / "glossary.tsv").write_text("zh\ten\n", encoding="utf-8")
    assert corpus_hash(tiny_corpus) != before  # the glossary shapes the index: it counts


def test_corpus_check_fails_on_a_bad_reader_question(tiny_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tiny_corpus / "mini-law" / "questions.jsonl"
    path.write_text(line("第二条", "国家禁止下列活动", "zh", "国家禁止什么？") + "\n", encoding="utf-8")
    assert main(["corpus", "check", "--corpus", str(tiny_corpus)]) == 1
    assert "evidence is not an exact excerpt" in capsys.readouterr().out


def test_the_real_corpus_has_valid_reader_questions_for_every_askable_segment(real_corpus: Path) -> None:
    docs = load_corpus(real_corpus)
    chunks = Chunker().chunk_corpus(docs)
    for doc, found in zip(docs, load_corpus_questions(real_corpus, docs), strict=True):
        assert found.errors == [], found.errors[:3]
        assert found.uncovered(doc, per_lang=2) == [], doc.id
        assert all(owner >= 0 for owner in attach(found.questions, chunks))
        askable = {s.id for s in doc.segments if s.kind in ASKABLE_KINDS}
        assert {q.segment for q in found.questions} == askable


def test_no_reader_question_is_a_near_copy_of_an_evaluation_question(real_corpus: Path) -> None:
    """Decontamination: the fixed set must measure questions the index has not been given."""
    docs = load_corpus(real_corpus)
    reader = [
        (q.question, shingles(q.question))
        for found in load_corpus_questions(real_corpus, docs)
        for q in found.questions
    ]
    copies = []
    for path in (ROOT / "evals" / "questions.jsonl", *sorted((ROOT / "evals" / "subsets").glob("*.jsonl"))):
        for q in load_questions(path).questions:
            mine = shingles(q.question)
            copies.extend((q.id, text) for text, theirs in reader if similarity(mine, theirs) >= NEAR_COPY)
    assert copies == []


def test_similarity_sees_copies_in_both_languages() -> None:
    assert similarity(shingles("什么是“资本短期逻辑陷阱”？"), shingles("什么是资本短期逻辑陷阱")) >= NEAR_COPY
    assert (
        similarity(shingles("How much data did China produce?"), shingles("how much data did China generate"))
        >= NEAR_COPY
    )
    assert similarity(shingles("专利保护多少年？"), shingles("What is the patent term?")) == 0.0


@pytest.mark.parametrize("content", [b"\xff\xfe junk", b""])
def test_unreadable_or_empty_files_do_not_break_loading(tiny_corpus: Path, content: bytes) -> None:
    (tiny_corpus / "mini-law" / "questions.jsonl").write_bytes(content)
    docs = load_corpus(tiny_corpus)
    found = {f.doc_id: f for f in load_corpus_questions(tiny_corpus, docs)}["mini-law"]
    assert found.questions == []
    assert bool(found.errors) == bool(content)


def test_reader_questions_change_the_offline_model_fingerprint_and_pair_with_passages(tiny_corpus: Path) -> None:
    from qa.search.static_model import OfflineModelBuilder

    docs = load_corpus(tiny_corpus)
    plain = OfflineModelBuilder(docs).fingerprint()
    asked = ReaderQuestion("mini-law", "第二条", "（一）研究", "zh", "国家支持研究吗？")
    builder = OfflineModelBuilder(docs, reader_questions=[asked])
    assert builder.fingerprint() != plain
    assert OfflineModelBuilder(docs, reader_questions=[]).fingerprint() == plain
    assert OfflineModelBuilder(docs, chunker=Chunker(max_chars=50)).fingerprint() != plain
    [(question, passage)] = builder.reader_pairs
    assert question == asked.question and "（一）研究" in passage
