"""Make the README's screenshots of the chat page (needs Debian chromium and `pip install playwright`).

    python docs/screenshot.py

docs/screenshot.png        a Chinese answer, its [2] clicked: the source card highlighted
docs/screenshot-en.png     an English answer about a law article, with the copy-citation buttons
docs/screenshot-phone.png  the same page at 390 px (phone width)
docs/screenshot-structure.png  the paper's structure: boxes that ask about each tension and proposal
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.webserver import running_server  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
DOCS = ROOT / "docs"


def main() -> None:
    from playwright.sync_api import sync_playwright

    with running_server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        for width, height, name in ((1440, 900, "screenshot"), (390, 1400, "screenshot-phone")):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url, wait_until="domcontentloaded")
            box = page.locator("textarea").first
            box.wait_for(timeout=60_000)
            box.fill("第四条政策建议如何处理专利？")
            box.press("Enter")
            page.locator("#qa-src-1-2").wait_for(timeout=60_000)
            page.wait_for_timeout(500)
            page.locator('a.qa-ref[href="#qa-src-1-2"]').first.click()
            page.wait_for_timeout(500)
            if width > 500:
                page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(DOCS / f"{name}.png"))
            if width > 500:
                box.fill("What does Article 45 of the Law on Promoting the Transformation of S&T Achievements require?")
                box.press("Enter")
                page.locator("#qa-src-2-2").wait_for(timeout=60_000)
                page.wait_for_timeout(800)
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(DOCS / "screenshot-en.png"))
                structure = page.locator(".qa-structure")
                structure.scroll_into_view_if_needed()
                structure.screenshot(path=str(DOCS / "screenshot-structure.png"))
            page.close()
        browser.close()
    print(f"wrote {', '.join(p.name for p in sorted(DOCS.glob('screenshot*.png')))}")


if __name__ == "__main__":
    main()
