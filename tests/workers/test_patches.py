"""Rebuilding the base version from GitHub's patch, and which lines take a review comment."""

from __future__ import annotations

import difflib

from workers.diffmap import added_lines, commentable_lines
from workers.patches import base_from_patch

BASE = "".join(f"line {n}\n" for n in range(1, 21))
HEAD = BASE.replace("line 5\n", "line five\nextra\n").replace("line 18\n", "")


def github_patch(base: str, head: str) -> str:
    """The patch as GitHub's files API shows it: hunks only, no file headers."""
    diff = difflib.unified_diff(base.splitlines(), head.splitlines(), lineterm="", n=3)
    return "\n".join(line for line in diff if not line.startswith(("---", "+++")))


def test_base_is_rebuilt_exactly_from_head_and_patch() -> None:
    assert base_from_patch(HEAD, github_patch(BASE, HEAD)) == BASE


def test_patch_that_does_not_fit_the_head_gives_up_instead_of_guessing() -> None:
    assert base_from_patch("something else\n", github_patch(BASE, HEAD)) is None


def test_new_file_patch_rebuilds_an_empty_base() -> None:
    assert base_from_patch("a\nb\n", "@@ -0,0 +1,2 @@\n+a\n+b") == ""


def test_only_lines_inside_hunks_take_comments() -> None:
    patch = github_patch(BASE, HEAD)
    lines = commentable_lines(patch)
    assert {5, 6} <= lines
    assert 1 not in lines and 12 not in lines
    assert added_lines(patch) == frozenset({5, 6})


def test_binary_or_missing_patch_has_no_commentable_line() -> None:
    assert commentable_lines(None) == frozenset()
