"""The cleaned paper loses nothing of the seed's body, and its structure is recovered.

The seed (corpus/paper/seed.txt) is text extracted from the published PDF. The
proof: split every seed paragraph into sentences (a sentence cut by a page break
becomes two fragments) and find each fragment, whitespace-insensitively and in
order, in the cleaned text. Blocks that cleaning moved (tables, the figure
caption) are found separately; the artefacts it deliberately drops from the text
are listed below with the metadata field that keeps them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qa.corpus.documents import document_text, load_document, section_refs
from qa.text import norm, split_sentences

ROOT = Path(__file__).resolve().parents[2]
PAPER = ROOT / "corpus" / "paper"

# Seed paragraphs deliberately dropped from the body -> the meta.yaml key that keeps their content.
DROPPED = {
    "引用格式：": "citation_zh",
    "Science and Technology Innovation and Development Center, Chinese Academy of Sciences. Integrating": "citation_en",
    "# 把握科技创新与产业创新 融合发展逻辑 培育发展新质生产力": "title_zh",
    "中国科学院科技创新发展中心 北京 100190": "affiliation_zh",
    "**DOI**": "doi",
    "**CSTR**": "cstr",
    "修改稿收到日期：2025年5月13日": "revised_manuscript_received",
    "## Integrating scientific and technological innovation": "title_en_official",
    "(Science and Technology Innovation and Development Center, Chinese Academy of Sciences, Beijing": "affiliation_en",
    "**Keywords**": "keywords_en_official",
    "■责任编辑：": "editor",
}
EXACT_DROPPED = {  # paragraphs equal to these are dropped (they would otherwise match a prefix above)
    "中国科学院科技创新发展中心": "authors_zh",
    "Science and Technology Innovation and Development Center, Chinese Academy of Sciences": "issuer",
}
MOVED_PREFIXES = ("表1 ", "表2 ", "图1 ", "Table 1 ", "Table 2 ", "Figure 1 ", "**Abstract**")
LABELS = re.compile(r"^\*\*(摘要|关键词|Abstract)\*\*\s*")  # run-in labels that became section names


def seed_paragraphs() -> list[str]:
    text = (PAPER / "seed.txt").read_text(encoding="utf-8")
    return [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def markup_free(text: str) -> str:
    text = re.sub(r"<sup>\[(\d+)\]</sup>", r"[\1]", text)
    text = re.sub(r"(?m)^#+\s*", "", text)
    text = re.sub(r"(?m)^- \d+ ", "", text)  # reference list markers; the number is the segment id
    return LABELS.sub("", text).replace("**", "")


def classify(para: str) -> str:
    if para in EXACT_DROPPED:
        return "dropped"
    if any(para.startswith(prefix) for prefix in DROPPED):
        return "dropped"
    if para.startswith(MOVED_PREFIXES):
        return "moved"
    return "body"


@pytest.fixture(scope="module")
def paper():
    return load_document(PAPER)


@pytest.fixture(scope="module")
def cleaned(paper) -> str:
    return norm(document_text(paper))


def test_every_body_sentence_of_the_seed_is_in_the_cleaned_text_in_order(cleaned: str) -> None:
    position, missing = 0, []
    for para in seed_paragraphs():
        if classify(para) != "body":
            continue
        for fragment in split_sentences(markup_free(para), "zh"):
            needle = norm(fragment)
            found = cleaned.find(needle, position)
            if found < 0:
                missing.append(fragment)
            else:
                position = found + len(needle)
    assert not missing, f"{len(missing)} seed sentences missing or out of order, first: {missing[:3]}"


def test_moved_blocks_keep_every_line(paper, cleaned: str) -> None:
    tables_and_figure = [p for p in seed_paragraphs() if classify(p) == "moved"]
    # two table captions, two English captions + rows, the figure caption and its English caption,
    # and the English abstract (moved from the back to the front matter)
    assert len(tables_and_figure) == 7
    english = " ".join(paper.meta["captions_en_official"].values())
    for block in tables_and_figure:
        if block.startswith("**Abstract**"):
            assert norm(markup_free(block)) in cleaned
            continue
        for line in block.split("\n"):
            if line.startswith(("Table ", "Figure ")):
                assert norm(line) in norm(english), line
                continue
            for cell in line.split("\t"):
                if cell.strip():
                    assert norm(cell) in cleaned, cell


def test_dropped_artefacts_are_kept_in_metadata(paper) -> None:
    paragraphs = seed_paragraphs()
    meta_text = norm(" ".join(str(v) for v in paper.meta.values()))
    for prefix, key in {**DROPPED, **EXACT_DROPPED}.items():
        para = next((p for p in paragraphs if p == prefix or p.startswith(prefix)), None)
        assert para is not None, f"artefact {prefix!r} not in the seed any more"
        assert key in paper.meta, key
        essential = norm(re.sub(r"^(#+\s*|\*\*\w+\*\*|■责任编辑：|修改稿收到日期：|引用格式：)", "", para))
        essential = essential.removeprefix("(").removesuffix(")")
        if key == "revised_manuscript_received":
            essential = norm("2025-05-13")
        if key == "title_zh":
            essential = norm(para.lstrip("# "))
        assert essential in meta_text, f"{prefix!r} not preserved in meta.yaml"


def test_no_pdf_artefacts_remain_in_the_text(paper) -> None:
    text = document_text(paper)
    assert "**" not in text and "<sup>" not in text
    assert "修改稿收到日期" not in text
    assert not re.search(r"(?m)^#", text)
    for seg in paper.segments:
        assert "\n\n" not in seg.text


def test_headings_are_recovered_as_structure(paper) -> None:
    headings = [(s.id, s.level) for s in paper.segments if s.kind == "heading"]
    ids = [h for h, _ in headings]
    expected = ["1", "1.1", "1.2", "1.3", "2", "2.1", "2.2", "2.3", "2.4", "2.5", "3", "4", "refs"]
    assert [h for h in ids if "(" not in h] == expected
    assert [h for h in ids if h.startswith("1.3-(")] == [f"1.3-({n})" for n in range(1, 5)]
    assert [h for h in ids if h.startswith("3-(")] == [f"3-({n})" for n in range(1, 7)]
    levels = dict(headings)
    assert levels["2"] == 1 and levels["2.3"] == 2 and levels["3-(4)"] == 2 and levels["1.3-(2)"] == 3


def test_section_paths_nest(paper) -> None:
    refs = dict(zip((s.id for s in paper.segments), section_refs(paper), strict=True))
    assert (
        refs["2.3-p2"].label()
        == "2 把握科技创新与产业创新融合的关键机制 › 2.3 把握公共性与独占性的关系：完善分类评价机制"
    )
    assert refs["3-(4)-p1"].path[-1].startswith("(4) 优化知识产权激励与评价")
    assert refs["t2-r3"].path[-1] == "表2 科技创新与产业融合演进态势"
    assert refs["abstract"].label() == "摘要"
    assert refs["2.3-p2"].label_en() is not None and "2.3 Grasping" in refs["2.3-p2"].label_en()


def test_tables_are_tables_whose_rows_are_segments(paper) -> None:
    rows = {key: [s for s in paper.segments if s.kind == "row" and s.attr("table") == key] for key in ("t1", "t2")}
    assert len(rows["t1"]) == 5 and len(rows["t2"]) == 5  # header + 4 rows each
    assert all(r.text.count(" | ") == 3 for r in rows["t1"])
    assert [r.text.split(" | ")[0] for r in rows["t2"][1:]] == ["统域部署", "贯链融通", "聚能驱动", "跃维重构"]


def test_front_and_back_matter_are_their_own_segments(paper) -> None:
    kinds = {s.id: s.kind for s in paper.segments}
    assert kinds["abstract"] == "abstract" and kinds["keywords"] == "keywords"
    assert [s.id for s in paper.segments if s.kind == "reference"] == [f"ref-{n}" for n in range(1, 9)]
    english = next(s for s in paper.segments if s.id == "abstract-en")
    assert english.lang == "en" and english.text.startswith("The deep integration")
