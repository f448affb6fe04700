"""How the page lays out an answer and its sources, and what it exports.

An answer is laid out for reading: its lead line, then one item per quoted sentence
(grouped under the document and section it comes from) or per list item, each
``[n]`` attached to its own sentence and linking to source card n, which the page
scrolls into view and highlights. Each card offers its formatted reference
(GB/T 7714-2015 and English) to copy. Everything from the corpus or the user is
escaped here; the only markup is this module's own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from qa.answers.citing import Reference, reference
from qa.answers.lead import COLON, LABEL, SEPARATOR, read_lead
from qa.schema import Answer, Chunk, Citation, Document, Hit
from qa.search.asked import set_apart_footnotes
from qa.text import traditional as to_traditional

_MARKED = re.compile(r"(.*?)\s*\[(\d+)\]\s*", re.S)
_LIST_ITEM = re.compile(r"^(\d+)\.\s+")

# The page's behaviour, run once when the sources panel loads (gr.HTML js_on_load): a [n] in
# any answer brings its card into view and highlights it; "copy" puts a formatted reference
# on the clipboard (with a fallback where the Clipboard API is not allowed).
SOURCES_JS = """
if (!window.__qaWired) {
  window.__qaWired = true;
  document.addEventListener('click', (event) => {
    const ref = event.target.closest('a.qa-ref');
    if (ref) {
      event.preventDefault();
      event.stopPropagation();
      const card = document.getElementById(ref.getAttribute('href').slice(1));
      if (!card) return;
      const turn = card.closest('details');
      if (turn) turn.open = true;
      document.querySelectorAll('.qa-card.qa-hl').forEach((c) => c.classList.remove('qa-hl'));
      card.classList.add('qa-hl');
      // Scroll the sources panel, not the page, when the panel scrolls by itself (wide screens);
      // on a phone the panel is part of the page and the page scrolls to the card.
      const panel = card.closest('.qa-panel');
      const top = card.getBoundingClientRect().top;
      if (panel && panel.scrollHeight > panel.clientHeight + 1) {
        panel.scrollTop += top - panel.getBoundingClientRect().top - 8;
        const box = panel.getBoundingClientRect();
        if (box.top < 0 || box.top > window.innerHeight - 80) panel.scrollIntoView({block: 'start'});
      } else {
        card.scrollIntoView({block: 'start'});
      }
      return;
    }
    const copy = event.target.closest('button.qa-copy');
    if (copy) {
      const text = copy.dataset.cite;
      const done = () => { copy.dataset.copied = '1'; copy.textContent = '✓ ' + copy.dataset.label; };
      const fallback = () => {
        const area = document.createElement('textarea');
        area.value = text; document.body.appendChild(area); area.select();
        document.execCommand('copy'); area.remove(); done();
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, fallback);
      } else { fallback(); }
      window.__qaCopied = text;
    }
  }, true);
}
"""


def escape(text: str) -> str:
    return html.escape(text, quote=True)


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


def _marker(turn: int, n: int) -> str:
    return f'<a class="qa-ref" href="#qa-src-{turn}-{n}" title="source [{n}]">[{n}]</a>'


def _pieces(line: str) -> tuple[list[tuple[str, int]], str]:
    """A line's sentences with the marker each ends with, and any text after the last marker."""
    pieces, end = [], 0
    for match in _MARKED.finditer(line):
        pieces.append((match.group(1).strip(), int(match.group(2))))
        end = match.end()
    return pieces, line[end:].strip()


