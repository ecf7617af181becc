"""The patch of one file as the REST API reports it, and the lookups review comments are anchored by.

Review-comment validation, legacy ``position`` arithmetic and ``diff_hunk``
excerpts all read the same finished hunks; keeping them apart from the xdiff
port means the code that decides where hunks fall and the code that answers
"can a comment sit here?" change for different reasons, separately.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

# GitHub's limits on one file's diff; past either the API gives no `patch` and the page shows no diff.
MAX_PATCH_LINES = 20_000
MAX_PATCH_BYTES = 500 * 1024


@dataclass(frozen=True)
class Hunk:
    """One ``@@`` block; line sets answer "can a review comment sit here?"."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    header: str
    lines: tuple[str, ...]
    new_lines: frozenset[int]
    old_lines: frozenset[int]
    first_position: int

    def text(self) -> str:
        return "\n".join((self.header, *self.lines))


@dataclass(frozen=True)
class FilePatch:
    """Everything the API reports about one file's change."""

    hunks: tuple[Hunk, ...] = ()
    additions: int = 0
    deletions: int = 0
    binary: bool = False
    positions: tuple[tuple[str, int | None, int | None], ...] = field(default=(), repr=False)

    @cached_property
    def text(self) -> str | None:
        """GitHub omits ``patch`` for binary files, for changes without hunks, and for a text diff past its
        limits on one file (20,000 lines or 500 KB), although it still counts the lines changed."""
        if self.binary or not self.hunks:
            return None
        text = "\n".join(h.text() for h in self.hunks)
        if text.count("\n") >= MAX_PATCH_LINES or len(text.encode()) > MAX_PATCH_BYTES:
            return None
        return text

    def hunk_for(self, side: str, line: int) -> Hunk | None:
        for hunk in self.hunks:
            if line in (hunk.new_lines if side == "RIGHT" else hunk.old_lines):
                return hunk
        return None

    def position_for(self, side: str, line: int) -> int | None:
        """Position (lines below the first ``@@``) used by the legacy review API."""
        for index, (_, old, new) in enumerate(self.positions, start=1):
            if (new if side == "RIGHT" else old) == line:
                return index
        return None

    def line_at_position(self, position: int) -> tuple[str, int] | None:
        """Side and line of a legacy ``position``; None when it points at a header."""
        if not 1 <= position <= len(self.positions):
            return None
        kind, old, new = self.positions[position - 1]
        if kind == "-" and old is not None:
            return "LEFT", old
        if new is not None:
            return "RIGHT", new
        return None

    def diff_hunk_until(self, side: str, line: int) -> str:
        """GitHub's ``diff_hunk``: the hunk text from its header down to the commented line."""
        hunk = self.hunk_for(side, line)
        if hunk is None:
            return ""
        out = [hunk.header]
        old, new = hunk.old_start, hunk.new_start
        for text in hunk.lines:
            out.append(text)
            kind = text[:1]
            if kind == "\\":
                continue
            hit = (side == "RIGHT" and kind != "-" and new == line) or (
                side == "LEFT" and kind != "+" and old == line
            )
            if kind != "+":
                old += 1
            if kind != "-":
                new += 1
            if hit:
                break
        return "\n".join(out)
