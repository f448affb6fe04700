"""Question sets in the format of the question-set spec (JSON Lines), read and validated.

Any set in that format can be scored, so reading is forgiving where the spec
allows (blank lines, ``//`` comments, extra fields are ignored) and exact where
scoring depends on it: a line that is not a valid question is an error naming
the file and line. Evidence lengths outside 6–40 characters are reported as
warnings when scoring someone else's set, and as errors by ``strict`` checking
of the project's own set.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qa.text import norm, split_sentences

LANGS = ("zh", "en")
TYPES = ("fact", "list", "explain", "compare", "number", "out_of_scope")
EVIDENCE_MODES = ("any", "all")
EVIDENCE_CHARS = (6, 40)
REQUIRED = ("id", "lang", "question", "type", "topic", "evidence", "evidence_mode", "key_points")


class QuestionSetError(ValueError):
    """A question-set line that cannot be scored; names the file and line."""


@dataclass(frozen=True)
class Question:
    id: str
    lang: str
    question: str
    type: str
    topic: str
    evidence: tuple[str, ...]
    evidence_mode: str
    key_points: tuple[tuple[str, ...], ...]
    line: int = 0
    styles: tuple[str, ...] = ()  # optional "style" labels (everyday, traditional, long, …) for breakdowns

    @property
    def in_scope(self) -> bool:
        return self.type != "out_of_scope"


@dataclass
class QuestionSet:
    path: Path
    questions: list[Question]
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.questions)


def load_questions(path: Path, *, strict: bool = False) -> QuestionSet:
    """Read a question set; raise :class:`QuestionSetError` on the first unscorable line."""
    try:
        content = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise QuestionSetError(f"{path}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise QuestionSetError(f"{path}: not valid UTF-8") from exc
    questions: list[Question] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(content.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise QuestionSetError(f"{where}: invalid JSON ({exc.msg})") from exc
        question, problems = _parse(record, number)
        if question is None or problems.fatal:
            raise QuestionSetError(f"{where}: {'; '.join(problems.fatal)}")
        if question.id in seen:
            raise QuestionSetError(f"{where}: duplicate id {question.id!r}")
        seen.add(question.id)
        for soft in problems.soft:
            if strict:
                raise QuestionSetError(f"{where}: {soft}")
            warnings.append(f"{where}: {soft}")
        questions.append(question)
    if not questions:
        raise QuestionSetError(f"{path}: no questions")
    return QuestionSet(path, questions, warnings)


@dataclass
class _Problems:
    fatal: list[str] = field(default_factory=list)
    soft: list[str] = field(default_factory=list)


def _parse(record: object, line: int) -> tuple[Question | None, _Problems]:
    problems = _Problems()
    if not isinstance(record, dict):
        problems.fatal.append("a question must be a JSON object")
        return None, problems
    missing = [k for k in REQUIRED if k not in record]
    if missing:
        problems.fatal.append(f"missing field(s): {', '.join(missing)}")
        return None, problems
    for key in ("id", "lang", "question", "type", "topic", "evidence_mode"):
        if not isinstance(record[key], str):
            problems.fatal.append(f"{key} must be a string")
    evidence, key_points = record["evidence"], record["key_points"]
    if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
        problems.fatal.append("evidence must be a list of strings")
    if not isinstance(key_points, list) or not all(
        isinstance(kp, list) and kp and all(isinstance(a, str) and a.strip() for a in kp) for kp in key_points
    ):
        problems.fatal.append("key_points must be a list of non-empty lists of strings")
    if problems.fatal:
        return None, problems
    if record["lang"] not in LANGS:
        problems.fatal.append(f"lang must be one of {LANGS}")
    if record["type"] not in TYPES:
        problems.fatal.append(f"type must be one of {TYPES}")
    if record["evidence_mode"] not in EVIDENCE_MODES:
        problems.fatal.append(f"evidence_mode must be one of {EVIDENCE_MODES}")
    if not record["question"].strip() or not record["id"].strip():
        problems.fatal.append("id and question must not be empty")
    out_of_scope = record["type"] == "out_of_scope"
    if out_of_scope and (evidence or key_points):
        problems.fatal.append("out_of_scope questions have empty evidence and key_points")
    if not out_of_scope and (not evidence or not key_points):
        problems.fatal.append("in-scope questions need evidence and key_points")
    low, high = EVIDENCE_CHARS
    for excerpt in evidence:
        if not low <= len(excerpt) <= high:
            problems.soft.append(f"evidence {excerpt!r} is {len(excerpt)} characters (spec: {low}-{high})")
    question = Question(
        id=record["id"],
        lang=record["lang"],
        question=record["question"],
        type=record["type"],
        topic=record["topic"],
        evidence=tuple(evidence),
        evidence_mode=record["evidence_mode"],
        key_points=tuple(tuple(kp) for kp in key_points),
        line=line,
        styles=_styles(record.get("style")),
    )
    return question, problems


def evidence_problems(questions: Iterable[Question], source_texts: Iterable[str]) -> list[str]:
    """Excerpts that are not inside one sentence of the corpus's source-language text."""
    sentences = {norm(s) for text in source_texts for s in split_sentences(text)}
    joined = "\u0000".join(sentences)
    problems = []
    for q in questions:
        for excerpt in q.evidence:
            if norm(excerpt) not in joined:
                problems.append(f"line {q.line} ({q.id}): evidence {excerpt!r} is not inside one corpus sentence")
    return problems


def _styles(value: object) -> tuple[str, ...]:
    """The optional ``style`` field (an extra the spec allows): a list of labels, anything else ignored."""
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value if isinstance(v, str) and v.strip())
