"""Read-only access to the rest of the repository, for rules that look beyond one file.

The bot backs it with GitHub, `mldebt scan` with a local git checkout, and
examples with dictionaries; rules cannot tell which.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Literal, Protocol

Side = Literal["base", "head"]


class RepoView(Protocol):
    def list_paths(self, at: Side = "head") -> Collection[str]: ...

    def read_text(self, path: str, at: Side = "head") -> str | None: ...


class DictRepo:
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
