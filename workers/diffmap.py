"""Which head lines of a file GitHub will accept a review comment on.

GitHub anchors review comments only to lines inside the PR's diff hunks; on
the RIGHT side that is every added or context line of a hunk. Anything
else gets a 422 and takes the whole review down with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(?P<start>\d+)(?:,(?P<count>\d+))? @@")


def _right_side(patch: str | None) -> Iterator[tuple[int, bool]]:
    """(head line, whether the PR added it) for every right-side line of every hunk."""
    current = 0
    for text in (patch or "").splitlines():
        match = HUNK.match(text)
        if match:
            current = int(match["start"])
        elif current and not text.startswith(("\\", "-")):
            yield current, text.startswith("+")
            current += 1


def commentable_lines(patch: str | None) -> frozenset[int]:
    return frozenset(line for line, _ in _right_side(patch))


def added_lines(patch: str | None) -> frozenset[int]:
    """Lines the PR itself wrote: the safest anchors when a review is refused."""
    return frozenset(line for line, added in _right_side(patch) if added)
