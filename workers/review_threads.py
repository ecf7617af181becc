"""The review-thread half of the gateway: the PR's review comments, replies and reactions in a thread, and
a thread marked resolved.

A dismissal lives in its thread (a writer's `/mldebt ignore` reply on our
comment), so the review reads every review comment, people's replies with
ours, in the one listing it already made for our own comments. REST knows
no threads: a thread is found over GraphQL by the comment that opened it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from githubkit import GitHub

from workers import graphql_queries as gql
from workers.clients import owner_and_name
from workers.port import PostedComment, ReactionContent, ThreadComment
from workers.tokens import InstallationAuth

T = TypeVar("T")
# Looking for one review thread: at most this many pages of 100 threads.
THREAD_PAGES = 10


# GitHub's reaction rollup, as githubkit names its fields, and the reaction each counts.
_ROLLUP_FIELDS = {
    "plus_one": "+1",
    "minus_one": "-1",
    "laugh": "laugh",
    "confused": "confused",
    "heart": "heart",
    "hooray": "hooray",
    "eyes": "eyes",
    "rocket": "rocket",
}


def reaction_kinds(rollup: Any) -> frozenset[str]:
    """The reactions a comment has at least one of, by their content name (`+1`, `rocket`)."""
    if rollup is None:
        return frozenset()
    return frozenset(kind for field, kind in _ROLLUP_FIELDS.items() if getattr(rollup, field, 0))


def ours(comments: Sequence[ThreadComment], marker: str) -> list[PostedComment]:
    """Review comments by a bot carrying `marker`: what our earlier reviews said."""
    return [
        PostedComment(comment.id, comment.body, comment.path, comment.line)
        for comment in comments
        if marker in comment.body and comment.author_is_bot
    ]


class ReviewThreads:
    """The half of `GitHubGateway` that works in review threads; its other half holds the clients."""

    _gh: GitHub[InstallationAuth]
    _gh_once: GitHub[InstallationAuth]

    def _write_once(self, send: Callable[[], T], landed: Callable[[], T | None]) -> T:
        raise NotImplementedError  # the gateway's: a creating write, resent only after looking for it

    def _graphql_repository(self, repo: str, fields: str) -> dict[str, Any]:
        raise NotImplementedError  # the gateway's contents half: one GraphQL query on the repository

    def list_review_comments(self, repo: str, number: int) -> list[ThreadComment]:
        owner, name = owner_and_name(repo)
        comments = self._gh.rest.paginate(  # type: ignore[var-annotated]  # githubkit's `list`, see gateway
            self._gh.rest.pulls.list_review_comments, owner=owner, repo=name, pull_number=number, per_page=100
        )
        return [
            ThreadComment(
                comment.id,
                comment.body or "",
                comment.path,
                comment.line or None,
                comment.user.login if comment.user is not None else "",
                comment.user is not None and comment.user.type == "Bot",
                str(comment.author_association),
                comment.in_reply_to_id or None,
                comment.commit_id,
                reaction_kinds(comment.reactions),
            )
            for comment in comments
        ]

    def react_to_review_comment(self, repo: str, comment_id: int, content: ReactionContent) -> None:
        """As for a conversation comment: an existing reaction is answered 200, so a resend is harmless."""
        owner, name = owner_and_name(repo)
        self._write_once(
            lambda: self._gh_once.rest.reactions.create_for_pull_request_review_comment(
                owner, name, comment_id, content=content
            ),
            lambda: None,
        )

    def reply_in_thread_once(self, repo: str, number: int, comment_id: int, body: str, marker: str) -> None:
        """GitHub ignores a reply's `commit_id` and `path` but its description requires them: the thread's."""
        owner, name = owner_and_name(repo)

        def landed() -> bool | None:
            return True if any(marker in c.body for c in self.list_review_comments(repo, number)) else None

        comments = self.list_review_comments(repo, number)
        parent = next((c for c in comments if c.id == comment_id), None)
        if parent is None or any(marker in c.body for c in comments):
            return
        self._write_once(
            lambda: self._gh_once.rest.pulls.create_review_comment(
                owner,
                name,
                number,
                body=f"{body}\n\n{marker}",
                in_reply_to=comment_id,
                commit_id=parent.commit,
                path=parent.path,
            ),
            landed,
        )

    def resolve_thread(self, repo: str, number: int, comment_id: int, resolved: bool) -> bool:
        """Marks the thread `comment_id` opened: both mutations are idempotent, so a resend is harmless."""
        thread = self._thread_of(repo, number, comment_id)
        if thread is None:
            return False
        self._gh.graphql(gql.mark_thread(resolved), variables={"id": thread})
        return True

    def _thread_of(self, repo: str, number: int, comment_id: int) -> str | None:
        after: str | None = None
        for _ in range(THREAD_PAGES):
            page = self._graphql_repository(repo, gql.review_threads_fields(number, after))
            threads = (page.get("pull") or {}).get("reviewThreads") or {}
            found = gql.thread_opened_by(threads, comment_id)
            info = threads.get("pageInfo") or {}
            if found is not None or not info.get("hasNextPage"):
                return found
            after = info.get("endCursor")
        return None