def answer_html(answer: Answer, turn: int = 0, traditional: bool = False) -> str:
    """The chat bubble: lead, then one item per sentence or list item, grouped by document; markers link to cards."""
    show = to_traditional if traditional else (lambda s: s)
    by_marker = {c.marker: c for c in answer.citations}
    titles_en = {h.doc_id: h.doc_title_en for h in (*answer.sources, *answer.hits) if h.doc_title_en}
    blocks: list[str] = []
    group: list[str] = []
    group_key: tuple[str, str] | None = None

    def close_group() -> None:
        nonlocal group, group_key
        if group and group_key is not None:
            title, where = group_key
            blocks.append(
                f'<div class="qa-from">{escape(show(title))}{" · " + escape(show(where)) if where else ""}</div>'
                f'<ul class="qa-items">{"".join(group)}</ul>'
            )
        group, group_key = [], None

    items: list[str] = []

    def close_items() -> None:
        nonlocal items
        if items:
            blocks.append(f'<ol class="qa-list">{"".join(items)}</ol>')
        items = []

    for line in answer.text.split("\n"):
        if not line.strip():
            continue
        pieces, tail = _pieces(line)
        numbered = _LIST_ITEM.match(line)
        if numbered:
            close_group()
            body = line[numbered.end() :]
            pieces, tail = _pieces(body)
            if len(pieces) <= 1:
                inner = "".join(f"{escape(show(t))} {_marker(turn, n)}" for t, n in pieces) + escape(show(tail))
            else:
                inner = '<ul class="qa-items">' + "".join(
                    f"<li>{escape(show(t))} {_marker(turn, n)}</li>" for t, n in pieces
                )
                inner += (f"<li>{escape(show(tail))}</li>" if tail else "") + "</ul>"
            items.append(f'<li value="{numbered.group(1)}">{inner}</li>')
            continue
        close_items()
        lead = read_lead(line) if not blocks and not group else None
        if lead is not None:  # the short answer: a line of its own, above the quotes
            lang = answer.language
            said = SEPARATOR[lang].join(f"{escape(show(text))} {_marker(turn, n)}" for text, n in lead.parts)
            blocks.append(f'<p class="qa-short"><strong>{escape(show(LABEL[lang]))}</strong>{COLON[lang]}{said}</p>')
            continue
        if not pieces:
            close_group()
            blocks.append(f'<p class="qa-lead">{escape(show(line.strip()))}</p>')
            continue
        for text, n in pieces:
            c = by_marker.get(n)
            if c is None:
                key = ("", "")
            elif answer.language == "en":
                key = (titles_en.get(c.doc_id) or c.doc_title, (c.section_en or c.section).split(" › ")[-1])
            else:
                key = (c.doc_title, c.section.split(" › ")[-1])
            if key != group_key:
                close_group()
                group_key = key
            group.append(f"<li>{escape(show(text))} {_marker(turn, n)}</li>")
        if tail:
            close_group()
            blocks.append(f"<p>{escape(show(tail))}</p>")
    close_group()
    close_items()
    if traditional:
        blocks.append('<p class="qa-note">（以繁體顯示；引文原文為簡體，見右側來源。）</p>')
    return '<div class="qa-answer">' + "".join(blocks) + "</div>"


def _quotes(c: Citation) -> tuple[str | None, str | None]:
    if c.quote_lang == "en":
        return c.other, c.quote
    return c.quote, c.other


def citation_reference(c: Citation, chunk: Chunk, doc: Document | None) -> Reference | None:
    """The formatted reference of a citation (None when its document is not open)."""
    if doc is None:
        return None
    segment_id = chunk.segment_ids[0] if chunk.segment_ids else ""
    segment = next((s for s in doc.segments if s.id == segment_id), None)
    quote_zh, _ = _quotes(c)
    return reference(
        doc, segment_id, segment.text if segment else chunk.text, quote_zh or "", chunk.section, chunk.section_en
    )


def _copy_buttons(ref: Reference | None) -> str:
    if ref is None:
        return ""
    return "".join(
        f'<button class="qa-copy" type="button" data-cite="{escape(text)}" data-label="{escape(label)}" '
        f'title="{escape(text)}">{escape(label)}</button>'
        for text, label in ((ref.zh, "复制引用 GB/T 7714"), (ref.en, "Copy citation"))
    )


