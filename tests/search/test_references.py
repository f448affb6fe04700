"""References in questions (专利法第五十条, Article 45, the fourth proposal) and query translation."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.corpus.chunking import Chunker
from qa.corpus.documents import load_corpus
from qa.corpus.glossary import Glossary
from qa.search.crosslingual import QueryTranslator
from qa.search.reference_patterns import article_id
from qa.search.references import ReferenceResolver
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
        ("What does item (15) of the factor-market opinion say?", [("factor-market-opinion", "（十五）")]),
        ("What does section 2.3 argue?", [("paper", "2.3")]),
        ("第三对关系是什么？", [("paper", "2.3")]),
        ("What is in Table 2?", [("paper", "t2")]),
        ("What are the five tensions the paper names?", []),
        # several numbers sharing one noun: each is a proposal or a tension, not a law's article
        ("第二条和第三条政策建议有什么不同？", [("paper", "3-(2)"), ("paper", "3-(3)")]),
        ("第一、二条建议讲了什么", [("paper", "3-(1)"), ("paper", "3-(2)")]),
        ("政策建议（2）和（3）有什么区别？", [("paper", "3-(2)"), ("paper", "3-(3)")]),
        ("What is the difference between proposals (2) and (3)?", [("paper", "3-(2)"), ("paper", "3-(3)")]),
        ("How do the first and second tensions differ?", [("paper", "2.1"), ("paper", "2.2")]),
        ("第一对和第二对关系有什么区别？", [("paper", "2.1"), ("paper", "2.2")]),
        ("专利法第二条和第三条讲什么", [("patent-law", "第二条"), ("patent-law", "第三条")]),
    ],
)
def test_references_are_parsed(resolver: ReferenceResolver, question: str, expected: list[tuple[str, str]]) -> None:
    assert [(r.doc_id, r.prefixes[0]) for r in resolver.parse(question)] == expected


def test_an_article_without_a_law_name_points_at_every_law(resolver: ReferenceResolver) -> None:
    refs = resolver.parse("第二十四条是怎么规定的？")
    assert [(r.doc_id, r.prefixes) for r in refs] == [(None, ("第二十四条",))]


def test_article_ids_round_trip() -> None:
    for n in range(1, 150):
        assert zh_number(article_id(n)[1:-1]) == n


def test_query_translation_uses_the_glossary_then_the_dictionary(real_corpus: Path) -> None:
    glossary = Glossary.load(real_corpus / "glossary.tsv")
    texts = [s.text for d in load_corpus(real_corpus) for s in d.segments]
    translator = QueryTranslator.build(texts, glossary, Tokenizer([t.zh for t in glossary.terms]))
    assert "开放许可" in translator.translate("What is an open licence under the patent law?")
    assert "发明人" in translator.translate("What reward does the inventor get?")
    assert translator.translate("第四条政策建议") == []


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("文章除了历史、理论、实践这三条逻辑以外，第四条“文化逻辑”具体是怎么论述的？", "logic 4"),
        ("What's the fifth trend of integration the paper names?", "trend 5"),
        ("中科院那篇文章的第（7）条政策建议具体讲的是什么？", "proposal (7)"),  # the number in brackets
        ("商标法规定注册商标的有效期是几年？", "document 《商标法》"),
        ("《中华人民共和国著作权法》对软件保护多少年？", "document 《中华人民共和国著作权法》"),
        ("Under China's Copyright Law, how long is software protected?", "document Copyright Law"),
        ("How does the EU AI Act classify high-risk systems?", "document EU AI Act"),  # another country's law
    ],
)
def test_what_the_corpus_lacks_dangles(
    resolver: ReferenceResolver, real_corpus: Path, question: str, label: str
) -> None:
    from qa.corpus.chunking import Chunker

    chunks = Chunker().chunk_corpus(load_corpus(real_corpus))
    dangling = resolver.dangling(question, chunks)
    assert [d.label for d in dangling] == [label]
    assert dangling[0].zh and dangling[0].en


@pytest.mark.parametrize(
    "question",
    [
        "第二条逻辑讲了什么？",  # the paper's theory logic, §1.2
        "第（4）条政策建议如何处理专利？",
        "What is the third trend of integration?",
        "马克思在《资本论》里是怎样揭示生产力本质的？",  # a book the paper cites, not a law
        "What does the Science and Technology Progress Law say about failure?",
        "《中华人民共和国专利法》第十五条讲什么？",
    ],
)
def test_what_the_corpus_has_does_not_dangle(resolver: ReferenceResolver, real_corpus: Path, question: str) -> None:
    from qa.corpus.chunking import Chunker

    chunks = Chunker().chunk_corpus(load_corpus(real_corpus))
    assert resolver.dangling(question, chunks) == []


def test_a_law_the_user_added_is_not_missing(real_corpus: Path) -> None:
    from dataclasses import replace

    docs = load_corpus(real_corpus)
    added = replace(docs[0], id="sme-law", meta={"title": "中华人民共和国中小企业促进法"})
    assert ReferenceResolver([*docs, added]).laws_missing("中小企业促进法对融资有什么规定？") == []
    assert ReferenceResolver(docs).laws_missing("中小企业促进法对融资有什么规定？") == ["《中小企业促进法》"]


def test_looking_only_at_the_named_documents_finds_what_scanning_every_chunk_finds(
    resolver: ReferenceResolver, real_corpus: Path
) -> None:
    """resolve() reads only the named documents' chunks (fast at archive scale): same answer as a full scan."""
    from qa.corpus.chunking import Chunker
    from qa.search.references import _points_at

    chunks = Chunker().chunk_corpus(load_corpus(real_corpus))
    questions = [
        "第四条政策建议如何处理专利？",
        "专利法第五十条规定了什么？",
        "What does Article 45 of the transformation law say?",
        "第二十四条规定了什么？",  # no law named: every document's article 24
        "§2.3 和表1说了什么？",
    ]
    for question in questions:
        refs = resolver.parse(question)
        scanned = [i for i, c in enumerate(chunks) if c.kind != "outline" and any(_points_at(r, c) for r in refs)]
        assert refs and resolver.resolve(question, chunks) == scanned, question


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "专利法第15条和成果转化法第44条对职务发明的reward规定有啥不一样",
            ["patent-law/第十五条", "transformation-law/第四十四条"],
        ),
        (
            "Compare Article 15 of the Patent Law with Article 44 of the Transformation Law",
            ["patent-law/第十五条", "transformation-law/第四十四条"],
        ),
        ("专利法和促进科技成果转化法第十五条有什么不同？", ["patent-law/第十五条", "transformation-law/第十五条"]),
        ("专利法实施细则第九十三条和专利法第十五条", ["patent-law/第十五条", "patent-regulations/第九十三条"]),
    ],
)
def test_an_article_number_goes_with_the_law_named_beside_it(
    resolver: ReferenceResolver, question: str, expected: list[str]
) -> None:
    assert sorted(f"{r.doc_id}/{r.prefixes[0]}" for r in resolver.parse(question)) == expected


