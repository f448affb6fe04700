"""Neighbouring laws' subjects a question is about and the documents never mention.

"注册商标的申请被驳回了，多长时间内可以申请复审？" reads like a patent question — 驳回, 复审 and a
period are all in the Patent Law — and the Patent Law's review article was the answer quoted.
But it is about trademarks, which no document mentions. The national law archive's titles say
what each law is about (商标法 -> 商标, 出口管制法 -> 出口管制; ``qa/corpus/law_subjects.tsv``,
written by ``corpus/tools/law_subjects.py``): a question naming such a subject that no passage of
the open corpus contains — in Chinese, or for an English question also its English name
(trademark, copyright, antitrust) in no English text — is about something else, and is
declined saying so. Documents a user adds count: with the Trademark Law added, 商标 is
mentioned and the question is answered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from qa.corpus.subjects import law_subjects

LONGEST = 4  # tokens a subject may span (出口管制 is two, 劳动争议调解仲裁 four)


def subjects_missing(
    question: str,
    tokens: Sequence[str],
    mentioned: Callable[[str], bool],
    english: bool,
) -> list[str]:
    """The subjects of ``question`` (as written in it) that ``mentioned`` says no passage contains.

    ``tokens``: the question's words in order (a subject must be whole words: 立法 is not in
    独立法人); ``mentioned(text)``: whether some passage contains ``text``; ``english``: the
    question is English, so its English names are looked for too.
    """
    chinese, names = law_subjects()
    found: list[str] = []
    for start in range(len(tokens)):
        joined = ""
        for token in tokens[start : start + LONGEST]:
            joined += token
            if joined in chinese and joined not in found and not mentioned(joined):
                found.append(joined)
    if english:
        lowered = question.lower()
        for name, subject in names.items():
            if (
                re.search(rf"(?<![a-z]){re.escape(name)}(?:e?s)?(?![a-z])", lowered)
                and not mentioned(subject)
                and not mentioned(name)
            ):
                found.append(name)
    return found
