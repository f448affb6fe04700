"""The Gradio chat page: ask in Chinese or English, check every claim against the original.

    qa serve [--host 127.0.0.1] [--port 7860]     (served by qa.server, beside the API)

The page is a chat with history; each answer's ``[n]`` markers point at a
sources panel that shows every cited passage with its document, section path,
the Chinese original and the English translation side by side and the quoted
sentence highlighted. A picture of the paper's structure (the five tensions,
the six proposals and how they connect, computed from the corpus) doubles as a
menu: choosing an element asks about it. Everything shown is escaped; analytics
are off, so the page makes no outside requests.
"""

from __future__ import annotations

import html
import logging
import os
import re
from typing import Any

import numpy as np

from qa.corpus.formats import MAX_BYTES
from qa.schema import Answer, Chunk, Citation, Hit
from qa.search.asked import set_apart_footnotes
from qa.text import MAX_QUESTION_CHARS, QuestionError, check_question
from qa.web_documents import ACCEPTED, add_uploads, documents_html, limit_text

_log = logging.getLogger(__name__)

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # read by gradio at import: no phoning home

EXAMPLES = [
    "What are the five tensions the paper names?",
    "这篇文章提出了哪六方面政策建议？",
    "第四条政策建议如何处理专利？",
    "What does Article 45 of the Law on Promoting the Transformation of Scientific and Technological Achievements require?",
    "Why do lab results often fail to get picked up by companies, according to the paper?",
    "专利法第五十条规定的开放许可是什么？",
]
UPLOAD_LIMIT = MAX_BYTES  # bytes per uploaded file (documents to add); the server refuses larger uploads

CSS = """
.qa-card {border:1px solid #ddd; border-radius:8px; padding:10px 12px; margin:8px 0; background:#fff;}
.qa-card h4 {margin:0 0 4px 0; font-size:0.95em;}
.qa-path {color:#555; font-size:0.85em; margin-bottom:6px;}
.qa-cols {display:flex; gap:12px;}
.qa-cols > div {flex:1; font-size:0.9em; line-height:1.5; white-space:pre-wrap;}
.qa-cols .qa-lang {font-weight:bold; color:#777; font-size:0.8em;}
mark {background:#ffe58f; padding:0 1px;}
.qa-note {color:#8a6d3b; font-size:0.85em;}
"""


def escape(text: str) -> str:
    return html.escape(text, quote=True)


_MARKDOWN = re.compile(r"([\\`*_{}\[\]#|~!])")  # what makes emphasis, links, images, headings, tables


_LINKABLE = re.compile(r"(?i)(https?|ftp|mailto|javascript|www|[\w.+-])([:.@])(?=[/\w])")
_ENTITY = {":": "&#58;", ".": "&#46;", "@": "&#64;"}


def as_text(text: str) -> str:
    """User text for a Markdown message: escaped as HTML and as Markdown, so it shows as typed.

    ``![x](http://…)`` in a question must stay characters, not become an image the
    browser fetches from outside.
    """
    escaped = _MARKDOWN.sub(r"\\\1", escape(text))
    # The Markdown renderer turns bare addresses into links; as entities they read the same and stay text.
    return _LINKABLE.sub(lambda m: m[1] + _ENTITY[m[2]], escaped)


def highlight(text: str, quote: str | None) -> str:
    """``text`` escaped, with the first occurrence of ``quote`` wrapped in <mark>.

    The paper's own footnote markers ([6]) are shown as superscripts, in the text and the
    quote alike, so that only the answer's [n] read as citations.
    """
    text = set_apart_footnotes(text)
    quote = set_apart_footnotes(quote) if quote else quote
    if not quote or quote not in text:
        return escape(text)
    start = text.index(quote)
    return escape(text[:start]) + "<mark>" + escape(quote) + "</mark>" + escape(text[start + len(quote) :])


def answer_markdown(answer: Answer) -> str:
    """The chat bubble: the answer text, escaped so that nothing in it can become markup."""
    text = escape(answer.text)
    return re.sub(r"\n", "  \n", text)


def _passage_card(
    marker: str,
    title: str,
    path: str,
    path_en: str | None,
    zh: str,
    en: str | None,
    quote_zh: str | None,
    quote_en: str | None,
) -> str:
    english = (
        f'<div><div class="qa-lang">English (unofficial translation)</div>{highlight(en, quote_en)}</div>'
        if en
        else '<div><div class="qa-lang">English</div><span class="qa-note">No English translation of this passage yet.</span></div>'
    )
    path_line = escape(path) + (f"<br>{escape(path_en)}" if path_en else "")
    return (
        f'<div class="qa-card"><h4>{escape(marker)} {escape(title)}</h4><div class="qa-path">{path_line}</div>'
        f'<div class="qa-cols"><div><div class="qa-lang">中文原文</div>{highlight(zh, quote_zh)}</div>{english}</div></div>'
    )


