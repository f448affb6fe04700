"""How long adding one document takes, per format, as `qa add` prints it (the first add to a fresh home).

    python evals/add_timings.py

For each format — PDF (printed by Chromium), Word, HTML, Markdown, text — makes the same law
(`evals/added-docs/sme-promotion-law.md`) in that format, copies the shipped index and
offline model into a throw-away project home, and times ``qa add FILE`` end to end (a fresh
process: reading, structuring, then indexing only the new passages in the overlay beside the
index — see qa/search/overlay.py; the shipped index is not rebuilt).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "evals"))

from eval_added import as_docx, as_html, as_pdf  # noqa: E402

SOURCE = ROOT / "evals" / "added-docs" / "sme-promotion-law.md"


def main() -> None:
    qa_bin = str(Path(sys.executable).with_name("qa"))
    with tempfile.TemporaryDirectory(prefix="qa-add-timings-") as tmp:
        work = Path(tmp)
        html = as_html(SOURCE, work / "law.html")
        files = {
            "pdf": as_pdf(html, work / "law.pdf"),
            "docx": as_docx(SOURCE, work / "law.docx"),
            "html": html,
            "md": SOURCE,
            "txt": work / "law.txt",
        }
        (work / "law.txt").write_text(
            re.sub(r"^#+\s*", "", SOURCE.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8"
        )
        for kind, path in files.items():
            if path is None:
                print(f"{kind:>5}: skipped (no Chromium to print a PDF)")
                continue
            home = work / f"home-{kind}"
            (home / "indexes").mkdir(parents=True)
            for name in ("default", "models"):
                if (ROOT / "indexes" / name).is_dir():
                    shutil.copytree(ROOT / "indexes" / name, home / "indexes" / name)
            shutil.copytree(ROOT / "corpus", home / "corpus")
            env = {
                **os.environ,
                "QA_HOME": str(home),
                "QA_MODEL": "offline",
                "QA_USER_CORPUS": str(home / "user-corpus"),
            }
            done = subprocess.run(
                [qa_bin, "add", str(path)], capture_output=True, text=True, env=env, cwd=home, check=False
            )
            said = [line for line in (done.stdout + done.stderr).splitlines() if " in " in line and "added" in line]
            print(f"{kind:>5}: {said[-1] if said else (done.stdout + done.stderr)[-300:]}")


if __name__ == "__main__":
    main()
