"""The ``qa`` command line. Verbs mirror the Python API; every verb is a thin shell over it.

Errors the user can fix (a malformed corpus file, a missing document) are printed
as one clear line on stderr with a non-zero exit status, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from qa import __version__
from qa.answers.llm import LLMError
from qa.cli_documents import (
    assistant_for,
    cmd_add,
    cmd_corpus_check,
    cmd_corpus_chunks,
    cmd_corpus_import,
    cmd_corpus_show,
    cmd_docs,
    cmd_questions_check,
    cmd_remove,
)
from qa.corpus.documents import CorpusError
from qa.evaluation.questions import QuestionSetError
from qa.folders import NotOursError
from qa.search.embedding import EmbeddingError
from qa.search.index import IndexCorruptError
from qa.text import QuestionError, traditional


def _questions_last(argv: list[str]) -> list[str]:
    """``qa ask "-5年是什么意思"``: a question that starts with "-" moved after ``--``, where it is no option.

    An option never holds a space or a character outside ASCII; a question that starts with "-" and
    does is the verb's question, which argparse would otherwise take for an unknown option."""
    if not argv or argv[0] not in ("ask", "search") or "--" in argv:
        return argv
    questions = [a for a in argv[1:] if a.startswith("-") and (" " in a or re.search(r"[^\x00-\x7f]", a))]
    return [a for a in argv if a not in questions] + (["--", *questions] if questions else [])


def main(argv: Sequence[str] | None = None) -> int:
    # One OpenMP thread per library unless the user says otherwise: the e5 encoder's default team
    # collapses when the cores are shared (qa.search.multilingual), and opening the archive's
    # index took 3.2-3.5 s with the default against 2.8-3.0 s with one thread.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    parser = build_parser()
    args = parser.parse_args(_questions_last(list(sys.argv[1:] if argv is None else argv)))
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except (
        CorpusError,
        QuestionSetError,
        QuestionError,
        IndexCorruptError,
        EmbeddingError,
        LLMError,
        NotOursError,
    ) as exc:
        return _failed(exc, args)
    except BrokenPipeError:  # `qa search … | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error as Python flushes at exit
        return 0
    except (OSError, ValueError) as exc:
        return _failed(exc, args)
    except KeyboardInterrupt:
        return 130


def _failed(exc: Exception, args: argparse.Namespace) -> int:
    """Say what went wrong on stderr — and, for ``--json``, as JSON on stdout too: a script reading the
    output of ``qa ask --json ""`` got nothing it could parse (a trial user)."""
    print(f"error: {exc}", file=sys.stderr)
    if getattr(args, "json", False):
        print(json.dumps({"error": str(exc)}, ensure_ascii=False))
    return 1


