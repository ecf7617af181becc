"""`GitHubPort` against GitHub itself: one installation's reads and writes over REST and GraphQL.

Retries, pagination, batching, pacing and error handling live here and in
the gateway's halves (`workers.contents`, `workers.review_threads`,
`workers.check_run_calls`), so the jobs read as decisions and the simulator
is the one GitHub all end-to-end tests share.

Reads and idempotent writes are resent by githubkit after a 5xx or a timeout.
A write that creates something (a check run, a review, a reply, a batch of
annotations) may have landed although GitHub answered 5xx or nothing, so it is
resent only after looking whether it did.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TypeVar

from githubkit.exception import RequestFailed, RequestTimeout
from redis import Redis

from core.settings import Settings
from workers import trees
from workers.check_run_calls import CheckRunCalls
from workers.clients import installation_clients, owner_and_name
from workers.contents import ContentReads
from workers.port import (
    MAX_PR_FILES,
    PAGE_SIZE,
    IssueComment,
    OpenPull,
    PathListing,
    PostedComment,
    PrFile,
    PullInfo,
    ReactionContent,
    ReviewComment,
    ReviewRejected,
)
from workers.retry import backoff, transient
from workers.review_threads import ReviewThreads, ours, reaction_kinds
from workers.tokens import InstallationTokens

T = TypeVar("T")

log = logging.getLogger(__name__)
# githubkit's PullsClient and IssuesClient each have a method named `list`, which their own annotations
# (`-> Response[list[Commit]]`) then name instead of the builtin: mypy cannot type what those calls
# return, nor what `paginate` pages through over them. The lines reading them say so below.
# Completing a recursive tree GitHub cut short: at most this many GraphQL queries of folders (250 each).
TREE_WALK_QUERIES = 40


def _issue_comment(comment: Any) -> IssueComment:
    return IssueComment(
        comment.id,
        comment.body or "",
        comment.user.login if comment.user is not None else None,
        comment.user is not None and comment.user.type == "Bot",
        str(comment.author_association),
        reaction_kinds(comment.reactions),
    )


class GitHubGateway(ContentReads, ReviewThreads, CheckRunCalls):
    def __init__(
        self, settings: Settings, tokens: InstallationTokens, installation_id: int, redis: Redis
    ) -> None:
        self._settings = settings
        self._redis = redis
        self._installation_id = installation_id
        self._gh, self._gh_once = installation_clients(settings, tokens, installation_id, redis)

    def __enter__(self) -> GitHubGateway:
        self._gh.__enter__()  # type: ignore[no-untyped-call]  # githubkit leaves __enter__ unannotated
        self._gh_once.__enter__()  # type: ignore[no-untyped-call]  # as above
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._gh_once.__exit__(kind, exc, trace)
        self._gh.__exit__(kind, exc, trace)

    def _write_once(self, send: Callable[[], T], landed: Callable[[], T | None]) -> T:
        """Sends a creating write; after a 5xx or a timeout, `landed` looks for it before it is sent again."""
        attempt = 0
        while True:
            try:
                return send()
            except (RequestFailed, RequestTimeout) as exc:
                if not transient(exc) or attempt >= self._settings.retry_attempts:
                    raise
                log.warning("write failed (%s); checking whether it landed", exc.__class__.__name__)
            time.sleep(backoff(self._settings, attempt))
            attempt += 1
            found = landed()
            if found is not None:
                return found

    # reads

    def get_pull_request(self, repo: str, number: int) -> PullInfo:
        owner, name = owner_and_name(repo)
        pr = self._gh.rest.pulls.get(owner, name, number).parsed_data
        return PullInfo(number, pr.head.sha, pr.base.sha, pr.body or "", pr.state, bool(pr.draft))

    def list_changed_files(self, repo: str, number: int) -> list[PrFile]:
        owner, name = owner_and_name(repo)
        files: list[PrFile] = []
        for entry in self._gh.rest.paginate(  # type: ignore[var-annotated]  # githubkit's `list`, see top
            self._gh.rest.pulls.list_files, owner=owner, repo=name, pull_number=number, per_page=100
        ):
            files.append(
                PrFile(
                    path=entry.filename,
                    status=entry.status,
                    previous_path=entry.previous_filename or None,
                    patch=entry.patch or None,
                )
            )
            if len(files) >= MAX_PR_FILES:
                break
        return files

    def list_paths(self, repo: str, sha: str) -> PathListing:
        """One recursive tree call; only when GitHub cut it short (past 100,000 entries or 7 MB) does a
        walk follow."""
        owner, name = owner_and_name(repo)
        tree = self._gh.rest.git.get_tree(owner, name, sha, recursive="1").parsed_data
        paths = [entry.path for entry in tree.tree if entry.type == "blob" and entry.path]
        if not tree.truncated:
            return PathListing(paths)
        return trees.walk(
            lambda fields: self._graphql_repository(repo, fields), repo, sha, paths, TREE_WALK_QUERIES
        )

    def list_our_comments(self, repo: str, number: int, marker: str) -> list[PostedComment]:
        return ours(self.list_review_comments(repo, number), marker)

    def permission_of(self, repo: str, user: str) -> str:
        owner, name = owner_and_name(repo)
        try:
            return self._gh.rest.repos.get_collaborator_permission_level(
                owner, name, user
            ).parsed_data.permission
        except RequestFailed as exc:
            if exc.response.status_code == 404:
                return "none"
            raise

    def list_repositories(self, page: int) -> list[str]:
        listed = self._gh.rest.apps.list_repos_accessible_to_installation(
            per_page=PAGE_SIZE, page=page
        ).parsed_data.repositories
        return [repo.full_name for repo in listed]

    def list_open_pulls(self, repo: str, page: int) -> list[OpenPull]:
        owner, name = owner_and_name(repo)
        listed = self._gh.rest.pulls.list(
            owner, name, state="open", sort="updated", direction="desc", per_page=PAGE_SIZE, page=page
        )
        return [
            OpenPull(pull.number, pull.head.sha, pull.updated_at, bool(pull.draft))
            for pull in listed.parsed_data
        ]

    def list_commits(self, repo: str, number: int) -> list[str]:
        owner, name = owner_and_name(repo)
        commits = self._gh.rest.pulls.list_commits(owner, name, number, per_page=PAGE_SIZE).parsed_data
        return [commit.sha for commit in commits]  # type: ignore[attr-defined]  # githubkit's `list`, see top

    def list_comments_since(self, repo: str, number: int, since: datetime) -> list[IssueComment]:
        owner, name = owner_and_name(repo)
        # githubkit would send a datetime as str(datetime), with a space; GitHub asks for ISO 8601, so the
        # string goes in where githubkit's signature says datetime.
        stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        comments = self._gh.rest.issues.list_comments(
            owner,
            name,
            number,
            since=stamp,  # type: ignore[arg-type]
            per_page=PAGE_SIZE,
        ).parsed_data
        return [_issue_comment(comment) for comment in comments]  # type: ignore[attr-defined]  # see top

    # writes

    def post_review(
        self, repo: str, number: int, sha: str, body: str, comments: Sequence[ReviewComment], marker: str
    ) -> None:
        """One COMMENT review; a retry first looks for its comments (they carry `marker`) among ours."""
        owner, name = owner_and_name(repo)
        wanted = {comment.body for comment in comments}

        def send() -> None:
            self._gh_once.rest.pulls.create_review(
                owner,
                name,
                number,
                commit_id=sha,
                body=body,
                event="COMMENT",
                comments=[comment.to_api() for comment in comments],
            )

        def landed() -> bool | None:
            posted = {comment.body for comment in self.list_our_comments(repo, number, marker)}
            return True if wanted <= posted else None

        try:
            self._write_once(send, landed)
        except RequestFailed as exc:
            if exc.response.status_code == 422:
                raise ReviewRejected(exc.response.text[:500]) from None
            raise

    def review_would_be_taken(
        self, repo: str, number: int, sha: str, comments: Sequence[ReviewComment]
    ) -> bool:
        """Whether GitHub takes these comments, asked without publishing anything.

        A pending review (no `event`) is validated like a posted one but shown to
        no one else, and is deleted at once: GitHub allows one pending review per
        user and PR, and it would block every other review of ours. Both requests
        are paced writes; a refused probe stores nothing and costs one.
        """
        owner, name = owner_and_name(repo)

        def send() -> int:
            return self._gh_once.rest.pulls.create_review(
                owner, name, number, commit_id=sha, comments=[comment.to_api() for comment in comments]
            ).parsed_data.id

        try:
            review_id = self._write_once(send, lambda: self._pending_review(repo, number))
        except RequestFailed as exc:
            if exc.response.status_code == 422:
                return False
            raise
        self._delete_pending_review(repo, number, review_id)
        return True

    def _pending_review(self, repo: str, number: int) -> int | None:
        """Our pending review on the PR, if any: GitHub lists a pending review to its author alone."""
        owner, name = owner_and_name(repo)
        reviews = self._gh.rest.paginate(  # type: ignore[var-annotated]  # githubkit's `list`, see top
            self._gh.rest.pulls.list_reviews, owner=owner, repo=name, pull_number=number, per_page=100
        )
        return next((review.id for review in reviews if review.state == "PENDING"), None)

    def _delete_pending_review(self, repo: str, number: int, review_id: int) -> None:
        """Resent like any DELETE; a review already gone (an earlier answer was lost) is what was wanted."""
        owner, name = owner_and_name(repo)
        try:
            self._gh.rest.pulls.delete_pending_review(owner, name, number, review_id)
        except RequestFailed as exc:
            if exc.response.status_code != 404:
                raise

    def discard_pending_review(self, repo: str, number: int) -> bool:
        """Deletes a pending review of ours an interrupted job left behind; whether there was one."""
        review_id = self._pending_review(repo, number)
        if review_id is None:
            return False
        self._delete_pending_review(repo, number, review_id)
        return True

    def edit_review_comment(self, repo: str, comment_id: int, body: str) -> None:
        owner, name = owner_and_name(repo)
        self._gh.rest.pulls.update_review_comment(owner, name, comment_id, body=body)

    def react_to_comment(self, repo: str, comment_id: int, content: ReactionContent) -> None:
        """GitHub answers an existing reaction with 200, so sending one twice is harmless."""
        owner, name = owner_and_name(repo)
        self._write_once(
            lambda: self._gh_once.rest.reactions.create_for_issue_comment(
                owner, name, comment_id, content=content
            ),
            lambda: None,
        )

    def reply_once(self, repo: str, number: int, body: str, marker: str) -> None:
        """A PR conversation comment carrying a hidden `marker`: never posted twice, even by a retried job."""
        owner, name = owner_and_name(repo)

        def landed() -> bool | None:
            comments = self._gh.rest.paginate(  # type: ignore[var-annotated]  # githubkit's `list`, see top
                self._gh.rest.issues.list_comments, owner=owner, repo=name, issue_number=number, per_page=100
            )
            return True if any(marker in (comment.body or "") for comment in comments) else None

        if landed():
            return
        self._write_once(
            lambda: self._gh_once.rest.issues.create_comment(owner, name, number, body=f"{body}\n\n{marker}"),
            landed,
        )
