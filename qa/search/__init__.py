"""Stage 2, search: documents' chunks in, an index on disk and ranked passages out.

Takes chunks, the glossary and reader questions from :mod:`qa.corpus`; builds
(or loads) the index folder — FAISS vectors, BM25, the query translation map, a
jieba dictionary, checksums — and, for a question, understands it (traditional
characters, the asking part of a long question, article and section references)
and returns fused, explained :class:`~qa.schema.Hit` rankings.

Search never reads ``corpus/`` files itself (it is handed documents), never
writes outside the index root, and never composes an answer.

    tokenize      jieba for Chinese, stemming for English (stopwords: the words never counted)
    lexical       BM25 (bm25s) over both languages
    embedding     sentence-transformers models, the offline fallback
    static_model  training the offline model from the corpus (model_recipe: its inputs and records)
    crosslingual  English → Chinese query words
    multilingual  multilingual-e5 for passages nobody translated; centring: its questions less the mean question
    index         the index folder: build, load, verify
    query         what a question says (script, focus, thesaurus terms)
    asked         what a question asks for (a figure, a date, a comparison, a list); places: place
                  and other proper names, what a figure must be about
    references    §2.3, 第二十四条, proposal (4) resolved to passages; versions: "按2017年修正的…";
                  section_names: "前瞻性与实践性", "源头融合" read from the paper's headings
    retrieval     the legs, run and fused (weights: each leg's weight and why; fusion: RRF, the document
                  prior; scoped: inside named documents)
"""
