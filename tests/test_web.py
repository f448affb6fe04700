"""The chat page: escaped rendering, sources side by side, the structure picture, a gradio_client round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import Assistant
from qa.corpus.formats import MAX_BYTES
from qa.schema import Answer, Citation, Hit
from qa.web import (
    as_text,
    element_question,
    examples_html,
    reply,
    structure_elements,
    structure_html,
)
from qa.web_answers import answer_html, escape, highlight, sources_html, sources_panel
from qa.web_documents import add_uploads, documents_html
from qa.web_exports import export_file
from tests.webserver import running_server


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    a = Assistant(model="offline", log=lambda _: None)
    a.build()
    return a


def test_everything_shown_is_escaped() -> None:
    assert escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert highlight("a <b> c", "<b>") == "a <mark>&lt;b&gt;</mark> c"
    assert highlight("plain", "absent") == "plain"
    answer = Answer("q", "<img src=x onerror=alert(1)> [1]\nline two", "en", False)
    assert "<img" not in answer_html(answer) and "&lt;img" in answer_html(answer)


def test_sources_show_original_and_translation_side_by_side(assistant: Assistant) -> None:
    answer = assistant.ask("What are the five tensions the paper names?")
    chunks = {c.id: c for c in assistant.chunks}
    page = sources_html(answer, chunks)
    assert page.count('class="qa-card"') == len(answer.citations) == 5
    assert "中文原文" in page and "English (unofficial translation)" in page
    first = answer.citations[0]
    assert f"<mark>{escape(first.quote)}</mark>" in page and f"<mark>{escape(first.other or '')}</mark>" in page


def test_untranslated_sources_say_so_and_abstentions_show_related_reading(
    assistant: Assistant, tiny_corpus: Path, tmp_path: Path
) -> None:
    tiny = Assistant(tiny_corpus, index_root=tmp_path / "i", model="offline", log=lambda _: None)
    law = tiny.ask("国家支持哪些活动？")
    assert "No English translation of this passage yet" in sources_html(law, {c.id: c for c in tiny.chunks})
    chunks = {c.id: c for c in assistant.chunks}
    declined = assistant.ask("How do I make sourdough bread at home?")
    page = sources_html(declined, chunks)
    assert declined.abstained and "Related passages" in page and page.count('class="qa-card"') == 3


def test_sources_escape_corpus_text() -> None:
    hit = Hit("d/x", "d", "§1", "<b>bold</b> text", None, 1.0, 1, doc_title="<i>T</i>")
    answer = Answer("q", "x [1]", "zh", False, (Citation(1, "d/x", "d", "§1", "<b>bold</b>", "zh"),), (hit,))
    from qa.schema import Chunk

    chunk = Chunk("d/x", "d", "§1", "<b>bold</b> text", "zh", 0, 16, ("x",))
    page = sources_html(answer, {"d/x": chunk})
    assert "<b>" not in page and "<i>" not in page and "&lt;b&gt;" in page


def test_structure_picture_comes_from_the_corpus(assistant: Assistant) -> None:
    tensions, proposals = structure_elements(assistant)
    paper = assistant.documents["paper"]
    headings = {s.id for s in paper.segments if s.kind == "heading"}
    assert [t["id"] for t in tensions] == [f"2.{n}" for n in range(1, 6)] and all(t["id"] in headings for t in tensions)
    assert [p["id"] for p in proposals] == [f"3-({n})" for n in range(1, 7)]
    page = structure_html(tensions, proposals)
    assert page.count('class="qa-box"') == 11 and "…" not in page  # full labels, every box a button
    assert escape(tensions[4]["zh"]) in page and escape(proposals[5]["en"]) in page
    assert 'data-ask="@3-(4)"' in page and "<line" not in page and "<svg" not in page
    assert examples_html().count('class="qa-chip"') == 6


def test_choosing_an_element_asks_about_it(assistant: Assistant) -> None:
    tensions, proposals = structure_elements(assistant)
    assert element_question(proposals[3], "zh") == "第四条政策建议讲了什么？"
    answer = assistant.ask(element_question(proposals[3], "zh"))
    assert answer.citations and all(c.chunk_id.startswith("paper/3-(4)") for c in answer.citations)
    answer = assistant.ask(element_question(tensions[2], "en"))
    assert answer.citations and all(c.section.startswith("2 ") and "2.3" in c.section for c in answer.citations)


def test_answers_are_laid_out_one_item_per_sentence_with_linked_markers(assistant: Assistant) -> None:
    answer = assistant.ask(
        "What does Article 45 of the Law on Promoting the Transformation of S&T Achievements require?"
    )
    page = answer_html(answer, turn=3)
    assert page.count("<li>") == len(answer.citations) and page.count('class="qa-from"') == 1
    assert "Law of the People&#x27;s Republic of China on Promoting" in page  # the English title for an English answer
    for c in answer.citations:
        assert f'href="#qa-src-3-{c.marker}"' in page
    listed = answer_html(assistant.ask("这篇文章提出了哪六方面政策建议？"), turn=1)
    assert listed.count("<li value=") == 6 and '<p class="qa-lead">' in listed
    compared = answer_html(assistant.ask("专利法和促进科技成果转化法对职务发明人的奖励有什么不同？"))
    assert compared.count("<li value=") == 2 and compared.count('<ul class="qa-items">') == 2  # one part per side
    short = assistant.ask("发明专利批下来以后，单位跟发明人没约定奖金的话，最少得给多少钱？多久之内要发？")
    shown = answer_html(short, turn=2)
    assert shown.count('<p class="qa-short"><strong>简答</strong>：') == 1  # the short answer stands apart …
    assert shown.count("<li>") == len(short.citations)  # … and is not one of the quotes again


def test_traditional_questions_get_a_readable_answer_and_verbatim_sources(assistant: Assistant) -> None:
    chunks = {c.id: c for c in assistant.chunks}
    history, panel, _, _ = reply(assistant, chunks, "論文提出的六條政策建議分別是什麼？", [], "hybrid", 10, "auto")
    shown = history[-1]["content"]
    assert "產業" in shown and "以繁體顯示" in shown  # the answer shown in traditional characters
    assert "产业" in panel and "產業" not in panel  # the sources stay verbatim (simplified originals)
    history, _, _, _ = reply(
        assistant, chunks, "論文提出的六條政策建議分別是什麼？", [], "hybrid", 10, "auto", [], "简体"
    )
    assert "产业" in history[-1]["content"] and "以繁體顯示" not in history[-1]["content"]


def test_cards_offer_formatted_references_and_the_conversation_exports(assistant: Assistant, tmp_path: Path) -> None:
    chunks = {c.id: c for c in assistant.chunks}
    question = "What does Article 45 of the Law on Promoting the Transformation of S&T Achievements require?"
    _, panel, _, turns = reply(assistant, chunks, question, [], "hybrid", 10, "auto")
    assert 'id="qa-src-1-2"' in panel
    assert "《中华人民共和国促进科技成果转化法》第四十五条第一款第（一）项。全国人民代表大会常务委员会" in panel
    assert "Article 45, paragraph 1, item (1)" in panel and "[Z]" in panel
    _, panel, _, turns = reply(assistant, chunks, "这篇文章提出了哪六方面政策建议？", [], "hybrid", 10, "auto", turns)
    assert panel.count("<details") == 1 and 'id="qa-src-2-6"' in panel and 'id="qa-src-1-1"' in panel
    assert "中国科学院院刊, 2025, 40(5)" in panel and "[J]" in panel
    path = export_file(turns, tmp_path / "exports")
    assert path is not None and export_file(turns, tmp_path / "exports") == path  # written once
    text = Path(path).read_text(encoding="utf-8")
    assert text.count("\n## ") == 2 and question in text and "- [1] 《把握科技创新与产业创新融合发展逻辑" in text
    assert "Article 45, paragraph 1" in text and export_file([]) is None
    assert sources_panel([]) == ""


def test_gradio_client_round_trip() -> None:
    from gradio_client import Client

    with running_server() as url:
        client = Client(url, verbose=False)
        history, sources, box = client.predict(
            "这篇文章提出了哪六方面政策建议？", [], "hybrid", 10, "auto", "auto", api_name="/ask"
        )
        assert box == "" and len(history) == 2
        reply = str(history[-1]["content"])
        assert "（共6项）" in reply and "[6]" in reply
        assert sources.count('class="qa-card"') == 6
        history, sources, _ = client.predict("", [], "hybrid", 10, "auto", "auto", api_name="/ask")
        # a bad question says so and keeps the session's earlier sources (the state is per session)
        assert "empty" in str(history[-1]["content"]) and 'id="qa-src-1-6"' in sources
        assert _upload(url, MAX_BYTES + 1) == 413  # the upload endpoint refuses a file over the document limit
        assert _upload(url, 1000) == 200


def _upload(url: str, size: int) -> int:
    """POST a file of ``size`` bytes to Gradio's upload endpoint; the HTTP status."""
    import urllib.error
    import urllib.request
    import uuid

    boundary = uuid.uuid4().hex
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="x.bin"\r\n\r\n'.encode()
    body = head + b"a" * size + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        url + "gradio_api/upload", data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@pytest.mark.parametrize(
    ("message", "mode", "k", "lang", "expected"),
    [
        ("专利权期限", "hybrid", float("nan"), "auto", "k must be"),
        ("专利权期限", "hybrid", "5", "auto", "k must be"),
        ("专利权期限", "hybrid", 0, "auto", "k must be"),
        ("专利权期限", "bogus", 5, "auto", "mode"),
        ("专利权期限", "hybrid", 5, "fr", "lang"),
        (None, "hybrid", 5, "auto", "empty"),
        ("第一千条", "hybrid", 5, "auto", ""),
    ],
)
def test_bad_page_input_becomes_a_readable_message(
    assistant: Assistant, message: object, mode: object, k: object, lang: object, expected: str
) -> None:
    chunks = {c.id: c for c in assistant.chunks}
    history, _, box, _ = reply(assistant, chunks, message, [{"role": "user", "content": "before"}], mode, k, lang)
    assert box == "" and len(history) == 3 and history[0]["content"] == "before"  # nothing earlier is lost
    assert history[1]["role"] == "user" and history[2]["role"] == "assistant"
    assert expected in history[2]["content"]


