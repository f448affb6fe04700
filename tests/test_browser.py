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
            page.locator(".qa-card").nth(5).wait_for(timeout=30_000)
            assert page.locator(".qa-card").count() == 6
            assert "促进源头融合" in page.locator(".qa-card").first.inner_text()
            page.screenshot(path=str(SHOTS / "browser-zh.png"), full_page=True)

            ask(page, "What are the five tensions the paper names?")
            page.get_by_text("(5 items)").first.wait_for(timeout=60_000)
            page.locator("mark").first.wait_for(timeout=30_000)
            assert page.locator(".qa-card").count() == 5
            assert "foresight and practicality" in page.locator(".qa-card").first.inner_text()

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
