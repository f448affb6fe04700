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
from dataclasses import dataclass
from pathlib import Path

from qa.schema import Document
from qa.text import detect_language, norm

READER_FILE = "questions.jsonl"
# Segments a reader asks about; headings, references and front matter are not answers.
ASKABLE_KINDS = frozenset({"para", "article", "item", "row", "abstract", "caption"})
MAX_QUESTION_CHARS = 300


@dataclass(frozen=True)
class ReaderQuestion:
    doc_id: str
    segment: str
    evidence: str
    lang: str
    question: str
    line: int = 0


@dataclass
class ReaderQuestions:
    """A document's reader questions and what is wrong with its file, if anything."""

    doc_id: str
    questions: list[ReaderQuestion]
    errors: list[str]

    def by_segment(self) -> dict[str, list[ReaderQuestion]]:
        out: dict[str, list[ReaderQuestion]] = {}
        for q in self.questions:
            out.setdefault(q.segment, []).append(q)
        return out

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
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("segment", "evidence", "lang", "question")):
            errors.append(f"{where}: needs string fields segment, evidence, lang, question")
            continue
        seg = segments.get(item["segment"])
        question, lang = item["question"].strip(), item["lang"]
        if seg is None:
            errors.append(f"{where}: unknown segment {item['segment']!r}")
        elif seg.kind not in ASKABLE_KINDS:
            errors.append(f"{where}: segment {seg.id!r} is a {seg.kind}, not something a reader asks about")
        elif not item["evidence"] or norm(item["evidence"]) not in norm(seg.text):
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
            questions.append(ReaderQuestion(doc.id, seg.id, item["evidence"], lang, question, number))
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
