"""Import a Chinese law or policy document (Markdown with YAML front matter) into the corpus.

The policy texts arrive as Markdown: ``# title``, ``## 第一章 …`` / ``## 一、…``
headings, articles that start with ``第N条``, numbered items that start with
``（N）``. Importing turns that into a document folder whose segments are the
legal units a reader cites: every article is one segment carrying its number as
its id (``第二十四条``), every item of an opinion one segment (``五（十五）``).
Nothing is rewritten: joining the segment texts gives back the body with only
the Markdown heading markers removed (``qa corpus import`` checks this).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from qa.corpus.documents import META_FILE, SOURCE_FILE, CorpusError, format_segments
from qa.corpus.yamlsafe import safe_yaml
from qa.schema import Segment
from qa.text import norm

ZH_NUM = "零〇一二三四五六七八九十百千"
ARTICLE = re.compile(rf"^(第[{ZH_NUM}]+条)(?:\s|$)")
CHAPTER = re.compile(rf"^(第[{ZH_NUM}]+[章节])\s*")
PART = re.compile(rf"^([{ZH_NUM}]+)、")
ITEM = re.compile(rf"^（([{ZH_NUM}]+)）")
DATE_LINE = re.compile(r"^(?:\d{4}年\d{1,2}月\d{1,2}日|（\d{4}年\d{1,2}月\d{1,2}日）$)")


def split_front_matter(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise CorpusError(path, 1, "expected YAML front matter starting with '---'")
    end = text.find("\n---\n", 4)
    if end < 0:
        raise CorpusError(path, 1, "front matter is not closed by a '---' line")
    try:
        front = safe_yaml(text[4:end])
    except yaml.YAMLError as exc:
        raise CorpusError(path, 1, f"invalid front matter: {exc}") from exc
    body = text[end + len("\n---\n") :]
    return front, body.removeprefix("\n")


def parse_body(body: str) -> list[Segment]:
    """Segments of a law or policy body (see the module docstring for the rules)."""
    segments: list[Segment] = []
    part = ""  # current top-level heading id, for item ids
    counters: dict[str, int] = {}
    started = False  # past the first heading

    def add(seg_id: str, kind: str, text: str, *attrs: tuple[str, str]) -> None:
        segments.append(Segment(seg_id, kind, text, "zh", attrs=attrs))

    paras = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    signature: list[str] = []
    while paras and len(paras[-1]) <= 20 and not re.search(r"[。；，：]", paras[-1]) and not paras[-1].startswith("#"):
        signature.insert(0, paras.pop())  # issuer and date under the last item
    for para in paras:
        if not para or para.startswith("# "):
            continue  # the title is metadata
        if para.startswith("#"):
            title = para.lstrip("#").strip()
            match = CHAPTER.match(title) or PART.match(title)
            seg_id = match.group(1) if match else f"h{len(segments) + 1}"
            level = 2 if title.startswith("第") and "节" in (match.group(1) if match else "") else 1
            add(seg_id, "heading", title, ("level", str(level)))
            part, started = seg_id, True
            continue
        if match := ARTICLE.match(para):
            add(match.group(1), "article", para)
            continue
        in_article = bool(segments) and segments[-1].kind == "article"
        if started and not in_article and (match := ITEM.match(para)):
            add(f"{part}（{match.group(1)}）", "item", para)
            continue
        if not started:
            kind = "history" if DATE_LINE.match(para) else "para"
            key = "history" if kind == "history" else "preamble"
        elif segments and segments[-1].kind in ("article", "item"):
            last = segments[-1]
            segments[-1] = Segment(last.id, last.kind, f"{last.text}\n{para}", "zh", attrs=last.attrs)
            continue
        else:
            kind, key = "para", part
        counters[key] = counters.get(key, 0) + 1
        add(f"{key}-{counters[key]}" if kind == "history" else f"{key}-p{counters[key]}", kind, para)
    if signature:
        add("signature", "signature", "\n".join(signature))
    return segments


def build_meta(doc_id: str, front: dict[str, Any], source_path: Path) -> dict[str, Any]:
    """Our metadata: the required keys first, then the source's front matter kept verbatim."""
    date = front.get("date_revised") or front.get("date_adopted") or front.get("date_published")
    meta: dict[str, Any] = {
        "id": doc_id,
        "title_zh": front.get("title", doc_id),
        "title_en": front.get("title_en"),
        "title_en_status": front.get("title_en_status"),
        "issuer": front.get("issuer"),
        "doc_type": front.get("doc_type"),
        "date": str(date) if date else None,
        "doc_number": front.get("doc_number"),
        "source": {
            "repo": front.get("source_repo"),
            "path": front.get("source_path"),
            "commit": front.get("source_commit"),
            "imported_from": f"shared/corpus-sources/{source_path.name}",
            "body_sha256": front.get("body_sha256"),
        },
        "licence_basis": front.get("license_basis"),
        "language": "zh",
        "translation": {"language": "en", "status": "none", "official": False},
    }
    keep = {k: v for k, v in front.items() if k not in {"title", "title_en", "license_basis"}}
    meta["source_front_matter"] = keep
    return meta


def import_markdown(source_path: Path, doc_id: str, corpus_root: Path) -> Path:
    """Import one Markdown policy text as ``corpus_root/doc_id``; returns the folder.

    Checks the body against the front matter's ``body_sha256`` and that the
    segments hold every character of the body (Markdown heading markers aside).
    """
    front, body = split_front_matter(source_path)
    expected = front.get("body_sha256")
    if expected is not None and hashlib.sha256(body.encode("utf-8")).hexdigest() != str(expected):
        raise CorpusError(source_path, 1, "body does not match body_sha256 in the front matter")
    segments = parse_body(body)
    body_text = norm("".join(s.text for s in segments if s.kind != "heading"))
    if body_text != norm(re.sub(r"(?m)^#+ .*$", "", body)):
        raise CorpusError(source_path, 0, "import lost or reordered text; refusing to write")
    headings = norm("".join(s.text for s in segments if s.kind == "heading"))
    if headings != norm("".join(re.findall(r"(?m)^##+ (.*)$", body))):
        raise CorpusError(source_path, 0, "import lost a heading; refusing to write")
    folder = corpus_root / doc_id
    folder.mkdir(parents=True, exist_ok=True)
    meta = build_meta(doc_id, front, source_path)
    (folder / META_FILE).write_text(
        yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
    )
    (folder / SOURCE_FILE.format(lang="zh")).write_text(format_segments(segments), encoding="utf-8")
    return folder
