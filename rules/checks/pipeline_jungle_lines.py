"""How much of one file's code another holds: the line comparison behind pipeline-jungle's copies.

Comments, blanks and imports are dropped first, so a copy with a new header or
reordered imports still reads as a copy. It is kept apart from the rule because
it is the costly part: its matcher indexes each existing file once and is
reused against every new file compared with it.
"""

from __future__ import annotations

import difflib

from rules.notebook import notebook_to_python
from rules.source import FileKind


def comparable_lines(kind: FileKind, text: str) -> list[str]:
    """Code lines that carry meaning: no blanks, comments or imports, whitespace collapsed."""
    if kind is FileKind.NOTEBOOK:
        try:
            text = notebook_to_python(text).code
        except ValueError:
            return []
    lines = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line or line.startswith(("#", "import ")) or (line.startswith("from ") and " import " in line):
            continue
        lines.append(line)
    return lines


def meaningful_lines(kind: FileKind, text: str) -> int:
    if kind is FileKind.NOTEBOOK:
        try:
            text = notebook_to_python(text).code
        except ValueError:
            return 0
    return sum(1 for raw in text.splitlines() if raw.strip() and not raw.strip().startswith("#"))


class LineMatcher(difflib.SequenceMatcher[str]):
    """difflib's matcher over lines; `b` (the indexed second sequence) is an attribute typeshed omits."""

    b: list[str]


def similarity(ours: list[str], theirs: LineMatcher, threshold: float) -> float | None:
    """The share of lines the two have in common if at least `threshold`, else None.

    `theirs` holds the existing file as its second sequence, so the index git's
    difflib builds for it is reused across every new file compared with it.
    """
    theirs.set_seq1(ours)
    if not ours or not theirs.b:
        return None
    if theirs.real_quick_ratio() < threshold or theirs.quick_ratio() < threshold:
        return None
    score = theirs.ratio()
    return score if score >= threshold else None


def share(ours: list[str], theirs: LineMatcher, threshold: float) -> float | None:
    """The share of the new file's lines found, in order, in the other one, if at least `threshold`.

    Unlike `similarity`, a copy that kept one part of a longer original scores
    high: what matters for a numbered name is where the copy's lines came from.
    """
    theirs.set_seq1(ours)
    if not ours or not theirs.b or min(len(ours), len(theirs.b)) < threshold * len(ours):
        return None
    score = sum(block.size for block in theirs.get_matching_blocks()) / len(ours)
    return score if score >= threshold else None
