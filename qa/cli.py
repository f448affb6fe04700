"""The ``qa`` command line. Verbs mirror the Python API; every verb is a thin shell over it.

Errors the user can fix (a malformed corpus file, a missing document) are printed
as one clear line on stderr with a non-zero exit status, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from qa import __version__
from qa.config import corpus_dir, glossary_path
from qa.corpus import CorpusError, load_corpus, load_document, section_refs


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qa", description="Bilingual cited question answering over policy texts.")
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
    return parser


def _corpus_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, default=None, help="corpus folder (default: $QA_CORPUS or ./corpus)")


def cmd_corpus_check(args: argparse.Namespace) -> int:
    from qa.glossary import Glossary
    from qa.validation import check_corpus, format_reports

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

    from qa.chunking import DEFAULT_MAX_CHARS, Chunker

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


def cmd_corpus_import(args: argparse.Namespace) -> int:
    from qa.sources import import_markdown

    root = args.corpus or corpus_dir()
    folder = import_markdown(args.file, args.id, root)
    doc = load_document(folder)
    print(f"imported {args.file} as {folder}: {len(doc.segments)} segments")
    return 0


if __name__ == "__main__":
    sys.exit(main())