class _Parser(argparse.ArgumentParser):
    """argparse, with a hint where a question that starts with "-" was taken for an option."""

    def error(self, message: str) -> NoReturn:
        if self.prog.split()[-1] in ("ask", "search") and ("question" in message or "unrecognized" in message):
            message += ' (a question that starts with "-" goes after --: qa ask -- "--novelty")'
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="qa", description="Bilingual cited question answering over policy texts.")
    parser.add_argument("--version", action="version", version=f"qa {__version__}")
    verbs = parser.add_subparsers(title="commands")

    corpus = verbs.add_parser("corpus", help="check, inspect and import corpus documents")
    corpus_verbs = corpus.add_subparsers(title="corpus commands")

    check = corpus_verbs.add_parser("check", help="validate the corpus and report translation and glossary status")
    _corpus_option(check)
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.set_defaults(func=cmd_corpus_check)

    show = corpus_verbs.add_parser("show", help="show a document's segments, source and translation side by side")
    _corpus_option(show)
    show.add_argument("doc", help="document id (a folder name under corpus/)")
    show.add_argument("segments", nargs="*", help="segment ids to show (default: all)")
    show.set_defaults(func=cmd_corpus_show)

    chunks = corpus_verbs.add_parser("chunks", help="show the chunks the chunker makes")
    _corpus_option(chunks)
    chunks.add_argument("--doc", help="only this document")
    chunks.add_argument("--max-chars", type=int, default=None, help="chunk size limit (Chinese characters)")
    chunks.add_argument("--json", action="store_true", help="one JSON object per chunk")
    chunks.set_defaults(func=cmd_corpus_chunks)

    imp = corpus_verbs.add_parser("import", help="import a Markdown law or policy text (YAML front matter)")
    _corpus_option(imp)
    imp.add_argument("file", type=Path, help="the Markdown file")
    imp.add_argument("--id", required=True, help="document id (folder name) to create")
    imp.set_defaults(func=cmd_corpus_import)

    add = verbs.add_parser(
        "add", help="add your own documents: PDF, Word (.docx), HTML, Markdown or text files, or folders"
    )
    add.add_argument("paths", nargs="+", type=Path, help="files or folders to add")
    _model_options(add)
    add.set_defaults(func=cmd_add, corpus=None)

    docs = verbs.add_parser("docs", help="list the documents you added")
    docs.add_argument("--json", action="store_true", help="one JSON object per document")
    docs.set_defaults(func=cmd_docs)

    remove = verbs.add_parser("remove", help="remove a document you added (see qa docs for ids)")
    remove.add_argument("doc_id", help="the document id")
    _model_options(remove)
    remove.set_defaults(func=cmd_remove, corpus=None)

    build = verbs.add_parser("build", help="build (or rebuild) the search index and the offline model")
    _corpus_option(build)
    _model_options(build)
    build.add_argument("--force", action="store_true", help="rebuild even if the index is current")
    build.set_defaults(func=cmd_build)

    search = verbs.add_parser("search", help="the best passages for a question")
    _corpus_option(search)
    _model_options(search)
    search.add_argument("question", help="the question, in Chinese or English")
    search.add_argument("-k", type=int, default=10, help="number of passages (default 10)")
    search.add_argument(
        "--mode", choices=["bm25", "dense", "hybrid"], default=None, help="retrieval mode (default: hybrid)"
    )
    search.add_argument("--json", action="store_true", help="print the hits as JSON")
    search.set_defaults(func=cmd_search)

    ask = verbs.add_parser("ask", help="a cited answer to a question")
    _corpus_option(ask)
    _model_options(ask)
    ask.add_argument("question", help="the question, in Chinese or English")
    ask.add_argument("--lang", choices=["zh", "en"], default=None, help="answer language (default: the question's)")
    ask.add_argument("-k", type=int, default=10, help="passages to answer from (default 10)")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument(
        "--llm", default=None, help="let a chat model write the answer, e.g. ollama:qwen2.5:7b (default: $QA_LLM; off)"
    )
    ask.set_defaults(func=cmd_ask)

    ev = verbs.add_parser("eval", help="score a question set (retrieval and answer metrics)")
    _corpus_option(ev)
    _model_options(ev)
    ev.add_argument("--questions", type=Path, default=None, help="question set (default: evals/questions.jsonl)")
    ev.add_argument(
        "--mode", default=None, help="retrieval mode(s), comma-separated: bm25,dense,hybrid (default: hybrid)"
    )
    ev.add_argument("--json", action="store_true", help="print the metrics as one JSON object")
    ev.add_argument("--out", type=Path, default=None, help="write report.md, results.json and plots here")
    ev.add_argument("--floors", type=Path, default=None, help="fail if a metric is below its floor in this JSON file")
    ev.add_argument("--retrieval-only", action="store_true", help="skip answers (retrieval metrics only)")
    ev.add_argument("--lang", choices=["zh", "en"], default=None, help="only questions in this language")
    ev.add_argument(
        "--topic", action="append", default=None, help="only questions whose topic starts with this (repeatable)"
    )
    ev.set_defaults(func=cmd_eval)

    srv = verbs.add_parser("serve", help="start the chat page, the HTTP API (/api, /docs) and MCP (/mcp)")
    _corpus_option(srv)
    _model_options(srv)
    srv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    srv.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    srv.add_argument("--api-only", action="store_true", help="serve the HTTP API and MCP without the page")
    srv.set_defaults(func=cmd_serve)

    mcp = verbs.add_parser("mcp", help="serve the ask and search tools to an MCP client over stdin/stdout")
    _corpus_option(mcp)
    _model_options(mcp)
    mcp.set_defaults(func=cmd_mcp)

    questions = verbs.add_parser("questions", help="validate a question set against the spec and the corpus")
    question_verbs = questions.add_subparsers(title="questions commands")
    qcheck = question_verbs.add_parser("check", help="check a question set (JSON Lines, see the question-set spec)")
    _corpus_option(qcheck)
    qcheck.add_argument("path", type=Path, help="the question set")
    qcheck.add_argument("--strict", action="store_true", help="treat evidence-length warnings as errors")
    qcheck.set_defaults(func=cmd_questions_check)
    return parser


def _model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        default=None,
        help="embedding model: a Hugging Face id, a local folder, or 'offline' (default: $QA_MODEL or intfloat/multilingual-e5-small, falling back to the offline model)",
    )
    parser.add_argument("--index", default="default", help="index name under indexes/ (default: default)")


def _corpus_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, default=None, help="corpus folder (default: $QA_CORPUS or ./corpus)")


