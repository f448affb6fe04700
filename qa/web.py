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

import logging
import os
import re
from typing import Any

from qa.corpus.formats import MAX_BYTES
from qa.schema import Answer, Chunk
from qa.text import MAX_PASTE_CHARS, QuestionError, check_question, is_traditional
from qa.web_answers import (
    SOURCES_JS,
    answer_html,
    citation_reference,
    escape,
    highlight,
    sources_html,
    sources_panel,
)
from qa.web_documents import ACCEPTED, add_uploads, documents_html, limit_text
from qa.web_exports import export_file, sweep_stale

__all__ = ["answer_html", "build_app", "highlight", "reply", "sources_html"]

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
.qa-card {border:1px solid #ddd; border-radius:8px; padding:8px 10px; margin:6px 0; background:#fff; scroll-margin:8px;}
.qa-card.qa-hl {outline:3px solid #f5a623; background:#fff8e6;}
.qa-card h4 {margin:0 0 4px 0; font-size:0.95em;}
.qa-path {color:#555; font-size:0.85em; margin-bottom:6px;}
.qa-cols {display:flex; gap:12px;}
.qa-cols > div {flex:1; min-width:0; font-size:0.9em; line-height:1.5; white-space:pre-wrap; overflow-wrap:anywhere;}
.qa-cols .qa-lang {font-weight:bold; color:#777; font-size:0.8em;}
mark {background:#ffe58f; padding:0 1px;}
.qa-note {color:#8a6d3b; font-size:0.85em;}
.qa-cite {margin-top:6px; font-size:0.85em; color:#444;}
.qa-copy {margin:2px 0 0 6px; border:1px solid #bbb; border-radius:4px; background:#fafafa; padding:1px 6px; cursor:pointer; font-size:0.85em;}
.qa-panel {max-height:80vh; overflow-y:auto; padding-right:4px;}
.qa-turn > summary {cursor:pointer; color:#555; margin:6px 0;}
.qa-answer p {margin:0 0 6px 0;}
.qa-answer .qa-lead {font-weight:600;}
.qa-answer .qa-short {border-left:3px solid #2563eb; padding-left:.5em;}
.qa-answer .qa-from {font-weight:600; color:#3d4a6b; margin-top:6px; font-size:0.9em;}
.qa-answer ul, .qa-answer ol {margin:2px 0 8px 0; padding-left:1.4em;}
.qa-answer li {margin:2px 0;}
a.qa-ref {text-decoration:none; font-weight:600; color:#1a56db; cursor:pointer; white-space:nowrap;}
.qa-structure {display:grid; grid-template-columns:1fr 1fr; gap:16px;}
.qa-column {display:flex; flex-direction:column; gap:8px; min-width:0;}
.qa-column h4 {margin:0;}
.qa-box {text-align:left; border:1px solid #9aa5c4; background:#f4f6fb; border-radius:6px; padding:8px 10px; cursor:pointer; white-space:normal; line-height:1.45; font:inherit;}
.qa-box:hover, .qa-chip:hover {background:#e6ebf7;}
.qa-box small {display:block; color:#555; margin-top:2px;}
.qa-examples {display:flex; flex-wrap:wrap; gap:6px;}
.qa-chip {border:1px solid #ccd; border-radius:14px; padding:3px 10px; background:#fff; cursor:pointer; font-size:0.85em; text-align:left; white-space:normal; font-family:inherit;}
@media (max-width: 700px) {
  .qa-structure {grid-template-columns:1fr;}
  .qa-cols {flex-direction:column;}
  .qa-panel {max-height:none; overflow-y:visible;}
}
"""


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


# -- the structure picture -----------------------------------------------------------------------


def structure_elements(assistant: Any) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Tensions (section 2's sub-headings) and proposals (section 3's), read from the paper's outline passages."""
    outlines = {c.segment_ids[0]: c for c in assistant.chunks if c.kind == "outline" and c.doc_id == "paper"}
    doc = assistant.documents.get("paper")
    if doc is None or "2" not in outlines or "3" not in outlines:
        return [], []
    by_id = {s.id: s for s in doc.segments}

    def element(seg_id: str) -> dict[str, str]:
        seg = by_id[seg_id]
        return {"id": seg_id, "zh": seg.text.rstrip("。"), "en": (seg.translation or "").rstrip(".")}

    return [element(s) for s in outlines["2"].segment_ids[1:]], [element(s) for s in outlines["3"].segment_ids[1:]]


def structure_html(tensions: list[dict[str, str]], proposals: list[dict[str, str]]) -> str:
    """The five tensions and the six proposals as two columns of boxes; choosing a box asks about it.

    A box carries its element's id ("@2.3"); the page asks :func:`element_question` in the
    language of the settings.

    No lines between them: the paper states no pairing of tensions with proposals, and lines
    computed from word overlap would read as if it did.
    """

    def column(title: str, items: list[dict[str, str]]) -> str:
        boxes = "".join(
            f'<button type="button" class="qa-box" data-ask="@{escape(item["id"])}">'
            f"{escape(item['zh'])}"
            f"<small>{escape(item['en'])}</small></button>"
            for item in items
        )
        return f'<div class="qa-column"><h4>{escape(title)}</h4>{boxes}</div>'

    return (
        '<div class="qa-structure">'
        + column("五对关系 · Five tensions (§2.1–2.5)", tensions)
        + column("六方面政策建议 · Six proposals (§3)", proposals)
        + "</div>"
    )


def examples_html() -> str:
    """Example questions as chips that ask at once, like the structure boxes."""
    return (
        '<div class="qa-examples">'
        + "".join(
            f'<button type="button" class="qa-chip" data-ask="{escape(e)}">{escape(e)}</button>' for e in EXAMPLES
        )
        + "</div>"
    )


# A box or chip asks its question: the component's value becomes the question and its click event fires.
PICK_JS = """
element.addEventListener('click', (event) => {
  const choice = event.target.closest('[data-ask]');
  if (!choice) return;
  props.value = choice.dataset.ask;
  trigger('click');
});
"""


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


Turn = dict[str, Any]  # one answered question: question, answer (plain text), sources (HTML), references


def reply(
    assistant: Any,
    chunks: dict[str, Chunk],
    message: Any,
    history: Any,
    mode: Any,
    k: Any,
    lang: Any,
    turns: Any = None,
    script: Any = "auto",
) -> tuple[list[dict[str, str]], str, str, list[Turn]]:
    """One turn of the chat: (history with the question and answer, sources panel, cleared box, turns).

    Every failure becomes a message in the chat, never Gradio's bare "Error" badge with
    the question gone: a bad question or setting says what is wrong; anything else says
    that the answer failed and is logged with its traceback on the server. ``turns`` keeps
    each answered question's sources (the panel shows them all) and references (the export).
    """
    history = [turn for turn in (history if isinstance(history, list) else []) if isinstance(turn, dict)]
    turns = [t for t in (turns if isinstance(turns, list) else []) if isinstance(t, dict)]
    text = message if isinstance(message, str) else ""
    shown = as_text(text[:300])
    panel = sources_panel(turns)
    try:
        question = check_question(text)
        if isinstance(k, bool) or not isinstance(k, int | float) or not 1 <= k <= 10 or k != int(k):
            raise ValueError(f"k must be a whole number from 1 to 10, not {k!r}")
        answer = assistant.ask(question, lang=None if lang in ("auto", None) else lang, k=int(k), mode=mode)
    except (QuestionError, ValueError) as exc:
        error = {"role": "assistant", "content": as_text(str(exc))}
        return [*history, {"role": "user", "content": shown}, error], panel, "", turns
    except Exception as exc:  # the page must stay usable whatever went wrong underneath
        _log.exception("answering %r failed", text[:300])
        failed = (
            f"Sorry, this question could not be answered ({type(exc).__name__}: {str(exc)[:300]}). 抱歉，回答时出错。"
        )
        error = {"role": "assistant", "content": as_text(failed)}
        return [*history, {"role": "user", "content": shown}, error], panel, "", turns
    number = len(turns) + 1
    traditional = script == "繁體" or (script == "auto" and answer.language == "zh" and is_traditional(question))
    history += [
        {"role": "user", "content": as_text(question)},
        {"role": "assistant", "content": answer_html(answer, number, traditional)},
    ]
    turns = [*turns, _turn(assistant, chunks, question, answer, number)]
    return history, sources_panel(turns), "", turns


def _turn(assistant: Any, chunks: dict[str, Chunk], question: str, answer: Answer, number: int) -> Turn:
    references = []
    for c in answer.citations:
        chunk = chunks.get(c.chunk_id)
        ref = citation_reference(c, chunk, assistant.documents.get(c.doc_id)) if chunk else None
        where = (ref.zh if answer.language == "zh" else ref.en) if ref else f"{c.doc_title} {c.section}"
        references.append((c.marker, f"{where} — “{c.quote}”"))
    return {
        "question": question,
        "answer": answer.text,
        "sources": sources_html(answer, chunks, assistant.documents, number),
        "references": references,
    }


def build_app(assistant: Any) -> Any:
    # Gradio's queue keeps its last 10,000 events and, after every event, summarises them
    # all in a pandas DataFrame: under load that cost 10% of the server's time and grew
    # with its uptime. Summarise every 1,000 events, over the last 1,000 (the queue reads
    # these when it is created; a value the operator set is kept).
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000")
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")
    import gradio as gr

    sweep_stale()  # export folders left by page processes that were killed before they could tidy up
    assistant.build()
    by_index: dict[int, dict[str, Chunk]] = {}

    def current_chunks() -> dict[str, Chunk]:
        """The open index's chunks by id: it changes when a document is added or removed."""
        index = assistant.index
        if id(index) not in by_index:
            by_index.clear()
            by_index[id(index)] = {c.id: c for c in index.chunks}
        return by_index[id(index)]

    tensions, proposals = structure_elements(assistant)
    elements = {f"@{item['id']}": item for item in [*tensions, *proposals]}

    def respond(
        message: str, history: Any, turns: Any, mode: str, k: float, lang: str, script: str
    ) -> tuple[list[dict[str, str]], str, str, list[Turn]]:
        return reply(assistant, current_chunks(), message, history, mode, k, lang, turns, script)

    def picked(
        choice: str, history: Any, turns: Any, mode: str, k: float, lang: str, script: str
    ) -> tuple[list[dict[str, str]], str, str, list[Turn]]:
        """A structure box (its "@id") or an example chip (its question) was chosen: ask it."""
        item = elements.get(choice if isinstance(choice, str) else "")
        question = element_question(item, "en" if lang == "en" else "zh") if item else choice
        return respond(question, history, turns, mode, k, lang, script)

    with gr.Blocks(title="qa — S&T and industrial innovation policy", analytics_enabled=False) as app:
        gr.Markdown(
            "## 科技创新与产业创新融合 · S&T and industrial innovation integration\n"
            "Ask in Chinese or English about the 2025 paper and six related laws and policy documents. "
            "Every claim is quoted from the documents with a citation `[n]`: click it to see the passage."
        )
        turns = gr.State([])
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                chat = gr.Chatbot(
                    label="Chat",
                    height=560,
                    sanitize_html=True,
                    render_markdown=True,
                    autoscroll=False,
                    elem_id="qa-chat",
                )
                box = gr.Textbox(
                    placeholder="例如：文章提出的五对关系是什么？ / e.g. What are the five tensions the paper names?",
                    max_length=MAX_PASTE_CHARS,  # a longer paste would lose its end, where the ask is
                    label=f"Question (up to {MAX_PASTE_CHARS:,} characters)",
                    submit_btn=True,
                )
                examples = gr.HTML(value="", html_template="${chips}", chips=examples_html(), js_on_load=PICK_JS)
                download = gr.DownloadButton("导出对话 · Export conversation (.md)", value=None, size="sm")
            with gr.Column(scale=2, min_width=300):
                sources = gr.HTML(label="Sources", elem_id="qa-sources", js_on_load=SOURCES_JS)
        with gr.Accordion("Settings", open=False):
            mode = gr.Dropdown(["hybrid", "bm25", "dense"], value="hybrid", label="Retrieval mode")
            k = gr.Slider(1, 10, value=10, step=1, label="Passages to retrieve")
            lang = gr.Dropdown(["auto", "zh", "en"], value="auto", label="Answer language")
            script = gr.Radio(
                ["auto", "简体", "繁體"], value="auto", label="Chinese script of answers (auto: as the question)"
            )
        with gr.Accordion(
            "The paper's structure: five tensions and six proposals (choose one to ask about it)", open=True
        ):
            picture = gr.HTML(
                value="", html_template="${boxes}", boxes=structure_html(tensions, proposals), js_on_load=PICK_JS
            )
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
        settings = [mode, k, lang, script]
        outputs = [chat, sources, box, turns]
        for event in (
            box.submit(respond, inputs=[box, chat, turns, *settings], outputs=outputs, api_name="ask"),
            examples.click(
                picked, inputs=[examples, chat, turns, *settings], outputs=outputs, api_visibility="private"
            ),
            picture.click(picked, inputs=[picture, chat, turns, *settings], outputs=outputs, api_visibility="private"),
        ):
            event.then(export_file, inputs=[turns], outputs=[download], api_visibility="private").then(
                None, js=SCROLL_TO_QUESTION
            )
    app.queue(default_concurrency_limit=4, max_size=128)
    return app


# After an answer, show its question at the top of the chat rather than the end of a long answer.
SCROLL_TO_QUESTION = """
() => {
  const chat = document.querySelector('#qa-chat');
  if (!chat) return;
  const asked = chat.querySelectorAll('.user-row');
  const last = asked[asked.length - 1];
  const panel = document.querySelector('.qa-panel');
  if (panel) panel.scrollTop = 0;
  if (!last) return;
  let box = last.parentElement;
  while (box && box !== document.body) {
    const style = getComputedStyle(box).overflowY;
    if ((style === 'auto' || style === 'scroll') && box.scrollHeight > box.clientHeight + 1) break;
    box = box.parentElement;
  }
  if (!box || box === document.body) return;
  // below the chat's own toolbar (share, clear, copy), which floats over its top edge
  box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 48;
}
"""
