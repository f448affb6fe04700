"""qa: bilingual (Chinese/English) question answering over a Chinese policy paper and related policy texts.

Importing ``qa`` is cheap: heavy dependencies (torch, sentence-transformers,
LangChain, Gradio) are imported only by the modules that use them.
"""

__version__ = "0.1.0"
