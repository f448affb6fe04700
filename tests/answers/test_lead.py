"""The answer's first line: the clause that states the asked figure (qa.answers.lead)."""

from __future__ import annotations

import re
from collections.abc import Callable

from qa.answers.lead import clauses, find_lead, read_lead
from qa.assistant import Assistant


def words_in(question: str) -> Callable[[str], float]:
    """A stand-in for the scorer's match: the share of the question's words in the text."""
    asked = set(re.findall(r"[a-z]+|[\u4e00-\u9fff]{2}", question.lower()))
    return lambda text: len(asked & set(re.findall(r"[a-z]+|[\u4e00-\u9fff]{2}", text.lower()))) / max(len(asked), 1)


def test_a_sentence_is_cut_at_its_commas_and_a_short_clause_keeps_the_one_before() -> None:
    assert clauses("增加赔偿的金额不足五百元的，为五百元。", "zh") == ["增加赔偿的金额不足五百元的，为五百元。"]
    assert clauses("发明专利权的期限为二十年，实用新型专利权的期限为十年，均自申请日起计算。", "zh") == [
        "发明专利权的期限为二十年，",
        "实用新型专利权的期限为十年，",
        "均自申请日起计算。",
    ]
    assert clauses("The term shall be ten years, all counted from the date of application.", "en") == [
        "The term shall be ten years,",
        "all counted from the date of application.",
    ]


def test_the_lead_is_the_figure_clause_of_the_best_sentence_that_matches_the_question() -> None:
    article = "第四十二条 发明专利权的期限为二十年，实用新型专利权的期限为十年，外观设计专利权的期限为十五年，均自申请日起计算。"
    other = "申请人可以自进入日起2个月内对专利申请文件主动提出修改。"
    match = words_in("实用新型专利权的期限是多久")
    lead = find_lead([(1, article, 1.2), (2, other, 0.9)], ["period"], "zh", match)
    assert lead is not None and lead.line("zh") == "简答：实用新型专利权的期限为十年 [1]"
    # the best-scored sentence leads only when its quote is also the answer's first to state a period
    assert find_lead([(1, other, 0.9), (2, article, 1.2)], ["period"], "zh", match) is None


def test_a_question_asking_two_kinds_of_figure_gets_a_clause_for_each() -> None:
    when = "应当自公告授予专利权之日起3个月内发给发明人或者设计人奖金。"
    amount = "一项发明专利的奖金最低不少于4000元；"
    lead = find_lead([(1, when, 1.0), (2, amount, 1.1)], ["money", "period"], "zh", lambda _: 0.5)
    assert lead is not None
    assert (
        lead.line("zh")
        == "简答：一项发明专利的奖金最低不少于4000元 [2]；应当自公告授予专利权之日起3个月内发给发明人或者设计人奖金 [1]"
    )


def test_a_kind_without_a_clause_of_its_own_takes_one_from_the_sentence_already_led_with() -> None:
    """A trial's short answer: "连续几年、按营业利润的多少比例" led with (三)'s years alone, the first quote
    stating a percentage being (一)'s 50%, which does not answer."""
    share = "（一）将该项职务科技成果转让、许可给他人实施的，从该项科技成果转让净收入中提取不低于百分之五十的比例；"
    own = "（三）将该项职务科技成果自行实施的，应当在实施转化成功投产后连续三至五年，每年从营业利润中提取不低于百分之五的比例。"
    lead = find_lead([(1, share, 0.8), (2, own, 1.2)], ["percent", "period"], "zh", lambda _: 0.5)
    assert lead is not None and lead.parts == (
        ("将该项职务科技成果自行实施的，应当在实施转化成功投产后连续三至五年", 2),
        ("每年从营业利润中提取不低于百分之五的比例", 2),
    )


def test_no_lead_where_it_would_repeat_the_answers_start_or_lead_a_list() -> None:
    first = "第七十四条 侵犯专利权的诉讼时效为三年，自专利权人知道或者应当知道侵权行为之日起计算。"
    match = words_in("侵犯专利权的诉讼时效是几年")
    assert find_lead([(1, first, 1.0)], ["period"], "zh", match) is None  # the answer starts with that clause
    assert find_lead([(2, first, 1.0)], ["period"], "zh", match).text == "侵犯专利权的诉讼时效为三年"  # type: ignore[union-attr]
    assert find_lead([(2, first, 1.0)], ["count"], "zh", match) is None  # "how many items": the list answers
    assert find_lead([(2, "没有数字的句子，只说原则。", 1.0)], ["period"], "zh", match) is None
    assert find_lead([(2, first, 0.5)], ["period"], "zh", match) is None  # a sentence that fits the question loosely


