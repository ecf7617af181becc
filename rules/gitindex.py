"""The index against HEAD, for `mldebt scan --staged` and the pre-commit hook.

A pre-commit hook must judge the commit being made: what `git add` staged, not
the working tree (where unstaged edits and untracked files may never be
committed). Every head file is read from the index as a blob (`:path`), so an
edit made after `git add` is not what gets reviewed.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from pathlib import Path

from rules.gitrepo import GitError, GitRepo, run_git


def _empty_tree(root: Path) -> str:
    return run_git(root, "hash-object", "-t", "tree", "--stdin", stdin=b"").decode().strip()


class StagedRepo(GitRepo):
    """Base is HEAD (the empty tree before the first commit); head is the index."""

    def __init__(self, root: Path) -> None:
        try:
            base = GitRepo.commit(root, "HEAD")
            self.base_name = "HEAD"
        except GitError:
            base = _empty_tree(root)
            self.base_name = "the empty tree"
        super().__init__(root, base, None)

    def _head_blobs(self) -> str:
        # `:path` names the blob staged at path (stage 0).
        return ""

    def _diff_range(self) -> list[str]:
        return ["--cached", self.base]

    def _untracked(self) -> list[str]:
        return []

    @cached_property
    def _head_paths(self) -> frozenset[str]:
        listed = run_git(self.root, "ls-files", "-z", "--cached")
        return frozenset(path for path in listed.decode("utf-8", "surrogateescape").split("\0") if path)

    def oldest_commit(self) -> datetime | None:
        """None: the commit being made has no date yet; a branch's age is the pre-push hook's business."""
        return None
