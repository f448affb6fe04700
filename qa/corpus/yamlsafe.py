"""YAML for metadata files: safe loading only, with libyaml's C parser when it is installed.

Opening an index reads every document's meta.yaml; with the pure-Python parser that was a
quarter of the cold start once a few hundred laws were added (evals/bench_scale.py).
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # both build plain Python types only


def safe_yaml(text: str) -> Any:
    """``yaml.safe_load``, with the C parser when available (the same data either way)."""
    return yaml.load(text, Loader=_LOADER)  # a safe loader, never the full one
