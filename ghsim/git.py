"""Content-addressed git objects with real SHA-1 ids.

Blob, tree and commit ids are computed exactly as git does, so the shas a bot
sees (file ``sha`` in PR files, tree entries, GraphQL ``oid``) are mutually
consistent and stable across runs for the same content and dates.
"""

from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime

FILE_MODE = "100644"
TREE_MODE = "040000"


def _object_id(kind: str, body: bytes) -> str:
    return hashlib.sha1(f"{kind} {len(body)}\0".encode() + body).hexdigest()


@dataclass(frozen=True)
class Signature:
    name: str
    email: str
    date: datetime

    def raw(self) -> str:
        stamp = int(self.date.timestamp())
        return f"{self.name} <{self.email}> {stamp} +0000"


@dataclass(frozen=True)
class CommitObject:
    sha: str
    tree: str
    parents: tuple[str, ...]
    author: Signature
    committer: Signature
    message: str
    files: dict[str, str]
    login: str


@dataclass(frozen=True)
class TreeItem:
    name: str
    mode: str
    kind: str
    sha: str


class ObjectStore:
    """One repository's objects; lookups of foreign shas fail as on GitHub."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.trees: dict[str, tuple[TreeItem, ...]] = {}
        self.commits: dict[str, CommitObject] = {}
        self.empty_tree = self._write_tree({})

    def put_blob(self, data: bytes) -> str:
        sha = _object_id("blob", data)
        self.blobs.setdefault(sha, data)
        return sha

    def _write_tree(self, files: dict[str, str]) -> str:
        children: dict[str, dict[str, str]] = {}
        items: list[TreeItem] = []
        for path, blob in files.items():
            head, sep, rest = path.partition("/")
            if sep:
                children.setdefault(head, {})[rest] = blob
            else:
                items.append(TreeItem(head, FILE_MODE, "blob", blob))
        for name, sub in children.items():
            items.append(TreeItem(name, TREE_MODE, "tree", self._write_tree(sub)))
        items.sort(key=lambda it: it.name + "/" if it.kind == "tree" else it.name)
        body = b"".join(f"{it.mode.lstrip('0')} {it.name}\0".encode() + bytes.fromhex(it.sha) for it in items)
        sha = _object_id("tree", body)
        self.trees.setdefault(sha, tuple(items))
        return sha

    def put_commit(
        self,
        files: dict[str, str],
        parents: tuple[str, ...],
        author: Signature,
        message: str,
        login: str,
    ) -> CommitObject:
        tree = self._write_tree(files)
        lines = [f"tree {tree}"] + [f"parent {p}" for p in parents]
        lines += [f"author {author.raw()}", f"committer {author.raw()}", "", message]
        body = ("\n".join(lines) + ("" if message.endswith("\n") else "\n")).encode()
        sha = _object_id("commit", body)
        commit = CommitObject(sha, tree, parents, author, author, message, dict(files), login)
        self.commits.setdefault(sha, commit)
        return self.commits[sha]

    def walk_tree(self, tree_sha: str, prefix: str = "") -> list[tuple[str, TreeItem]]:
        """All entries below a tree, depth first, in git's listing order."""
        out: list[tuple[str, TreeItem]] = []
        for item in self.trees[tree_sha]:
            path = prefix + item.name
            out.append((path, item))
            if item.kind == "tree":
                out.extend(self.walk_tree(item.sha, path + "/"))
        return out

    def tree_at(self, commit: CommitObject, path: str) -> str | None:
        """Tree sha of a directory inside a commit, or None."""
        tree = commit.tree
        for part in [p for p in path.split("/") if p]:
            match = next((it for it in self.trees[tree] if it.name == part and it.kind == "tree"), None)
            if match is None:
                return None
            tree = match.sha
        return tree

    def ancestors(self, sha: str) -> list[str]:
        """Breadth-first ancestry including ``sha`` itself."""
        seen: dict[str, None] = {}
        queue = deque([sha])
        while queue:
            current = queue.popleft()
            if current in seen:
                continue
            seen[current] = None
            queue.extend(self.commits[current].parents)
        return list(seen)

    def merge_base(self, a: str, b: str) -> str | None:
        """Nearest common ancestor (good enough for PR three-dot diffs)."""
        a_set = set(self.ancestors(a))
        for candidate in self.ancestors(b):
            if candidate in a_set:
                return candidate
        return None

    def commits_between(self, base: str, head: str) -> list[CommitObject]:
        """``git log base..head`` parents first, as the PR commits API lists them."""
        excluded = set(self.ancestors(base))
        order: list[CommitObject] = []
        visited: set[str] = set()
        stack: list[tuple[str, bool]] = [(head, False)]
        while stack:
            sha, done = stack.pop()
            if done:
                order.append(self.commits[sha])
                continue
            if sha in visited or sha in excluded:
                continue
            visited.add(sha)
            stack.append((sha, True))
            stack.extend((p, False) for p in reversed(self.commits[sha].parents))
        return order


def utc(value: datetime | None) -> datetime:
    """Normalise naive datetimes to UTC and drop microseconds like git does."""
    moment = value or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)
