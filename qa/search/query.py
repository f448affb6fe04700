"""What a question asks, read the way people type it: script, the asking part, the words behind the words.

Users do not write in the documents' form. Three things are undone here, before
any search, so that every later step (BM25, the dense leg, sentence matching,
abstention) sees the same question:

- **Script.** A question in traditional characters (論文提出的六條政策建議) is
  converted to simplified with OpenCC's character table ``t2s`` — character by
  character, so a simplified question is left exactly as it is (the phrase tables
  such as ``tw2sp`` rewrite mainland words too: 核心 -> 内核). The answer still
  quotes the documents verbatim; only the search form changes.
- **The asking part.** A long question often carries its context first ("写毕业
  论文想引用一下：…… 最上游的原因是什么？"). The last sentence that asks
  something is its *focus*; retrieval ranks by the whole question and by the
  focus, so the context guides without drowning the ask.
- **Everyday words.** A small thesaurus (``corpus/thesaurus.tsv``, read by :mod:`qa.corpus.thesaurus`) maps words
  people use to the documents' terms (躺在抽屉里 -> 束之高阁, 智慧财产权 -> 知识产权);
  the terms are searched beside a Chinese question (BM25), never shown. English
  everyday words reach the documents through the reader questions and the
  translation leg instead (measured: evals/README.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.corpus.thesaurus import Thesaurus
from qa.search.spelling import Speller
from qa.text import MAX_QUESTION_CHARS, detect_language, searchable, simplified

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Pieces of a long question: sentence ends, plus the colon/dash that usually separates context from the ask.
_PIECE_END = re.compile(r"(?<=[。！？!?；;：:])\s*|(?<=[.])\s+|\s+[—–-]{1,2}\s+|——|\n+")
_ASKS_ZH = re.compile(
    r"[？?]|什么|哪|如何|怎么|怎样|为什么|为何|吗|呢|多少|几|是否|有没有|能否|能不能|可否|谁|请问|请说明|请解释|说说|讲讲"
)
_ASKS_EN = re.compile(
    r"\?|^\s*(?:what|which|who|whom|whose|when|where|why|how|is|are|does|do|did|can|could|should|must|may|will|would)\b"
    r"|\b(?:tell me|explain|describe|list|name|summari[sz]e)\b",
    re.I,
)
LONG_QUESTION = 60  # characters (an English word counts ~2): shorter questions have no separate context


@dataclass(frozen=True)
class Query:
    """A question as typed (``original``) and the forms the search uses.

    ``text`` is the whole question in simplified characters, ``focus`` its asking
    part (equal to ``text`` for a short question), ``terms`` the documents' terms for
    its everyday words (searched beside it, never shown), ``lang`` the answer language.
    ``read`` is what was read of a question over :data:`~qa.text.MAX_QUESTION_CHARS` (its
    asking part and what comes just before it, :func:`shortened`), empty when all of it was.
    """

    original: str
    text: str
    focus: str
    terms: tuple[str, ...]
    lang: str
    read: str = ""

    @property
    def has_focus(self) -> bool:
        return self.focus != self.text


# An asking piece that points back at what the question said before it ("Is that true, and how long does that
# window last?", "这种情况下…", "What does it say about…"): its topic is there, so that piece is read with it.
# Measured over the sets (evals/README.md): MRR up on held-out 2 (en 0.831 -> 0.871, zh 0.847 -> 0.864),
# held-out 3 (en 0.816 -> 0.851) and held-out 4 (en 0.821 -> 0.849, zh 0.919 -> 0.944), natural Chinese
# hit@5 0.933 -> 0.947; down on the fixed English (0.855 -> 0.847) and the added English (0.784 -> 0.742).
# Only when it opens with the pointer: natural English MRR fell (0.780 -> 0.772) and fewer sets gained.
REFERS_BACK = re.compile(r"\b(?:that|this|these|those|it|they|them|such)\b|这|那(?!么)|它|上述|此", re.I)


def focus_of(text: str) -> str:
    """The asking part of a long question: its last piece that asks something (whole ``text`` if none).

    A short question has one only when it asks first and then adds what is no question ("how long do i
    have to sue somone who copied my patented product? i only found out about it last month"): "last
    month" otherwise ranks the time-limit articles above the limitation period. Natural-set English hit@5
    0.892 -> 0.905, fixed 0.954 -> 0.966, nothing lower (evals/README.md); a focus for every short
    question of several pieces with one that does not ask cost five sets.
    """
    size = len(_CJK.findall(text)) + 2 * len(re.findall(r"[A-Za-z]+", text))
    pieces = [p.strip() for p in _PIECE_END.split(text) if p and p.strip()]
    if len(pieces) < 2:
        return text
    lang = detect_language(text)
    asks = _ASKS_ZH if lang == "zh" else _ASKS_EN
    trailing_context = asks.search(pieces[0]) is not None and asks.search(pieces[-1]) is None
    if size < LONG_QUESTION and not trailing_context:
        return text
    for i in range(len(pieces) - 1, -1, -1):
        if asks.search(pieces[i]):
            focus = pieces[i]
            # "最上游的原因是什么？" says little alone, and "Is that true, and how long does that window last?"
            # says it of the piece before: take that piece as well
            short = len(_CJK.findall(focus)) + 2 * len(re.findall(r"[A-Za-z]+", focus)) < 12
            if (short or REFERS_BACK.search(focus)) and i > 0:
                focus = f"{pieces[i - 1]} {focus}"
            return focus
    return text


SHORTENED_NOTE = {
    "zh": "问题共{total}字，超过可读的{limit}字：只按其最后提问的部分作答（“……{tail}”）。",
    "en": "The question is {total:,} characters long, over the {limit:,} read: it was answered from its "
    "asking part at the end (“…{tail}”).",
}


def shortened_note(query: Query) -> str | None:
    """What the answer says of a question read only in part (:func:`shortened`), or None."""
    if not query.read:
        return None
    tail = query.read[-60:]
    return SHORTENED_NOTE[query.lang].format(total=len(query.original), limit=MAX_QUESTION_CHARS, tail=tail)


def shortened(text: str, limit: int = MAX_QUESTION_CHARS) -> str:
    """At most ``limit`` characters of ``text``, ending with its last piece that asks something.

    A long story pasted before the ask ("我是一所高校的……（两千多字）……请问收益怎么分？") is read
    from its end: the asking piece and as much of the context just before it as fits, whole pieces
    only. A question with no asking piece is read from its end too: that is where people ask. A
    piece longer than ``limit`` alone keeps its last ``limit`` characters.
    """
    if len(text) <= limit:
        return text
    pieces = [p for p in _PIECE_END.split(text) if p and p.strip()]
    asks = _ASKS_ZH if detect_language(text) == "zh" else _ASKS_EN
    last = next((i for i in range(len(pieces) - 1, -1, -1) if asks.search(pieces[i])), len(pieces) - 1)
    kept: list[str] = []
    size = 0
    for piece in reversed(pieces[: last + 1]):
        piece = piece.strip()
        if size + len(piece) + 1 > limit:
            break
        kept.insert(0, piece)
        size += len(piece) + 1
    if not kept:  # one piece longer than the limit: its end, from a word boundary where there is one
        tail = pieces[last].strip()[-limit:]
        cut = tail.find(" ")
        return tail[cut + 1 :] if 0 <= cut < 40 else tail
    return ("" if detect_language(text) == "zh" else " ").join(kept)


def understand(
    question: str, thesaurus: Thesaurus | None = None, lang: str | None = None, speller: Speller | None = None
) -> Query:
    """The :class:`Query` for a checked question (see :func:`qa.text.check_question`).

    With a ``speller``, English typos are corrected towards the documents' words in every form searched.
    A question over :data:`~qa.text.MAX_QUESTION_CHARS` is read from its asking part (:func:`shortened`).
    """
    read = shortened(question)
    text = simplified(searchable(read))
    if speller is not None:
        text = speller.correct(text)
    focus = focus_of(text)
    extra = thesaurus.terms_for(text) if thesaurus else []
    # the language of what is searched: a Chinese question wrapped in SQL or markup is Chinese
    language = lang or detect_language(searchable(read) or read)
    return Query(question, text, focus, tuple(extra), language, read if read != question else "")
