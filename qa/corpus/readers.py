"""Reader questions: how people ask about each passage, written for the corpus.

Users rarely ask in a document's own words ("各地一窝蜂上同样的项目" for
"同质化"), and BM25 or a corpus-trained model only match words the corpus has.
So every content segment comes with a few questions a reader might ask of it,
in Chinese and English, written from the segment alone (never from the
evaluation set; see corpus/READER_QUESTIONS.md). They are the classic
doc2query idea done by hand: the index matches a user's question against them
as well as against the passage, and the offline model is fine-tuned on them.
They are never shown and never cited: answers still quote the passage.

A document's reader questions live in ``corpus/<doc-id>/questions.jsonl``, one
JSON object per line::

    {"segment": "2.3-p1", "evidence": "<exact substring of the segment>", "lang": "zh", "question": "…"}

``evidence`` pins the question to the sentence that answers it, so that a
segment split over several chunks gives the question to the right chunk.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from qa.schema import Chunk, Document
from qa.text import detect_language, norm

READER_FILE = "questions.jsonl"
# Segments a reader asks about; headings, references and front matter are not answers.
ASKABLE_KINDS = frozenset({"para", "article", "item", "row", "abstract", "caption"})
MAX_QUESTION_CHARS = 300
NEAR_COPY = 0.6  # similarity at which a reader question counts as a copy of an evaluation question


@dataclass(frozen=True)
class ReaderQuestion:
    doc_id: str
    segment: str
    evidence: str
    lang: str
    question: str


@dataclass
class ReaderQuestions:
    """A document's reader questions and what is wrong with its file, if anything."""

    doc_id: str
    questions: list[ReaderQuestion]
    errors: list[str]

    def uncovered(self, doc: Document, per_lang: int = 1) -> list[str]:
        """Askable segments with fewer than ``per_lang`` questions in either language."""
        counts: dict[tuple[str, str], int] = {}
        for q in self.questions:
            counts[(q.segment, q.lang)] = counts.get((q.segment, q.lang), 0) + 1
        return [
            seg.id
            for seg in doc.segments
            if seg.kind in ASKABLE_KINDS
            and min(counts.get((seg.id, "zh"), 0), counts.get((seg.id, "en"), 0)) < per_lang
        ]


def parse_reader_questions(doc: Document, content: str, origin: str = READER_FILE) -> ReaderQuestions:
    """Parse and validate; bad lines are reported in ``errors`` and skipped, never fatal."""
    segments = {s.id: s for s in doc.segments}
    normed: dict[str, str] = {}  # a segment's normal form, computed once for all its questions
    seen: set[tuple[str, str]] = set()
    questions: list[ReaderQuestion] = []
    errors: list[str] = []
    for number, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip():
            continue
        where = f"{origin}:{number}"
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: not JSON ({exc.msg})")
            continue
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) for k in ("segment", "evidence", "lang", "question")
        ):
            errors.append(f"{where}: needs string fields segment, evidence, lang, question")
            continue
        seg = segments.get(item["segment"])
        question, lang = item["question"].strip(), item["lang"]
        if seg is None:
            errors.append(f"{where}: unknown segment {item['segment']!r}")
        elif seg.kind not in ASKABLE_KINDS:
            errors.append(f"{where}: segment {seg.id!r} is a {seg.kind}, not something a reader asks about")
        elif not item["evidence"] or norm(item["evidence"]) not in normed.setdefault(seg.id, norm(seg.text)):
            errors.append(f"{where}: evidence is not an exact excerpt of segment {seg.id!r}")
        elif lang not in ("zh", "en"):
            errors.append(f"{where}: lang must be zh or en")
        elif not 4 <= len(question) <= MAX_QUESTION_CHARS:
            errors.append(f"{where}: question must be 4–{MAX_QUESTION_CHARS} characters")
        elif detect_language(question) != lang:
            errors.append(f"{where}: question is not in {lang}")
        elif (seg.id, norm(question)) in seen:
            errors.append(f"{where}: duplicate question for {seg.id!r}")
        else:
            seen.add((seg.id, norm(question)))
            questions.append(ReaderQuestion(doc.id, seg.id, item["evidence"], lang, question))
    return ReaderQuestions(doc.id, questions, errors)


def load_reader_questions(folder: Path, doc: Document) -> ReaderQuestions:
    """A document folder's reader questions (none when the file is absent)."""
    path = folder / READER_FILE
    if not path.exists():
        return ReaderQuestions(doc.id, [], [])
    try:
        content = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return ReaderQuestions(doc.id, [], [f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})"])
    return parse_reader_questions(doc, content, str(path))


def load_corpus_questions(root: Path, docs: list[Document]) -> list[ReaderQuestions]:
    """Every document's reader questions (``root`` is the corpus folder)."""
    return [load_reader_questions(root / doc.id, doc) for doc in docs]


def attach(questions: list[ReaderQuestion], chunks: list[Chunk]) -> list[int]:
    """The chunk each question belongs to: the one of its segment holding its evidence.

    A segment split over several chunks gives each question to the chunk that
    contains the evidence (or most of its start, when the evidence straddles a
    boundary); a question whose segment is in no chunk gets -1.
    """
    by_segment: dict[tuple[str, str], list[int]] = {}
    for i, chunk in enumerate(chunks):
        for seg in chunk.segment_ids:
            by_segment.setdefault((chunk.doc_id, seg), []).append(i)
    normed: dict[int, str] = {}  # a chunk's normal form, computed once for all its questions
    out: list[int] = []
    for q in questions:
        candidates = by_segment.get((q.doc_id, q.segment), [])
        if len(candidates) <= 1:
            out.append(candidates[0] if candidates else -1)
            continue
        evidence = norm(q.evidence)
        out.append(max(candidates, key=lambda i: _overlap(evidence, normed.setdefault(i, norm(chunks[i].text)))))
    return out


def expansions(questions: list[ReaderQuestion], chunks: list[Chunk]) -> list[list[str]]:
    """Per chunk, the reader questions it answers (what the lexical index adds to its text)."""
    out: list[list[str]] = [[] for _ in chunks]
    for question, owner in zip(questions, attach(questions, chunks), strict=True):
        if owner >= 0:
            out[owner].append(question.question)
    return out


def _overlap(evidence: str, text: str) -> int:
    """The longest start or end of the evidence the text holds (its whole length when it holds all of it)."""
    if evidence in text:
        return len(evidence)
    for size in range(len(evidence) - 1, 3, -1):
        if evidence[:size] in text or evidence[-size:] in text:
            return size
    return 0


def shingles(text: str) -> set[str]:
    """Character bigrams of Chinese text, words of English: what :func:`similarity` compares."""
    if re.search(r"[\u4e00-\u9fff]", text):
        text = re.sub(r"[^\w]", "", norm(text))
        return {text[i : i + 2] for i in range(len(text) - 1)}
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def similarity(a: set[str], b: set[str]) -> float:
    """Jaccard similarity of two shingle sets (0 when either is empty)."""
    return len(a & b) / len(a | b) if a and b else 0.0
