"""A real browser on the chat page: Playwright driving Debian's Chromium, headless.

Skipped when /usr/bin/chromium or playwright is missing; `.ci/run` installs both.
`wait_until="networkidle"` never fires on Gradio (it keeps a connection open), so
the test waits for elements instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.webserver import running_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
SHOTS = Path(__file__).resolve().parents[1] / "indexes"

pytestmark = pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian chromium is not installed")


def ask(page, question: str) -> None:  # type: ignore[no-untyped-def]
    box = page.locator("textarea").first
    box.fill(question)
    box.press("Enter")


def test_questions_in_both_languages_and_escaping() -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with running_server() as url, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            outside: list[str] = []
            page.on(
                "request", lambda r: outside.append(r.url) if not r.url.startswith((url, "data:", "blob:")) else None
            )
            page.goto(url, wait_until="domcontentloaded")
            page.locator("textarea").first.wait_for(timeout=60_000)

            ask(page, "这篇文章提出了哪六方面政策建议？")
            page.get_by_text("（共6项）").first.wait_for(timeout=60_000)
            page.locator(".qa-current .qa-card").nth(5).wait_for(timeout=30_000)
            assert page.locator(".qa-current .qa-card").count() == 6
            assert "促进源头融合" in page.locator(".qa-current .qa-card").first.inner_text()
            page.screenshot(path=str(SHOTS / "browser-zh.png"), full_page=True)

            ask(page, "What are the five tensions the paper names?")
            page.get_by_text("(5 items)").first.wait_for(timeout=60_000)
            page.locator("#qa-src-2-5").wait_for(timeout=30_000)
            assert page.locator(".qa-current .qa-card").count() == 5
            assert "foresight and practicality" in page.locator(".qa-current .qa-card").first.inner_text()

            ask(page, "<script>alert(1)</script> 是什么？")
            page.get_by_text("<script>alert(1)</script>", exact=False).first.wait_for(timeout=60_000)
            ask(page, "![x](http://example.invalid/x.png) 和 [link](http://example.invalid/) 是什么？")
            page.get_by_text("![x](http://example.invalid/x.png)", exact=False).first.wait_for(timeout=60_000)
            hostile = (
                "[c](javascript:alert(2)) <img src=x onerror=alert(3)> <http://example.invalid/auto>"
                " [r][1]\n\n[1]: http://example.invalid/ref <iframe src=http://example.invalid/f></iframe> 专利？"
            )
            ask(page, hostile)
            page.get_by_text("[c](javascript:alert(2))", exact=False).first.wait_for(timeout=60_000)
            page.get_by_text("<img src=x onerror=alert(3)>", exact=False).first.wait_for(timeout=60_000)
            page.wait_for_timeout(1000)
            links = page.evaluate(
                "[...document.querySelectorAll('a')].map(a => a.getAttribute('href') || '')"
                ".filter(h => h.includes('example.invalid') || h.startsWith('javascript'))"
            )
            assert links == [], f"user text became links: {links}"
            assert page.evaluate("document.querySelectorAll('iframe').length") == 0
            assert page.evaluate("document.querySelectorAll('.message img, .bubble img').length") == 0
            assert dialogs == []
            assert outside == [], f"the page requested outside resources: {outside[:5]}"
            assert page.evaluate("document.querySelectorAll('.message script, .bubble script').length") == 0
        finally:
            browser.close()


def test_adding_a_document_on_the_page_makes_it_searchable(tmp_path: Path) -> None:
    """Upload a Word file through "Add a document", then ask about it: its passage is a source card."""
    sync_api = pytest.importorskip("playwright.sync_api")
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("某市<b>科技</b>成果转化奖励办法", level=0)
    document.add_paragraph("第一条 职务科技成果转化后，应当从转让净收入中提取不低于百分之八十五的比例奖励研发团队。")
    upload = tmp_path / "city-award.docx"
    document.save(str(upload))
    index = "page-add-test"  # its own index: the page test never rebuilds the project's default one
    try:
        with running_server(index=index) as url, sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1100})
                page.goto(url, wait_until="domcontentloaded")
                page.get_by_text("Add a document").first.click()
                page.locator("input[type=file]").first.set_input_files(str(upload))
                page.get_by_role("button", name="Add to the corpus").click()
                page.get_by_text("added as city-award", exact=False).first.wait_for(timeout=120_000)
                ask(page, "从转让净收入中提取不低于百分之八十五的比例奖励研发团队，是哪份文件规定的？")
                page.locator(".qa-card").first.wait_for(timeout=60_000)
                cards = page.locator(".qa-card").all_inner_texts()
                assert any("百分之八十五" in card for card in cards), cards
                assert page.evaluate("document.querySelectorAll('b').length") == 0  # the title stays text
            finally:
                browser.close()
    finally:
        from qa.search.index import is_qa_index

        folder = Path(__file__).resolve().parents[1] / "indexes" / index
        if folder.is_dir() and is_qa_index(folder):
            shutil.rmtree(folder)


def _no_horizontal_scroll(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"))


@pytest.mark.parametrize("width", [1400, 390])
def test_reading_citing_and_exporting_an_answer(width: int, tmp_path: Path) -> None:
    """Click a [n] and see its card highlighted; ask by clicking a structure box; copy a citation; export."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with running_server() as url, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
            page = context.new_page()
            page.goto(url, wait_until="domcontentloaded")
            page.locator("textarea").first.wait_for(timeout=60_000)
            assert _no_horizontal_scroll(page)

            ask(page, "What does Article 45 of the Law on Promoting the Transformation of S&T Achievements require?")
            page.locator("#qa-src-1-3").wait_for(timeout=60_000)
            marker = page.locator('a.qa-ref[href="#qa-src-1-3"]')
            assert marker.inner_text() == "[3]"
            marker.click()
            card = page.locator("#qa-src-1-3")
            page.wait_for_function("document.querySelector('#qa-src-1-3').classList.contains('qa-hl')", timeout=5_000)
            assert page.locator(".qa-card.qa-hl").count() == 1 and len(browser.contexts[0].pages) == 1
            box = card.bounding_box()
            assert box is not None and box["y"] < 900 and box["y"] + 40 > 0  # brought into view
            assert "（二）利用该项职务科技成果作价投资" in card.locator("mark").first.inner_text()

            card.get_by_role("button", name="复制引用 GB/T 7714").click()
            page.wait_for_function("window.__qaCopied !== undefined", timeout=5_000)
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied.startswith("《中华人民共和国促进科技成果转化法》第四十五条第一款第（二）项。"), copied
            assert "全国人民代表大会常务委员会. 中华人民共和国促进科技成果转化法[Z]." in copied

            page.locator(".qa-box").nth(5 + 3).click()  # proposal (4): the boxes themselves ask
            page.locator("#qa-src-2-1").wait_for(timeout=60_000)
            assert "知识产权" in page.locator(".qa-current .qa-card").first.inner_text()
            assert page.locator("details.qa-turn").count() == 1  # the first answer's sources, folded

            with page.expect_download(timeout=30_000) as download:
                page.get_by_text("Export conversation (.md)").click()
            exported = tmp_path / "conversation.md"
            download.value.save_as(exported)
            text = exported.read_text(encoding="utf-8")
            assert text.count("\n## ") == 2 and "Article 45, paragraph 1, item (2)" in text
            assert "第四条政策建议讲了什么？" in text
            assert _no_horizontal_scroll(page)
            page.screenshot(path=str(SHOTS / f"browser-{width}.png"), full_page=True)
        finally:
            browser.close()
