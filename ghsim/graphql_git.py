"""GraphQL views of git objects (blobs, trees, commits, refs), resolved by graphql-core's default resolver.

A class's name is the GraphQL type it resolves to, so the names follow GitHub's schema.
"""

from __future__ import annotations

from dataclasses import dataclass

from ghsim.diff import is_binary
from ghsim.git import CommitObject
from ghsim.repository import Repo
from ghsim.util import iso, node_id

TEXT_LIMIT = 512 * 1024


class GitObjectView:
    def __init__(self, repo: Repo, sha: str) -> None:
        self.repo = repo
        self.oid = sha
        self.abbreviatedOid = sha[:7]
        self.commitUrl = f"https://github.com/{repo.full_name}/commit/{sha}"

    @property
    def id(self) -> str:
        return node_id(type(self).__name__, self.oid)


class Blob(GitObjectView):
    @property
    def data(self) -> bytes:
        return self.repo.objects.blobs[self.oid]

    @property
    def byteSize(self) -> int:
        return len(self.data)

    @property
    def isBinary(self) -> bool:
        return is_binary(self.data)

    @property
    def isTruncated(self) -> bool:
        return len(self.data) > TEXT_LIMIT

    @property
    def text(self) -> str | None:
        """GitHub returns null for binary blobs and for blobs too large to inline."""
        if self.isBinary or self.isTruncated:
            return None
        return self.data.decode("utf-8", errors="replace")


class Tree(GitObjectView):
    def __init__(self, repo: Repo, sha: str, prefix: str) -> None:
        super().__init__(repo, sha)
        self.prefix = prefix

    @property
    def entries(self) -> list[TreeEntry]:
        return [
            TreeEntry(self.repo, self.prefix, item.name, item.kind, item.sha)
            for item in self.repo.objects.trees[self.oid]
        ]


class Commit(GitObjectView):
    def __init__(self, repo: Repo, commit: CommitObject) -> None:
        super().__init__(repo, commit.sha)
        self.commit = commit
        self.message = commit.message
        self.messageHeadline = commit.message.split("\n", 1)[0]
        self.committedDate = iso(commit.committer.date)
        self.authoredDate = iso(commit.author.date)

    @property
    def tree(self) -> Tree:
        return Tree(self.repo, self.commit.tree, "")

    def file(self, info: object, path: str) -> TreeEntry | None:
        clean = path.strip("/")
        parent, _, name = clean.rpartition("/")
        blob = self.commit.files.get(clean)
        if blob is not None:
            return TreeEntry(self.repo, parent + "/" if parent else "", name, "blob", blob)
        tree = self.repo.objects.tree_at(self.commit, clean)
        if tree is None or not clean:
            return None
        return TreeEntry(self.repo, parent + "/" if parent else "", name, "tree", tree)


@dataclass
class TreeEntry:
    repo: Repo
    prefix: str
    name: str
    type: str
    oid: str

    @property
    def path(self) -> str:
        return self.prefix + self.name

    @property
    def mode(self) -> int:
        return 33188 if self.type == "blob" else 16384

    @property
    def size(self) -> int:
        return len(self.repo.objects.blobs[self.oid]) if self.type == "blob" else 0

    @property
    def extension(self) -> str | None:
        return "." + self.name.rsplit(".", 1)[1] if "." in self.name.lstrip(".") else None

    @property
    def isGenerated(self) -> bool:
        return False

    @property
    def lineCount(self) -> int | None:
        if self.type != "blob":
            return None
        data = self.repo.objects.blobs[self.oid]
        return None if is_binary(data) else data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)

    @property
    def object(self) -> GitObjectView:
        if self.type == "blob":
            return Blob(self.repo, self.oid)
        return Tree(self.repo, self.oid, self.path + "/")


class RefView:
    def __init__(self, repo: Repo, name: str) -> None:
        self.repo = repo
        self.name = name
        self.prefix = "refs/heads/"
        self.id = node_id("Ref", f"{repo.id}:{name}")

    @property
    def target(self) -> Commit:
        return Commit(self.repo, self.repo.objects.commits[self.repo.branches[self.name]])
