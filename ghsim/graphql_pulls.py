"""GraphQL views of pull requests, their review threads and their authors, cut into pages as GitHub does.

A class's name is the GraphQL type it resolves to, so the names follow GitHub's schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ghsim.graphql_cost import decode_cursor, encode_cursor
from ghsim.graphql_git import Commit, RefView
from ghsim.models import IssueComment, ReviewComment
from ghsim.models import User as Account
from ghsim.repository import PullRequest
from ghsim.state import State
from ghsim.util import iso, node_id


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

    def comments(
        self,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> dict[str, Any]:
        """The PR's conversation (issue comments, not review comments), oldest first as REST lists it."""
        with self.world.lock:
            found = sorted(
                (
                    c
                    for c in self.world.issue_comments.values()
                    if c.repo_id == self.pr.repo.id and c.number == self.pr.number
                ),
                key=lambda c: c.id,
            )
        return _page(found, first, after, last, before, self._comment)

    def _comment(self, comment: IssueComment) -> dict[str, Any]:
        return {
            "id": node_id("IC", comment.id),
            "fullDatabaseId": str(comment.id),
            "body": comment.body,
            "author": actor(comment.user),
            "authorAssociation": self.world.association(self.pr.repo, comment.user),
            "createdAt": iso(comment.created_at),
        }

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


@dataclass
class Bot:
    """An App's bot account: GraphQL names it by the App's slug, where REST says `<slug>[bot]`."""

    login: str


def actor(account: Account) -> Organization | User | Bot:
    if account.type == "Bot":
        return Bot(account.login.removesuffix("[bot]"))
    if account.type == "Organization":
        return Organization(account.login)
    return User(account.login)
