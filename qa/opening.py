"""Opening a project: the corpus, the embedding model and the index — loaded, overlaid or built.

What :class:`qa.assistant.Assistant` does on its first question (and on ``qa build``), kept apart
from the API so that each reads on its own: here, which model and which index a project needs and
why one is (re)built; there, what a caller can ask. :func:`open_project` returns everything a
question uses, made together so that the assistant can swap it in at once (never half-built).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qa.answers.answering import ExtractiveAnswerer
from qa.answers.lists import Structure
from qa.config import glossary_path
from qa.corpus.chunking import Chunker
from qa.corpus.documents import corpus_hash, document_hash, load_corpus
from qa.corpus.glossary import Glossary
from qa.corpus.library import Library
from qa.corpus.readers import ReaderQuestion, load_corpus_questions
from qa.corpus.thesaurus import LEGAL as LEGAL_THESAURUS
from qa.corpus.thesaurus import Thesaurus
from qa.folders import check_replaceable
from qa.heap import collector_resumed
from qa.schema import Document
from qa.search.combined import with_overlay
from qa.search.crosslingual import fingerprint as translator_fingerprint
from qa.search.embedding import Embedder, EmbeddingError, ModelChoice, announce, load_embedder, resolve_model
from qa.search.index import SearchIndex, Settings, build_lock, is_qa_index, stale_reason
from qa.search.model_recipe import MIN_SIMILARITY as OFFLINE_MIN_SIMILARITY
from qa.search.model_recipe import MODEL_NAME, record, recorded, training_inputs
from qa.search.multilingual import load_multilingual
from qa.search.overlay import drop_overlay, plan
from qa.search.references import ReferenceResolver
from qa.search.retrieval import Retriever
from qa.search.static_model import OfflineModelBuilder
from qa.search.tokenize import fingerprint as tokenizer_fingerprint
from qa.search.weights import FusionWeights


@dataclass(frozen=True)
class Project:
    """Where a project lives and how it is indexed: what :func:`open_project` reads."""

    corpus_path: Path
    library: Library | None
    model_setting: str | None
    index_root: Path
    index_name: str
    chunker: Chunker
    weights: FusionWeights
    log: Callable[[str], None]


@dataclass(frozen=True)
class Opened:
    """Everything a question uses, made together."""

    docs: dict[str, Document]
    thesaurus: Thesaurus
    index: SearchIndex
    retriever: Retriever
    answerer: ExtractiveAnswerer
    model_choice: ModelChoice


def open_project(project: Project, *, force: bool, progress: bool) -> Opened:
    """Load the project's index, with an overlay of the documents added since it was built, or build
    it (and the offline model) when it is missing, stale, or ``force``; say why when building."""
    log = project.log
    shipped = load_corpus(project.corpus_path)
    docs = shipped + (project.library.load() if project.library else [])
    gloss_file = glossary_path(project.corpus_path)
    glossary = Glossary.load(gloss_file) if gloss_file.exists() else None
    user_words = [t.zh for t in glossary.terms] if glossary else []
    # parsed only when a model or index is built: an up-to-date start does not need them
    reader = functools.cache(lambda: _reader_questions(project.corpus_path, docs, log))
    choice = resolve_model(project.model_setting)
    # asked for by name (--model, QA_MODEL): say so every time; the default: once per index root
    explicit = project.model_setting is not None or bool(os.environ.get("QA_MODEL"))
    announce(choice, None if explicit else project.index_root / ".offline-notice")
    # One build at a time per index root: a second process waits, then finds the index
    # (and the offline model) current and loads it instead of building it again.
    digest = corpus_hash(project.corpus_path)  # the shipped corpus; added documents are compared one by one
    with build_lock(project.index_root, log):
        # The offline model is trained on the shipped corpus only: adding a document must not retrain it.
        embedder = _embedder(project, choice, shipped, glossary, reader, digest, force=force)
        # Untranslated passages (documents the user added) need a pretrained multilingual encoder to be
        # found from English; a hub model such as multilingual-e5 already is one.
        multilingual = load_multilingual() if choice.source == "offline" else None
        settings = Settings(
            model={
                "requested": choice.requested,
                "source": choice.source,
                "name": embedder.name,
                "revision": embedder.revision,
                "dim": embedder.dim,
            },
            chunker=project.chunker.settings,
            tokenizer=tokenizer_fingerprint(),
            multilingual=f"{multilingual.name}; {multilingual.layout}" if multilingual else "",
            translator=translator_fingerprint(),
        )
        folder = project.index_root / project.index_name
        manifest = None if force else SearchIndex.read_manifest(folder)  # --force repairs an unreadable one
        reason = (
            "it was asked for"
            if force
            else "there is none yet"
            if manifest is None
            else stale_reason(manifest, digest, settings)
        )
        known = project.library.hashes if project.library else {}  # hashed when last parsed
        hashes = {d.id: known.get(d.id) or document_hash(d) for d in docs}
        index: SearchIndex | None = None
        if reason is None and manifest is not None:
            want = plan(manifest, docs, hashes, {d.id for d in shipped})
            reason = want.rebuild
            if reason is None:
                base = SearchIndex.load(folder, manifest, user_words)
                index = base
                if want.added or want.removed:
                    collector_resumed()  # embedding new passages makes garbage
                    index, reason = with_overlay(
                        base, want, hashes, project.chunker, embedder, glossary, user_words, multilingual, log
                    )
                else:
                    drop_overlay(folder)  # what it held was removed again: the base alone is current
        if index is None:
            collector_resumed()  # a build makes garbage
            check_replaceable(folder, is_qa_index, "an index")
            log(f"building the index in {folder} because {reason}")
            index = SearchIndex.build(
                folder,
                docs,
                glossary,
                project.chunker,
                embedder,
                settings,
                digest,
                user_words,
                reader(),
                multilingual=multilingual,
                progress=progress,
                log=log,
            )
            drop_overlay(folder)  # everything is in the new base now
    docs_by_id = {d.id: d for d in docs}
    thesaurus = Thesaurus.load(project.corpus_path / "thesaurus.tsv").extended(Thesaurus.load(LEGAL_THESAURUS))
    retriever = Retriever(index, embedder, project.weights, ReferenceResolver(docs), multilingual)
    answerer = ExtractiveAnswerer(
        index.tokenizer,
        index.lexical.idf,
        structure=Structure(docs_by_id, index.chunks),
        chunks={c.id: c for c in index.chunks},
        glossary=glossary,
        translate=index.translator.translate,
        min_similarity=OFFLINE_MIN_SIMILARITY if choice.source == "offline" else None,
        embedder=embedder,
    )
    return Opened(docs_by_id, thesaurus, index, retriever, answerer, choice)


def _reader_questions(corpus_path: Path, docs: list[Document], log: Callable[[str], None]) -> list[ReaderQuestion]:
    """All documents' reader questions; bad lines are skipped with one message each."""
    out: list[ReaderQuestion] = []
    for found in load_corpus_questions(corpus_path, docs):
        for error in found.errors:
            log(f"{error} (skipped; `qa corpus check` lists every problem)")
        out.extend(found.questions)
    return out


