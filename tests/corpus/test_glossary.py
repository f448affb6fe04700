"""The glossary is big enough, well-formed, and every translation uses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.corpus.documents import CorpusError, load_corpus, load_document, with_translations
from qa.corpus.glossary import Glossary

REQUIRED_TERMS = [
    # the five relations, the five mechanisms, the six integrations, the four trends
    *["前瞻性与实践性", "战略性与市场性", "公共性与独占性", "全局性与局部性", "协同性与竞争性"],
    *["源头交汇机制", "迭代发展机制", "分类评价机制", "区域协同机制", "无缝对接机制"],
    *["源头融合", "过程融合", "资源融合", "价值融合", "能力融合", "区域融合"],
    *["统域部署", "贯链融通", "聚能驱动", "跃维重构"],
    *["双螺旋结构", "新质生产力", "新型举国体制", "揭榜挂帅", "项目协同方"],
]


@pytest.fixture(scope="module")
def glossary(real_corpus: Path) -> Glossary:
    return Glossary.load(real_corpus / "glossary.tsv")


def test_glossary_has_the_key_terms(glossary: Glossary) -> None:
    assert len(glossary) >= 60
    missing = [t for t in REQUIRED_TERMS if glossary.get(t) is None]
    assert not missing


def test_one_english_rendering_per_term(glossary: Glossary) -> None:
    english = [t.en.lower() for t in glossary.terms]
    assert len(english) == len(set(english)), "two Chinese terms share an English rendering"


def test_every_translated_segment_uses_the_glossary(glossary: Glossary, real_corpus: Path) -> None:
    violations = [str(v) for doc in load_corpus(real_corpus) for v in glossary.violations(doc)]
    assert violations == []


def test_longest_match_wins(glossary: Glossary) -> None:
    found = [t.zh for _, t in glossary.find("培育战略性新兴产业和科技成果转化")]
    assert found == ["战略性新兴产业", "科技成果转化"]


def test_a_missing_rendering_is_a_violation(real_corpus: Path, glossary: Glossary) -> None:
    paper = load_document(real_corpus / "paper")
    seg = next(s for s in paper.segments if s.id == "3-(1)")
    assert seg.translation is not None
    broken = with_translations(paper, {seg.id: seg.translation.replace("source integration", "origin merging")})
    assert [(v.segment_id, v.term.zh) for v in glossary.violations(broken)] == [("3-(1)", "源头融合")]


def test_malformed_glossary_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tsv"
    path.write_text("zh\ten\talso\tcategory\tnote\n科技创新\tS&T innovation\n科技创新\tagain\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"glossary.tsv:3: duplicate term"):
        Glossary.load(path)
    path.write_text("wrong header\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="header must be"):
        Glossary.load(path)


def test_terms_are_found_left_to_right_longest_first_without_overlap() -> None:
    from qa.corpus.glossary import Term

    terms = [Term("科技成果", "S&T achievement", (), "", ""), Term("科技成果转化", "transformation", (), "", "")]
    terms.append(Term("成果转化", "results transfer", (), "", ""))
    found = [(at, t.zh) for at, t in Glossary(terms).find("科技成果转化和成果转化，科技成果")]
    assert found == [(0, "科技成果转化"), (7, "成果转化"), (12, "科技成果")]
    assert list(Glossary([]).find("科技成果")) == []