def cmd_build(args: argparse.Namespace) -> int:
    import time

    started = time.time()
    assistant = assistant_for(args)
    index = assistant.build(force=args.force, progress=True)
    m = index.manifest
    print(
        f"index {index.folder}: {m['chunks']} chunks from {len(m['documents'])} documents; "
        f"model {m['model']['name']} ({m['model']['source']}, {m['dim']} dims); FAISS {m['faiss']['type']}; "
        f"built {m['built_at']} ({time.time() - started:.1f} s)"
    )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    hits = assistant_for(args, existing=True).search(args.question, k=args.k, mode=args.mode)
    if args.json:
        print(json.dumps([asdict(h) for h in hits], ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print("No passage matches this question.")
    for hit in hits:
        legs = ", ".join(f"{leg} #{rank}" for leg, rank in sorted(hit.ranks.items()))
        print(f"{hit.rank:>2}. [{hit.score:.3f}] {_where(hit.doc_title, hit.section)}  ({hit.chunk_id}; {legs})")
        print("    " + hit.text.replace("\n", " ")[:200])
        if hit.translation:
            print("    " + hit.translation.replace("\n", " ")[:200])
    if hits and len(hits) < args.k:  # -k 1000: every passage any leg found, and no more
        print(f"({len(hits)} passages matched, fewer than the {args.k} asked for)")
    return 0


def _where(title: str, section: str) -> str:
    """ "document › section", or the document alone for a passage before any heading (a preamble)."""
    return f"{title} › {section}" if section.strip() else title


def cmd_ask(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    assistant = assistant_for(args, existing=True)
    if args.llm:
        assistant.llm = args.llm
    from qa.search.asked import set_apart_footnotes

    answer = assistant.ask(args.question, lang=args.lang, k=args.k)
    if args.json:
        print(json.dumps(asdict(answer), ensure_ascii=False, indent=2))
        return 0
    # A question in traditional characters is answered in them, as the chat page shows it; the
    # quoted sources below stay verbatim (the documents are simplified).
    shown = traditional if answer.text_traditional is not None else (lambda text: text)
    print(shown(answer.text))
    for note in answer.notes:
        if note not in answer.text:
            print(f"({shown(note)})")
    if shown is traditional:
        print("（以繁體顯示；引文原文為簡體，見下方來源。）")
    if answer.citations:
        print()
    for c in answer.citations:
        print(f"[{c.marker}] {_where(c.doc_title, c.section)}  ({c.chunk_id})")
        print(f"    {set_apart_footnotes(c.quote)}")  # the paper's own [6] would read like citation [6]
        if c.other:
            print(f"    {set_apart_footnotes(c.other)}")
    if answer.abstained and answer.hits:
        label = "相关段落" if answer.language == "zh" else "Related passages"
        print(f"\n{shown(label)}:")
        english = answer.language == "en"
        for hit in answer.hits[:3]:
            title = (hit.doc_title_en or hit.doc_title) if english else hit.doc_title
            section = (hit.section_en or hit.section) if english else hit.section
            text = (hit.translation or hit.text) if english else hit.text
            print(f"  - {_where(title, section)}: {set_apart_footnotes(text).replace(chr(10), ' ')[:160]}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from qa.config import project_home
    from qa.evaluation.harness import check_floors, evaluate
    from qa.evaluation.questions import load_questions
    from qa.evaluation.report import run_json, terminal_table, write_report

    path = args.questions or project_home() / "evals" / "questions.jsonl"
    qset = load_questions(path)
    if args.lang or args.topic:
        qset.questions = [
            q
            for q in qset.questions
            if (not args.lang or q.lang == args.lang) and (not args.topic or q.topic.startswith(tuple(args.topic)))
        ]
        if not qset.questions:
            raise QuestionSetError(f"{path}: no questions match --lang/--topic")
    for warning in qset.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    modes = [m.strip() for m in (args.mode or "hybrid").split(",") if m.strip()]
    runs = []
    for mode in modes:
        assistant = assistant_for(args, mode, existing=True)

        def progress(done: int, total: int, mode: str = mode) -> None:
            if sys.stderr.isatty():
                print(f"\r{mode}: {done}/{total}", end="" if done < total else "\n", file=sys.stderr)

        runs.append(evaluate(assistant, qset, mode=mode, answers=not args.retrieval_only, progress=progress))
    if args.json:
        print(json.dumps(run_json(runs), ensure_ascii=False, indent=2))
    else:
        print(f"{len(qset)} questions from {path}")
        print(terminal_table(runs))
    if args.out:
        command = "qa eval " + " ".join(sys.argv[2:]) if len(sys.argv) > 2 else "qa eval"
        for written in write_report(runs, args.out, str(path), command):
            print(f"wrote {written}", file=sys.stderr)
    if args.floors:
        problems = check_floors(runs[0].summary, json.loads(args.floors.read_text(encoding="utf-8")))
        for line in problems:
            print(f"below floor: {line}", file=sys.stderr)
        if problems:
            return 1
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from qa.server import serve

    serve(args.host, args.port, api_only=args.api_only, corpus=args.corpus, model=args.model, index=args.index)
    return 0


def cmd_mcp(args: argparse.Namespace) -> int:
    from qa.agents import run_stdio

    # stdout is the protocol's channel: everything else the assistant says goes to stderr.
    run_stdio(assistant_for(args, existing=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
