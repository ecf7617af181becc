"""Everything the simulated GitHub knows: users, installations, repositories,
commits, pull requests and the things bots create on them.

All mutation goes through one re-entrant lock owned by :class:`State`,
because the HTTP server threads and the test thread touch the same objects.
"""

from __future__ import annotations

import itertools
import threading
from typing import Literal

from ghsim.errors import not_found
from ghsim.models import (
    CheckRun,
    CheckSuite,
    Installation,
    IssueComment,
    Reaction,
    Review,
    ReviewComment,
    User,
)
from ghsim.repository import Repo
from ghsim.util import now

PERMISSION_LEVELS = ("admin", "maintain", "write", "triage", "read", "none")


class State:
    """The whole simulated world, guarded by ``lock``."""

    def __init__(
        self, app_id: int, app_slug: str, app_name: str, permissions: dict[str, str], events: list[str]
    ) -> None:
        self.lock = threading.RLock()
        self.app_id = app_id
        self.app_slug = app_slug
        self.app_name = app_name
        self.app_created_at = now()
        # Who owns the App and how it describes itself; a manifest registration sets them.
        self.app_owner: str | None = None
        self.app_description = "Reviews ML pull requests"
        self.app_url = "https://example.invalid/mldebt"
        self.permissions = permissions
        self.events = events
        self._ids = itertools.count(1001)
        self.users: dict[str, User] = {}
        self.installations: dict[int, Installation] = {}
        self.repos: dict[str, Repo] = {}
        self.check_suites: dict[tuple[int, str], CheckSuite] = {}
        self.check_runs: dict[int, CheckRun] = {}
        self.reviews: dict[int, Review] = {}
        self.review_comments: dict[int, ReviewComment] = {}
        self.issue_comments: dict[int, IssueComment] = {}
        self.reactions: list[Reaction] = []
        # Review threads marked resolved, by the id of the comment that opened the thread, and who did it.
        self.resolved_threads: dict[int, User] = {}
        self.bot = self.user(f"{app_slug}[bot]", "Bot")

    def next_id(self) -> int:
        with self.lock:
            return next(self._ids)

    def user(self, login: str, kind: Literal["User", "Bot", "Organization"] = "User") -> User:
        """Users spring into existence when first mentioned, like fixtures would."""
        with self.lock:
            found = self.users.get(login.lower())
            if found is None:
                found = User(login, self.next_id(), kind)
                self.users[login.lower()] = found
            return found

    def repo(self, full_name: str) -> Repo | None:
        with self.lock:
            return self.repos.get(full_name.lower())

    def repo_by_id(self, repo_id: int) -> Repo | None:
        with self.lock:
            return next((r for r in self.repos.values() if r.id == repo_id), None)

    def add_installation(
        self,
        installation_id: int,
        account: str,
        account_type: Literal["User", "Organization"] = "Organization",
        permissions: dict[str, str] | None = None,
    ) -> Installation:
        with self.lock:
            if installation_id in self.installations:
                raise ValueError(f"installation {installation_id} already exists")
            inst = Installation(
                installation_id,
                self.user(account, account_type),
                self.app_id,
                dict(permissions or self.permissions),
                list(self.events),
                now(),
            )
            self.installations[installation_id] = inst
            return inst

    def add_repo(self, full_name: str, installation_id: int, default_branch: str, private: bool) -> Repo:
        with self.lock:
            owner_login, _, name = full_name.partition("/")
            if not name or "/" in name:
                raise ValueError(f"repository name must be owner/name, got {full_name!r}")
            if installation_id not in self.installations:
                raise ValueError(f"unknown installation {installation_id}")
            if full_name.lower() in self.repos:
                raise ValueError(f"repository {full_name} already exists")
            owner = self.user(
                owner_login,
                self.installations[installation_id].account.type
                if self.installations[installation_id].account.login.lower() == owner_login.lower()
                else "User",
            )
            repo = Repo(self, self.next_id(), owner, name, installation_id, default_branch, private)
            self.repos[full_name.lower()] = repo
            return repo

    def permission(self, repo: Repo, login: str) -> str:
        """Effective permission; the owner is admin and strangers can read public repos."""
        with self.lock:
            explicit = repo.permissions.get(login.lower())
            if explicit is not None:
                return explicit
            if login.lower() == repo.owner.login.lower():
                return "admin"
            return "none" if repo.private else "read"

    def association(self, repo: Repo, user: User) -> str:
        """``author_association`` as GitHub derives it, minus org membership."""
        with self.lock:
            if user.login.lower() == repo.owner.login.lower():
                return "OWNER"
            if repo.permissions.get(user.login.lower(), "none") != "none":
                return "COLLABORATOR"
            merged_authors = {pr.user.login.lower() for pr in repo.pulls.values() if pr.merged}
            if user.login.lower() in merged_authors:
                return "CONTRIBUTOR"
            return "NONE"

    def in_pending_review(self, comment: ReviewComment) -> bool:
        """Whether the comment belongs to a review not yet submitted, which only its author sees."""
        with self.lock:
            review = self.reviews.get(comment.review_id) if comment.review_id is not None else None
            return review is not None and review.state == "PENDING"

    def add_review_reply(self, repo: Repo, parent: ReviewComment, body: str, user: User) -> ReviewComment:
        """A person's reply in a review thread: GitHub points every reply at the thread's first comment and
        wraps it in a review of its own."""
        with self.lock:
            root = self.review_comments.get(parent.in_reply_to_id or parent.id, parent)
            stamp = now()
            review = Review(
                self.next_id(), repo.id, root.pr_number, user, "", "COMMENTED", root.commit_id, stamp
            )
            self.reviews[review.id] = review
            reply = ReviewComment(
                self.next_id(),
                repo.id,
                root.pr_number,
                review.id,
                user,
                body,
                root.path,
                root.commit_id,
                root.original_commit_id,
                root.diff_hunk,
                root.line,
                root.original_line,
                root.side,
                root.start_line,
                root.original_start_line,
                root.start_side,
                root.position,
                root.original_position,
                root.subject_type,
                stamp,
                stamp,
                root.id,
            )
            self.review_comments[reply.id] = reply
            return reply

    def suite_for(self, repo: Repo, head_sha: str) -> CheckSuite:
        with self.lock:
            key = (repo.id, head_sha)
            suite = self.check_suites.get(key)
            if suite is None:
                branch = next((b for b, s in sorted(repo.branches.items()) if s == head_sha), None)
                suite = CheckSuite(self.next_id(), repo.id, head_sha, branch, self.app_id, now())
                self.check_suites[key] = suite
            return suite

    def add_issue_comment(self, repo: Repo, number: int, body: str, user: User) -> IssueComment:
        with self.lock:
            if number not in repo.pulls:
                raise not_found()
            stamp = now()
            comment = IssueComment(self.next_id(), repo.id, number, user, body, stamp, stamp)
            self.issue_comments[comment.id] = comment
            return comment