def sources_html(answer: Answer, chunks: dict[str, Chunk]) -> str:
    """The sources panel: every cited passage (or, for an abstention, the related reading)."""
    if answer.abstained:
        cards = [_hit_card(h, chunks) for h in answer.hits[:3]]
        heading = "相关段落 · Related passages (they do not answer the question)"
        return f"<h3>{escape(heading)}</h3>" + "".join(cards) if cards else ""
    cards = []
    for c in answer.citations:
        chunk = chunks.get(c.chunk_id)
        if chunk is None:
            continue
        quote_zh, quote_en = _quotes(c)
        title = c.doc_title or chunk.doc_id
        cards.append(
            _passage_card(
                f"[{c.marker}]",
                title,
                chunk.section,
                chunk.section_en,
                chunk.text,
                chunk.translation,
                quote_zh,
                quote_en,
            )
        )
    notes = "".join(f'<p class="qa-note">{escape(n)}</p>' for n in answer.notes)
    return f"<h3>{escape('来源 · Sources')}</h3>{notes}" + "".join(cards)


def _quotes(c: Citation) -> tuple[str | None, str | None]:
    if c.quote_lang == "en":
        return c.other, c.quote
    return c.quote, c.other


def _hit_card(hit: Hit, chunks: dict[str, Chunk]) -> str:
    chunk = chunks.get(hit.chunk_id)
    text = chunk.text if chunk else hit.text
    return _passage_card("·", hit.doc_title, hit.section, hit.section_en, text, hit.translation, None, None)


# -- the structure picture -----------------------------------------------------------------------


def structure_elements(
    assistant: Any,
) -> tuple[list[dict[str, str]], list[dict[str, str]], list[tuple[int, int, float]]]:
    """Tensions (section 2's sub-headings), proposals (section 3's) and the links between them.

    Both lists are read from the paper's outline passages; a tension and a proposal
    are linked when their sections' texts are most alike (TF-IDF cosine over the
    index's own tokens): each tension to its closest proposal and each proposal to
    its closest tension.
    """
    chunks = assistant.chunks
    outlines = {c.segment_ids[0]: c for c in chunks if c.kind == "outline" and c.doc_id == "paper"}
    doc = assistant.documents.get("paper")
    if doc is None or "2" not in outlines or "3" not in outlines:
        return [], [], []
    by_id = {s.id: s for s in doc.segments}

    def element(seg_id: str) -> dict[str, str]:
        seg = by_id[seg_id]
        return {"id": seg_id, "zh": seg.text.rstrip("。"), "en": (seg.translation or "").rstrip(".")}

    tensions = [element(s) for s in outlines["2"].segment_ids[1:]]
    proposals = [element(s) for s in outlines["3"].segment_ids[1:]]
    index = assistant.index
    tokenizer, idf = index.tokenizer, index.lexical.idf

    def vector(prefix: str) -> dict[str, float]:
        text = " ".join(
            c.text
            for c in chunks
            if c.doc_id == "paper" and c.kind != "outline" and c.segment_ids[0].startswith(prefix)
        )
        counts: dict[str, float] = {}
        for token in tokenizer(text):
            counts[token] = counts.get(token, 0.0) + idf(token)
        norm = float(np.sqrt(sum(v * v for v in counts.values()))) or 1.0
        return {t: v / norm for t, v in counts.items()}

    tv = [vector(t["id"]) for t in tensions]
    pv = [vector(p["id"]) for p in proposals]
    sims = np.array([[sum(a[t] * b.get(t, 0.0) for t in a) for b in pv] for a in tv])
    links = {(i, int(np.argmax(sims[i]))) for i in range(len(tensions))} | {
        (int(np.argmax(sims[:, j])), j) for j in range(len(proposals))
    }
    return tensions, proposals, sorted((i, j, float(sims[i, j])) for i, j in links)


