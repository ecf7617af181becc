"""Rebuilds a file's base version from its head version and GitHub's patch.

GitHub diffs a PR against the merge base, not the base branch tip. Undoing
the patch gives exactly the version GitHub compared against, without a single
extra API call; when the patch is missing or does not fit, the caller fetches.
"""

from __future__ import annotations

import re

HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(?P<start>\d+)(?:,(?P<count>\d+))? @@")


def base_from_patch(head: str, patch: str) -> str | None:
    head_lines = head.splitlines(keepends=True)
    result: list[str] = []
    position = 0
    in_hunk = False
    for text in patch.splitlines():
        match = HUNK.match(text)
        if match:
            count = int(match["count"]) if match["count"] is not None else 1
            start = int(match["start"]) - (1 if count else 0)
            if start < position or start > len(head_lines):
                return None
            result.extend(head_lines[position:start])
            position = start
            in_hunk = True
            continue
        if not in_hunk or text.startswith("\\"):
            continue
        marker, body = text[:1], text[1:]
        if marker == "+":
            position += 1
        elif marker == "-":
            result.append(body + "\n")
        else:
            if position >= len(head_lines) or head_lines[position].rstrip("\r\n") != body:
                return None
            result.append(head_lines[position])
            position += 1
    result.extend(head_lines[position:])
    return "".join(result)
