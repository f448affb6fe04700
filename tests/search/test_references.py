"""References in questions (专利法第五十条, Article 45, the fourth proposal) and query translation."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.corpus.documents import load_corpus
from qa.corpus.glossary import Glossary
from qa.search.crosslingual import QueryTranslator
from qa.search.references import ReferenceResolver, _article_id
from qa.search.tokenize import Tokenizer
from qa.text import zh_number


@pytest.fixture(scope="module")
def resolver(real_corpus: Path) -> ReferenceResolver:
    return ReferenceResolver(load_corpus(real_corpus))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("第四条政策建议如何处理专利？", [("paper", "3-(4)")]),
        ("How does the fourth proposal handle patents?", [("paper", "3-(4)")]),
        ("建议（2）讲的是什么", [("paper", "3-(2)")]),
        ("专利法第五十条规定了什么？", [("patent-law", "第五十条")]),
        ("专利法实施细则第八十五条", [("patent-regulations", "第八十五条")]),
        ("What does Article 45 of the transformation law say?", [("transformation-law", "第四十五条")]),
        ("要素市场化配置意见第（十五）条要开展什么试点？", [("factor-market-opinion", "（十五）")]),
        ("评价意见二（三）讲了什么", [("evaluation-opinion", "二（三）")]),
        ("What does section 2.3 argue?", [("paper", "2.3")]),
        ("第三对关系是什么？", [("paper", "2.3")]),
        ("What is in Table 2?", [("paper", "t2")]),
        ("What are the five tensions the paper names?", []),
    ],
)
def test_references_are_parsed(resolver: ReferenceResolver, question: str, expected: list[tuple[str, str]]) -> None:
    assert [(r.doc_id, r.prefixes[0]) for r in resolver.parse(question)] == expected


def test_an_article_without_a_law_name_points_at_every_law(resolver: ReferenceResolver) -> None:
    refs = resolver.parse("第二十四条是怎么规定的？")
    assert [(r.doc_id, r.prefixes) for r in refs] == [(None, ("第二十四条",))]


def test_article_ids_round_trip() -> None:
    for n in range(1, 150):
        assert zh_number(_article_id(n)[1:-1]) == n


def test_query_translation_uses_the_glossary_then_the_dictionary(real_corpus: Path) -> None:
    glossary = Glossary.load(real_corpus / "glossary.tsv")
    texts = [s.text for d in load_corpus(real_corpus) for s in d.segments]
    translator = QueryTranslator.build(texts, glossary, Tokenizer([t.zh for t in glossary.terms]))
    assert "开放许可" in translator.translate("What is an open licence under the patent law?")
    assert "发明人" in translator.translate("What reward does the inventor get?")
    assert translator.translate("第四条政策建议") == []
