"""Which lines of the head version a pull request touched.

Computed from the two texts rather than GitHub's patch, so the bot and
`mldebt scan` agree, and so that renames and moves are judged by content.
"""

from __future__ import annotations

import difflib

from rules.source import split_lines


def changed_lines(base: str | None, head: str) -> frozenset[int]:
    """1-based head lines that are added or replaced, plus lines next to a deletion."""
    head_lines = split_lines(head)
    if base is None:
        return frozenset(range(1, len(head_lines) + 1))
    matcher = difflib.SequenceMatcher(a=split_lines(base), b=head_lines, autojunk=False)
    touched: set[int] = set()
    for tag, _a1, _a2, b1, b2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            touched.update(range(b1 + 1, b2 + 1))
        elif tag == "delete":
            touched.update(line for line in (b1, b1 + 1) if 1 <= line <= len(head_lines))
    return frozenset(touched)
