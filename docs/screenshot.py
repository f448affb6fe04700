"""Make docs/screenshot.png: the chat page answering a Chinese question, with its sources.

python docs/screenshot.py        (needs Debian chromium and `pip install playwright`)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.webserver import running_server  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def main() -> None:
    from playwright.sync_api import sync_playwright

    with running_server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(url, wait_until="domcontentloaded")
        box = page.locator("textarea").first
        box.wait_for(timeout=60_000)
        box.fill("第四条政策建议如何处理专利？")
        box.press("Enter")
        page.locator("mark").first.wait_for(timeout=60_000)
        page.wait_for_timeout(800)
        out = ROOT / "docs" / "screenshot.png"
        page.screenshot(path=str(out))
        browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
