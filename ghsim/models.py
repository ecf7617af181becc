"""The objects the simulated GitHub stores for bots and people: accounts, installations, changed files, check
suites and runs, reviews, comments and reactions, as plain records.

They are what the REST shapes, the GraphQL resolvers and the routes all
read, so they live apart from the code that changes them (``ghsim.state``,
``ghsim.repository``): importing a record never drags in the world's lock or
a repository's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from ghsim.file_patch import FilePatch


@dataclass
class User:
    login: str
    id: int
    type: Literal["User", "Bot", "Organization"] = "User"


@dataclass
class Installation:
    id: int
    account: User
    app_id: int
    permissions: dict[str, str]
    events: list[str]
    created_at: datetime
    repository_selection: Literal["all", "selected"] = "selected"
    suspended_at: datetime | None = None


@dataclass
class FileChange:
    """One row of ``GET /pulls/{n}/files``."""

    filename: str
    status: Literal["added", "modified", "removed", "renamed"]
    old_blob: str | None
    new_blob: str | None
    patch: FilePatch
    previous_filename: str | None = None

    @property
    def changes(self) -> int:
        return self.patch.additions + self.patch.deletions


@dataclass
class CheckSuite:
    id: int
    repo_id: int
    head_sha: str
    head_branch: str | None
    app_id: int
    created_at: datetime


@dataclass
class Annotation:
    path: str
    start_line: int
    end_line: int
    annotation_level: str
    message: str
    start_column: int | None = None
    end_column: int | None = None
    title: str | None = None
    raw_details: str | None = None


@dataclass
class CheckRun:
    id: int
    repo_id: int
    name: str
    head_sha: str
    suite_id: int
    app_id: int
    status: str
    conclusion: str | None
    started_at: datetime | None
    completed_at: datetime | None
    details_url: str | None = None
    external_id: str | None = None
    title: str | None = None
    summary: str | None = None
    text: str | None = None
    annotations: list[Annotation] = field(default_factory=list)
    actions: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Review:
    id: int
    repo_id: int
    pr_number: int
    user: User
    body: str
    state: str
    commit_id: str
    submitted_at: datetime | None


@dataclass
class ReviewComment:
    id: int
    repo_id: int
    pr_number: int
    review_id: int | None
    user: User
    body: str
    path: str
    commit_id: str
    original_commit_id: str
    diff_hunk: str
    line: int | None
    original_line: int | None
    side: str | None
    start_line: int | None
    original_start_line: int | None
    start_side: str | None
    position: int | None
    original_position: int | None
    subject_type: str
    created_at: datetime
    updated_at: datetime
    in_reply_to_id: int | None = None


@dataclass
class IssueComment:
    id: int
    repo_id: int
    number: int
    user: User
    body: str
    created_at: datetime
    updated_at: datetime


@dataclass
class Reaction:
    id: int
    subject: tuple[str, int]
    user: User
    content: str
    created_at: datetime
