"""A repository's settings over shared ones: `_extends` and the organisation's `.github` repository.

As Probot apps read their config: a repository's `.github/mldebt.yml` may name
another repository's file with `_extends` (`repo`, `owner/repo`, either with
`:path.yml`); with no file of its own, the owner's `.github` repository's
`.github/mldebt.yml` applies. Unlike Probot's loader, which follows `_extends`
chains, one level is read: a review costs at most one more read (none for the
organisation's file, which comes with the review's first query), and the shared
file's own `_extends` is reported, not followed. Which file to read is decided
here; reading it is the caller's (the worker reads GitHub, `mldebt scan` reads
nothing further).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rules.config import CONFIG_PATH, Config, ConfigFile, build_config

EXTENDS_KEY = "_extends"
ORG_REPOSITORY = ".github"


@dataclass(frozen=True)
class SharedSource:
    """Where shared settings live: a file on a repository's default branch; `named` when `_extends` asked."""

    repo: str
    path: str
    named: bool

    @property
    def name(self) -> str:
        return f"{self.repo}:{self.path}"


def shared_source(own: ConfigFile, repo: str) -> SharedSource | None:
    """The file whose settings lie under `own`: what its `_extends` names, else (no settings of its own) the
    owner's `.github` repository's; None when `own` is invalid (the defaults apply, as documented)."""
    if own.data is None:
        return None
    owner = repo.partition("/")[0]
    value = own.data.get(EXTENDS_KEY)
    if isinstance(value, str):
        target, _, path = value.partition(":")
        return SharedSource(target if "/" in target else f"{owner}/{target}", path or CONFIG_PATH, named=True)
    return org_source(repo) if not own.data else None


def org_source(repo: str) -> SharedSource | None:
    """The owner's `.github` repository's file, under a repository with no settings of its own; None for
    that repository itself, which would lie under itself."""
    owner, _, name = repo.partition("/")
    if name == ORG_REPOSITORY:
        return None
    return SharedSource(f"{owner}/{ORG_REPOSITORY}", CONFIG_PATH, named=False)


def merged(under: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` on top of `under`: maps merge key by key, anything else (lists too) is replaced by `over`'s.

    Probot's deepmerge would join lists; replacing them lets a repository narrow
    `fail_on` or drop a shared `exclude`, which joining never could.
    """
    result = dict(under)
    for key, value in over.items():
        below = result.get(key)
        if isinstance(below, Mapping) and isinstance(value, Mapping):
            result[key] = merged(below, value)
        else:
            result[key] = value
    return result


def layered(own: ConfigFile, shared: ConfigFile | None) -> Config:
    """The settings in force: `own` over `shared`; an invalid `own` means the defaults, an invalid or
    missing `shared` means `own` alone."""
    if own.data is None:
        return Config()
    under = shared.data if shared is not None and shared.data is not None else {}
    return build_config(merged(_without_extends(under), _without_extends(own.data)))


def _without_extends(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != EXTENDS_KEY}