def test_an_english_lead_must_share_the_questions_words() -> None:
    quote = "Where the patent is granted, the applicant may, within six months before the date of application, file."
    assert find_lead([(2, quote, 1.0)], ["period"], "en", words_in("how long until a compulsory licence")) is None
    term = "The term of the patent right for utility model shall be ten years, counted from the date of application."
    lead = find_lead([(2, term, 1.0)], ["period"], "en", words_in("how long is a utility model patent valid"))
    assert lead is not None and lead.text == "The term of the patent right for utility model shall be ten years"


def test_answers_lead_with_a_clause_their_citation_quotes_verbatim(assistant: Assistant) -> None:
    answer = assistant.ask("科技成果转让净收入里奖励完成人的比列最低多少")
    first, _ = answer.text.split("\n", 1)
    found = re.fullmatch(r"简答：(.+) \[(\d+)\]", first)
    assert found is not None and "不低于百分之五十" in found.group(1)
    cited = next(c for c in answer.citations if c.marker == int(found.group(2)))
    assert found.group(1) in cited.quote
    english = assistant.ask(
        "How many months does the patentee have to request term compensation after the grant is announced?"
    )
    found = re.fullmatch(r"In short: (.+) \[(\d+)\]", english.text.split("\n", 1)[0])
    assert found is not None and "within 3 months" in found.group(1)
    assert found.group(1) in next(c.quote for c in english.citations if c.marker == int(found.group(2)))


def test_the_lead_is_read_back_from_the_answers_text() -> None:
    from qa.answers.lead import Lead, read_lead

    lead = Lead((("实用新型专利权的期限为十年", 3), ("均自申请日起计算", 1)))
    assert read_lead(f"{lead.line('zh')}\n第四十二条 …… [3]") == lead
    assert read_lead("In short: within 3 months [12]\nArticle 77 …") == Lead((("within 3 months", 12),))
    assert read_lead("第四十二条 发明专利权的期限为二十年。 [1]") is None  # an answer without one
    assert read_lead("简答：没有标号的一行") is None


def test_a_period_counted_from_another_periods_expiry_is_not_its_length() -> None:
    """Art. 6's two months after the reexamination time limit expires are not that time limit."""
    after = "但是，延误复审请求期限的，可以自复审请求期限届满之日起2个月内向国务院专利行政部门请求恢复权利。"
    limit = "专利申请人对驳回申请的决定不服的，可以自收到通知之日起三个月内向国务院专利行政部门请求复审。"
    match = words_in("专利复审请求期限多长")
    assert find_lead([(1, after, 1.2)], ["period"], "zh", match) is None
    lead = find_lead([(1, after, 1.2), (2, limit, 1.1)], ["period"], "zh", match)
    assert lead is not None and lead.text == limit.rstrip("。")  # with its condition


def test_an_article_item_or_footnote_number_is_no_figure_to_lead_with() -> None:
    match = words_in("what share of the net income")
    for labelled in ("Article 45 Where the entity has not agreed,", "(1) where the achievement is licensed,"):
        quote = f"{labelled} a proportion of not less than 50% of the net income shall be drawn."
        lead = find_lead([(2, quote, 1.0)], ["number"], "en", match)
        assert lead is not None and lead.text.startswith("a proportion of not less than 50%")
    assert find_lead([(2, "with limited participation [7], as Figure 1 shows.", 1.0)], ["number"], "en", match) is None


def test_a_footnote_marker_in_the_lead_is_set_apart_like_the_quotes(assistant: Assistant) -> None:
    from qa.schema import Answer, Citation
    from qa.search.query import understand

    quote = "In 2024, the share of basic research reached 6.91% [7]."
    answer = Answer(
        "q",
        f"Something else first. [1] {quote} [2]",
        "en",
        False,
        (
            Citation(1, "a", "a", "s", "Something else first.", "en"),
            Citation(2, "b", "b", "s", quote, "en"),
        ),
    )
    question = "What share of research spending went to basic research?"
    asked = assistant.answerer.asked(understand(question), "en")
    lead = read_lead(assistant.answerer._with_lead(answer, [0.5, 1.0], asked, question).text)
    assert lead is not None and lead.parts == (("the share of basic research reached 6.91% ⁷", 2),)


