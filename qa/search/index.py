"""The search index on disk: ``indexes/<name>/``, a folder of plain, self-describing files.

    manifest.json     model id and revision, dimensions, chunker settings, corpus hash,
                      qa version, build time, FAISS index type, file checksums
    chunks.json       the chunks' fields column by column, with their embedding hashes
    chunks.txt        their texts and translations, one after another (qa.search.chunkfile)
    embeddings.npy    normalised float32 passage vectors (loaded with allow_pickle=False)
    vectors.faiss     the FAISS index over those vectors (inner product)
    bm25/             bm25s's arrays and vocabulary (JSON/npy) plus the IDF table
    gloss/            the same over the English glosses of untranslated passages (qa.search.gloss)
    translator.json   the English→Chinese query translation map
    jieba.dict        the corpus's words for jieba (loads in milliseconds, not half a second)
    reader_questions.jsonl  the reader questions each chunk was indexed with (qa.corpus.readers)

Nothing is pickled. Loading checks the manifest against the corpus and settings:
a stale index is rebuilt (with a message saying why); a truncated or corrupt
file raises :class:`IndexCorruptError` naming the file and the fix.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa import __version__
from qa.corpus.chunking import Chunker
from qa.corpus.documents import document_hash
from qa.corpus.glossary import Glossary
from qa.corpus.readers import ReaderQuestion, expansions
from qa.folders import building_folder, clear_leftovers, swap_in, written_by_qa
from qa.schema import Chunk, Document
from qa.search.chunkfile import FILES as CHUNK_FILES
from qa.search.chunkfile import LEGACY as LEGACY_CHUNKS
from qa.search.chunkfile import read_chunks, write_chunks
from qa.search.crosslingual import QueryTranslator
from qa.search.embedding import Embedder
from qa.search.gloss import glossed_index, load_glossed
from qa.search.lexical import LexicalIndex
from qa.search.multilingual import FILES as MULTILINGUAL_FILES
from qa.search.multilingual import MultilingualEncoder, MultilingualSide
from qa.search.records import (
    file_digest,
    multilingual_side,
    passage_vectors,
)
from qa.search.tokenize import Tokenizer, write_compact_dictionary

INDEX_FORMAT = 10  # 10: chunks.json + chunks.txt (opens faster); 9: English glosses of untranslated passages; 8: acronyms (ID, US) kept apart from stop words; 7: query translation by dictionary senses, names and phrases; 6: per-document hashes, BM25 df
INDEX_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
RESERVED_NAMES = frozenset({"models"})  # indexes/models/ holds the offline model
# Above this many chunks an approximate (HNSW) index is used. Measured on the archive's 74,441
# passages (512-dim, one thread; `OMP_NUM_THREADS=1 python evals/bench_faiss.py INDEX_FOLDER`): exact search 9.9 ms a question, HNSW (M=32, efSearch=128)
# 0.59 ms with 99.4% of the exact top 10, built in 17 s. Exact search grows with the corpus
# (about 2.7 ms at 20,000), so HNSW takes over there.
FLAT_LIMIT = 20_000
LEXICAL_PARTS = ("bm25", "gloss")  # BM25 over the passages, and over their English glosses
FILES = (*CHUNK_FILES, "embeddings.npy", "vectors.faiss", "translator.json", "jieba.dict", "reader_questions.jsonl")
KNOWN_ENTRIES = frozenset(
    {
        *FILES,
        *MULTILINGUAL_FILES,
        "manifest.json",
        LEGACY_CHUNKS,  # an index of format 9 or before is still one qa wrote
        *(f"{part}/{name}" for part in LEXICAL_PARTS for name in LexicalIndex.FILES),
        *LEXICAL_PARTS,
    }
)  # everything an index folder may hold


class IndexCorruptError(RuntimeError):
    """An index file that cannot be read; the message names it and the fix."""


@dataclass(frozen=True)
class Settings:
    """Everything besides the corpus that decides an index's contents."""

    model: dict[str, Any]
    chunker: dict[str, Any]
    tokenizer: str = ""
    multilingual: str = ""  # the encoder of untranslated passages ("" when none)
    translator: str = ""  # the English -> Chinese query translator's rules and lexicon (crosslingual.fingerprint)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def stale_reason(manifest: dict[str, Any], corpus: str, settings: Settings) -> str | None:
    """Why an index no longer matches (None when it is current)."""
    if manifest.get("format") != INDEX_FORMAT:
        return "it was built by an older qa"
    if manifest.get("corpus_hash") != corpus:
        return "the corpus changed"
    if manifest.get("chunker") != settings.chunker:
        return "the chunker settings changed"
    if manifest.get("tokenizer") != settings.tokenizer:
        return "the tokenizer (stop words, spelling rules) changed"
    if manifest.get("multilingual", "") != settings.multilingual:
        return "the multilingual encoder changed"
    if manifest.get("translator", "") != settings.translator:
        return "the English query translator (its rules or legal_english.tsv) changed"
    model = manifest.get("model")
    if not isinstance(model, dict):
        return "its manifest names no embedding model"
    if (model.get("name"), model.get("revision")) != (settings.model.get("name"), settings.model.get("revision")):
        return f"the embedding model changed ({model.get('name')} -> {settings.model.get('name')})"
    return None


