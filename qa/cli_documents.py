"""The ``qa`` verbs about documents: checking and showing the corpus, importing, and the user's
own documents (``add``, ``docs``, ``remove``) — each a thin shell over the Python API.

Kept apart from :mod:`qa.cli` (the parser, ``main`` and the verbs that ask: build, search,
ask, eval, serve) so that neither grows past what one reading holds.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from qa.config import corpus_dir, glossary_path
from qa.corpus.documents import CorpusError, load_corpus, load_document, section_refs


def assistant_for(args: argparse.Namespace, mode: str | None = None, *, existing: bool = False) -> Any:
    """The assistant the command's options describe. ``existing``: a named index must already be
    built (``qa build --index NAME`` makes one): a typo in ``--index`` would otherwise start
    building a new index from scratch, minutes of work nobody asked for (a trial user's)."""
    from qa.assistant import Assistant

    assistant = Assistant(args.corpus, model=args.model, index=args.index, mode=mode or "hybrid")
    root = assistant.index_root
    if existing and args.index != "default" and not (root / args.index / "manifest.json").is_file():
        built = sorted(p.parent.name for p in root.glob("*/manifest.json")) if root.is_dir() else []
        there = ", ".join(built) or "none"
        raise ValueError(
            f"no index named {args.index!r} in {root} (built: {there}); `qa build --index {args.index}` makes one"
        )
    return assistant


def cmd_corpus_check(args: argparse.Namespace) -> int:
    from qa.corpus.glossary import Glossary
    from qa.corpus.validation import check_corpus, format_reports

    root = args.corpus or corpus_dir()
    reports = check_corpus(root, glossary_path(root))
    if args.json:
        print(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        print(format_reports(reports, len(Glossary.load(glossary_path(root)))))
    return 0 if all(r.ok for r in reports) else 1


def cmd_corpus_show(args: argparse.Namespace) -> int:
    root = args.corpus or corpus_dir()
    folder = root / args.doc
    if not (folder / "meta.yaml").exists():
        known = ", ".join(p.name for p in sorted(root.glob("*/meta.yaml")) for p in [p.parent])
        raise CorpusError(folder, 0, f"no such document; known documents: {known}")
    doc = load_document(folder)
    wanted = set(args.segments)
    unknown = wanted - {s.id for s in doc.segments}
    if unknown:
        raise CorpusError(folder, 0, f"no such segment(s): {', '.join(sorted(unknown))}")
    print(f"{doc.title}\n{doc.title_en or ''}\n")
    for seg, ref in zip(doc.segments, section_refs(doc), strict=True):
        if wanted and seg.id not in wanted:
            continue
        print(f"@@ {seg.id} [{seg.kind}] {ref.label()}")
        print(f"  {seg.lang}: " + seg.text.replace("\n", "\n      "))
        if seg.translation is not None:
            print(f"  {doc.translation_lang}: " + seg.translation.replace("\n", "\n      "))
        elif seg.lang == doc.lang:
            print(f"  {doc.translation_lang}: (not translated yet)")
        print()
    return 0


def cmd_corpus_chunks(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from qa.corpus.chunking import DEFAULT_MAX_CHARS, Chunker

    root = args.corpus or corpus_dir()
    docs = [d for d in load_corpus(root) if not args.doc or d.id == args.doc]
    if not docs:
        raise CorpusError(root, 0, f"no document {args.doc!r}")
    chunker = Chunker(args.max_chars or DEFAULT_MAX_CHARS)
    for chunk in chunker.chunk_corpus(docs):
        if args.json:
            print(json.dumps(asdict(chunk), ensure_ascii=False))
        else:
            tr = "translated" if chunk.translation else "no translation"
            print(f"{chunk.id}  [{chunk.start}:{chunk.end}] {len(chunk.text)} chars, {tr}\n  § {chunk.section}")
            print("  " + chunk.text.replace("\n", " ")[:120] + ("…" if len(chunk.text) > 120 else ""))
    return 0


def cmd_questions_check(args: argparse.Namespace) -> int:
    from collections import Counter

    from qa.evaluation.questions import evidence_problems, load_questions

    qset = load_questions(args.path, strict=args.strict)
    texts = [seg.text for doc in load_corpus(args.corpus or corpus_dir()) for seg in doc.segments]
    problems = evidence_problems(qset.questions, texts)
    for line in [*qset.warnings, *problems]:
        print(line)
    by = Counter((q.lang, q.type) for q in qset.questions)
    print(f"{len(qset)} questions: " + ", ".join(f"{lang}/{kind} {n}" for (lang, kind), n in sorted(by.items())))
    print(f"{len(problems)} evidence problem(s), {len(qset.warnings)} warning(s)")
    return 1 if problems or (args.strict and qset.warnings) else 0


def cmd_corpus_import(args: argparse.Namespace) -> int:
    from qa.corpus.sources import import_markdown

    root = args.corpus or corpus_dir()
    folder = import_markdown(args.file, args.id, root)
    doc = load_document(folder)
    print(f"imported {args.file} as {folder}: {len(doc.segments)} segments")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    import time

    assistant = assistant_for(args)
    assistant.build()  # open (or build) the index first, so that the time below is the add's own
    started = time.perf_counter()
    result = assistant.add(*args.paths, progress=True)
    seconds = time.perf_counter() - started
    for doc in result.added:
        print(f"added {doc.original} as {doc.id}: {doc.title} ({doc.kind}, {doc.units} units)")
    if result.added:
        print(f"{len(result.added)} document(s) added and indexed in {seconds:.1f} s")
    for path, reason in result.failed:
        print(f"error: {reason}" if Path(path).name in reason else f"error: {path}: {reason}", file=sys.stderr)
    if not result.added and not result.failed:
        print("error: no PDF, .docx, HTML, Markdown or text files there", file=sys.stderr)
        return 1
    return 1 if result.failed else 0


def cmd_docs(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from qa.assistant import Assistant

    rows = Assistant(log=lambda _: None).added_documents()
    if args.json:
        for row in rows:
            print(json.dumps(asdict(row), ensure_ascii=False))
        return 0
    if not rows:
        print("No documents added yet: qa add FILE…")
    for row in rows:
        english = "translated" if row.translated else "not translated"
        print(f"{row.id:<28} {row.kind:<5} {row.units:>5} units  {row.added}  {english}  {row.title}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    removed = assistant_for(args).remove(args.doc_id)
    print(f"removed {removed.id} ({removed.title}) and its passages")
    return 0
