"""Importing Markdown laws and policy documents into segment files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from qa.corpus.documents import CorpusError, load_document
from qa.corpus.sources import import_markdown, parse_body

LAW = """# 中华人民共和国测试法

2020年1月1日 第一次会议通过

## 第一章 总则

第一条 为了测试，制定本法。

第二条 国家支持下列活动：

（一）研究；

（二）开发。

有关部门应当予以保障。

## 第二章 附则

第三条 本法自2020年1月1日起施行。
"""

OPINION = """# 关于测试的意见

各有关单位：

为做好测试，提出如下意见。

## 一、总体要求

（一）指导思想。坚持测试。

（二）基本原则。

坚持第一条原则。

## 二、主要措施

（三）完善机制。加强协同。

国务院办公厅

2021年7月16日
"""


def write_source(tmp_path: Path, body: str, *, sha: str | None = None) -> Path:
    digest = sha or hashlib.sha256(body.encode()).hexdigest()
    path = tmp_path / "law.md"
    path.write_text(f"---\ntitle: 测试法\ntitle_en: Test Law\nissuer: 测试\nbody_sha256: {digest}\n---\n\n{body}")
    return path


def test_law_articles_are_segments_named_by_their_number() -> None:
    segments = parse_body(LAW)
    assert [(s.id, s.kind) for s in segments] == [
        ("history-1", "history"),
        ("第一章", "heading"),
        ("第一条", "article"),
        ("第二条", "article"),
        ("第二章", "heading"),
        ("第三条", "article"),
    ]
    assert segments[3].text == "第二条 国家支持下列活动：\n（一）研究；\n（二）开发。\n有关部门应当予以保障。"


def test_opinion_items_preamble_and_signature() -> None:
    segments = parse_body(OPINION)
    assert [(s.id, s.kind) for s in segments] == [
        ("preamble-p1", "para"),
        ("preamble-p2", "para"),
        ("一", "heading"),
        ("一（一）", "item"),
        ("一（二）", "item"),
        ("二", "heading"),
        ("二（三）", "item"),
        ("signature", "signature"),
    ]
    assert segments[4].text == "（二）基本原则。\n坚持第一条原则。"
    assert segments[-1].text == "国务院办公厅\n2021年7月16日"


def test_import_writes_a_loadable_document_without_translation(tmp_path: Path) -> None:
    folder = import_markdown(write_source(tmp_path, LAW), "test-law", tmp_path / "corpus")
    doc = load_document(folder)
    assert doc.meta["title_en"] == "Test Law"
    assert doc.meta["translation"]["status"] == "none"
    assert [s.id for s in doc.segments if s.kind == "article"] == ["第一条", "第二条", "第三条"]


def test_import_refuses_a_body_that_does_not_match_its_checksum(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="body_sha256"):
        import_markdown(write_source(tmp_path, LAW, sha="0" * 64), "test-law", tmp_path / "corpus")
    assert not (tmp_path / "corpus" / "test-law").exists()


@pytest.mark.parametrize(
    ("doc_id", "articles", "chapters"),
    [
        ("transformation-law", 52, 6),
        ("progress-law", 117, 12),
        ("patent-law", 82, 8),
        ("patent-regulations", 149, 13),
    ],
)
def test_real_laws_have_every_article(real_corpus: Path, doc_id: str, articles: int, chapters: int) -> None:
    doc = load_document(real_corpus / doc_id)
    assert sum(s.kind == "article" for s in doc.segments) == articles
    assert sum(s.kind == "heading" for s in doc.segments) == chapters
    assert doc.meta["source"]["commit"] and doc.meta["licence_basis"]


def test_real_opinions_have_every_item(real_corpus: Path) -> None:
    factor = load_document(real_corpus / "factor-market-opinion")
    items = [s.id for s in factor.segments if s.kind == "item"]
    assert len(items) == 32 and items[14] == "五（十五）"
    evaluation = load_document(real_corpus / "evaluation-opinion")
    assert sum(s.kind == "item" for s in evaluation.segments) == 16
    assert evaluation.segments[-1].text == "国务院办公厅\n2021年7月16日"