def structure_svg(
    tensions: list[dict[str, str]], proposals: list[dict[str, str]], links: list[tuple[int, int, float]]
) -> str:
    """An SVG of the five tensions (left), the six proposals (right) and their links."""
    width, row, box_w = 900, 58, 360
    height = max(len(tensions), len(proposals)) * row + 50
    left_x, right_x = 10, width - box_w - 10

    def y_of(i: int, n: int) -> float:
        return 40 + i * (height - 50) / max(n, 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" font-family="sans-serif" font-size="12">'
    ]
    parts.append(f'<text x="{left_x}" y="20" font-weight="bold">{escape("五对关系 · Five tensions (§2.1–2.5)")}</text>')
    parts.append(
        f'<text x="{right_x}" y="20" font-weight="bold">{escape("六方面政策建议 · Six proposals (§3)")}</text>'
    )
    for i, j, strength in links:
        y1, y2 = y_of(i, len(tensions)) + 20, y_of(j, len(proposals)) + 20
        parts.append(
            f'<line x1="{left_x + box_w}" y1="{y1}" x2="{right_x}" y2="{y2}" stroke="#4269d0" stroke-opacity="{0.35 + 0.6 * min(strength * 4, 1):.2f}" stroke-width="2"><title>{strength:.2f}</title></line>'
        )
    for items, x in ((tensions, left_x), (proposals, right_x)):
        for i, item in enumerate(items):
            y = y_of(i, len(items))
            zh = item["zh"] if len(item["zh"]) <= 30 else item["zh"][:29] + "…"
            en = item["en"] if len(item["en"]) <= 58 else item["en"][:57] + "…"
            parts.append(f'<rect x="{x}" y="{y}" width="{box_w}" height="42" rx="6" fill="#f4f6fb" stroke="#9aa5c4"/>')
            parts.append(f'<text x="{x + 8}" y="{y + 17}">{escape(zh)}</text>')
            parts.append(f'<text x="{x + 8}" y="{y + 34}" fill="#555" font-size="11">{escape(en)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def element_question(element: dict[str, str], lang: str) -> str:
    """What choosing an element of the picture asks."""
    section = element["id"]
    proposal = re.fullmatch(r"3-\((\d)\)", section)
    if lang == "en":
        return f"What does proposal ({proposal.group(1)}) say?" if proposal else f"What does section {section} say?"
    numerals = "零一二三四五六七八九"
    return f"第{numerals[int(proposal.group(1))]}条政策建议讲了什么？" if proposal else f"第{section}节讲了什么？"


def about_html(assistant: Any) -> str:
    manifest = assistant.manifest
    model = manifest["model"]
    offline = model["source"] == "offline"
    rows = []
    for doc in assistant.documents.values():
        translatable = [s for s in doc.segments if s.lang == doc.lang]
        share = sum(s.translation is not None for s in translatable) / max(len(translatable), 1)
        rows.append(
            f"<tr><td>{escape(doc.title)}<br><small>{escape(doc.title_en or '')}</small></td><td>{len(doc.segments)}</td><td>{share:.0%}</td></tr>"
        )
    return (
        "<h4>Corpus</h4><table><tr><th>document</th><th>segments</th><th>English</th></tr>" + "".join(rows) + "</table>"
        f"<h4>Index</h4><p>{manifest['chunks']} passages; built {escape(manifest['built_at'])}; FAISS {escape(manifest['faiss']['type'])}.</p>"
        f"<h4>Embedding model</h4><p>{escape(model['name'])} ({model['dim']} dimensions)"
        + (
            f" — the offline default, used because {escape(model['requested'])} is not available here."
            if offline
            else "."
        )
        + "</p><p>English translations are unofficial. Answers quote the documents verbatim; check every [n] in the sources panel.</p>"
    )


# -- the app ------------------------------------------------------------------------------------------


def reply(
    assistant: Any, chunks: dict[str, Chunk], message: Any, history: Any, mode: Any, k: Any, lang: Any
) -> tuple[list[dict[str, str]], str, str]:
    """One turn of the chat: (history with the question and answer, sources panel, cleared box).

    Every failure becomes a message in the chat, never Gradio's bare "Error" badge with
    the question gone: a bad question or setting says what is wrong; anything else says
    that the answer failed and is logged with its traceback on the server.
    """
    history = [turn for turn in (history if isinstance(history, list) else []) if isinstance(turn, dict)]
    text = message if isinstance(message, str) else ""
    shown = as_text(text[:300])
    try:
        question = check_question(text)
        if isinstance(k, bool) or not isinstance(k, int | float) or not 1 <= k <= 10 or k != int(k):
            raise ValueError(f"k must be a whole number from 1 to 10, not {k!r}")
        answer = assistant.ask(question, lang=None if lang in ("auto", None) else lang, k=int(k), mode=mode)
    except (QuestionError, ValueError) as exc:
        return (
            [*history, {"role": "user", "content": shown}, {"role": "assistant", "content": as_text(str(exc))}],
            "",
            "",
        )
    except Exception as exc:  # the page must stay usable whatever went wrong underneath
        _log.exception("answering %r failed", text[:300])
        failed = (
            f"Sorry, this question could not be answered ({type(exc).__name__}: {str(exc)[:300]}). 抱歉，回答时出错。"
        )
        return [*history, {"role": "user", "content": shown}, {"role": "assistant", "content": as_text(failed)}], "", ""
    history += [
        {"role": "user", "content": as_text(question)},
        {"role": "assistant", "content": answer_markdown(answer)},
    ]
    return history, sources_html(answer, chunks), ""


def build_app(assistant: Any) -> Any:
    # Gradio's queue keeps its last 10,000 events and, after every event, summarises them
    # all in a pandas DataFrame: under load that cost 10% of the server's time and grew
    # with its uptime. Summarise every 1,000 events, over the last 1,000 (the queue reads
    # these when it is created; a value the operator set is kept).
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000")
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")
    import gradio as gr

    assistant.build()
    by_index: dict[int, dict[str, Chunk]] = {}

    def current_chunks() -> dict[str, Chunk]:
        """The open index's chunks by id: it changes when a document is added or removed."""
        index = assistant.index
        if id(index) not in by_index:
            by_index.clear()
            by_index[id(index)] = {c.id: c for c in index.chunks}
        return by_index[id(index)]

    tensions, proposals, links = structure_elements(assistant)

    def respond(
        message: str, history: list[dict[str, str]] | None, mode: str, k: float, lang: str
    ) -> tuple[list[dict[str, str]], str, str]:
        return reply(assistant, current_chunks(), message, history, mode, k, lang)

    with gr.Blocks(title="qa — S&T and industrial innovation policy", analytics_enabled=False) as app:
        gr.Markdown(
            "## 科技创新与产业创新融合 · S&T and industrial innovation integration\n"
            "Ask in Chinese or English about the 2025 paper and six related laws and policy documents. "
            "Every claim is quoted from the documents with a citation `[n]`; check it in the sources panel."
        )
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Chat", height=520, sanitize_html=True, render_markdown=True)
                box = gr.Textbox(
                    placeholder="例如：文章提出的五对关系是什么？ / e.g. What are the five tensions the paper names?",
                    max_length=MAX_QUESTION_CHARS,
                    label=f"Question (up to {MAX_QUESTION_CHARS} characters)",
                    submit_btn=True,
                )
                gr.Examples(examples=[[e] for e in EXAMPLES], inputs=[box], label="Examples")
            with gr.Column(scale=2):
                sources = gr.HTML(label="Sources", max_height=640)
        with gr.Accordion("Settings", open=False):
            mode = gr.Dropdown(["hybrid", "bm25", "dense"], value="hybrid", label="Retrieval mode")
            k = gr.Slider(1, 10, value=10, step=1, label="Passages to retrieve")
            lang = gr.Dropdown(["auto", "zh", "en"], value="auto", label="Answer language")
        with gr.Accordion(
            "The paper's structure: five tensions and six proposals (choose one to ask about it)", open=True
        ):
            gr.HTML(structure_svg(tensions, proposals, links))
            with gr.Row():
                for item in [*tensions, *proposals]:
                    button = gr.Button(item["id"], size="sm", min_width=60)

                    def ask_about(
                        history: list[dict[str, str]] | None,
                        mode: str,
                        k: float,
                        lang: str,
                        item: dict[str, str] = item,
                    ) -> tuple[list[dict[str, str]], str, str]:
                        return respond(element_question(item, "en" if lang == "en" else "zh"), history, mode, k, lang)

                    button.click(ask_about, inputs=[chat, mode, k, lang], outputs=[chat, sources, box])
        with gr.Accordion("Add a document", open=False):
            uploads = gr.File(label=f"Your documents ({limit_text()})", file_count="multiple", file_types=ACCEPTED)
            add_button = gr.Button("Add to the corpus", size="sm")
            added_status = gr.HTML()
        with gr.Accordion("About", open=False):
            gr.HTML(about_html(assistant))
            added_table = gr.HTML(documents_html(assistant))

        def add_files(files: list[Any] | None, progress: Any = gr.Progress()) -> tuple[str, str]:  # noqa: B008
            return add_uploads(assistant, files, lambda share, text: progress(share, desc=text))

        add_button.click(add_files, inputs=[uploads], outputs=[added_status, added_table], api_name="add")
        box.submit(respond, inputs=[box, chat, mode, k, lang], outputs=[chat, sources, box], api_name="ask")
    app.queue(default_concurrency_limit=4, max_size=128)
    return app