def test_the_lead_states_the_figure_of_what_was_asked() -> None:
    """Two wrong short answers of a trial: a computation's operand for a maximum, and another
    deadline for a patent's term."""
    counted = "补偿期限按照该专利申请日至该新药在中国获得上市许可之日的间隔天数减去5年，在符合规定的基础上确定。"
    capped = "补偿期限不超过五年，新药批准上市后总有效专利权期限不超过十四年。"
    ask = "新药专利期限补偿最多几年？"
    assert find_lead([(2, counted, 1.2)], ["period"], "zh", words_in(ask), question=ask) is None
    found = find_lead([(2, capped, 1.2)], ["period"], "zh", words_in(ask), question=ask, nouns=["期限", "补偿"])
    assert found is not None and found.text == "补偿期限不超过五年"

    deadline = "请求给予专利权期限补偿的，专利权人应当自公告授予专利权之日起3个月内向国务院专利行政部门提出。"
    term = "发明专利权的期限为二十年，实用新型专利权的期限为十年。"
    ask = "专利权的期限是多久？"
    # a clause naming the term is preferred to a better-scored one that does not
    lead = find_lead([(2, term, 1.0), (3, deadline, 1.3)], ["period"], "zh", words_in(ask), nouns=["期限"])
    assert lead is not None and lead.text == "发明专利权的期限为二十年"
    # the deadline still comes first among the quotes stating a period: the orders disagree, no lead
    assert find_lead([(2, deadline, 1.0), (3, term, 1.2)], ["period"], "zh", words_in(ask), nouns=["期限"]) is None


def test_a_bound_belongs_to_its_own_part_of_the_question() -> None:
    when = "应当自公告授予专利权之日起3个月内发给发明人或者设计人奖金。"
    amount = "一项发明专利的奖金最低不少于4000元；"
    ask = "发明专利的奖金最低是多少？多久内发？"
    lead = find_lead([(1, when, 1.0), (2, amount, 1.1)], ["money", "period"], "zh", lambda _: 0.5, question=ask)
    assert lead is not None and [marker for _, marker in lead.parts] == [2, 1]  # "3个月内" states no bound


def test_an_amount_stated_as_a_multiple_is_led_with_the_yuan_beside_it() -> None:
    """Two trials' wrong short answers: "法定赔偿额是多少" led with Art. 71's 一倍以上五倍以下 alone, though
    the article also states 三万元以上五百万元以下, and "假冒专利的罚款最高是多少" with Art. 68's 二十五万元
    alone, though that is only for no illegal gains: an amount's multiple and its yuan lead together."""
    multiple = "对故意侵犯专利权，情节严重的，可以在按照上述方法确定数额的一倍以上五倍以下确定赔偿数额。"
    yuan = "权利人的损失难以确定的，人民法院可以确定给予三万元以上五百万元以下的赔偿。"
    elsewhere = "违反本法规定的，可以处十万元以下的罚款。"
    quotes = [(2, multiple, 1.2), (3, yuan, 1.0), (6, elsewhere, 1.1)]
    ask = "专利法规定的法定赔偿额是多少？"
    lead = find_lead(quotes, ["money"], "zh", words_in(ask), question=ask)
    assert lead is not None and [marker for _, marker in lead.parts] == [2, 3]  # not another article's fine
    assert lead.parts[1][0] == "权利人的损失难以确定的，人民法院可以确定给予三万元以上五百万元以下的赔偿"
    ask = "对故意侵犯专利权，情节严重的，赔偿数额最多是几倍？"  # the multiple is what is asked
    lead = find_lead(quotes, ["money"], "zh", words_in(ask), question=ask)
    assert lead is not None and lead.text == multiple.rstrip("。")


def test_a_sentence_stating_what_is_asked_of_several_leads_whole() -> None:
    article = "发明专利权的期限为二十年，实用新型专利权的期限为十年，外观设计专利权的期限为十五年。"
    ask = "专利法里 invention、utility model 和 design 的保护期限分别是多久？"
    lead = find_lead([(2, article, 1.2)], ["period"], "zh", words_in(ask), question=ask)
    assert lead is not None and lead.text == article.rstrip("。")
    assert find_lead([(1, article, 1.2)], ["period"], "zh", words_in(ask), question=ask) is None  # the answer's start