def _embedder(
    project: Project,
    choice: ModelChoice,
    docs: list[Document],
    glossary: Glossary | None,
    reader: Callable[[], list[ReaderQuestion]],
    digest: str,
    *,
    force: bool,
) -> Embedder:
    """The embedding model: a hub model as resolved, or the offline one, trained when missing or stale."""
    if choice.source != "offline":
        return load_embedder(choice)
    folder = project.index_root / "models" / MODEL_NAME
    # The model's training fingerprint hashes every shipped segment and reader question (0.4 s a
    # start); the corpus files' digest decides the same, so a match recorded for it is enough.
    inputs = training_inputs(digest, project.chunker.settings)
    if not force and recorded(folder, "inputs") == inputs:
        try:
            return load_embedder(choice, folder)
        except EmbeddingError:
            pass  # checked again below, and retrained if need be
    builder = OfflineModelBuilder(docs, glossary, reader_questions=reader(), chunker=project.chunker)
    trained = force or recorded(folder, "fingerprint") != builder.fingerprint()
    if trained:
        project.log(f"training the offline embedding model in {folder} (about two and a half minutes)")
        builder.build(folder)
    try:
        embedder = load_embedder(choice, folder)
    except EmbeddingError as exc:  # a deleted or damaged file: train it again rather than stop
        if trained:
            raise
        project.log(f"the offline model cannot be read ({exc}); training it again in {folder}")
        builder.build(folder)
        embedder = load_embedder(choice, folder)
    record(folder, "inputs", inputs)
    return embedder
