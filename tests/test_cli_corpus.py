"""``qa corpus …`` through the real entry point: reports, exit codes, no tracebacks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qa.cli import main
from qa.config import project_home


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], capture_output=True, text=True, timeout=120)


def test_check_passes_on_the_real_corpus_with_the_paper_fully_translated(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["corpus", "check", "--json"]) == 0
    reports = {r["doc_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert len(reports) == 7
    assert reports["paper"]["share_translated"] == 1.0
    assert all(r["ok"] and not r["glossary_violations"] for r in reports.values())


def test_check_prints_a_table_per_document(tiny_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["corpus", "check", "--corpus", str(tiny_corpus)]) == 0
    out = capsys.readouterr().out
    assert "mini-paper" in out and "100%" in out and "mini-law" in out and "0%" in out


def test_malformed_file_gives_file_and_line_and_nonzero_exit(tiny_corpus: Path) -> None:
    source = tiny_corpus / "mini-law" / "source.zh.txt"
    source.write_text(source.read_text(encoding="utf-8") + "\n@@ 第四条 statute\n第四条 新条文。\n", encoding="utf-8")
    result = run_cli("corpus", "check", "--corpus", str(tiny_corpus))
    assert result.returncode == 1
    assert f"{source}:" in result.stderr and "kind missing or unknown" in result.stderr
    assert "Traceback" not in result.stderr


def test_glossary_violation_fails_the_check(tiny_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tiny_corpus / "mini-paper" / "translation.en.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("dual helix structure", "double spiral"), encoding="utf-8")
    assert main(["corpus", "check", "--corpus", str(tiny_corpus)]) == 1
    assert "mini-paper/1-p1: 双螺旋结构 -> expected 'dual helix structure'" in capsys.readouterr().out


def test_wrong_translation_status_fails_the_check(tiny_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meta = tiny_corpus / "mini-law" / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("status: none", "status: complete"), encoding="utf-8")
    assert main(["corpus", "check", "--corpus", str(tiny_corpus)]) == 1
    assert "translation status 'complete'" in capsys.readouterr().out


def test_article_gap_fails_the_check(tiny_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tiny_corpus / "mini-law" / "source.zh.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("第三条", "第五条"), encoding="utf-8")
    assert main(["corpus", "check", "--corpus", str(tiny_corpus)]) == 1
    assert "not numbered contiguously" in capsys.readouterr().out


def test_show_puts_source_and_translation_side_by_side(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["corpus", "show", "paper", "3-(2)"]) == 0
    out = capsys.readouterr().out
    assert "优化“企业全过程参与流程”" in out and "whole-process enterprise participation procedure" in out
    assert main(["corpus", "show", "patent-law", "第五十条"]) == 0
    assert "open license" in capsys.readouterr().out


def test_show_marks_untranslated_segments(tiny_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["corpus", "show", "mini-law", "第二条", "--corpus", str(tiny_corpus)]) == 0
    assert "(not translated yet)" in capsys.readouterr().out


def test_unknown_document_is_a_clear_error() -> None:
    result = run_cli("corpus", "show", "no-such-doc")
    assert result.returncode == 1 and "known documents:" in result.stderr and "Traceback" not in result.stderr


def test_chunks_command_lists_chunks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["corpus", "chunks", "--doc", "transformation-law", "--json"]) == 0
    chunks = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert any(c["id"] == "transformation-law/第二十四条" for c in chunks)
    article = next(c for c in chunks if c["id"] == "transformation-law/第二十四条")
    assert article["section"] == "第二章 组织实施 › 第二十四条"
    assert article["translation"].startswith("Article 24 ") and article["section_en"].endswith("› Article 24")


def test_a_typo_in_index_is_an_error_not_a_new_build(capsys: pytest.CaptureFixture[str]) -> None:
    folder = project_home() / "indexes" / "defualt"
    assert main(["ask", "专利", "--index", "defualt"]) == 1
    err = capsys.readouterr().err
    assert (
        "no index named 'defualt'" in err
        and "built: " in err
        and "default" in err
        and "qa build --index defualt" in err
    )
    assert not folder.exists() and not list(folder.parent.glob("defualt.building-*"))


def test_a_closed_pipe_ends_output_quietly() -> None:
    reader = subprocess.Popen(["head", "-c", "20"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    done = subprocess.run(
        [sys.executable, "-m", "qa.cli", "search", "专利 专利权 许可", "-k", "200", "--json"],
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    assert reader.stdin is not None
    reader.stdin.close()
    reader.wait()
    assert done.returncode == 0 and "Broken pipe" not in done.stderr and "Traceback" not in done.stderr


def test_a_decline_with_nothing_near_lists_no_empty_related_heading(capsys: pytest.CaptureFixture[str]) -> None:
    for question in ("a", "🤔🤔🤔"):
        assert main(["ask", question]) == 0
        out = capsys.readouterr().out
        assert "documents do not say" in out or "没有找到" in out
        assert not re.search(r"(?:Related passages|相关段落):\s*$", out)  # a heading over nothing
        if "listed below" not in out and "下面列出" not in out:  # nothing near: no promise of a list
            assert "no passage comes close" in out or "也没有相近的段落" in out
    assert main(["ask", "🤔🤔💥💥 ???"]) == 0
    assert "no passage comes close" in capsys.readouterr().out


def test_ask_takes_k_and_a_question_that_starts_with_a_dash(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "-k", "2", "--json", "专利权的期限是多久？"]) == 0
    assert len(json.loads(capsys.readouterr().out)["hits"]) == 2  # answered from the two best passages
    assert main(["ask", "-k", "0", "专利权的期限是多久？"]) == 1
    assert "k must be a whole number" in capsys.readouterr().err
    assert main(["ask", "--json", "-5年是什么意思？"]) == 0  # a question, not an unknown option "-5…"
    assert json.loads(capsys.readouterr().out)["question"] == "-5年是什么意思？"
    with pytest.raises(SystemExit) as exited:  # "--novelty" reads as an option: the message says what to do
        main(["ask", "--novelty"])
    assert exited.value.code == 2 and 'qa ask -- "--novelty"' in capsys.readouterr().err


def test_search_says_when_fewer_passages_match_than_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "开放许可", "-k", "1000"]) == 0
    out = capsys.readouterr().out
    shown = len(re.findall(r"^\s*\d+\. \[", out, re.M))
    assert 0 < shown < 1000 and f"({shown} passages matched, fewer than the 1000 asked for)" in out


def test_a_question_in_traditional_characters_is_answered_in_them_with_verbatim_sources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["ask", "這篇論文提出的六條政策建議分別是什麼？"]) == 0
    out = capsys.readouterr().out
    answer, _, sources = out.partition("\n\n[1] ")
    assert "政策建議" in answer and "以繁體顯示" in answer  # the answer in the asker's characters
    assert "产业" in sources and "產業" not in sources  # the quoted passages as the documents write them
    assert main(["ask", "这篇论文提出的六条政策建议分别是什么？"]) == 0
    assert "以繁體顯示" not in capsys.readouterr().out
    # --json (and the HTTP API) carry both: the text as quoted, and as shown to the asker
    assert main(["ask", "--json", "這篇論文提出的六條政策建議分別是什麼？"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "政策建议" in data["text"] and "政策建議" in data["text_traditional"]
    assert main(["ask", "--json", "这篇论文提出的六条政策建议分别是什么？"]) == 0
    assert json.loads(capsys.readouterr().out)["text_traditional"] is None


def test_a_japanese_question_is_answered_with_a_note_that_it_was_read_as_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["ask", "--json", "職務発明の報奨金は最低いくらですか？"]) == 0
    notes = json.loads(capsys.readouterr().out)["notes"]
    assert notes and notes[0].startswith("Questions are understood in Chinese and English only")
    assert main(["ask", "--json", "職務發明的獎金最低是多少？"]) == 0
    assert not any("understood in Chinese and English" in n for n in json.loads(capsys.readouterr().out)["notes"])
