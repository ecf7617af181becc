"""A real GraphQL endpoint for the slice of GitHub's schema bots use to batch reads.

Field names, nullability and the ``<rev>:<path>`` object expression follow
GitHub's schema so that queries written against github.com run unchanged.
Resolvers are methods/properties on small view classes (graphql-core's
default resolver calls them), which keeps the schema text the single source
of truth for shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, GraphQLInterfaceType, build_schema, execute_sync, parse, validate

from ghsim.diff import is_binary
from ghsim.git import CommitObject
from ghsim.graphql_cost import Analysis, analyse, decode_cursor, encode_cursor
from ghsim.graphql_sdl import SDL
from ghsim.state import PullRequest, Repo, ReviewComment, State
from ghsim.util import iso, node_id

if TYPE_CHECKING:
    from ghsim.simulator import SimulatedGitHub

TEXT_LIMIT = 512 * 1024


class _GitObjectView:
    def __init__(self, repo: Repo, sha: str) -> None:
        self.repo = repo
        self.oid = sha
        self.abbreviatedOid = sha[:7]
        self.commitUrl = f"https://github.com/{repo.full_name}/commit/{sha}"

    @property
    def id(self) -> str:
        return node_id(type(self).__name__, self.oid)


class Blob(_GitObjectView):
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


class Tree(_GitObjectView):
    def __init__(self, repo: Repo, sha: str, prefix: str) -> None:
        super().__init__(repo, sha)
        self.prefix = prefix

    @property
    def entries(self) -> list[TreeEntry]:
        return [
            TreeEntry(self.repo, self.prefix, item.name, item.kind, item.sha)
            for item in self.repo.objects.trees[self.oid]
        ]


class Commit(_GitObjectView):
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

    def file(self, info: Any, path: str) -> TreeEntry | None:
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
    def object(self) -> _GitObjectView:
        if self.type == "blob":
            return Blob(self.repo, self.oid)
        return Tree(self.repo, self.oid, self.path + "/")


class ReviewThreadView:
    """A review thread: the comment that opened it and the replies that point at it, oldest first."""

    def __init__(self, state: State, comments: list[ReviewComment]) -> None:
        self.state = state
        self._comments = comments
        self.root = comments[0]
        self.id = thread_id(self.root.id)
        self.path = self.root.path

    @property
    def isResolved(self) -> bool:
        return self.root.id in self.state.resolved_threads

    @property
    def resolvedBy(self) -> User | None:
        user = self.state.resolved_threads.get(self.root.id)
        return User(user.login) if user is not None else None

    def comments(
        self,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> dict[str, Any]:
        return _page(
            self._comments,
            first,
            after,
            last,
            before,
            lambda c: {"id": node_id("PRRC", c.id), "fullDatabaseId": str(c.id), "body": c.body},
        )


def thread_id(root_comment_id: int) -> str:
    return node_id("PRRT", root_comment_id)


def review_threads(state: State, pr: PullRequest) -> list[ReviewThreadView]:
    """The PR's threads in the order they were opened; a pending review's comments are no thread yet."""
    with state.lock:
        comments = sorted(
            (
                c
                for c in state.review_comments.values()
                if c.repo_id == pr.repo.id and c.pr_number == pr.number and not state.in_pending_review(c)
            ),
            key=lambda c: c.id,
        )
    threads: dict[int, list[ReviewComment]] = {}
    for comment in comments:
        threads.setdefault(comment.in_reply_to_id or comment.id, []).append(comment)
    return [
        ReviewThreadView(state, thread) for thread in threads.values() if thread[0].in_reply_to_id is None
    ]


class PullRequestView:
    def __init__(self, pr: PullRequest, world: State) -> None:
        self.pr = pr
        self.world = world
        self.id = node_id("PR", pr.id)
        self.number = pr.number
        self.title = pr.title
        self.body = pr.body or ""
        self.state = "MERGED" if pr.merged else pr.state.upper()
        self.isDraft = pr.draft
        self.headRefName = pr.head_ref
        self.headRefOid = pr.head_sha
        self.baseRefName = pr.base_ref
        self.baseRefOid = pr.base_sha
        self._files = pr.files()
        self.additions = sum(f.patch.additions for f in self._files)
        self.deletions = sum(f.patch.deletions for f in self._files)
        self.changedFiles = len(self._files)

    def files(
        self,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> dict[str, Any]:
        kinds = {"added": "ADDED", "removed": "DELETED", "modified": "MODIFIED", "renamed": "RENAMED"}
        return _page(
            self._files,
            first,
            after,
            last,
            before,
            lambda f: {
                "path": f.filename,
                "additions": f.patch.additions,
                "deletions": f.patch.deletions,
                "changeType": kinds[f.status],
            },
        )

    @property
    def baseRef(self) -> RefView | None:
        """The base branch as it is now (null once deleted), which need not be ``baseRefOid``."""
        return RefView(self.pr.repo, self.pr.base_ref) if self.pr.base_ref in self.pr.repo.branches else None

    def commits(
        self,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> dict[str, Any]:
        """Oldest first, the order of the REST commits list."""
        return _page(
            self.pr.commits(),
            first,
            after,
            last,
            before,
            lambda c: {"id": node_id("PRC", f"{self.pr.id}:{c.sha}"), "commit": Commit(self.pr.repo, c)},
        )

    def reviewThreads(
        self,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> dict[str, Any]:
        return _page(review_threads(self.world, self.pr), first, after, last, before, lambda t: t)


def _page(
    items: list[Any], first: int | None, after: str | None, last: int | None, before: str | None, shape: Any
) -> dict[str, Any]:
    """One page of a connection, cut by GitHub's arguments.

    Cursors are 1-based positions, opaque to clients.
    """
    start = decode_cursor(after, "after") if after is not None else 0
    end = decode_cursor(before, "before") - 1 if before is not None else len(items)
    start, end = max(start, 0), min(max(end, start), len(items))
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)
    chunk = items[start:end]
    return {
        "totalCount": len(items),
        "pageInfo": {
            "hasNextPage": end < len(items),
            "hasPreviousPage": start > 0,
            "startCursor": encode_cursor(start + 1) if chunk else None,
            "endCursor": encode_cursor(end) if chunk else None,
        },
        "nodes": [shape(item) for item in chunk],
    }


@dataclass
class Organization:
    """A `RepositoryOwner`; the class name is the GraphQL type it resolves to."""

    login: str


@dataclass
class User:
    login: str


class RefView:
    def __init__(self, repo: Repo, name: str) -> None:
        self.repo = repo
        self.name = name
        self.prefix = "refs/heads/"
        self.id = node_id("Ref", f"{repo.id}:{name}")

    @property
    def target(self) -> Commit:
        return Commit(self.repo, self.repo.objects.commits[self.repo.branches[self.name]])


class RepositoryView:
    def __init__(self, repo: Repo, world: State) -> None:
        self.repo = repo
        self.world = world
        self.id = node_id("R", repo.id)
        self.name = repo.name
        self.nameWithOwner = repo.full_name
        self.isPrivate = repo.private
        self.url = f"https://github.com/{repo.full_name}"
        self.owner: Organization | User = (
            Organization(repo.owner.login) if repo.owner.type == "Organization" else User(repo.owner.login)
        )

    @property
    def defaultBranchRef(self) -> RefView | None:
        return (
            RefView(self.repo, self.repo.default_branch)
            if self.repo.default_branch in self.repo.branches
            else None
        )

    def ref(self, info: Any, qualifiedName: str) -> RefView | None:
        name = qualifiedName.removeprefix("refs/heads/")
        return RefView(self.repo, name) if name in self.repo.branches else None

    def object(
        self, info: Any, expression: str | None = None, oid: str | None = None
    ) -> _GitObjectView | None:
        objects = self.repo.objects
        if oid is not None:
            if oid in objects.commits:
                return Commit(self.repo, objects.commits[oid])
            if oid in objects.trees:
                return Tree(self.repo, oid, "")
            if oid in objects.blobs:
                return Blob(self.repo, oid)
            return None
        if expression is None:
            return None
        rev, sep, path = expression.partition(":")
        sha = self.repo.resolve(rev or "HEAD")
        if sha is None:
            return None
        commit = objects.commits[sha]
        if not sep:
            return Commit(self.repo, commit)
        clean = path.strip("/")
        blob = commit.files.get(clean)
        if blob is not None:
            return Blob(self.repo, blob)
        tree = objects.tree_at(commit, clean)
        if tree is None:
            return None
        return Tree(self.repo, tree, clean + "/" if clean else "")

    def pullRequest(self, info: Any, number: int) -> PullRequestView:
        pr = self.repo.pulls.get(number)
        if pr is None:
            raise GraphQLError(
                f"Could not resolve to a PullRequest with the number of {number}.",
                extensions={"type": "NOT_FOUND"},
            )
        return PullRequestView(pr, self.world)


def _resolve_type(value: Any, info: Any, abstract: Any) -> str:
    return type(value).__name__


class GraphQLService:
    """Executes queries against live state for one installation token."""

    def __init__(self, sim: SimulatedGitHub) -> None:
        self.sim = sim
        self.schema = build_schema(SDL)
        for name in ("GitObject", "RepositoryOwner"):
            interface = self.schema.type_map[name]
            assert isinstance(interface, GraphQLInterfaceType)
            interface.resolve_type = _resolve_type

    def execute(
        self,
        query: str,
        variables: dict[str, Any] | None,
        operation: str | None,
        installation_id: int,
        repo_filter: frozenset[int] | None,
        charge: Callable[[int], Any],
    ) -> dict[str, Any]:
        """Validates, scores and runs a query; `charge(points)` takes its cost off the GraphQL budget."""
        try:
            document = parse(query)
        except GraphQLError as error:
            return {"errors": [_error(error)]}
        invalid = validate(self.schema, document)
        if invalid:
            return {"errors": [_error(e) for e in invalid]}
        analysis = analyse(self.schema, document, variables, operation)
        if analysis.errors:
            return {"errors": analysis.errors}
        bucket = charge(analysis.cost)
        root = _Root(self.sim, installation_id, repo_filter, bucket, analysis)
        result = execute_sync(
            self.schema, document, root_value=root, variable_values=variables, operation_name=operation
        )
        out: dict[str, Any] = {}
        if result.errors:
            out["errors"] = [_error(e) for e in result.errors]
        if result.data is not None or not result.errors:
            out["data"] = result.data
        return out


def _error(error: GraphQLError) -> dict[str, Any]:
    formatted: dict[str, Any] = dict(error.formatted)
    extensions = formatted.pop("extensions", None)
    if isinstance(extensions, dict) and "type" in extensions:
        formatted["type"] = extensions["type"]
    return formatted


class _Root:
    def __init__(
        self,
        sim: SimulatedGitHub,
        installation_id: int,
        repo_filter: frozenset[int] | None,
        bucket: Any,
        analysis: Analysis,
    ) -> None:
        self.sim = sim
        self.installation_id = installation_id
        self.repo_filter = repo_filter
        self.bucket = bucket
        self.analysis = analysis

    def repository(self, info: Any, owner: str, name: str, followRenames: bool = True) -> RepositoryView:
        repo = self.sim.state.repo(f"{owner}/{name}")
        if (
            repo is None
            or repo.installation_id != self.installation_id
            or (self.repo_filter is not None and repo.id not in self.repo_filter)
        ):
            raise GraphQLError(
                f"Could not resolve to a Repository with the name '{owner}/{name}'.",
                extensions={"type": "NOT_FOUND"},
            )
        return RepositoryView(repo, self.sim.state)

    def resolveReviewThread(self, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        return self._mark_thread(input, resolved=True)

    def unresolveReviewThread(self, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        return self._mark_thread(input, resolved=False)

    def _mark_thread(self, given: dict[str, Any], *, resolved: bool) -> dict[str, Any]:
        """Resolving a resolved thread (or reopening an open one) changes nothing and is no error."""
        state = self.sim.state
        wanted = given["threadId"]
        with state.lock:
            root = next(
                (
                    c
                    for c in state.review_comments.values()
                    if c.in_reply_to_id is None
                    and thread_id(c.id) == wanted
                    and not state.in_pending_review(c)
                ),
                None,
            )
            repo = state.repo_by_id(root.repo_id) if root is not None else None
            if (
                root is None
                or repo is None
                or repo.installation_id != self.installation_id
                or (self.repo_filter is not None and repo.id not in self.repo_filter)
            ):
                raise GraphQLError(
                    f"Could not resolve to a node with the global id of '{wanted}'",
                    extensions={"type": "NOT_FOUND"},
                )
            if resolved:
                state.resolved_threads.setdefault(root.id, state.bot)
            else:
                state.resolved_threads.pop(root.id, None)
            [thread] = [t for t in review_threads(state, repo.pulls[root.pr_number]) if t.root.id == root.id]
        return {"clientMutationId": given.get("clientMutationId"), "thread": thread}

    def rateLimit(self, info: Any, dryRun: bool = False) -> dict[str, Any]:
        reset = datetime.fromtimestamp(self.bucket.reset_at, UTC)
        return {
            "cost": self.analysis.cost,
            "limit": self.bucket.limit,
            "nodeCount": self.analysis.node_count,
            "remaining": self.bucket.remaining,
            "resetAt": iso(reset),
            "used": self.bucket.used,
        }
