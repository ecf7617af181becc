"""A mechanical fix for one finding: new text for a run of the file's lines.

It is shaped like a GitHub suggestion, which replaces exactly the lines a review
comment spans, so the same value feeds `mldebt scan --fix` and the ```` ```suggestion ````
block of the bot's comment. Lines are numbered as git numbers them (`split_lines`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# A line with its own ending: git counts only "\n", so a lone "\r" or a form feed stays inside a line.
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")


@dataclass(frozen=True)
class Fix:
    """Lines `start_line`..`end_line` become `lines` (none: they are deleted).

    `safe` fixes change nothing the program does and need no human words, so
    `mldebt scan --fix` applies them; the others (a reason placeholder) are only
    offered as a suggestion for the author to finish before committing.
    """

    start_line: int
    end_line: int
    lines: tuple[str, ...]
    safe: bool

    def apply(self, text: str) -> str:
        return apply_all(text, [self])

    def to_json(self) -> dict[str, object]:
        return {
            "start_line": self.start_line,
            "end_line": self.end_line,
            "replacement": "".join(f"{line}\n" for line in self.lines),
            "safe": self.safe,
        }


def apply_all(text: str, fixes: Sequence[Fix]) -> str:
    """The text with the fixes `applied` chooses, bottom up so earlier line numbers stay true.
    Replaced lines keep the file's line ending."""
    lines = _LINE.findall(text)
    for fix in reversed(applied(text, fixes)):
        replaced = lines[fix.start_line - 1 : fix.end_line]
        sample = next((line for line in [*replaced, *lines] if line.endswith("\n")), "\n")
        ending = "\r\n" if sample.endswith("\r\n") else "\n"
        new = [f"{line}{ending}" for line in fix.lines]
        if fix.end_line == len(lines) and not lines[-1].endswith("\n") and new:
            new[-1] = new[-1].removesuffix(ending)
        lines[fix.start_line - 1 : fix.end_line] = new
    return "".join(lines)


def applied(text: str, fixes: Sequence[Fix]) -> list[Fix]:
    """The fixes that can be applied together, in file order: inside the file, and none overlapping one
    further down."""
    taken: list[Fix] = []
    count = len(_LINE.findall(text))
    for fix in sorted(fixes, key=lambda item: item.start_line, reverse=True):
        if 1 <= fix.start_line <= fix.end_line <= count and not any(_overlap(fix, other) for other in taken):
            taken.append(fix)
    return taken[::-1]


def _overlap(one: Fix, other: Fix) -> bool:
    return one.start_line <= other.end_line and other.start_line <= one.end_line
