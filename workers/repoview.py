"""The rules' view of the rest of the repository, backed by GitHub and read only on demand.

Most reviews never look beyond the changed files; the few that do (feature
registries, sibling scripts, lock files) pay one call per file, cached.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from rules.repo import Side
from workers.gateway import Blob, GitHubGateway


class GitHubRepoView:
    def __init__(self, gateway: GitHubGateway, repo: str, shas: Mapping[Side, str], known: Mapping[tuple[str, str], Blob]) -> None:
        self._gateway = gateway
        self._repo = repo
        self._shas = dict(shas)
        self._blobs = dict(known)
        self._paths: dict[Side, Collection[str]] = {}

    def list_paths(self, at: Side = "head") -> Collection[str]:
        if at not in self._paths:
            self._paths[at] = frozenset(self._gateway.list_paths(self._repo, self._shas[at]))
        return self._paths[at]

    def read_text(self, path: str, at: Side = "head") -> str | None:
        key = (self._shas[at], path)
        if key not in self._blobs:
            if at in self._paths and path not in self._paths[at]:
                return None
            self._blobs[key] = self._gateway.read_file(self._repo, self._shas[at], path)
        return self._blobs[key].data
