"""Reading users' files: every format into headings and paragraphs, and one clear error for each bad file.

The PDF, Word and HTML fixtures are generated here from a law in the shipped corpus
(no binaries committed). PDFs are written with fpdf2 and a Noto CJK font; where the
font is missing (it comes with Debian's fonts-noto-cjk, which .ci/run installs) the
PDF tests are skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.corpus import formats
from qa.corpus.formats import FormatError, drop_page_furniture, read_file, rejoin

ROOT = Path(__file__).resolve().parents[2]
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
ARTICLES = [
    "第一条 为了促进科技成果转化为现实生产力，规范科技成果转化活动，加速科学技术进步，推动经济建设和社会发展，制定本法。",
    "第二条 本法所称科技成果，是指通过科学研究与技术开发所产生的具有实用价值的成果。",
    "第三条 科技成果转化活动应当有利于加快实施创新驱动发展战略，促进科技与经济的结合。",
]


def law_pdf(path: Path, pages: int = 3) -> Path:
    fpdf = pytest.importorskip("fpdf")
    if not FONT.exists():
        pytest.skip("fonts-noto-cjk is not installed")
    pdf = fpdf.FPDF()
    pdf.add_font("noto", fname=str(FONT), collection_font_number=2)
    pdf.set_font("noto", size=11)
    pdf.set_auto_page_break(False)  # the page number stays at the foot of its page
    for page in range(pages):
        pdf.add_page()
        pdf.cell(0, 8, "某市科技成果转化条例（试行）", new_x="LMARGIN", new_y="NEXT")  # running header
        if page == 0:
            pdf.cell(0, 8, "第一章 总则", new_x="LMARGIN", new_y="NEXT")
        for article in ARTICLES:
            pdf.multi_cell(
                60, 7, article.replace("第一条", f"第{'一二三四五六七八九'[page]}十一条", 1)
            )  # narrow: many lines
        pdf.set_y(-20)
        pdf.cell(0, 8, f"— {page + 1} —", new_x="LMARGIN", new_y="NEXT")  # page number
    pdf.output(str(path))
    return path


def test_a_pdf_is_rejoined_into_articles_without_headers_or_page_numbers(tmp_path: Path) -> None:
    extracted = read_file(law_pdf(tmp_path / "law.pdf"))
    texts = [text for _, text in extracted.blocks]
    assert extracted.kind == "pdf"
    assert not any("试行" in t for t in texts), texts[:5]  # the running header repeats on every page
    assert not any(t.strip("— ").isdigit() for t in texts)
    assert (1, "第一章 总则") in extracted.blocks
    # each article is one paragraph again, sentence intact across the printed line breaks
    assert "第二条本法所称科技成果，是指通过科学研究与技术开发所产生的具有实用价值的成果。" in [
        t.replace(" ", "") for t in texts
    ]


def test_rejoin_keeps_units_apart_and_joins_broken_lines() -> None:
    lines = ["第一条 为了促进科技成果", "转化，制定本法。", "第二条 本法所称", "科技成果。", "（一）国家", "支持。"]
    assert rejoin(lines) == ["第一条 为了促进科技成果转化，制定本法。", "第二条 本法所称科技成果。", "（一）国家支持。"]
    english = ["This Law is formulated to pro-", "mote the transformation of", "results.", "Article 2 Terms"]
    assert rejoin(english)[0] == "This Law is formulated to promote the transformation of results."


def test_page_furniture_is_dropped_only_at_page_edges() -> None:
    body = [
        "国家鼓励研究开发机构转化科技成果。",
        "企业可以自行投资实施转化。",
        "科技成果持有者可以许可他人使用。",
        "政府支持建设公共研究开发平台。",
    ]
    pages = [["XX市人民政府公报", line, "2024年第3期", f"- {i} -"] for i, line in enumerate(body, start=1)]
    assert drop_page_furniture(pages) == body
    assert drop_page_furniture([["正文。", "1"]]) == ["正文。"]  # one page: only the page number goes


def test_an_encrypted_pdf_says_so(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    source = law_pdf(tmp_path / "plain.pdf", pages=1)
    writer = pypdf.PdfWriter(clone_from=str(source))
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as out:
        writer.write(out)
    with pytest.raises(FormatError, match="encrypted"):
        read_file(locked)


def test_a_scanned_pdf_without_text_says_so(tmp_path: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.rect(20, 20, 150, 200, style="F")  # an "image" of a page: no text layer
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(FormatError, match="no text layer"):
        read_file(tmp_path / "scan.pdf")


def test_word_headings_paragraphs_and_tables(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("某市促进科技成果转化条例", level=0)
    document.add_heading("第一章 总则", level=1)
    for article in ARTICLES:
        document.add_paragraph(article)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "比例"
    table.cell(1, 0).text, table.cell(1, 1).text = "奖励", "不低于百分之五十"
    document.save(str(tmp_path / "law.docx"))
    extracted = read_file(tmp_path / "law.docx")
    assert extracted.title == "某市促进科技成果转化条例" and extracted.kind == "docx"
    assert extracted.blocks[0] == (1, "第一章 总则")
    assert (0, ARTICLES[1]) in extracted.blocks and (0, "奖励 | 不低于百分之五十") in extracted.blocks


def test_html_keeps_text_and_drops_scripts_and_navigation(tmp_path: Path) -> None:
    page = (
        "<html><head><title>某市条例</title><script>alert(1)</script></head><body>"
        "<nav>首页 | 政策</nav><h2>第一章 总则</h2>"
        + "".join(f"<p>{a}</p>" for a in ARTICLES)
        + "<ul><li>（一）<b>国家</b>支持。</li></ul><footer>版权所有</footer></body></html>"
    )
    (tmp_path / "law.html").write_text(page, encoding="utf-8")
    extracted = read_file(tmp_path / "law.html")
    texts = [t for _, t in extracted.blocks]
    assert extracted.title == "某市条例" and (2, "第一章 总则") in extracted.blocks
    assert ARTICLES[0] in texts and "（一） 国家 支持。" in texts
    assert not any("alert" in t or "首页" in t or "版权" in t for t in texts)


def test_text_without_blank_lines_is_one_paragraph_per_line_and_gbk_is_read(tmp_path: Path) -> None:
    (tmp_path / "law.txt").write_bytes("\n".join(["第一章 总则", *ARTICLES]).encode("gb18030"))
    extracted = read_file(tmp_path / "law.txt")
    assert extracted.blocks == [(1, "第一章 总则"), *[(0, a) for a in ARTICLES]]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.pdf", b"", "empty"),
        ("notes.rtf", b"{\\rtf1 hello}", "cannot add a .rtf"),
        ("noext", b"hello", "without an extension"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "not a readable Word"),
        ("broken.pdf", b"%PDF-1.7\n garbage", "not a readable PDF|no text layer"),
        ("blank.md", b"   \n\n  \n", "no text found"),
    ],
)
def test_a_file_that_cannot_be_added_gets_one_clear_message(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(FormatError, match=message):
        read_file(tmp_path / name)


def test_utf16_text_is_read(tmp_path: Path) -> None:
    (tmp_path / "law.txt").write_text("\n\n".join(ARTICLES), encoding="utf-16")
    assert [t for _, t in read_file(tmp_path / "law.txt").blocks] == ARTICLES


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "MAX_BYTES", 1000)
    (tmp_path / "big.txt").write_text("字" * 2000, encoding="utf-8")
    with pytest.raises(FormatError, match="over the 0 MB limit"):
        read_file(tmp_path / "big.txt")


def test_radical_code_points_from_pdf_fonts_become_the_characters_shown(tmp_path: Path) -> None:
    # Chromium's PDFs (and many government ones) map glyphs to Kangxi radicals and the radicals supplement
    (tmp_path / "law.txt").write_text("第⼀章 总则\n\n全国⼈⺠代表⼤会常务委员会，每年9⽉，⾸⻚。", encoding="utf-8")
    assert [t for _, t in read_file(tmp_path / "law.txt").blocks] == [
        "第一章 总则",
        "全国人民代表大会常务委员会，每年9月，首页。",
    ]


def test_a_radical_in_a_simplified_document_becomes_the_simplified_character(tmp_path: Path) -> None:
    """⼾ and ⾨ are drawn like 户 and 门; NFKC alone gives the traditional 戶 and 門 (a quote would not match)."""
    (tmp_path / "law.txt").write_text("第七条 向常住⼾口所在地的公安机关申请，在⾨口等候。", encoding="utf-8")
    assert read_file(tmp_path / "law.txt").blocks[0][1] == "第七条 向常住户口所在地的公安机关申请，在门口等候。"
    (tmp_path / "tw.txt").write_text("第七條 向常住⼾口所在地的公安機關申請，在⾨口等候。", encoding="utf-8")
    assert read_file(tmp_path / "tw.txt").blocks[0][1] == "第七條 向常住戶口所在地的公安機關申請，在門口等候。"
