"""Build the offline default embedding model from the corpus itself (no download).

A classical cross-lingual method: latent semantic indexing over aligned text.
Each training "document" puts Chinese and English that mean the same thing side
by side — an aligned sentence pair of a translated document, a glossary entry,
a CC-CEDICT entry for a word that occurs in the corpus — plus the untranslated
Chinese segments (so law vocabulary relates to the paper's). A truncated SVD of
the TF-IDF matrix gives every token a vector in which 价值融合 and "value
integration" sit close together. That half is concatenated with wordllama's
English token table projected onto Chinese tokens, and the whole is fine-tuned
on the corpus's own structure. The vocabulary is a WordPiece built from the
corpus (jieba words, characters, English words), deterministic by construction.

The result is a genuine sentence-transformers ``StaticEmbedding`` folder
(``modules.json``, ``tokenizer.json``, ``model.safetensors``), loadable with
``SentenceTransformer(path)`` and ``HF_HUB_OFFLINE=1``; ``qa.search.embedding`` also
reads the same files in numpy for a fast query path.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from qa import __version__
from qa.corpus.chunking import Chunker, align_sentences
from qa.corpus.glossary import Glossary
from qa.corpus.readers import ReaderQuestion, attach
from qa.folders import building_folder, swap_in
from qa.schema import Document
from qa.search.model_recipe import (
    DIM,
    LSI_SHARE,
    MODEL_NAME,
    cedict_entries,
    is_qa_model,
    training_fingerprint,
    wordllama_table,
)
from qa.search.records import passage_text
from qa.search.tokenize import EN_STOPWORDS, ZH_STOPWORDS, Tokenizer
from qa.text import split_sentences

SPECIAL = ["[UNK]", "[PAD]"]


class OfflineModelBuilder:
    """Trains the tokenizer and the LSI token vectors; ``build`` writes the model folder."""

    def __init__(
        self,
        docs: list[Document],
        glossary: Glossary | None = None,
        *,
        use_cedict: bool = False,
        use_wordllama: bool = True,
        lsi_share: float = LSI_SHARE,
        fine_tune: bool = True,
        reader_questions: Sequence[ReaderQuestion] = (),
        chunker: Chunker | None = None,
    ) -> None:
        self.docs = docs
        self.reader_questions = list(reader_questions)  # see qa.corpus.readers
        self.chunker = chunker or Chunker()  # the passages the reader questions are paired with
        self.glossary = glossary
        self.use_cedict = use_cedict  # CC-CEDICT entries as LSI training pairs (measured: worse, off by default)
        self.use_wordllama = use_wordllama
        self.lsi_share = lsi_share
        self.fine_tune = fine_tune
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
        # A passage together with the reader questions written for it, so that the words people
        # ask with ("一窝蜂", "spin-off") get vectors near the passage's words (measured: dense-only
        # Chinese MRR 0.58 -> 0.73 on the fixed set; fine-tuning alone gave the 0.58).
        asked: dict[str, list[str]] = {}
        for question, passage in self.reader_pairs:
            asked.setdefault(passage, []).append(question)
        pairs.extend((f"{passage} {' '.join(questions)}", "", 1.0) for passage, questions in asked.items())
        return pairs

    def train_tokenizer(self, pairs: list[tuple[str, str, float]]) -> object:
        """A WordPiece tokenizer whose vocabulary is built deterministically from the corpus.

        Chinese: every word jieba finds in the training text (search mode and
        precise mode) and every character, so greedy longest match works as
        forward maximum matching; English: every word of the English side, plus
        single letters and digits. Each entry also has its ``##`` continuation
        form. (A trained BPE would be smaller, but ``tokenizers``' trainer breaks
        ties in hash-map order, so two builds of the same corpus would differ.)
        """
        from tokenizers import Regex, models, normalizers, pre_tokenizers
        from tokenizers import Tokenizer as HFTokenizer

        segment = self.words._segmenter()
        chinese: set[str] = set()
        english: set[str] = set()
        for zh, en, _ in pairs:
            for run in re.findall(r"[\u3400-\u9fff]+", zh):
                chinese.update(segment.lcut(run))  # type: ignore[attr-defined]
                chinese.update(segment.lcut_for_search(run))  # type: ignore[attr-defined]
                chinese.update(run)
            english.update(w.lower() for w in re.findall(r"[A-Za-z]+|\d+", f"{zh} {en}"))
        table = wordllama_table() if self.use_wordllama else None
        if table is not None:  # English words wordllama knows: query words outside the corpus still mean something
            pieces = table[0].get_vocab()  # type: ignore[attr-defined]
            english.update(p[1:].lower() for p in pieces if p.startswith("\u2581") and p[1:].isalpha() and len(p) > 3)
        chinese_words = sorted(w for w in chinese if w and len(w) <= 24)
        # Chinese needs ## forms (a run is matched greedily, word after word); an English word
        # is a pre-token of its own, and one not in the vocabulary becomes [UNK], i.e. silent.
        tokens = [*SPECIAL, *sorted(english - chinese), *chinese_words, *(f"##{w}" for w in chinese_words)]
        vocab = {token: i for i, token in enumerate(tokens)}
        tokenizer = HFTokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]", max_input_chars_per_word=400))
        tokenizer.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
        # WordPiece turns a whole pre-token into [UNK] when one character of it is unknown, so a
        # question clause with one character the corpus lacks ("一窝蜂") would vanish: unknown
        # Chinese characters, and Latin letters inside a Chinese run ("我国GDP增长"), are split off.
        known = "".join(sorted({w for w in chinese_words if len(w) == 1}))
        tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
            [
                pre_tokenizers.WhitespaceSplit(),
                pre_tokenizers.Punctuation(),
                pre_tokenizers.Digits(individual_digits=False),
                pre_tokenizers.Split(Regex("[A-Za-z]+"), behavior="isolated"),
                pre_tokenizers.Split(Regex(f"[\u3400-\u9fff&&[^{known}]]"), behavior="isolated"),
            ]
        )
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

    def projected_vectors(self, tokenizer: object, pairs: list[tuple[str, str, float]]) -> np.ndarray | None:
        """Every token in wordllama's English space: Latin tokens directly, Chinese ones via English.

        A Chinese token's vector is the weighted mean of the wordllama vectors of
        English that says what it means: its glossary rendering, its CC-CEDICT
        glosses, and the English sentences aligned with Chinese sentences it occurs in.
        """
        table = wordllama_table()
        if table is None:
            return None
        wl_tokenizer, wl_weights = table

        def embed(texts: list[str]) -> np.ndarray:
            out = np.zeros((len(texts), wl_weights.shape[1]), dtype=np.float32)
            for i, enc in enumerate(wl_tokenizer.encode_batch(texts, add_special_tokens=False)):  # type: ignore[attr-defined]
                if enc.ids:
                    out[i] = wl_weights[enc.ids].mean(axis=0)
            normalised: np.ndarray = out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
            return normalised

        vocab = tokenizer.get_vocab()  # type: ignore[attr-defined]
        tokens = sorted(vocab, key=vocab.get)
        cjk = re.compile(r"[\u3400-\u9fff]")
        evidence: dict[int, list[tuple[str, float]]] = {}
        if self.glossary is not None:
            for term in self.glossary.terms:
                for i in set(tokenizer.encode(term.zh).ids):  # type: ignore[attr-defined]
                    evidence.setdefault(i, []).append((term.en, 3.0 if tokens[i] == term.zh.lower() else 0.7))
        for word, gloss in cedict_entries({t for t in tokens if cjk.search(t)}):
            evidence.setdefault(vocab[word], []).append((gloss, 1.0))
        for zh, en, weight in pairs:
            if zh and en and weight == 1.0 and len(zh) < 200:  # aligned sentences, not whole segments
                ids = set(tokenizer.encode(zh).ids)  # type: ignore[attr-defined]
                for i in ids:
                    evidence.setdefault(i, []).append((en, 0.3 / len(ids) ** 0.5))
        vectors = np.zeros((len(tokens), wl_weights.shape[1]), dtype=np.float32)
        latin = [i for i, t in enumerate(tokens) if not cjk.search(t) and re.search(r"[a-z0-9]", t)]
        vectors[latin] = embed([tokens[i] for i in latin])
        owners, texts, weights = [], [], []
        for i, items in evidence.items():
            if cjk.search(tokens[i]):
                for text, weight in items:
                    owners.append(i)
                    texts.append(text)
                    weights.append(weight)
        for i, vector, weight in zip(owners, embed(texts), weights, strict=True):
            vectors[i] += weight * vector
        return vectors

    @property
    def options(self) -> dict[str, object]:
        return {
            "cedict": self.use_cedict,
            "wordllama": self.use_wordllama,
            "lsi_share": self.lsi_share,
            "fine_tune": self.fine_tune,
            "chunker": self.chunker.settings,
        }

    def fingerprint(self) -> str:
        return training_fingerprint(self.docs, self.glossary, self.options, self.reader_questions)

    @cached_property
    def reader_pairs(self) -> list[tuple[str, str]]:
        """(reader question, the passage it belongs to), derived only when training needs them."""
        if not self.reader_questions:
            return []
        chunks = self.chunker.chunk_corpus(self.docs)
        owners = attach(self.reader_questions, chunks)
        return [
            (q.question, passage_text(chunks[i])) for q, i in zip(self.reader_questions, owners, strict=True) if i >= 0
        ]

    @staticmethod
    def tie_inflections(tokenizer: object, vectors: np.ndarray) -> np.ndarray:
        """English forms with one stem (tension/tensions, licence/license) share their mean vector."""
        from qa.search.tokenize import stem

        groups: dict[str, list[int]] = {}
        vocab = tokenizer.get_vocab()  # type: ignore[attr-defined]
        for token in sorted(vocab):  # a fixed order: float sums must not depend on hash-map order
            i = vocab[token]
            if token.isascii() and token.isalpha() and np.any(vectors[i]):
                groups.setdefault(stem(token), []).append(i)
        tied = vectors.copy()
        for members in groups.values():
            if len(members) > 1:
                tied[sorted(members)] = vectors[sorted(members)].mean(axis=0)
        return tied

    def structure_pairs(self) -> list[tuple[str, str]]:
        """Self-supervision from the corpus's own structure, plus the reader questions.

        A heading and each of the first sentences under it (a summary and its content,
        as a question and its passage are), in both languages; each Chinese sentence
        and its aligned English; each glossary term and its rendering; each reader
        question and the passage it was written for (never the evaluation questions).
        """
        from qa.corpus.documents import section_refs

        pairs: list[tuple[str, str]] = []
        for doc in self.docs:
            for seg, ref in zip(doc.segments, section_refs(doc), strict=True):
                if seg.kind == "heading":
                    continue
                sentences = split_sentences(seg.text, seg.lang)
                if ref.path:
                    pairs.extend((ref.path[-1], sentence) for sentence in sentences[:6])
                    heading_en = ref.path_en[-1] if ref.path_en else None
                    if heading_en and seg.translation:
                        pairs.extend((heading_en, e) for e in split_sentences(seg.translation, "en")[:6])
                if seg.translation:
                    english = split_sentences(seg.translation, "en")
                    for zh, owned in zip(sentences, align_sentences(sentences, english), strict=True):
                        if owned:
                            pairs.append((zh, " ".join(english[j] for j in owned)))
        if self.glossary is not None:
            pairs.extend((t.zh, t.en) for t in self.glossary.terms)
        return pairs + self.reader_pairs

    def tune(self, tokenizer: object, vectors: np.ndarray) -> np.ndarray:
        """Contrastive fine-tuning (in-batch InfoNCE) of the token vectors on :meth:`structure_pairs`.

        Deterministic (seeded, one thread); an L2 pull towards the starting vectors
        keeps what LSI and wordllama contributed. Returns the input unchanged without torch.
        """
        try:
            import torch
        except ImportError:
            return vectors
        pairs = self.structure_pairs()
        if len(pairs) < 8:
            return vectors
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            generator = torch.Generator().manual_seed(0)
            torch.manual_seed(0)
            start = torch.tensor(vectors)
            bag = torch.nn.EmbeddingBag.from_pretrained(start.clone(), freeze=False, mode="mean")
            optimiser = torch.optim.Adam(bag.parameters(), lr=3e-3)

            def encode(texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
                ids = [e.ids or [0] for e in tokenizer.encode_batch(texts, add_special_tokens=False)]  # type: ignore[attr-defined]
                offsets = np.cumsum([0] + [len(x) for x in ids[:-1]])
                return torch.tensor([i for x in ids for i in x]), torch.tensor(offsets)

            for _ in range(5):
                order = torch.randperm(len(pairs), generator=generator).tolist()
                for b in range(0, len(order), 128):
                    batch = [pairs[i] for i in order[b : b + 128]]
                    left = torch.nn.functional.normalize(bag(*encode([x for x, _ in batch])), dim=1)
                    right = torch.nn.functional.normalize(bag(*encode([y for _, y in batch])), dim=1)
                    logits = left @ right.T / 0.1
                    target = torch.arange(len(batch))
                    loss = (
                        torch.nn.functional.cross_entropy(logits, target)
                        + torch.nn.functional.cross_entropy(logits.T, target)
                    ) / 2
                    loss = loss + 0.1 * ((bag.weight - start) ** 2).sum(dim=1).mean()
                    optimiser.zero_grad()
                    loss.backward()  # type: ignore[no-untyped-call]
                    optimiser.step()
        finally:
            torch.set_num_threads(threads)
        tuned: np.ndarray = bag.weight.detach().numpy().astype(np.float32)
        tuned[np.abs(vectors).sum(axis=1) == 0] = 0.0  # stop words and unseen tokens stay silent
        return tuned

    def build(self, target: Path) -> Path:
        """Train and write the model folder; returns it.

        The files are written into a folder of this process's own and swapped in whole
        (qa.folders), so a killed build never leaves a half-written model behind.
        """
        out = building_folder(target)
        try:
            self._write(out)
            swap_in(out, target, is_qa_model, "a model")
        finally:
            shutil.rmtree(out, ignore_errors=True)
        return target

    def _write(self, out: Path) -> None:
        from safetensors.numpy import save_file

        pairs = self.training_pairs()
        tokenizer = self.train_tokenizer(pairs)
        vectors = self.token_vectors(tokenizer, pairs)
        projected = self.projected_vectors(tokenizer, pairs) if self.use_wordllama else None
        if projected is not None:  # concatenate the halves, each unit-norm per token, idf kept in the LSI norm
            scale = np.linalg.norm(vectors, axis=1, keepdims=True)
            lsi = vectors / np.maximum(scale, 1e-12)
            wl = projected / np.maximum(np.linalg.norm(projected, axis=1, keepdims=True), 1e-12)
            wl[scale[:, 0] == 0] = 0.0  # stop words and unseen tokens stay silent in both halves
            vectors = np.hstack([np.sqrt(self.lsi_share) * lsi, np.sqrt(1 - self.lsi_share) * wl]) * scale
            vectors = vectors.astype(np.float32)
        vectors = self.tie_inflections(tokenizer, vectors)
        if self.fine_tune:
            vectors = self.tie_inflections(tokenizer, self.tune(tokenizer, vectors))
        tokenizer.save(str(out / "tokenizer.json"))  # type: ignore[attr-defined]
        save_file({"embedding.weight": vectors}, str(out / "model.safetensors"))
        module = "sentence_transformers.sentence_transformer.modules.static_embedding.StaticEmbedding"
        (out / "modules.json").write_text(json.dumps([{"idx": 0, "name": "0", "path": "", "type": module}], indent=2))
        config = {"prompts": {"query": "", "document": ""}, "default_prompt_name": None, "similarity_fn_name": "cosine"}
        (out / "config_sentence_transformers.json").write_text(json.dumps(config, indent=2))
        info = {
            "name": MODEL_NAME,
            "method": "LSI (TF-IDF + truncated SVD) over aligned zh/en text"
            + (
                " concatenated with wordllama's English token space projected onto Chinese tokens"
                if projected is not None
                else ""
            )
            + (
                ", fine-tuned contrastively on heading/sentence, zh/en, glossary and reader-question/passage pairs"
                if self.fine_tune
                else ""
            )
            + "; WordPiece vocabulary built from the corpus",
            "wordllama": projected is not None,
            "fine_tuned": self.fine_tune,
            "dim": int(vectors.shape[1]),
            "vocab_size": int(vectors.shape[0]),
            "training_documents": len(pairs),
            "reader_pairs": len(self.reader_pairs),
            "cedict": self.use_cedict,
            "fingerprint": self.fingerprint(),
            "licence_note": "trained on the corpus and, when cedict is true, CC-CEDICT (CC BY-SA 4.0)",
        }
        (out / "qa_model.json").write_text(json.dumps(info, indent=2))
        (out / "README.md").write_text(f"# {MODEL_NAME}\n\nBuilt by qa {__version__}: {info['method']}.\n")
