"""Stage 1, documents: the corpus folder in, checked documents and their passages out.

Takes ``corpus/<doc>/`` folders (segmented source text, translations, metadata,
provenance), the glossary, the thesaurus and the reader questions; gives
:class:`~qa.schema.Document` objects, structural chunks that keep section and
article numbers with their character offsets, and reports of what is wrong.

This is the only stage that reads ``corpus/`` files. It never builds an index,
embeds text or answers a question, and it never changes a document it did not import.

    documents   loading a document folder (segments, translations, metadata)
    chunking    structural chunks: articles, items, paragraphs, tables
    glossary    the zh/en term list
    thesaurus   everyday and Taiwan/Hong Kong words for the documents' terms
    readers     reader questions each passage answers
    validation  `qa corpus check`
    sources     importing a policy text from Markdown
    library     the documents a user adds (qa add / docs / remove)
    snapshot    added documents as last parsed, so a large library opens quickly
"""

from qa.corpus.documents import CorpusError, corpus_hash, document_text, load_corpus, load_document, section_refs

__all__ = ["CorpusError", "corpus_hash", "document_text", "load_corpus", "load_document", "section_refs"]