def test_a_question_of_several_asks_gets_each_ask_s_clause_or_the_whole_sentence() -> None:
    invention = "一项发明专利的奖金最低不少于4000元；"
    utility = "一项实用新型专利或者外观设计专利的奖金最低不少于1500元。"
    ask = "发明专利授权以后最少要发多少奖金？实用新形的呢？"
    quotes = [(2, invention, 1.17), (3, utility, 1.21)]
    lead = find_lead(quotes, ["money"], "zh", lambda _: 0.3, question=ask)
    assert lead is not None and lead.line("zh") == (
        "简答：一项发明专利的奖金最低不少于4000元 [2]；一项实用新型专利或者外观设计专利的奖金最低不少于1500元 [3]"
    )
    # one ask: the agreement rule as before (the best-scored is not the first quote to state an amount)
    assert find_lead(quotes, ["money"], "zh", lambda _: 0.3, question="发明专利最少要发多少奖金？") is None
    # a much weaker neighbour is no answer to the second ask
    weaker = [(1, "2024年我国研发经费达3.6万亿元，", 1.18), (2, "2024年中国全部工业增加值完成40.5万亿元，", 0.71)]
    two = "2024年研发经费一共多少钱？基础研究占比到了多少？"
    lead = find_lead(weaker, ["money"], "zh", lambda _: 0.3, question=two)
    assert lead is None or "40.5" not in lead.line("zh")
    # a quote stating two such figures: which one answers which ask is not known, so none is led in turn
    both = "or within six months from the date on which an applicant first filed in a foreign country for a design"
    twice = [
        (
            1,
            f"Where, within twelve months from the date of first filing for an invention, {both}, priority may be claimed.",
            1.15,
        ),
        (
            2,
            f"Where, within twelve months from the first filing in China for an invention, {both}, it may be claimed.",
            1.18,
        ),
    ]
    asks = "How long do they have to file in China and still claim priority? Is it different for a design?"
    lead = find_lead(twice, ["period"], "en", lambda _: 0.3, question=asks)
    assert lead is None or len(lead.parts) == 1
    # "发明专利保护多少年？实用新型和外观呢？": the sentence stating all three terms, whole
    article = "第四十二条 发明专利权的期限为二十年，实用新型专利权的期限为十年，外观设计专利权的期限为十五年，均自申请日起计算。"
    terms = "发明专利保护多少年？实用新型和外观呢？从哪天开始算？"
    lead = find_lead([(2, article, 1.2)], ["period"], "zh", words_in("实用新型和外观"), question=terms)
    assert lead is not None and "二十年" in lead.text and "十五年" in lead.text


def test_a_conditions_figure_is_not_the_figure_asked() -> None:
    """ "……违法所得在五万元以下的，可以处二十五万元以下的罚款": the five thousand say when, the fine is
    the twenty-five; the condition leads only together with its consequence."""
    article = "没有违法所得或者违法所得在五万元以下的，可以处二十五万元以下的罚款；"
    ask = "假冒专利没有违法所得的，罚款是多少钱？"
    lead = find_lead([(2, article, 1.2)], ["money"], "zh", words_in(ask), question=ask)
    assert lead is not None and lead.text.endswith("可以处二十五万元以下的罚款")


def test_an_english_period_s_lead_must_name_what_the_period_is_for(assistant: Assistant) -> None:
    """A trial's "In short" for re-examination gave the regulations' two years for keeping rejected files."""
    from qa.answers.figures import figure_of
    from qa.search.tokenize import Tokenizer

    ask = "How long do I have to request re-examination after my patent application is rejected?"
    assert figure_of(ask, Tokenizer()) == ("reques", "reexam")
    kept = "files of patent applications rejected or withdrawn shall not be kept after the expiry of 2 years;"
    review = (
        "Where the applicant is dissatisfied, it may, within three months from receipt, request the board to reexamine."
    )
    lead = find_lead(
        [(2, kept, 1.2), (3, review, 1.0)],
        ["period"],
        "en",
        words_in(ask),
        question=ask,
        nouns=figure_of(ask, Tokenizer()),
    )
    assert lead is None  # the first quote stating a period is about something else: no lead rather than a wrong one
    answer = assistant.ask(ask)
    assert not answer.text.startswith("In short")


def test_a_bound_asked_of_a_sum_in_english_gets_its_short_answer(assistant: Assistant) -> None:
    from qa.search.asked import asked_quantities

    assert asked_quantities("What is the maximum compensation period?") == ["period"]  # a period, not a sum
    answer = assistant.ask("What is the minimum bonus for an employee's patented invention in China?")
    assert answer.text.startswith("In short: ") and "4,000 yuan" in answer.text.split("\n")[0]


def test_an_english_clause_may_share_the_question_s_words_through_its_section() -> None:
    bonus = "The bonus for one patent for invention shall be not less than 4,000 yuan;"
    match = words_in("minimum reward inventor")
    assert find_lead([(2, bonus, 1.0)], ["money"], "en", match) is None  # shares no word with it
    section = "Chapter VII Reward and Remuneration for Inventors or Designers › Article 93"
    lead = find_lead([(2, bonus, 1.0)], ["money"], "en", match, sections={2: section})
    assert lead is not None and lead.text == "The bonus for one patent for invention shall be not less than 4,000 yuan"
    # a Chinese clause is matched by its own words only
    assert find_lead([(2, "奖金最低不少于4000元；", 1.0)], ["money"], "zh", lambda _: 0.0, sections={2: "奖励"}) is None
