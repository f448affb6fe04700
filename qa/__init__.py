"""qa: bilingual (Chinese/English) question answering over a Chinese policy paper and related policy texts.

    from qa import Assistant
    answer = Assistant().ask("What are the five tensions the paper names?")

Importing ``qa`` is cheap: heavy dependencies (torch, sentence-transformers,
LangChain, Gradio) are imported only by the modules that use them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Answer", "Assistant", "Citation", "Hit", "__version__"]

if TYPE_CHECKING:
    from qa.assistant import Assistant
    from qa.schema import Answer, Citation, Hit


def __getattr__(name: str) -> Any:
    if name == "Assistant":
        from qa.assistant import Assistant

        return Assistant
    if name in ("Answer", "Citation", "Hit"):
        from qa import schema

        return getattr(schema, name)
    raise AttributeError(f"module 'qa' has no attribute {name!r}")