def passage_card(
    card_id: str | None,
    marker: str,
    title: str,
    path: str,
    path_en: str | None,
    zh: str,
    en: str | None,
    quotes: tuple[str | None, str | None] = (None, None),
    ref: Reference | None = None,
) -> str:
    english = (
        f'<div><div class="qa-lang">English (unofficial translation)</div>{highlight(en, quotes[1])}</div>'
        if en
        else '<div><div class="qa-lang">English</div><span class="qa-note">No English translation of this passage yet.</span></div>'
    )
    path_line = escape(path) + (f"<br>{escape(path_en)}" if path_en else "")
    where = f' id="{escape(card_id)}"' if card_id else ""
    cite = f'<div class="qa-cite">{escape(ref.pinpoint_zh)} {_copy_buttons(ref)}</div>' if ref else ""
    return (
        f'<div class="qa-card"{where}><h4>{escape(marker)} {escape(title)}</h4><div class="qa-path">{path_line}</div>'
        f'<div class="qa-cols"><div><div class="qa-lang">中文原文</div>{highlight(zh, quotes[0])}</div>{english}</div>{cite}</div>'
    )


def sources_html(
    answer: Answer, chunks: dict[str, Chunk], docs: dict[str, Document] | None = None, turn: int = 0
) -> str:
    """One turn's sources: every cited passage as a card ``qa-src-<turn>-<n>`` (related reading for a decline)."""
    docs = docs or {}
    if answer.abstained:
        cards = [_hit_card(h, chunks) for h in answer.hits[:3]]
        heading = "相关段落 · Related passages (they do not answer the question)"
        return f"<h3>{escape(heading)}</h3>" + "".join(cards) if cards else ""
    cards = []
    for c in answer.citations:
        chunk = chunks.get(c.chunk_id)
        if chunk is None:
            continue
        cards.append(
            passage_card(
                f"qa-src-{turn}-{c.marker}",
                f"[{c.marker}]",
                c.doc_title or chunk.doc_id,
                chunk.section,
                chunk.section_en,
                chunk.text,
                chunk.translation,
                _quotes(c),
                citation_reference(c, chunk, docs.get(chunk.doc_id)),
            )
        )
    notes = "".join(f'<p class="qa-note">{escape(n)}</p>' for n in answer.notes)
    return f"<h3>{escape('来源 · Sources')}</h3>{notes}" + "".join(cards)


def _hit_card(hit: Hit, chunks: dict[str, Chunk]) -> str:
    chunk = chunks.get(hit.chunk_id)
    text = chunk.text if chunk else hit.text
    return passage_card(None, "·", hit.doc_title, hit.section, hit.section_en, text, hit.translation)


PANEL_TURNS = 20  # earlier turns' sources drop out of the panel (the export keeps every turn)


def sources_panel(turns: Sequence[dict[str, str]]) -> str:
    """The last turns' sources, the latest open at the top and earlier ones folded (their [n] still open them)."""
    if not turns:
        return ""
    parts = []
    for i, turn in enumerate(reversed(turns[-PANEL_TURNS:])):
        body = turn["sources"]
        if i == 0:
            parts.append(f'<section class="qa-turn qa-current">{body}</section>')
        else:
            parts.append(
                f'<details class="qa-turn"><summary>{escape(turn["question"][:120])}</summary>{body}</details>'
            )
    return '<div class="qa-panel">' + "".join(parts) + "</div>"


def conversation_markdown(turns: Sequence[dict[str, Any]]) -> str:
    """The conversation as Markdown: each question, its answer and its sources with their references."""
    out = ["# qa — conversation", ""]
    for number, turn in enumerate(turns, start=1):
        out += [f"## {number}. {turn['question']}", "", turn["answer"], ""]
        if turn.get("references"):
            out += ["Sources:", ""]
            out += [f"- [{m}] {text}" for m, text in turn["references"]]
            out.append("")
    return "\n".join(out)
