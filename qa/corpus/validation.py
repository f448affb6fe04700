"""``qa corpus check``: validate every document and report what a reviewer needs.

Malformed files raise :class:`~qa.corpus.CorpusError` (file and line) while
loading. On a loadable corpus the check reports per document the number of
segments, the share translated and the glossary violations, and fails on:
glossary violations, a translation status in ``meta.yaml`` that contradicts the
files, and law articles that are not numbered 第一条, 第二条, … without gaps.
Sentence-count mismatches between a segment and its translation are warnings:
the chunker then aligns by length instead of one-to-one. Reader questions
(``questions.jsonl``, see :mod:`qa.corpus.readers`) must all be valid — a line whose
evidence no longer matches its segment after an edit is an error — and
segments nobody has written a question for in both languages are warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from qa.corpus.documents import load_corpus
from qa.corpus.glossary import Glossary
from qa.corpus.readers import ReaderQuestions, load_corpus_questions
from qa.schema import Document
from qa.text import sentence_spans, zh_number

_ARTICLE_NUMBER = re.compile(r"^第(.+)条$")


@dataclass
class DocumentReport:
    doc_id: str
    title: str
    segments: int
    translatable: int
    translated: int
    status: str
    reader_questions: int = 0
    glossary_violations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def share_translated(self) -> float:
        return self.translated / self.translatable if self.translatable else 1.0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.glossary_violations

    def as_dict(self) -> dict[str, object]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "segments": self.segments,
            "translated": self.translated,
            "translatable": self.translatable,
            "share_translated": round(self.share_translated, 4),
            "translation_status": self.status,
            "reader_questions": self.reader_questions,
            "glossary_violations": self.glossary_violations,
            "errors": self.errors,
            "warnings": self.warnings,
            "ok": self.ok,
        }


def check_document(doc: Document, glossary: Glossary, reader: ReaderQuestions | None = None) -> DocumentReport:
    translatable = [s for s in doc.segments if s.lang == doc.lang]
    translated = [s for s in translatable if s.translation is not None]
    status = str((doc.meta.get("translation") or {}).get("status", "none"))
    report = DocumentReport(doc.id, doc.title, len(doc.segments), len(translatable), len(translated), status)
    report.glossary_violations = [str(v) for v in glossary.violations(doc)]
    expected = "complete" if len(translated) == len(translatable) else "none" if not translated else "partial"
    if status != expected:
        report.errors.append(f"meta.yaml says translation status {status!r}, but the files make it {expected!r}")
    report.errors.extend(_article_numbering(doc))
    for seg in translated:
        if seg.kind in ("reference", "row") or seg.translation is None:
            continue
        n_src = len(sentence_spans(seg.text, seg.lang))
        n_tgt = len(sentence_spans(seg.translation, doc.translation_lang))
        if n_src != n_tgt:
            report.warnings.append(f"{seg.id}: {n_src} source sentences, {n_tgt} translated sentences")
    if reader is not None:
        report.reader_questions = len(reader.questions)
        report.errors.extend(f"reader questions: {e}" for e in reader.errors)
        if reader.questions:
            uncovered = reader.uncovered(doc)
            if uncovered:
                report.warnings.append(
                    f"{len(uncovered)} segments have no reader question in zh or en: {', '.join(uncovered[:8])}"
                    + (" …" if len(uncovered) > 8 else "")
                )
    return report


def _article_numbering(doc: Document) -> list[str]:
    numbers = []
    for seg in doc.segments:
        if seg.kind != "article":
            continue
        match = _ARTICLE_NUMBER.match(seg.id)
        try:
            numbers.append(zh_number(match.group(1)) if match else -1)
        except ValueError:
            numbers.append(-1)
        if numbers[-1] < 0:
            return [f"line {seg.line}: article id {seg.id!r} is not of the form 第N条"]
        if not seg.text.startswith(seg.id):
            return [f"line {seg.line}: article {seg.id} does not start with its number"]
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        gap = next(i + 1 for i, n in enumerate(numbers) if n != i + 1)
        return [f"articles are not numbered contiguously from 第一条 (first gap at position {gap})"]
    return []


def check_corpus(root: Path, glossary_file: Path) -> list[DocumentReport]:
    """Load and check the corpus; raises CorpusError for a malformed file."""
    glossary = Glossary.load(glossary_file)
    docs = load_corpus(root)
    return [
        check_document(doc, glossary, reader)
        for doc, reader in zip(docs, load_corpus_questions(root, docs), strict=True)
    ]


def format_reports(reports: list[DocumentReport], glossary_size: int | None = None) -> str:
    lines = [f"{'document':<24} {'segments':>8} {'translated':>11} {'glossary':>9} {'readers':>8}  status"]
    for r in reports:
        state = "ok" if r.ok else "FAIL"
        share = f"{r.share_translated:.0%}"
        lines.append(
            f"{r.doc_id:<24} {r.segments:>8} {share:>11} {len(r.glossary_violations):>9} {r.reader_questions:>8}  {state}"
        )
        lines.extend(f"    error: {e}" for e in r.errors)
        lines.extend(f"    glossary: {v}" for v in r.glossary_violations)
        lines.extend(f"    warning: {w}" for w in r.warnings)
    total = sum(r.segments for r in reports)
    summary = f"{len(reports)} documents, {total} segments, {sum(r.reader_questions for r in reports)} reader questions"
    if glossary_size is not None:
        summary += f", {glossary_size} glossary terms"
    failed = [r.doc_id for r in reports if not r.ok]
    lines.append(summary + (f"; FAILED: {', '.join(failed)}" if failed else "; all checks passed"))
    return "\n".join(lines)
