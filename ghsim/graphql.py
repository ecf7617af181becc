"""A real GraphQL endpoint for the slice of GitHub's schema bots use to batch reads.

Field names, nullability and the ``<rev>:<path>`` object expression follow
GitHub's schema so that queries written against github.com run unchanged.
Resolvers are methods/properties on small view classes (graphql-core's
default resolver calls them), which keeps the schema text the single source
of truth for shape; the git objects' views live in `ghsim.graphql_git`, the
pull requests' in `ghsim.graphql_pulls`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, GraphQLInterfaceType, build_schema, execute_sync, parse, validate

from ghsim.graphql_cost import Analysis, analyse
from ghsim.graphql_git import Blob, Commit, GitObjectView, RefView, Tree
from ghsim.graphql_pulls import Organization, PullRequestView, User, review_threads, thread_id
from ghsim.graphql_sdl import SDL
from ghsim.repository import Repo
from ghsim.state import State
from ghsim.util import iso, node_id

if TYPE_CHECKING:
    from ghsim.simulator import SimulatedGitHub


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
    ) -> GitObjectView | None:
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
        for name in ("GitObject", "RepositoryOwner", "Actor"):
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
