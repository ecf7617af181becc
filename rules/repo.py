"""Read-only access to the rest of the repository, for rules that look beyond one file.

The bot backs it with GitHub, `mldebt scan` with a local git checkout, and
examples with dictionaries; rules cannot tell which.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable, Mapping
from typing import Literal, Protocol

Side = Literal["base", "head"]


class RepoView(Protocol):
    def list_paths(self, at: Side = "head") -> Collection[str]: ...

    def list_dir(self, folder: str, at: Side = "head") -> Collection[str]:
        """Paths of the files directly inside `folder` ("" is the root): a rule that needs a file's
        neighbours asks for this, which costs the bot far less than the whole tree."""
        return [path for path in self.list_paths(at) if posixpath.dirname(path) == folder.strip("/")]

    def list_dirs(self, folders: Iterable[str], at: Side = "head") -> dict[str, Collection[str]]:
        """`list_dir` of many folders at once, which the bot answers in one call."""
        return {folder: self.list_dir(folder, at) for folder in folders}

    def read_text(self, path: str, at: Side = "head") -> str | None: ...


class DictRepo(RepoView):
    """A repository held in memory: base and head trees as path → content."""

    def __init__(self, base: Mapping[str, str | bytes], head: Mapping[str, str | bytes]) -> None:
        self._trees = {"base": dict(base), "head": dict(head)}

    def list_paths(self, at: Side = "head") -> Collection[str]:
        return self._trees[at].keys()

    def read_text(self, path: str, at: Side = "head") -> str | None:
        value = self._trees[at].get(path)
        if isinstance(value, bytes):
            try:
                return value.decode("utf-8")
            except UnicodeDecodeError:
                return None
        return value
