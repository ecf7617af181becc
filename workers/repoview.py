"""The rules' view of the rest of the repository, backed by GitHub and read only on demand.

Most reviews never look beyond the changed files; what they do look at (the
feature registries, the folders around the changed files) comes with the
review's first query, and anything else costs one call per file or batch of
folders, cached. A file or folder already read and found missing costs nothing.
A whole-tree listing stands in for reads of files and folders only when it is
complete: one cut short by its call budget would make files that exist look absent.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable, Mapping

from rules.repo import Side
from workers.port import Blob, GitHubPort


class GitHubRepoView:
    def __init__(
        self,
        gateway: GitHubPort,
        repo: str,
        shas: Mapping[Side, str],
        known: Mapping[tuple[str, str], Blob],
        folders: Mapping[tuple[str, str], frozenset[str]] | None = None,
    ) -> None:
        self._gateway = gateway
        self._repo = repo
        self._shas = dict(shas)
        self._blobs = dict(known)
        self._folders = dict(folders or {})
        self._paths: dict[Side, Collection[str]] = {}
        self.partial_listings: dict[Side, int] = {}

    def list_paths(self, at: Side = "head") -> Collection[str]:
        """The rules see whatever part of the tree was listed; `partial_listings` counts the paths of a
        side cut short."""
        if at not in self._paths:
            listing = self._gateway.list_paths(self._repo, self._shas[at])
            self._paths[at] = frozenset(listing.paths)
            if not listing.complete:
                self.partial_listings[at] = len(listing.paths)
        return self._paths[at]

    def _complete_listing(self, at: Side) -> Collection[str] | None:
        return self._paths.get(at) if at not in self.partial_listings else None

    def list_dir(self, folder: str, at: Side = "head") -> Collection[str]:
        key = (self._shas[at], folder.strip("/"))
        if key not in self._folders:
            listed = self._complete_listing(at)
            if listed is not None:
                return frozenset(path for path in listed if posixpath.dirname(path) == key[1])
            self._folders.update(self._gateway.list_folders(self._repo, [key]))
        return self._folders[key]

    def list_dirs(self, folders: Iterable[str], at: Side = "head") -> dict[str, Collection[str]]:
        wanted = list(dict.fromkeys(folder.strip("/") for folder in folders))
        missing = [
            (self._shas[at], folder) for folder in wanted if (self._shas[at], folder) not in self._folders
        ]
        if missing and self._complete_listing(at) is None:
            self._folders.update(self._gateway.list_folders(self._repo, missing))
        return {folder: self.list_dir(folder, at) for folder in wanted}

    def read_text(self, path: str, at: Side = "head") -> str | None:
        key = (self._shas[at], path)
        if key not in self._blobs:
            tree = self._complete_listing(at)
            if tree is not None and path not in tree:
                return None
            listed = self._folders.get((self._shas[at], posixpath.dirname(path)))
            if listed is not None and path not in listed:
                return None
            self._blobs[key] = self._gateway.read_file(self._repo, self._shas[at], path)
        return self._blobs[key].data