class SearchIndex:
    """Chunks with their dense (FAISS) and lexical (BM25) indexes, built or loaded as a unit."""

    def __init__(
        self,
        folder: Path,
        manifest: dict[str, Any],
        chunks: list[Chunk],
        embeddings: np.ndarray,
        faiss_index: Any,
        lexical: LexicalIndex,
        translator: QueryTranslator,
        tokenizer: Tokenizer,
        multilingual: MultilingualSide | None = None,
        glossed: LexicalIndex | None = None,
    ) -> None:
        self.folder = folder
        self.glossed = glossed  # BM25 over untranslated passages' English glosses (None: an index without them)
        self.multilingual = multilingual
        self.tokenizer = tokenizer
        self.manifest = manifest
        self.chunks = chunks
        self.embeddings = embeddings
        self.faiss_index = faiss_index
        self.lexical = lexical
        self.translator = translator

    # -- building ---------------------------------------------------------------

    @classmethod
    def build(
        cls,
        folder: Path,
        docs: list[Document],
        glossary: Glossary | None,
        chunker: Chunker,
        embedder: Embedder,
        settings: Settings,
        corpus_digest: str,
        user_words: list[str],
        reader_questions: list[ReaderQuestion] | None = None,
        *,
        multilingual: MultilingualEncoder | None = None,
        progress: bool = False,
        log: Callable[[str], None] = lambda _: None,
    ) -> SearchIndex:
        started = time.time()
        chunks = chunker.chunk_corpus(docs)
        asked = expansions(reader_questions or [], chunks)
        vectors, hashes = passage_vectors(
            chunks,
            embedder,
            folder,
            progress=progress,
            before=lambda n: log(f"embedding {n} of {len(chunks)} chunks ({len(chunks) - n} reused by content hash)"),
        )
        tmp = building_folder(folder)  # this process's own: two builds never write into each other
        try:
            faiss_index, kind = _faiss_index(vectors)
            lexical_texts = [LexicalIndex.document_text(c) for c in chunks] + [q for qs in asked for q in qs]
            write_compact_dictionary(lexical_texts, tmp / "jieba.dict", user_words)
            tokenizer = Tokenizer(user_words, dictionary=tmp / "jieba.dict")
            lexical = LexicalIndex(tokenizer).index(chunks, asked)
            glossed = glossed_index(chunks, tokenizer)
            translator = QueryTranslator.build([c.text for c in chunks], glossary, tokenizer)
            side = None
            if multilingual is not None:
                questions = [q for qs in asked for q in qs]
                side = multilingual_side(
                    docs,
                    chunks,
                    multilingual,
                    folder,
                    questions=questions,
                    form=translator.with_chinese,
                    progress=progress,
                    log=log,
                )
                side.save(tmp)
            write_chunks(tmp, chunks, hashes)
            with (tmp / "reader_questions.jsonl").open("w", encoding="utf-8") as out:
                for chunk, questions in zip(chunks, asked, strict=True):
                    for question in questions:
                        out.write(json.dumps({"chunk": chunk.id, "question": question}, ensure_ascii=False) + "\n")
            np.save(tmp / "embeddings.npy", vectors, allow_pickle=False)
            import faiss

            faiss.write_index(faiss_index, str(tmp / "vectors.faiss"))
            lexical.save(tmp / "bm25")
            glossed.save(tmp / "gloss")
            translator.save(tmp / "translator.json")
            manifest = {
                "format": INDEX_FORMAT,
                "qa_version": __version__,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "build_seconds": round(time.time() - started, 2),
                "corpus_hash": corpus_digest,
                "documents": [d.id for d in docs],
                "document_hashes": {d.id: document_hash(d) for d in docs},
                "chunks": len(chunks),
                "reader_questions": sum(len(q) for q in asked),
                "dim": int(vectors.shape[1]),
                "faiss": {"type": kind, "metric": "inner_product", "normalised": True},
                **settings.as_dict(),
                "files": {name: file_digest(tmp / name) for name in _index_files(tmp)},
            }
            manifest["files_digest"] = checksums_digest(manifest["files"])
            (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
            swap_in(tmp, folder, is_qa_index, "an index")  # never replaces a folder that is not a qa index
            if side is not None:
                side.finished()
            tokenizer.dictionary = folder / "jieba.dict"
            return cls(folder, manifest, chunks, vectors, faiss_index, lexical, translator, tokenizer, side, glossed)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)  # only ever our own temporary folder

    # -- loading ----------------------------------------------------------------

    @staticmethod
    def read_manifest(folder: Path) -> dict[str, Any] | None:
        path = folder / "manifest.json"
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexCorruptError(f"{path} is not valid JSON ({exc}); rebuild with: qa build --force") from exc
        if not isinstance(data, dict):
            raise IndexCorruptError(f"{path} is not a manifest; rebuild with: qa build --force")
        return data

    @classmethod
    def load(cls, folder: Path, manifest: dict[str, Any], user_words: list[str]) -> SearchIndex:
        fix = f"delete {folder} or run: qa build --force"
        files = manifest.get("files")
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            raise IndexCorruptError(f"{folder / 'manifest.json'} has no file checksums; {fix}")
        if manifest.get("files_digest") != checksums_digest(files):  # a damaged checksum would blame its file
            raise IndexCorruptError(f"{folder / 'manifest.json'} is damaged (its checksums do not add up); {fix}")
        for name in sorted({*FILES, *files}):
            path = folder / name
            if name not in KNOWN_ENTRIES:  # a damaged manifest (one flipped bit makes "bm25/data.csc" "bm25/data/csc")
                raise IndexCorruptError(f"{folder / 'manifest.json'} names {name!r}, no file of a qa index; {fix}")
            if ".." in Path(name).parts or not path.is_file():
                raise IndexCorruptError(f"{path} is missing; {fix}")
            if name not in files:
                raise IndexCorruptError(f"{path} is truncated or corrupt (checksum mismatch); {fix}")
        # The checksums (a third of a second for the archive's files) are computed in another thread
        # while this one parses: hashlib lets go of the GIL. A damaged file is reported by its checksum
        # even when parsing it failed first, so the message does not depend on which came first.
        with ThreadPoolExecutor(max_workers=1) as pool:
            digests = pool.submit(lambda: [n for n in sorted(files) if file_digest(folder / n) != files[n]])
            try:
                index = cls._read(folder, manifest, files, user_words, fix)
            except IndexCorruptError:
                _check_digests(digests.result(), folder, fix)
                raise
            _check_digests(digests.result(), folder, fix)
        return index

    @classmethod
    def _read(
        cls, folder: Path, manifest: dict[str, Any], files: dict[str, str], user_words: list[str], fix: str
    ) -> SearchIndex:
        with reading(folder / "chunks.json", fix):
            chunks = read_chunks(folder)
            if len(chunks) != manifest.get("chunks"):
                raise ValueError(f"{len(chunks)} chunks where the manifest says {manifest.get('chunks')}")
        dim = manifest.get("dim")
        with reading(folder / "embeddings.npy", fix):
            # Mapped, not read: searches use the FAISS index; this array is read only when an overlay of
            # added documents is composed with it. Reading it took 0.03 s warm but up to 1 s when the
            # page cache had dropped it, most of the variation in opening the archive's index.
            embeddings = np.load(folder / "embeddings.npy", mmap_mode="r", allow_pickle=False)
            if embeddings.dtype != np.float32 or embeddings.shape != (len(chunks), dim):
                raise ValueError(f"shape {embeddings.shape} {embeddings.dtype}, not ({len(chunks)}, {dim}) float32")
        with reading(folder / "vectors.faiss", fix):
            import faiss

            faiss_index = faiss.read_index(str(folder / "vectors.faiss"))
            if faiss_index.ntotal != len(chunks) or faiss_index.d != dim:
                raise ValueError(
                    f"{faiss_index.ntotal} vectors of {faiss_index.d} dimensions, not {len(chunks)} of {dim}"
                )
        with reading(folder / "jieba.dict", fix):
            tokenizer = Tokenizer(user_words, dictionary=folder / "jieba.dict")
            tokenizer("双螺旋结构 test")  # jieba reads its dictionary lazily: read it now, where a fault is named
        with reading(folder / "bm25", fix):
            lexical = LexicalIndex.load(folder / "bm25", tokenizer)
        with reading(folder / "gloss", fix):
            glossed = load_glossed(folder / "gloss", tokenizer, len(chunks))
        with reading(folder / "translator.json", fix):
            translator = QueryTranslator.load(folder / "translator.json")
        side = None
        if "multilingual.npy" in files or "multilingual.json" in files:
            with reading(folder / "multilingual.npy|json", fix):
                side = MultilingualSide.load(folder, len(chunks))
        return cls(folder, manifest, chunks, embeddings, faiss_index, lexical, translator, tokenizer, side, glossed)

    # -- searching ----------------------------------------------------------------

    def dense_search(self, query_vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        k = min(k, len(self.chunks))
        if k <= 0 or not np.any(query_vector):
            return []
        scores, ids = self.faiss_index.search(np.asarray(query_vector, dtype=np.float32).reshape(1, -1), k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]


def checksums_digest(files: dict[str, str]) -> str:
    """A digest of the manifest's file checksums themselves: a flipped byte in one of them must be
    reported as a damaged manifest, not as a damaged file."""
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:16]


