"""Questions as people type them: 繁體, long questions, everyday words, the exact clause, honest declines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qa import Assistant
from qa.corpus.thesaurus import LEGAL, LEGAL_ENGLISH, Thesaurus
from qa.evaluation.questions import load_questions
from qa.search.asked import (
    ASKS_CONSEQUENCE,
    asked_quantities,
    compared_terms,
    figures_wanted,
    gives,
    is_heading,
    set_apart_footnotes,
)
from qa.search.query import focus_of, shortened, simplified, understand
from qa.text import MAX_PASTE_CHARS, MAX_QUESTION_CHARS, QuestionError

ROOT = Path(__file__).resolve().parents[2]


# -- script -------------------------------------------------------------------------


def test_traditional_becomes_simplified_and_simplified_text_is_untouched(real_corpus: Path) -> None:
    assert simplified("論文提出的六條政策建議分別是什麼？") == "论文提出的六条政策建议分别是什么？"
    assert simplified("What about 專利?") == "What about 专利?"
    for path in real_corpus.glob("*/source.zh.txt"):  # the character table never rewrites mainland text
        text = path.read_text(encoding="utf-8")
        assert simplified(text) == text, path


def test_a_traditional_question_is_searched_and_answered_like_its_simplified_twin(assistant: Assistant) -> None:
    trad, simp = "論文提出的六條政策建議分別是什麼？", "论文提出的六条政策建议分别是什么？"
    assert [h.chunk_id for h in assistant.search(trad)] == [h.chunk_id for h in assistant.search(simp)]
    a, b = assistant.ask(trad), assistant.ask(simp)
    assert not a.abstained and a.question == trad  # the question is kept as typed
    assert a.text == b.text  # quotes stay verbatim (simplified, as in the documents)
    assert [c.quote for c in a.citations] == [c.quote for c in b.citations]


# -- long questions ------------------------------------------------------------------


def test_the_focus_of_a_long_question_is_its_asking_part() -> None:
    short = "专利权的期限是多少年？"
    assert focus_of(short) == short
    long = "我在一家小公司当工程师，平时负责产品的结构设计，最近周末在家琢磨出一种新的门锁结构。老板说员工的发明一律归公司。这种情况下专利到底归谁？"
    # a short ask takes the piece before it along: "这种情况下" needs its situation
    assert focus_of(long) == "老板说员工的发明一律归公司。 这种情况下专利到底归谁？"
    english = (
        "I'm a patent agent working for a mid-sized client in Shenzhen, and we have been filing for years. "
        "Now the client asks me a simple thing. How long does a design patent last?"
    )
    assert focus_of(english) == "How long does a design patent last?"
    assert focus_of("Background only, no question at all, just a long statement about patents and universities.") == (
        "Background only, no question at all, just a long statement about patents and universities."
    )


def test_a_short_question_followed_by_context_is_focused_on_its_ask(assistant: Assistant) -> None:
    question = "how long do i have to sue someone who copied my patented product? i only found out about it last month"
    assert focus_of(question) == "how long do i have to sue someone who copied my patented product?"
    # context first, then the ask, in a short question: the whole of it is the ask
    assert focus_of("I am a student. What is the term of a design patent?") == (
        "I am a student. What is the term of a design patent?"
    )
    top = assistant.search(question, k=5)
    assert "patent-law/第七十四条" in [h.chunk_id for h in top]  # the limitation period, not the time-limit rules


def test_a_long_question_is_ranked_by_its_focus_as_well(assistant: Assistant) -> None:
    query = assistant.understand(
        "我在大学的技术转移办公室工作，学校刚把一项专利许可给本地企业，学校从来没有制定过奖励办法。"
        "依法最少要从许可净收入里拿出多大比例奖励给团队？"
    )
    assert query.has_focus
    top = assistant.search(query.original, k=3)
    assert any(h.chunk_id == "transformation-law/第四十五条" for h in top)
    assert any(leg.startswith("focus_") for h in top for leg in h.ranks)


def test_a_question_over_the_limit_is_read_from_its_asking_part() -> None:
    story = "我们学校去年和一家企业签了合同，情况比较复杂。" * 100  # 2,300 characters of context
    ask = "请问学校没有规定奖励的话，转让净收入里给团队的奖励至少是多少？"
    read = shortened(story + ask)
    assert len(read) <= MAX_QUESTION_CHARS and read.endswith(ask) and read.startswith("我们学校")  # whole pieces
    assert shortened(ask) == ask  # a question within the limit is read whole
    # the ask first, then a long afterword: the ask and what came before it, not the afterword
    english = "What is the minimum reward for the team? " + "Some background about our project here. " * 60
    assert shortened(english) == "What is the minimum reward for the team?"
    # no asking piece: its end; one piece over the limit: its last characters, from a word boundary
    assert shortened("x" * 3000).startswith("x") and len(shortened("x" * 3000)) == MAX_QUESTION_CHARS
    words = shortened("word " * 1000)
    assert words.startswith("word") and len(words) <= MAX_QUESTION_CHARS


def test_a_long_story_before_the_ask_is_answered_and_says_what_was_read(assistant: Assistant) -> None:
    story = "我在一所省属高校的技术转移中心工作，" + "我们学校去年和一家企业签了合同，情况比较复杂。" * 100
    answer = assistant.ask(
        story + "请问按照促进科技成果转化法，学校没有规定奖励的话，转让净收入里给团队的奖励至少是多少？"
    )
    assert not answer.abstained and "百分之五十" in answer.text
    assert any("只按其最后提问的部分作答" in n and "至少是多少" in n for n in answer.notes)
    assert not assistant.ask("专利权的期限是多少年？").notes  # a short question gets no such note
    with pytest.raises(QuestionError, match="limit is 10000"):
        assistant.ask("问" * (MAX_PASTE_CHARS + 1))


# -- thesaurus -----------------------------------------------------------------------


def test_thesaurus_maps_everyday_words_to_the_documents_terms(tmp_path: Path) -> None:
    path = tmp_path / "thesaurus.tsv"
    path.write_text("# comment\n躺在抽屉里\t束之高阁\nsue\t诉讼时效,起诉\n", encoding="utf-8")
    thesaurus = Thesaurus.load(path)
    assert thesaurus.terms_for("为什么成果都躺在抽屉里") == ["束之高阁"]
    assert thesaurus.terms_for("How long can I wait to sue?") == ["诉讼时效", "起诉"]
    assert thesaurus.terms_for("a issue with pursuers") == []  # whole words only
    query = understand("How long can I wait to sue?", thesaurus)
    assert query.terms == ("诉讼时效", "起诉") and query.text == "How long can I wait to sue?"
    path.write_text("no tab here\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"thesaurus.tsv:1"):
        Thesaurus.load(path)


def test_the_shipped_thesaurus_points_at_words_the_documents_use(real_corpus: Path) -> None:
    path = real_corpus / "thesaurus.tsv"
    assert path.exists()
    corpus = "".join(p.read_text(encoding="utf-8") for p in real_corpus.glob("*/source.zh.txt"))
    english = "".join(p.read_text(encoding="utf-8") for p in real_corpus.glob("*/translation.en.txt")).lower()
    for _, terms in Thesaurus.load(path).entries:
        for term in terms:
            assert term in corpus or term.lower() in english, term


# -- the exact clause ----------------------------------------------------------------


def test_a_few_in_a_statement_is_not_a_count_asked() -> None:
    # 几家 is "a few" in a sentence that states, "how many" in one that asks (or in an unpunctuated ask)
    assert asked_quantities("我们是行业协会，想牵头几家会员企业一起搞一套标准。法律上允许吗？") == []
    assert asked_quantities("论文提出了几项建议？") == ["count"]
    assert asked_quantities("专利法规定了几类专利？还有别的吗？") == ["count"]
    assert asked_quantities("一共有几家单位参与") == ["count"]
    assert asked_quantities("公司成立几年了。专利保护期多久？") == ["period"]


def test_quantity_asks_and_the_sentences_that_give_them() -> None:
    assert asked_quantities("最少多少钱？") == ["money"]
    assert "period" in asked_quantities("How long does a design patent last?")
    assert "percent" in asked_quantities("能拿到百分之几？")
    # a closing bracket between the share and its ask (trial 8: answered with the R&D total in yuan)
    assert asked_quantities("2024年我国研发投入强度（研发经费占GDP的比重）是多少？") == ["percent"]
    assert asked_quantities("What is the dual helix?") == []
    # "how much prize money / compensation / in fines": an amount, whatever words come between
    assert asked_quantities("How much prize money comes with the award?") == ["money"]
    assert asked_quantities("How much in fines can they impose?") == ["money"]
    assert asked_quantities("公司每个月要给多少补偿？") == ["money"]
    assert asked_quantities("发明人能拿多少报酬？") == ["money"]
    # "how long is the time limit", without 多久: a period ("专利复审期限多长" was read as no figure at all)
    assert asked_quantities("专利复审期限多长") == asked_quantities("保护期有多长？") == ["period"]
    assert asked_quantities("What is the time limit for requesting reexamination?") == ["period"]
    assert asked_quantities("这篇文章篇幅多长") == []  # a length, not a period
    # "how many extra years": a period, not a count of something ("how many patents")
    assert asked_quantities("How many extra years of patent life can a new medicine get?") == ["period"]
    assert asked_quantities("How many patents were granted last year?") == ["count"]
    assert gives("一项发明专利的奖金最低不少于4000元；", "money")
    assert gives("提取不低于百分之五十的比例；", "percent")
    assert gives("The term of an invention patent is 20 years", "period")
    assert not gives("国家鼓励科技成果转化。", "money")
    # a date is a point in time, not a period: a law's revision history answers no "多久"
    assert not gives("1982年11月19日 第五届全国人民代表大会常务委员会第二十五次会议通过", "period")
    assert not gives("二〇一七年十一月四日修正；自2018年起施行", "period")
    assert gives("2017年修正的本法规定，应当在七日内提出处理意见", "period")  # the period beside a year still counts
    assert gives("每年3月31日前报送上一年度能源消费状况报告", "period")  # a yearly deadline
    assert gives("各地方要在本意见出台半年内完成", "period") and gives("within half a year", "period")  # 半年
    assert not gives("今年上半年产值增长", "period")  # the first half of a year is a time, not a period
    assert figures_wanted("How big was China's core AI industry in 2024?") == ["number"]  # a magnitude
    # a rate or a share is a percentage; a count is not a year, an article number or an item label
    assert asked_quantities("What exact corporate income tax rate does the law set?") == ["percent"]
    assert asked_quantities("成果转化率是多少？") == ["percent"]
    assert asked_quantities("占工业产值的比重是多少？") == ["percent"] == asked_quantities("占比多少")
    assert asked_quantities("研发经费投入总额是多少？") == ["money"] and asked_quantities("比重如何变化？") == []
    assert "percent" in asked_quantities("What minimum share of the budget must a firm pay?")
    assert gives("国家建设30个技术转移中心", "count") and gives("three regional centres", "count")
    for placed in (
        "依照专利法第十五条的规定",
        "(17) Cultivate technology markets",
        "Article 16 of the law",
        "In 2021 the State",
    ):
        assert not gives(placed, "count"), placed
    # "哪几个方面" asks for the items, not a number: listed or numbered items give it
    assert asked_quantities("要从哪几个方面来评？") == ["items"] and asked_quantities("有几个方面？") == ["count"]
    assert gives("围绕技术可扩散性、应用场景适配性、产业链嵌入深度等方面", "items")
    assert gives("（一）将该项职务科技成果转让、许可给他人实施的", "items")
    assert not gives("围绕技术可扩散性、应用场景适配性、产业链嵌入深度等方面", "count")


@pytest.mark.parametrize(
    ("question", "needed"),
    [
        ("学校把专利许可给企业，没定奖励办法，完成人至少能分到净收入的百分之几？", "不低于百分之五十"),
        ("没有约定的话，单位给发明专利发明人的奖金最少多少钱？", "4000元"),
        ("专利权人多久不实施专利，别人就可以申请强制许可？", "满三年"),
    ],
)
def test_the_clause_with_the_asked_for_number_is_quoted(assistant: Assistant, question: str, needed: str) -> None:
    answer = assistant.ask(question)
    assert not answer.abstained
    assert any(needed in c.quote for c in answer.citations), answer.text


def test_headings_keywords_and_bibliography_are_not_answer_sentences(assistant: Assistant) -> None:
    chunks = {c.id: c for c in assistant.chunks}
    for q in load_questions(ROOT / "evals" / "natural.jsonl").questions:
        if re.search(r"关键词|keyword|参考文献|reference|作者|author", q.question, re.I):
            continue
        answer = assistant.ask(q.question)
        assert answer.abstained or answer.text.strip()
        for c in answer.citations:
            assert chunks[c.chunk_id].kind not in ("keywords", "reference", "profile"), (q.id, c.quote)


def test_footnote_markers_are_set_apart_from_citations() -> None:
    assert set_apart_footnotes("第一次工业革命[6]。") == "第一次工业革命⁶。"
    assert set_apart_footnotes("见[1-3]") == "见¹⁻³"
    assert is_heading("第七章 职务发明创造的奖励和报酬", "第七章 职务发明创造的奖励和报酬 › 第九十二条")
    assert not is_heading("第九十二条 被授予专利权的单位可以与发明人约定", "第七章 › 第九十二条")


def test_only_our_markers_look_like_citations(assistant: Assistant) -> None:
    answer = assistant.ask("第一次工业革命时科技与产业是什么关系？")
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers == {c.marker for c in answer.citations}


def test_a_comparison_of_two_documents_is_answered_in_two_parts(assistant: Assistant) -> None:
    answer = assistant.ask("专利法和专利法实施细则对假冒专利的罚款分别是怎么规定的？")
    assert not answer.abstained
    assert {c.doc_id for c in answer.citations} == {"patent-law", "patent-regulations"}
    lines = answer.text.splitlines()
    assert len(lines) == 3 and lines[1].startswith("1. 《") and lines[2].startswith("2. 《")


# -- honest declines -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("第七条政策建议讲了什么？", "6条"),
        ("What does proposal (7) of the paper say?", "6 policy proposals"),
        ("文章的第六对关系是什么？", "5对"),
        ("专利法第二百条是怎么规定的？", "82条"),
        ("第一千条", "149条"),
        ("按照国发〔2016〕16号文，高校领导能不能拿股权激励？", "没有国发〔2016〕16号"),
        # every section, not "1.1–2.5", which left out the proposals (trial 9)
        ("What does Section 2.6 of the CAS paper argue?", "sections 1 (1.1–1.3), 2 (2.1–2.5), 3, 4"),
        ("论文第2.6节讲了什么？", "章节为1（1.1–1.3）、2（2.1–2.5）、3、4"),
    ],
)
def test_references_to_what_does_not_exist_are_declined_with_what_does(
    assistant: Assistant, question: str, says: str
) -> None:
    answer = assistant.ask(question)
    assert answer.abstained and says in answer.text


def test_a_known_document_number_names_its_document(assistant: Assistant) -> None:
    answer = assistant.ask("国办发〔2021〕26号文件对科技成果评价提出了什么要求？")
    assert not answer.abstained
    assert {c.doc_id for c in answer.citations} == {"evaluation-opinion"}


def test_a_decline_names_the_nearest_topic(assistant: Assistant) -> None:
    answer = assistant.ask("红烧肉怎么做才能肥而不腻？")
    assert answer.abstained and "最接近的内容在《" in answer.text
    answer = assistant.ask("Is it going to snow in Boston this weekend?")
    assert answer.abstained and "The nearest topic they cover:" in answer.text


def test_a_shorter_glossary_term_is_not_annotated_inside_a_longer_one(assistant: Assistant) -> None:
    answer = assistant.ask(
        "Our university licensed a patent and never wrote a reward policy. How much goes to the inventors?"
    )
    assert "(科技成果) (职务科技成果)" not in answer.text
    assert "service S&T achievement (职务科技成果)" in answer.text


def test_a_tension_or_proposal_named_by_what_it_is_about(assistant: Assistant) -> None:
    resolver = assistant.retriever.references
    assert resolver is not None
    chunks = assistant.chunks

    def sections(question: str) -> set[str]:
        return {chunks[i].segment_ids[0].split("-p")[0] for i in resolver.sections_named(question, chunks)}

    assert sections("什么是源头融合？") == {"3-(1)"}
    assert sections("How do the foresight/practicality and collaboration vs competition sections differ?") == {
        "2.1",
        "2.5",
    }
    # a question listing all five tensions names none in particular
    assert sections("五对关系：前瞻性与实践性、战略性与市场性、公共性与独占性、全局性与局部性、协同性与竞争性") == set()
    answer = assistant.ask("前瞻性与实践性的关系和协同性与竞争性的关系有什么区别？")
    lines = answer.text.splitlines()
    assert len(lines) == 3 and "2.1" in lines[1] and "2.5" in lines[2]


def test_a_comparison_of_two_proposals_is_not_answered_as_a_list(assistant: Assistant) -> None:
    answer = assistant.ask("How does the assessment in proposal (1) differ from the assessment in proposal (6)?")
    lines = answer.text.splitlines()
    assert len(lines) == 3 and lines[1].startswith("1. (1)") and lines[2].startswith("2. (6)")


def test_every_cited_passage_is_reachable_from_the_answer(assistant: Assistant) -> None:
    for question in (
        "论文提出的六条政策建议分别是什么？",
        "What are the five tensions the paper names?",
        "专利法第五十条",
    ):
        answer = assistant.ask(question)
        sources = {h.chunk_id: h for h in answer.sources}
        assert len(sources) == len(answer.sources)  # once each
        for c in answer.citations:
            source = sources[c.chunk_id]
            assert c.quote in (source.translation if c.quote_lang == "en" and source.lang != "en" else source.text)


LAWS = Path(__file__).resolve().parents[3] / "shared" / "data" / "cn-laws.tar.xz"


def test_the_legal_thesaurus_extends_a_corpus_thesaurus_without_overriding_it(tmp_path: Path) -> None:
    legal = Thesaurus.load(LEGAL)
    assert len(legal.entries) > 300
    assert all(0 < len(terms) <= 3 and key not in terms for key, terms in legal.entries)
    path = tmp_path / "thesaurus.tsv"
    path.write_text("大学\t高校\n", encoding="utf-8")
    merged = Thesaurus.load(path).extended(legal)
    assert merged.terms_for("大学要不要开课")[0] == "高校"  # the corpus's own mapping comes first
    assert "行政复议" in merged.terms_for("被罚了款觉得冤")  # and the general one fills in


@pytest.mark.skipif(not LAWS.exists(), reason="../shared/data/cn-laws.tar.xz is not here")
@pytest.mark.parametrize("lexicon", [LEGAL, LEGAL_ENGLISH], ids=["chinese", "english"])
def test_the_legal_thesaurus_points_at_words_chinese_laws_use(lexicon: Path) -> None:
    import tarfile

    with tarfile.open(LAWS) as archive:
        texts = [
            archive.extractfile(m).read().decode("utf-8")  # type: ignore[union-attr]
            for m in archive.getmembers()
            if m.isfile() and m.name.endswith(".md") and not m.name.endswith("_index.md")
        ]
    assert len(texts) > 1000
    for _, terms in Thesaurus.load(lexicon).entries:
        for term in terms:
            assert sum(term in text for text in texts) >= 3, term
            assert lexicon == LEGAL or len(term) > 1, term  # an English word's one character would match anything


def test_a_project_is_no_figure_but_one_item_is() -> None:
    """项目 (a project) holds 项 after a numeral character ("单一项目"): a trial's short answer led with a clause
    stating no figure, "打破单一项目导向的研发投入方式", for "…研发投入金额？"."""
    assert not gives("打破单一项目导向的研发投入方式", "number")
    assert gives("资助一项专利", "number") and gives("研发经费达3.6万亿元", "number")


def test_how_many_years_months_or_days_asks_for_a_period_not_a_count() -> None:
    assert asked_quantities("专利侵权的诉讼时效是多少年？") == ["period"]
    assert asked_quantities("优先权期限是多少个月？") == ["period"]  # not also "how many (things)"
    assert asked_quantities("几个月内必须答复？") == ["period"]
    assert asked_quantities("有多少个技术转移中心？") == ["count"]


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("What's Beijing's current minimum wage under the 2020 factor-market opinion?", True),
        ("What was the total volume of IP pledge financing in 2024?", True),
        ("江苏省2024年相关产业的规模有多大？", True),
        ("Does that kind of bonus count against the total wage limit?", False),  # yes or no, not a figure
        ("What does the paper say about wages and talent?", False),
    ],
)
def test_a_figure_is_wanted_when_a_question_asks_what_a_wage_volume_or_size_is(question: str, wanted: bool) -> None:
    assert bool(figures_wanted(question)) is wanted


def test_the_everyday_name_of_a_patent_s_term_finds_the_article_on_it(assistant: Assistant) -> None:
    for question in ("专利保护期？", "专利的保护期限是多久"):
        assert "patent-law/第四十二条" in [h.chunk_id for h in assistant.search(question, k=3)]


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("开放许可和强制许可有什么区别？", ("开放许可", "强制许可")),
        ("专利法里的开放许可与强制许可的区别", ("开放许可", "强制许可")),  # cut at 里 and 的
        ("发明专利和实用新型专利的保护期限有什么不同？", ("发明专利", "实用新型专利")),
        (
            "What is the difference between open licensing and compulsory licensing?",
            ("open licensing", "compulsory licensing"),
        ),
        ("How does a utility model differ from an invention patent?", ("utility model", "invention patent")),
        ("open licence vs compulsory licence: which is easier to get?", ("open licence", "compulsory licence")),
        ("转化法和科技成果评价意见都谈到科技成果定价，两者提到的定价方式有何异同？", None),  # "两者": no terms
        ("What does Article 50 say?", None),
    ],
)
def test_the_two_terms_a_comparison_compares(question: str, terms: tuple[str, str] | None) -> None:
    assert compared_terms(question) == terms


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("承担单位拿了专利却一直不实施，国家会怎么处理？", True),
        ("What happens to the researchers if the project fails — are they on the hook for it?", True),
        ("whats the penalty if a company sells research papers?", True),
        # a mechanism named "exemption from liability" is what is asked about, not a consequence
        ('Break down the "exemption from liability for failure + staged exit" mechanism', False),
        ("专利权的期限是多久？", False),
    ],
)
def test_a_question_asking_what_then_happens(question: str, asks: bool) -> None:
    assert bool(ASKS_CONSEQUENCE.search(question)) is asks


def test_an_asking_piece_that_points_back_is_read_with_the_piece_before() -> None:
    question = (
        "I'm a foreign journalist. I've heard that in China if you quit your job and come up with an invention "
        "shortly afterwards, your old boss can claim it. Is that true, and how long does that window last?"
    )
    assert focus_of(question).startswith("I've heard that in China if you quit your job")
    plain = (
        "We are a small company in Suzhou with several patents, many products and a lot of paperwork with the "
        "patent office every single year, and our lawyer is away. How long does an invention patent last in China?"
    )
    assert focus_of(plain) == "How long does an invention patent last in China?"  # no pointer: the ask alone


def test_control_characters_and_colour_codes_inside_a_name_do_not_split_it(assistant: Assistant) -> None:
    from qa.text import check_question

    assert check_question("\x1b[31m专利\x07法\x08 第五十条\u200b") == "专利法 第五十条"
    assert check_question("line one\r\nline two") == "line one line two"
    top = assistant.search("\x1b[31m专利\x07法\x08 第五十条", k=1)
    assert top[0].chunk_id == "patent-law/第五十条"  # not the Regulations' Art. 50


def test_markup_around_a_question_is_not_read_as_its_words(assistant: Assistant) -> None:
    from qa.text import without_markup

    marked = "<script>alert(1)</script><img src=x onerror=alert(2)>开放许可是什么"
    assert without_markup(marked) == "开放许可是什么"
    assert without_markup("研发投入<2%的企业有哪些 x<y and z>w") == "研发投入<2%的企业有哪些 x<y and z>w"
    plain = assistant.ask("开放许可是什么")
    answer = assistant.ask(marked)
    assert not answer.abstained
    assert [c.chunk_id for c in answer.citations] == [c.chunk_id for c in plain.citations]
    assert answer.question == marked  # the question is echoed as typed (and escaped where shown)


def test_emoji_in_a_question_change_nothing(assistant: Assistant) -> None:
    from qa.text import searchable

    assert searchable("专利能保护几年😀") == "专利能保护几年"
    assert searchable("👍🏽 ok") == "ok"
    plain = assistant.search("专利能保护几年", k=3)
    for decorated in ("专利能保护几年😀", "专利📄能保护几年⏳？"):
        assert assistant.search(decorated, k=1)[0].chunk_id == plain[0].chunk_id


def test_sql_pasted_into_a_question_is_not_read_as_its_words(assistant: Assistant) -> None:
    from qa.text import without_sql

    assert without_sql("SELECT * FROM users WHERE 1=1") == ""
    assert without_sql("'; DROP TABLE passages; -- 专利权的期限是多少年？") == "'; -- 专利权的期限是多少年？"
    # words that only read like SQL stay: no capitals, no ; -- or =
    plain = "How do universities select projects from the national list?"
    assert without_sql(plain) == plain
    # the question's language is that of what is searched: a Chinese question wrapped in SQL is Chinese (trial 9)
    wrapped = "'; DROP TABLE chunks; -- 专利权无效宣告请求应当怎么提？ SELECT * FROM answers WHERE 1=1;"
    assert assistant.understand(wrapped).lang == "zh"
    junk = assistant.ask("'; DROP TABLE passages; --")
    assert junk.abstained and not junk.citations  # had been answered with the paper's Table 1
    question = "专利权的期限是多少年？"
    injected = assistant.ask(f"'; DROP TABLE passages; -- {question}")
    assert not injected.abstained
    assert [c.chunk_id for c in injected.citations] == [c.chunk_id for c in assistant.ask(question).citations]


@pytest.mark.parametrize(
    ("question", "doc_title", "first", "count"),
    [
        ("专利法有哪几章？", "《中华人民共和国专利法》目录（共8项）", "第一章 总则", 8),
        ("What chapters does the Patent Law have?", "contents (8 items)", "Chapter I General Provisions", 8),
        ("論文分為幾個部分？", "目錄（共5項）", "科技創新與產業創新融合的發展邏輯", 5),
        ("2021年那份科技成果评价意见分为哪几部分？", "目录（共3项）", "一、总体要求", 3),
    ],
)
def test_how_a_document_is_laid_out_is_answered_by_its_headings(
    assistant: Assistant, question: str, doc_title: str, first: str, count: int
) -> None:
    answer = assistant.ask(question)
    shown = answer.text_traditional or answer.text  # 繁體 shown as asked
    assert not answer.abstained and doc_title in shown and first in shown
    assert len({c.chunk_id for c in answer.citations}) == count  # each heading cited where it stands
    for c in answer.citations:  # every quote is verbatim in the passage it cites, titled with its document
        chunk = next(ch for ch in assistant.chunks if ch.id == c.chunk_id)
        assert c.quote in (chunk.text if c.quote_lang == chunk.lang else chunk.translation or "") and c.doc_title


def test_a_question_about_one_part_or_a_structure_inside_the_text_is_no_contents_question(
    assistant: Assistant,
) -> None:
    from qa.search.asked import ASKS_STRUCTURE

    assert not ASKS_STRUCTURE.search("产业结构怎么调整")  # the economy's structure, not a document's
    assert not ASKS_STRUCTURE.search("What is the structure of the dual helix?")
    for question in ("专利法第五章讲了哪几方面？", "What are the main parts of Chapter V of the Patent Law?"):
        text = assistant.ask(question).text
        assert "目录" not in text and "contents (" not in text


def test_a_law_s_purpose_article_answers_what_the_law_is_for_and_little_else(assistant: Assistant) -> None:
    from qa.search.asked import STATES_PURPOSE

    purposes = [c.id for c in assistant.chunks if STATES_PURPOSE.search(c.text)]
    assert "patent-law/第一条" in purposes and "patent-regulations/第一条" in purposes  # 根据《专利法》…制定本细则
    assert "evaluation-opinion/preamble-p1" in purposes  # an opinion's "为……，现提出如下意见"
    assert not any(p.endswith("第二条") for p in purposes)
    # asked what the law is for: its purpose article, not Art. 11's "为生产经营目的"
    assert assistant.ask("专利法的立法目的是什么？").citations[0].chunk_id == "patent-law/第一条"
    # asked anything else of a law it names: its purpose article yields the first five places
    top = [
        h.chunk_id
        for h in assistant.search("手上有一项科研成果，促进科技成果转化法允许通过哪些途径把它转化变现？", k=5)
    ]
    assert "transformation-law/第一条" not in top
    # unless the question's own words are the article's (a Chinese question's BM25 reads it without the law's name)
    own = assistant.search("鼓励发明创造、推动发明创造的应用、提高创新能力是哪一条规定的？", k=1)
    assert own[0].chunk_id == "patent-law/第一条"


def test_a_short_last_item_on_its_own_line_is_quoted_not_taken_for_a_run_in_heading(assistant: Assistant) -> None:
    """Art. 87's eight uses of fiscal S&T funds: "（八）科学技术普及。" looks like an opinion's run-in heading
    ("（一）指导思想。以……"), but stands on a line of its own; it had been dropped (trial 9)."""
    answer = assistant.ask("Under the S&T Progress Law, what is public science money supposed to be mainly spent on?")
    quoted = [c.other or c.quote for c in answer.citations if c.chunk_id == "progress-law/第八十七条"]
    assert "（八）科学技术普及。" in quoted and "（七）科学技术人员的培养、吸引和使用；" in quoted
    # an opinion's run-in heading is still no answer sentence
    answer = assistant.ask("要素市场化配置意见对深化户籍制度改革有什么要求？")
    assert all(not c.quote.startswith("（七）深化户籍制度改革。") for c in answer.citations)


@pytest.mark.parametrize(
    "question",
    ["要素市场化配置那份意见一共讲了哪几种要素？", "What kinds of factors does the 2020 factor-market opinion cover?"],
)
def test_the_kinds_a_document_s_headings_name_answer_which_kinds_it_covers(assistant: Assistant, question: str) -> None:
    """Headings 二–六 name a kind of factor (土地要素 …); 七 and 八 put 要素 after a verb (加快要素价格…)."""
    answer = assistant.ask(question)
    cited = [c.chunk_id.split("/")[1] for c in answer.citations]
    assert cited == ["二", "三", "四", "五", "六"]  # each heading cited where it stands
    assert "5" in answer.text.split("\n")[0]


def test_a_three_part_enumeration_answers_which_kinds() -> None:
    from qa.search.asked import gives

    assert gives("本法所称的发明创造是指发明、实用新型和外观设计。", "items")  # 专利有哪几种: was declined
    assert not gives("发明和实用新型专利权被授予后，任何单位不得实施其专利。", "items")


def test_is_it_the_same_thing_compares_two_documents(assistant: Assistant) -> None:
    """ "…是一回事吗？" compares: both documents answer, each with its own passages (trial 9 got the opinion alone)."""
    from qa.search.asked import COMPARE

    assert COMPARE.search("和评价意见里讲的四唯是一回事吗？") and COMPARE.search(
        "Is that the same thing as the opinion's?"
    )
    answer = assistant.ask("院刊那篇文章批评的科研评价问题，和2021年国办科技成果评价意见里讲的“四唯”是一回事吗？")
    docs = [c.chunk_id.split("/")[0] for c in answer.citations]
    assert "paper" in docs and "evaluation-opinion" in docs
    assert "evaluation-opinion/二（八）" in [c.chunk_id for c in answer.citations]  # 破“四唯”, not the preamble
