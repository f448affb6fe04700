"""Opening an index without the cyclic garbage collector's pauses.

Opening the whole law archive creates millions of small objects (74,441 passages, their
fields, 1,515 parsed documents). Python's collector runs every few hundred allocations and
each full pass walks everything allocated so far, so about a fifth of the opening went to
it, and more on a busy machine: measured on the archive's index (``bench_scale.probe``),
2.85–3.78 s with it, 2.40–2.58 s without. Nothing loaded there is garbage, so the collector
is paused while it is read and the result is then frozen — moved out of the collector's
view — so later collections (during questions) do not walk it again either (a full pass over
the archive's 772,000 objects takes 0.2 s). The cost: cyclic garbage made while the collector
was paused is never collected; measured after opening the archive, 73 objects.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector (if it runs) for the block; freeze what exists at its end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def collector_resumed() -> None:
    """Inside :func:`collector_paused`: let the collector run again, for work that makes garbage (a build)."""
    gc.enable()