@contextlib.contextmanager
def reading(path: Path, fix: str) -> Iterator[None]:
    """Any failure to read or make sense of an index file means the file is corrupt: say which, and the fix.

    The catch is deliberately broad: numpy, FAISS, bm25s and jieba each fail in their
    own ways (EOFError, RuntimeError, TypeError, IndexError…) on a damaged file, and
    every one of them means the same thing to the user.
    """
    try:
        yield
    except Exception as exc:
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise IndexCorruptError(f"{path} cannot be read ({detail}); {fix}") from exc


def _check_digests(damaged: list[str], folder: Path, fix: str) -> None:
    if damaged:
        raise IndexCorruptError(f"{folder / damaged[0]} is truncated or corrupt (checksum mismatch); {fix}")


def _index_files(folder: Path) -> list[str]:
    """Every file of an index folder, as the manifest names them (``bm25/…`` included)."""
    return sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"
    )


@contextlib.contextmanager
def build_lock(root: Path, log: Callable[[str], None] = lambda _: None) -> Iterator[None]:
    """An exclusive lock on ``root/.build.lock`` while an index (or the offline model) is checked or built."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".build.lock", "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # not on POSIX: no lock, as before
            yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # every start holds it while it checks the index, not only a build: say both
            log(f"another qa process is opening or building {root}; waiting for it")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            clear_leftovers(root, log)
            clear_leftovers(root / "models", log)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def check_index_name(name: object) -> str:
    """An index name must be a plain folder name: ``..``, ``/some/dir`` or ``models`` would be disastrous."""
    if not isinstance(name, str) or not INDEX_NAME.fullmatch(name) or name in RESERVED_NAMES:
        raise ValueError(
            f"invalid index name {name!r}: use 1–64 letters, digits, '-' or '_' (not {', '.join(sorted(RESERVED_NAMES))}),"
            " e.g. --index default"
        )
    return name


def is_qa_index(folder: Path) -> bool:
    """Whether ``folder`` holds an index qa wrote, and so may be replaced.

    Yes if its manifest names a format and a qa version; and yes if it holds nothing
    but files an index is made of (a damaged or deleted manifest must not strand an
    index that only ``qa`` could have written). Anything else there is someone's data.
    """
    return written_by_qa(folder, "manifest.json", {"format", "qa_version", "corpus_hash"}, KNOWN_ENTRIES)


def _faiss_index(vectors: np.ndarray) -> tuple[Any, str]:
    import faiss

    dim = vectors.shape[1]
    index: Any
    if len(vectors) <= FLAT_LIMIT:
        index = faiss.IndexFlatIP(dim)
        kind = "IndexFlatIP"
    else:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = 128
        kind = "IndexHNSWFlat(M=32,efSearch=128)"
    index.add(vectors)
    return index, kind
