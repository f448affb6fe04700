"""The subjects of the national law archive's statutes (商标法 -> 商标, trademark): ``law_subjects.tsv``.

Data for any corpus, like the legal thesaurus: written by ``corpus/tools/law_subjects.py`` from
the archive's titles; :mod:`qa.answers.subjects` declines a question about a subject no passage
mentions.
"""

from __future__ import annotations

import functools
from pathlib import Path

SUBJECTS = Path(__file__).with_name("law_subjects.tsv")


@functools.cache
def law_subjects(path: Path = SUBJECTS) -> tuple[frozenset[str], dict[str, str]]:
    """The subjects (Chinese) and the English names of those CC-CEDICT (or a hand) gives one or more for."""
    chinese: set[str] = set()
    english: dict[str, str] = {}
    if not path.exists():
        return frozenset(), {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        subject, name, *_ = [*line.split("\t"), "", ""]
        chinese.add(subject)
        for each in name.split(";"):  # "export control" or "personal income tax; individual income tax"
            if each.strip():
                english[each.strip()] = subject
    return frozenset(chinese), english