def test_an_item_an_opinion_lacks_is_told_how_many_items_it_has(resolver: ReferenceResolver, real_corpus: Path) -> None:
    chunks = Chunker().chunk_corpus(load_corpus(real_corpus))
    for question in (
        "What does item (33) of the factor-market opinion say?",
        "要素市场化配置意见第（三十三）条讲的是什么？",
    ):
        [dangling] = resolver.dangling(question, chunks)
        assert "共32项（（一）–（三十二））" in dangling.zh and "has 32 items, (1)–(32)" in dangling.en
    assert resolver.dangling("What does item (15) of the factor-market opinion say?", chunks) == []


@pytest.mark.parametrize(
    "question",
    [
        "What does the CAS paper say is wrong with how researchers are evaluated?",
        "中科院的文章怎么看科研评价？",
        "院刊文章提出了几条建议？",
    ],
)
def test_the_paper_goes_by_what_readers_call_it(resolver: ReferenceResolver, question: str) -> None:
    assert resolver.documents_named(question)[0] == ["paper"]


@pytest.mark.parametrize(
    ("needle", "text"),
    [("专利法", "专利法和专利法实施细则"), ("aa", "aaaaa"), ("法", ""), ("Law", "the law"), ("细则", "细则细则")],
)
def test_a_plain_name_is_found_where_a_regex_of_it_finds_it(needle: str, text: str) -> None:
    # names are found by str.find, not one compiled regex per alias (thousands with the law archive)
    import re

    from qa.search.references import _spans

    assert _spans(needle, text) == [(m.start(), m.end()) for m in re.finditer(re.escape(needle), text)]


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("What is the grace period for inventor disclosures under US patent law (35 USC 102)?", "US patent law"),
        ("美國的拜杜法案對大學保留聯邦資助發明的所有權是怎麼規定的？", "美國的拜杜法案"),
        ("德国专利法规定的发明人报酬标准是什么？", "德国专利法"),
        ("What is the grace period for prior disclosure under Japanese patent law?", "Japanese patent law"),
        ("How does the EU AI Act regulate models?", "EU AI Act"),
        ("What does the EU Unitary Patent Regulation require for translations?", "EU Unitary Patent Regulation"),
    ],
)
def test_another_country_s_law_is_no_document_of_the_corpus(
    resolver: ReferenceResolver, real_corpus: Path, question: str, named: str
) -> None:
    from qa.search.titles import foreign_laws

    assert named in foreign_laws(question)
    chunks = Chunker().chunk_corpus(load_corpus(real_corpus))
    assert any(named.replace("國", "国") in d.en or named in d.en for d in resolver.dangling(question, chunks))


@pytest.mark.parametrize(
    "question",
    [
        "If a German company acts as licensor under the Patent Law, who pays?",
        "论文怎么看美国的做法？",
        "我们想把专利独家授权给一家美国公司，促进科技成果转化法有什么要求？",
        "I filed a design application in Germany last spring. How long do I have?",
        "What do the Implementing Regulations say about foreign applicants?",
    ],
)
def test_a_foreign_country_named_beside_no_law_of_its_own_is_fine(question: str) -> None:
    from qa.search.titles import foreign_laws

    assert foreign_laws(question) == []
