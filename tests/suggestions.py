"""A review comment's `suggestion` block read as GitHub reads it, and applied as its button does."""

from __future__ import annotations

from tests.rendered import markdown


def suggestion_in(body: str) -> list[str] | None:
    """The lines the suggestion puts in place of the commented ones (none: they are deleted); None if the
    body has no suggestion. More than one is an error: GitHub applies them as one change."""
    fences = [
        token for token in markdown(body) if token.type == "fence" and token.info.strip() == "suggestion"
    ]
    if not fences:
        return None
    [fence] = fences
    return fence.content.splitlines()


def apply_suggestion(text: str, start_line: int | None, line: int, replacement: list[str]) -> str:
    """The file once "Commit suggestion" is pressed: the comment's lines, `start_line` (or `line`) through
    `line`, replaced."""
    lines = text.splitlines(keepends=True)
    first = start_line if start_line is not None else line
    lines[first - 1 : line] = [f"{new}\n" for new in replacement]
    return "".join(lines)
