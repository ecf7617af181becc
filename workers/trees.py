"""Completing a repository listing that GitHub's recursive tree call cut short, folder by folder.

GitHub's advice is one REST call per folder, which a repository large enough
to be cut turns into thousands. Here each level of folders is read in batched
GraphQL queries, starting at the root, so a walk stopped by its query budget
has seen the folders nearest the root, where lock files and `.dvc/` live.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from workers.graphql_queries import Objects, object_fields, query_chunks
from workers.port import TREE, PathListing

log = logging.getLogger(__name__)


def walk(
    read: Callable[[str], dict[str, Any]], where: str, sha: str, listed: Sequence[str], max_queries: int
) -> PathListing:
    """Every file at `sha` that `max_queries` queries of `read` (a repository's fields in, its answer out)
    find, with whatever GitHub's cut listing held; `where` names the repository in the log."""
    found = Objects()
    level = [""]
    queries = 0
    complete = True
    while level and complete:
        chunks = query_chunks([(sha, folder, TREE) for folder in level])
        allowed = max_queries - queries
        complete = len(chunks) <= allowed
        for chunk in chunks[:allowed]:
            found.add(read(object_fields(chunk)), chunk)
            queries += 1
        level = sorted(sub for folder in level for sub in found.subfolders.get((sha, folder), ()))
    paths = set(listed).union(*found.folders.values())
    if not complete:
        log.warning(
            "listed %d files of %s@%s; the tree walk stopped after %d queries",
            len(paths),
            where,
            sha[:12],
            queries,
        )
    return PathListing(sorted(paths), complete)
