"""What a question names that the passages do not: an answer must not pass over it in silence.

"What does the paper say about Huawei's…" (no passage names Huawei: decline, saying so); "专利侵权
上诉是不是由最高人民法院知识产权法庭审理？" (answered from the Patent Law, noting that no passage
names the court); "深圳市对科技成果转化有什么地方性奖励政策" (answered from national law, noting that
the quotes are not Shenzhen's). :class:`Unmentioned` is a part of :class:`qa.answers.abstention.Abstention`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.answers.scoring import TextScorer
from qa.schema import Hit
from qa.search.asked import COMPARE, MENTIONS, compared_terms, topic_sentences
from qa.search.places import chinese_names, english_places_in, places_in, proper_names_in
from qa.search.tokenize import EN_STOPWORDS

BODY_NOTE = {  # beside an answer to a question naming a body no passage mentions (Abstention.bodies_unmentioned)
    "zh": "注意：文档中没有提到“{names}”，以下引文并未说到它。",
    "en": "Note: no passage mentions {names}; the quotes do not speak of it.",
}
PLACE_NOTE = {  # beside an answer quoting no passage that names the place whose rules were asked for
    "zh": "注意：以下引文并未说到{names}，不是针对它的规定。",
    "en": "Note: the quotes below do not speak of {names}; they are not its own rules.",
}
# What a question asks of a place when it asks for that place's own rules (Abstention.places_unmentioned)
_LOCAL_RULES = re.compile(
    r"政策|规定|办法|奖励|补贴|资助|条例|措施|细则|规章|\b(?:polic(?:y|ies)|rules?|incentives?|subsid(?:y|ies)|"
    r"regulations?|measures?|rewards?|bonus(?:es)?|grants?|funding)\b",
    re.I,
)
_BODY = (
    r"[A-Z][\w&’'-]*(?:\s+(?:of|for|and|on|the|[A-Z][\w&’'-]*)){0,6}\s+"
    r"(?:Fund|Foundation|Program|Programme|Plan|Project|Award|Prize|Scheme|Initiative|Centre|Center|Institute|"
    r"Academy|University|Office|Commission|Ministry|Bureau|Agency|Council|Court|Tribunal|Association|Alliance)\b"
)  # the name of a body or programme; a concept ("Double Helix") may be the asker's own words for one
_QUOTED_NAME = re.compile(rf"[\"“「『‘']({_BODY})[\"”」』’']")
# A body named without quotes ("the IP tribunal of the Supreme People's Court", 最高人民法院知识产权法庭):
# no passage naming it, the answer says so beside what the passages do say.
_BODIES = re.compile(
    rf"(?<![A-Za-z]){_BODY}|[\u4e00-\u9fff]{{2,12}}?(?:法院|法庭|委员会|基金委|基金会|管理局|总局|研究院|科学院|协会|联盟)"
)
_BODY_SUFFIX = re.compile(r"(?:法院|法庭|委员会|基金委|基金会|管理局|总局|研究院|科学院|协会|联盟)$")
_GENERIC_ZH = frozenset(
    {"行业", "全国", "地方", "各级", "当地", "本地", "有关", "相关", "上级", "这个", "那个", "一个", "某个"}
)
_BEFORE_BODY = re.compile(
    r".*(?:是不是|是否|不是|由|的|在|和|与|向|对|被|把|给|及|或|是|去|到|找|情况|个|年|\d)"
)  # cut before the name
# A people's adjective and the names of their country a passage may use instead.
DEMONYMS = {
    "american": ("United States", "America", "美国"), "german": ("Germany", "德国"), "japanese": ("Japan", "日本"),
    "british": ("Britain", "United Kingdom", "英国"), "french": ("France", "法国"), "korean": ("Korea", "韩国"),
    "european": ("Europe", "欧洲", "欧盟"), "russian": ("Russia", "俄罗斯"), "indian": ("India", "印度"),
    "canadian": ("Canada", "加拿大"), "australian": ("Australia", "澳大利亚"), "israeli": ("Israel", "以色列"),
    "swiss": ("Switzerland", "瑞士"), "dutch": ("Netherlands", "荷兰"), "swedish": ("Sweden", "瑞典"),
    "italian": ("Italy", "意大利"), "brazilian": ("Brazil", "巴西"), "singaporean": ("Singapore", "新加坡"),
}  # fmt: skip


class Unmentioned:
    """The names a question asks about that the passages lack (needs the documents' ``scorer``)."""

    scorer: TextScorer

    def unmentioned(self, question: str) -> list[str]:
        """The names a "does it mention X" question asks about that no passage contains: 华为 and
        清华大学 in "论文有没有提到华为或者清华大学的案例", Huawei in "What does the paper say about Huawei's…"."""
        # a body or programme named in quotes ('the NSFC "Excellent Young Scientists Fund"') is what the
        # question is about: no passage naming it, the documents do not cover it (trial 8)
        quoted = [name for name in _QUOTED_NAME.findall(question) if not self.scorer.mentions(name)]
        found = MENTIONS.search(question)
        terms = compared_terms(question) if found is None and COMPARE.search(question) else None
        if found is None and not terms:
            return quoted
        # a comparison with a side no passage names ("How does Hong Kong's short-term patent compare with a
        # Chinese utility model patent?") cannot be answered from them either
        after = question[found.end() :] if found is not None else " ".join(terms or ())
        words = self.scorer.tokenizer(after)
        chinese = [w for w in proper_names_in(after, words) if not all(map(self.scorer.idf, self.scorer.tokenizer(w)))]
        english = [
            name  # a name of several words is one name ("Hong Kong")
            for name in re.findall(r"(?<![A-Za-z0-9])[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*(?=(?:['’]s)?(?![A-Za-z]))", after)
            # a capital that only opens a sentence ("… results. Do they say the same?") names nothing
            if any(
                w.lower() not in EN_STOPWORDS and not any(self.scorer.known(t) for t in self.scorer.tokenizer(w))
                for w in name.split()
            )
            # "American firms": the passages say "the United States", 美国 (a trial's wrong decline)
            and not any(self.scorer.mentions(country) for country in DEMONYMS.get(name.lower(), ()))
        ]
        return list(dict.fromkeys([*quoted, *chinese, *english]))

    def bodies_unmentioned(self, question: str) -> list[str]:
        """The bodies and programmes a question names that no passage mentions (see ``_BODIES``)."""
        out = []
        for name in _BODIES.findall(question):
            if name.isascii():  # from its first word that is not a question's ("Which Chinese Academy of …")
                words = name.split()
                while words and words[0].lower() in EN_STOPWORDS:
                    words.pop(0)
                # each word known to the documents: their name for it in other words ("State Council General Office")
                if len(words) < 2 or all(self.scorer.known(w.lower().removesuffix("'s")) for w in words):
                    continue
                name = " ".join(words)
            else:
                name = _BEFORE_BODY.sub("", name)
                suffix = _BODY_SUFFIX.search(name)
                if suffix is None or name[: suffix.start()] in _GENERIC_ZH or len(name[: suffix.start()]) < 2:
                    continue  # "一个行业协会", "这种情况法院": no body's name
            if not self.scorer.mentions(name):
                out.append(name)
        return list(dict.fromkeys(out))

    def places_unmentioned(self, question: str, hits: Sequence[Hit]) -> list[str]:
        """Places whose own rules the question asks about that none of ``hits`` (the quoted ones, up to five) names:
        "深圳市对科技成果转化有什么地方性奖励政策", "What incentives does Shanghai offer…". The documents are
        mostly national texts, so such an answer quotes national rules and must say so (a trial's answer
        quoted them as if they were Shenzhen's). Only the asking clauses count (:func:`topic_sentences`):
        "我在台湾做政策研究，…" says where the asker is."""
        about = " ".join(topic_sentences(question))
        if not _LOCAL_RULES.search(about):
            return []
        named = [*places_in(self.scorer.tokenizer(about)), *english_places_in(about)]
        quoted = "\n".join(both(h) for h in hits[:5]).lower()
        return [
            place
            for place in dict.fromkeys(named)
            if not any(form.lower() in quoted for form in (place, *chinese_names(place)))
        ]


def both(hit: Hit) -> str:
    """Everything of a passage a question's words may match: section paths, text, translation."""
    return f"{hit.section}\n{hit.text}\n{hit.section_en or ''}\n{hit.translation or ''}"