def test_a_failure_inside_the_engine_is_a_message_not_an_error_badge(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("disk went away")

    monkeypatch.setattr(assistant, "ask", broken)
    history, sources, _, _ = reply(assistant, {}, "专利权的期限是多久？", [], "hybrid", 10, "auto")
    assert "could not be answered" in history[-1]["content"] and "disk went away" in history[-1]["content"]
    assert as_text("专利权的期限是多久？") == history[0]["content"] and sources == ""


def test_the_add_a_document_panel_adds_reports_and_escapes(tiny_corpus: Path, tmp_path: Path) -> None:
    a = Assistant(
        tiny_corpus, index_root=tmp_path / "idx", library=tmp_path / "lib", model="offline", log=lambda _: None
    )
    good = tmp_path / "city-rules.md"
    good.write_text(
        "# 某市<script>alert(1)</script>条例\n\n第一条 本条例鼓励高等学校转化科技成果。\n", encoding="utf-8"
    )
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"")
    shown: list[str] = []
    status, table = add_uploads(a, [str(good), str(bad)], lambda share, text: shown.append(text))
    assert "✓ city-rules.md added as city-rules" in status and "✗ scan.pdf: scan.pdf: the file is empty" in status
    assert status.count('<p class="qa-added">') == 2 and "<script>" not in status
    assert shown == ["reading city-rules.md", "reading scan.pdf"]
    assert "&lt;script&gt;" in table and "<script>" not in table and "city-rules" in table
    assert a.search("高等学校转化科技成果", k=1)[0].doc_id == "city-rules"
    assert "Choose one or more files" in add_uploads(a, None)[0]
    assert documents_html(Assistant(tiny_corpus, index_root=tmp_path / "idx", log=lambda _: None)) == (
        "<p>No documents added yet.</p>"
    )


def test_the_sources_panel_keeps_the_last_turns() -> None:
    from qa.web_answers import PANEL_TURNS

    turns = [{"question": f"q{n}", "sources": f'<div class="qa-card" id="qa-src-{n}-1"></div>'} for n in range(1, 31)]
    panel = sources_panel(turns)
    assert panel.count('class="qa-card"') == PANEL_TURNS and "qa-src-30-1" in panel and "qa-src-10-1" not in panel
    assert panel.index("qa-src-30-1") < panel.index("qa-src-29-1")  # the latest first, open
