"""Where questions to e5 gather: one mean question vector per language, taken off each question.

multilingual-e5's vectors are anisotropic — every question lies near one direction, and the
passages nearest that direction (short, generic ones: a guide's "（二）" paragraph, a
regulation's bare title) come first for hundreds of unrelated questions ("hubs"). Taking a
share of the mean question vector off the question (``q - a·μ``, so the passage's score
becomes ``q·p - a·μ·p``) ranks each passage by what the question has that questions in
general do not. μ is the mean of a fixed sample of the index's own reader questions, per
language: the shipped corpus's 4,497 (about half English), never an evaluation set.

Measured with e5 alone (``python evals/e5_centring.py HOME SET``; evals/README.md, "Documents
users add", step 7), a = 0.5: the law archive's question set hit@5 zh 0.767 → 0.800, en 0.383
→ 0.483, MRR en 0.27 → 0.36; the added-documents set hit@5 zh 0.800 → 0.825, en 0.700 → 0.800.
The mean of 64 questions gave the figures of 800 within one question (measured once by hand),
so 64 per language are embedded, once per build of the base index, and reused from the index
being replaced when the sample and encoder are the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np

from qa.text import detect_language

SHARE = 0.5  # a: how much of the mean question is taken off
SAMPLE = 64  # reader questions per language
LANGS = ("zh", "en")


class Centroids:
    """Per language, the mean e5 vector of a sample of reader questions, and the key of that sample."""

    def __init__(self, means: dict[str, np.ndarray], keys: dict[str, str]) -> None:
        self.means, self.keys = means, keys

    @staticmethod
    def sample(
        questions: Sequence[str], encoder_name: str, form: Callable[[str], str] = str
    ) -> dict[str, tuple[str, list[str]]]:
        """Per language, (key, texts): the ``SAMPLE`` questions of lowest hash, whatever their order,
        each in the ``form`` questions are embedded in (:meth:`qa.search.crosslingual.QueryTranslator.with_chinese`);
        the key covers the texts as embedded, so a new form is embedded anew."""
        by_lang: dict[str, list[tuple[str, str]]] = {lang: [] for lang in LANGS}
        for q in set(questions):
            digest = hashlib.sha256(q.encode()).hexdigest()
            by_lang[detect_language(q)].append((digest, q))
        picked: dict[str, tuple[str, list[str]]] = {}
        for lang, pairs in by_lang.items():
            chosen = sorted(pairs)[:SAMPLE]
            if chosen:
                texts = [form(q) for _, q in chosen]
                digests = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
                key = hashlib.sha256("|".join([encoder_name, *digests]).encode()).hexdigest()[:20]
                picked[lang] = (key, texts)
        return picked

    @classmethod
    def build(
        cls,
        questions: Sequence[str],
        encoder_name: str,
        embed: Callable[[list[str]], np.ndarray],
        previous: Centroids | None = None,
        form: Callable[[str], str] = str,
    ) -> Centroids:
        """Embed each language's sample in ``form`` (unless ``previous`` holds the mean of the same one)."""
        means: dict[str, np.ndarray] = {}
        keys: dict[str, str] = {}
        for lang, (key, texts) in cls.sample(questions, encoder_name, form).items():
            if previous is not None and previous.keys.get(lang) == key:
                means[lang] = previous.means[lang]
            else:
                means[lang] = np.asarray(embed(texts), dtype=np.float32).reshape(len(texts), -1).mean(axis=0)
            keys[lang] = key
        return cls(means, keys)

    def centre(self, query: np.ndarray, question: str) -> np.ndarray:
        """The question's vector less ``SHARE`` of its language's mean (unchanged when there is none)."""
        mean = self.means.get(detect_language(question))
        if mean is None or mean.shape != query.shape:
            return query
        return (query - SHARE * mean).astype(np.float32)

    def as_json(self) -> dict[str, dict[str, object]]:
        return {lang: {"key": self.keys[lang], "mean": self.means[lang].tolist()} for lang in self.means}

    @classmethod
    def from_json(cls, data: object, dim: int) -> Centroids:
        """Raises ValueError when ``data`` is not {lang: {key, mean of ``dim`` numbers}}."""
        if not isinstance(data, dict):
            raise ValueError("'centroids' must be an object")
        means: dict[str, np.ndarray] = {}
        keys: dict[str, str] = {}
        for lang, entry in data.items():
            mean = entry.get("mean") if isinstance(entry, dict) else None
            key = entry.get("key") if isinstance(entry, dict) else None
            if lang not in LANGS or not isinstance(key, str) or not isinstance(mean, list) or len(mean) != dim:
                raise ValueError(f"'centroids' entry {lang!r} is not {{key, mean of {dim} numbers}}")
            if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in mean):
                raise ValueError(f"'centroids' entry {lang!r} has a value that is not a number")
            vector = np.asarray(mean, dtype=np.float32)
            if not np.all(np.isfinite(vector)):
                raise ValueError(f"'centroids' entry {lang!r} is not finite")
            means[lang], keys[lang] = vector, key
        return cls(means, keys)
