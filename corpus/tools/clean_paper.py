"""Clean the PDF-extracted paper (corpus/paper/seed.txt) into corpus/paper/source.zh.txt.

Run from the repository root:  python corpus/tools/clean_paper.py

What it does, and nothing else (tests/corpus/test_paper_cleaning.py proves no body
sentence is lost):
- front matter (citation lines, title, authors, DOI, CSTR, editor) -> meta.yaml
  ``seed_front_matter``; abstract and keywords -> their own segments;
- the revision-date line that a page break dropped into the introduction -> meta;
- paragraphs cut by page breaks are joined (a paragraph that does not end a
  sentence continues in the next one);
- Table 1, Table 2 and Figure 1 captions and rows are lifted out of the
  sentence they interrupted and placed after the paragraph that cites them;
- headings are recognised by their numbers (1, 1.1-1.3, 2, 2.1-2.5, 3, 4), the
  four trends (1)-(4) of 1.3 and the six proposals (1)-(6) of 3 become run-in
  sub-headings; Markdown bold markers go, ``<sup>[n]</sup>`` becomes ``[n]``;
- references, the English abstract and the authors' profile become segments.
The English captions printed in the paper are kept in meta.yaml.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from qa.corpus.documents import format_segments  # noqa: E402
from qa.schema import Segment  # noqa: E402

SEED = ROOT / "corpus" / "paper" / "seed.txt"
OUT = ROOT / "corpus" / "paper" / "source.zh.txt"

HEADING = re.compile(r"^(?:#+\s*)?(\d(?:\.\d)?)\s+(\S.*)$")
TREND = re.compile(r"^[（(]([1-4])[）)]\s*\*\*(.+?)\*\*(。)")
PROPOSAL = re.compile(r"^(?:\*\*)?\(([1-6])\)\s*")
ENDS_SENTENCE = re.compile(r"[。！？；][”’）)]*$")


def inline(text: str) -> str:
    """Drop Markdown emphasis, keep citation numbers as [n]."""
    text = re.sub(r"<sup>\[(\d+)\]</sup>", r"[\1]", text)
    return text.replace("**", "")


def blocks(text: str) -> list[str]:
    return [b.strip("\n") for b in re.split(r"\n[ \t]*\n", text) if b.strip()]


def take_table(paras: list[str], label: str) -> tuple[list[str], list[str], int]:
    """Remove a table (caption paragraph + English caption/rows paragraph); return it and where it was."""
    i = next(n for n, p in enumerate(paras) if p.startswith(label + " "))
    caption = paras[i]
    english, *rows = paras[i + 1].split("\n")
    del paras[i : i + 2]
    return [caption, english.strip()], [r.rstrip("\t") for r in rows], i


def main() -> None:
    paras = blocks(SEED.read_text(encoding="utf-8"))
    body_start = next(i for i, p in enumerate(paras) if p.startswith("**CSTR**")) + 1
    refs_at = paras.index("### 参考文献")
    front, body, back = paras[:body_start], paras[body_start:refs_at], paras[refs_at:]
    abstract = inline(next(p for p in front if p.startswith("**摘要**"))).removeprefix("摘要").strip()
    keywords = inline(next(p for p in front if p.startswith("**关键词**"))).removeprefix("关键词").strip()

    body.remove("修改稿收到日期：2025年5月13日")
    (t1_cap, t1_en), t1_rows, _ = take_table(body, "表1")
    (t2_cap, t2_en), t2_rows, _ = take_table(body, "表2")
    fig_at = next(i for i, p in enumerate(body) if p.startswith("图1 "))
    fig_cap, fig_en = body[fig_at], body[fig_at + 1]
    del body[fig_at : fig_at + 2]
    assert fig_en.startswith("Figure 1") and t1_en.startswith("Table 1") and t2_en.startswith("Table 2")

    # Join paragraphs split by page breaks (and by the blocks just removed).
    joined: list[str] = []
    for para in body:
        prev = joined[-1] if joined else ""
        if prev and not HEADING.match(prev) and not ENDS_SENTENCE.search(inline(prev).rstrip()):
            joined[-1] = prev + para
        else:
            joined.append(para)

    segments: list[Segment] = [
        Segment("abstract", "abstract", abstract, "zh"),
        Segment("keywords", "keywords", keywords, "zh"),
    ]
    section, counter = "0", 0

    def add(kind: str, text: str, *attrs: tuple[str, str], seg_id: str | None = None) -> None:
        nonlocal counter
        if seg_id is None:
            counter += 1
            seg_id = f"{section}-p{counter}"
        segments.append(Segment(seg_id, kind, text, "zh", attrs=attrs))

    def heading(seg_id: str, text: str, level: int) -> None:
        nonlocal section, counter
        section, counter = seg_id, 0
        add("heading", text, ("level", str(level)), seg_id=seg_id)

    def table(key: str, caption: str, rows: list[str]) -> None:
        add("caption", caption, ("table", key), seg_id=key)
        for n, row in enumerate(rows):
            cells = " | ".join(c.strip() for c in row.split("\t") if c.strip())
            row_id = f"{key}-h" if n == 0 else f"{key}-r{n}"
            attrs = (("table", key), ("header", "1")) if n == 0 else (("table", key),)
            add("row", cells, *attrs, seg_id=row_id)

    for para in joined:
        if match := HEADING.match(para):
            number, title = match.groups()
            heading(number, f"{number} {inline(title)}", number.count(".") + 1)
            continue
        if section.startswith("1.3") and (match := TREND.match(para)):
            n, name, stop = match.groups()
            heading(f"1.3-({n})", f"（{n}）{name}{stop}", 3)
            add("para", inline(para[match.end() :]))
            continue
        if section.startswith("3") and (match := PROPOSAL.match(para)):
            text = inline(para)
            end = text.index("。") + 1
            heading(f"3-({match.group(1)})", text[:end].strip(), 2)
            add("para", text[end:].strip())
            continue
        add("para", inline(para))
        if "（表1）" in para:
            table("t1", t1_cap, t1_rows)
        if "（表2）" in para:
            table("t2", t2_cap, t2_rows)
        if "（图1）" in para:
            add("caption", fig_cap, ("figure", "fig1"), seg_id="fig1")

    # Back matter: references, English abstract, authors' profile.
    heading("refs", "参考文献", 1)
    refs = [r for p in back[1:] for r in re.split(r"\n(?=- \d+ )", p) if r.startswith("- ")]
    for ref in refs:
        number, text = re.match(r"- (\d+) (.*)", ref, re.S).groups()  # type: ignore[union-attr]
        lines = [line.strip() for line in text.split("\n")]
        add("reference", "\n".join(lines), seg_id=f"ref-{number}")
    english_abstract = inline(next(p for p in back if p.startswith("**Abstract**"))).removeprefix("Abstract").strip()
    segments.insert(2, Segment("abstract-en", "abstract", english_abstract, "en", attrs=(("lang", "en"),)))
    profiles = [p for p in back if p.startswith(("中国科学院科技创新发展中心 中国科学院", "**Science and Technology"))]
    add("profile", inline(profiles[0]), seg_id="profile")
    add("profile", inline(profiles[1]), ("lang", "en"), seg_id="profile-en")

    OUT.write_text(format_segments(segments), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(segments)} segments")
    print("captions in English (for meta.yaml):", t1_en, t2_en, fig_en, sep="\n  ")


if __name__ == "__main__":
    main()
