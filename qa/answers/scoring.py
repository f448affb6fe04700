"""Word-level scoring of a question against passages and sentences, in either language.

Both the answerer (which sentences answer) and abstention (whether anything answers)
score the same way: the share of the question's IDF weight that a text contains,
with the corpus's own notion of which words it knows. Passages and sentences are
scored again for every question, so their tokens are remembered.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable

from qa.schema import Chunk
from qa.search.tokenize import Tokenizer, stem

UNKNOWN_WEIGHT = 5.0  # the IDF of a rare corpus word: what an unknown word weighs in a question
# Everyday function words ("my grandfather", "anything about", "getting involved"): searched as typed,
# but never counted as words the corpus does not know — they say nothing about whether it covers a topic.
_EVERYDAY_WORDS = (
    "my our ours your yours his her hers him us myself ourselves yourself itself "
    "any anything anyone anybody some something someone somebody every everything everyone "
    "just also very really actually basically exactly anyway extra more less "
    "get gets got getting want wants wanted going gonna kind sort thing things stuff "
    # how people ask about a text ("is the paper saying…", "what do the authors think"): no topic
    "say says saying said tell tells telling told think thinks thinking thought"
)
EVERYDAY = frozenset(stem(w) for w in _EVERYDAY_WORDS.split())
# The same in Chinese: colloquial question words and fillers ("到底是啥意思", "老说…那样", "咋办"), what
# 什么 / 为什么 / 怎么 are as people type them. A trial's "这篇文章老说科研和产业像DNA那样拧在一起，到底是啥
# 意思？" was declined, a third of its words unknown.
EVERYDAY_ZH = frozenset(
    [
        "啥",
        "啥意思",
        "为啥",
        "干啥",
        "干嘛",
        "咋",
        "咋样",
        "咋办",
        "怎么样",
        "怎么办",
        "这样",
        "那样",
        "这么",
        "那么",
        "到底",
        "究竟",
        "老说",
        "总说",
        "老是",
        "总是",
        "一直说",
    ]
)
# jieba's guesser glues a character it does not know to a function word: "法定赔偿额是多少" is cut
# 法定 / 赔偿 / 额是, and "额是" then counted as a word the corpus does not know (a third of the
# question: declined). Without the function word, a lone character or a known word is no unknown topic.
_FUNCTION_CHARS = "是的了吗呢么啊吧呀和与及或也都就还又"


_LATIN = re.compile(r"[0-9]*[A-Za-z][A-Za-z0-9'&.-]*")  # "AI", "5G", "R&D" inside Chinese text
MENTIONS_KEPT = 10_000  # texts TextScorer.mentions remembers at once (the most recently asked)


class TextScorer:
    """Coverage and match of a question's words in a text (see the module docstring)."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        idf: Callable[[str], float],
        translate: Callable[[str], list[str]] | None = None,
        chunks: dict[str, Chunk] | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self.idf = idf
        self.chunks = chunks or {}
        # Passages and their sentences are scored again for every question: remember their tokens
        # (and the word-by-word translations of questions) instead of segmenting them each time.
        self.tokens = functools.lru_cache(maxsize=50_000)(lambda text: frozenset(tokenizer(text)))
        self._token_list = functools.lru_cache(maxsize=50_000)(lambda text: tuple(tokenizer(text)))
        translator = translate or (lambda _: [])
        self.translate: Callable[[str], list[str]] = functools.lru_cache(maxsize=20_000)(
            lambda text: list(translator(text))
        )
        self._words: frozenset[str] | None = None
        self._words_lock = threading.Lock()
        self._mentioned = functools.lru_cache(maxsize=MENTIONS_KEPT)(self._looked_up)

    def coverage(self, question_tokens: set[str], text: str, also: str = "") -> float:
        """Share of the question's IDF weight (words the corpus knows) found in ``text`` (or in ``also``:
        a passage's document title, read apart so that the passage's own tokens stay remembered as they are)."""
        total = sum(self.idf(t) for t in question_tokens)
        if total <= 0:
            return 0.0
        present = question_tokens & (self.tokens(text) | self.tokens(also) if also else self.tokens(text))
        return sum(self.idf(t) for t in present) / total

    def match(
        self, question_tokens: set[str], text: str, *, k1: float = 1.2, b: float = 0.3, typical: int = 150
    ) -> float:
        """Like :meth:`coverage`, with BM25's length normalisation: a long sentence must earn its words.

        Without it, the abstract's hundred-word sentence, which mentions nearly every
        term, would win every question.
        """
        total = sum(self.idf(t) for t in question_tokens)
        tokens = self._token_list(text)
        if total <= 0 or not tokens:
            return 0.0
        norm_len = (k1 + 1) / (1 + k1 * (1 - b + b * len(tokens) / typical))
        present = question_tokens & self.tokens(text)
        return sum(self.idf(t) for t in present) / total * norm_len / ((k1 + 1) / (1 + k1))

    def unknown_share(self, question: str) -> float:
        """Share of the question's content words the corpus does not know.

        An English word is known when it occurs in the corpus or translates to a word
        that does ("proposals" -> 建议); "sourdough" is not.
        """
        tokens = [t for t in self._token_list(question) if not t.replace(".", "").isdigit()]
        if not tokens:
            return 1.0
        return sum(not self.known(t) for t in tokens) / len(tokens)

    def known(self, token: str) -> bool:
        """Whether the corpus knows the word.

        An English word must occur in the documents themselves (or translate to a word
        that does), not just in the reader questions: their everyday English ("weekend",
        "Boston") says nothing about what the documents cover. A Chinese word may come
        from the reader questions: measured on both question sets, the documents' own
        Chinese vocabulary alone declines too many everyday questions (evals/README.md).
        """
        if not token.isascii():
            if self.idf(token) > 0 or token in EVERYDAY_ZH:
                return True  # Chinese words of reader questions paraphrase the documents' own
            core = token.strip(_FUNCTION_CHARS)
            return core != token and (len(core) <= 1 or self.idf(core) > 0)
        if token in EVERYDAY:
            return True
        # the translator's Chinese words are the documents' own (it is built from their text), so
        # BM25's IDF answers for them without reading every passage
        return token in self._vocabulary() or any(
            self.idf(t) > 0 for w in self.translate(token) for t in self._token_list(w)
        )

    def _vocabulary(self) -> frozenset[str]:
        """The documents' own Latin-script words (translations, English section paths, and such words
        inside Chinese text: "AI", "5G"), read once on first use.

        Only Latin-script words are looked up here. Segmenting every passage's Chinese as well took
        50-160 s at the whole law archive (74,441 passages), the first time an English question was
        asked; the English and the Latin runs alone take a second or two there."""
        if self._words is None:
            with self._words_lock:
                if self._words is None:
                    words: set[str] = set()
                    for chunk in self.chunks.values():
                        latin = " ".join(_LATIN.findall(f"{chunk.section}\n{chunk.text}"))
                        english = f"{chunk.section_en or ''}\n{chunk.translation or ''}\n{latin}"
                        words.update(t for t in self.tokenizer(english) if t.isascii())
                    self._words = frozenset(words)
        return self._words

    def read_vocabulary(self) -> None:
        """Read what the first English question would otherwise wait for (called by a server's warm-up)."""
        self._vocabulary()

    def mentions(self, text: str) -> bool:
        """Whether some passage contains ``text`` in its text, section path or translation (any case).

        Remembered per text: at the whole law archive one look through every passage takes tens
        of milliseconds, and a question names one or two such texts. At most :data:`MENTIONS_KEPT` of
        them: the names asked about are the users' own (quoted programmes, bodies), and a server meets
        endless new ones.
        """
        return self._mentioned(text)

    def _looked_up(self, text: str) -> bool:
        wanted = text.lower()
        return any(
            wanted in part.lower()
            for chunk in self.chunks.values()
            for part in (chunk.text, chunk.section, chunk.translation or "", chunk.section_en or "")
        )

    def question_tokens(self, question: str) -> set[str]:
        """The question's words the corpus knows, with its Chinese translation's for an English question."""
        words = [*self.tokenizer(question), *self.tokenizer(" ".join(self.translate(question)))]
        return {t for t in words if self.idf(t) > 0}

    def known_weight(self, question: str) -> float:
        """Share of the question's weight on words the corpus knows, an unknown word weighing as a rare one.

        Coverage alone counts only known words, so "Is it going to snow in Boston this
        weekend?" would be fully covered by any passage with "going": its unknown words
        (snow, Boston, weekend) are what it is about.
        """
        tokens = {t for t in self._token_list(question) if not t.replace(".", "").isdigit()}
        known = sum(self.idf(t) for t in tokens if self.known(t))
        unknown = sum(1 for t in tokens if not self.known(t))
        total = known + UNKNOWN_WEIGHT * unknown
        return known / total if total > 0 else 0.0
