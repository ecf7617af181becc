"""What the workers need from GitHub, named for what they do with it: the one port every job talks through.

Jobs hold a port, never a client, so a job reads as its decisions and the
protocol is the whole list of what it may ask GitHub. `GitHubPort` is what an
installation's jobs ask (the review, the commands, the repository view, the
reconciler's per-repository reads); `GitHubAppPort` is what the App asks as
itself, across installations (the reconciler's installation list, the
redelivery sweep). `workers.gateway` and `workers.app_gateway` implement them
against GitHub; `tests/fakes/github_port.py` records calls for unit tests.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

# What a snapshot reads at a path: a file or a folder.
BLOB, TREE = "blob", "tree"
# GitHub lists no more of a pull request's files.
MAX_PR_FILES = 3000
# GitHub takes no more annotations in one check-run request.
ANNOTATIONS_PER_REQUEST = 50
# The reactions GitHub lets one add to a comment.
ReactionContent = Literal["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]


@dataclass(frozen=True)
class PullInfo:
    number: int
    head_sha: str
    base_sha: str
    body: str
    state: str
    draft: bool


@dataclass(frozen=True)
class PrFile:
    path: str
    status: str
    previous_path: str | None
    patch: str | None


@dataclass(frozen=True)
class Blob:
    """A file's content at one commit, or why it was not read."""

    data: str | None
    skip_reason: str | None = None


@dataclass(frozen=True)
class PostedComment:
    id: int
    body: str
    path: str
    line: int | None


@dataclass(frozen=True)
class ThreadComment:
    """Any review comment on the PR, ours or a person's, with what tells who wrote it and which thread it
    answers (`in_reply_to`: the thread's first comment; None for a comment that opened one)."""

    id: int
    body: str
    path: str
    line: int | None
    author: str
    author_is_bot: bool
    association: str
    in_reply_to: int | None = None
    commit: str = ""
    # The kinds of reaction it has (GitHub's rollup tells the kinds, not who left them).
    reactions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ReviewComment:
    """A comment of a review on the head side of the diff: one line, or `start_line` through `line`."""

    path: str
    line: int
    body: str
    start_line: int | None = None

    def to_api(self) -> dict[str, Any]:
        if self.start_line is None:
            return {"path": self.path, "line": self.line, "side": "RIGHT", "body": self.body}
        return {
            "path": self.path,
            "start_line": self.start_line,
            "start_side": "RIGHT",
            "line": self.line,
            "side": "RIGHT",
            "body": self.body,
        }


@dataclass(frozen=True)
class Annotation:
    path: str
    start_line: int
    end_line: int
    level: str
    title: str
    message: str

    def to_api(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "annotation_level": self.level,
            "title": self.title[:255],
            "message": self.message[:64_000],
        }


@dataclass(frozen=True)
class PullSnapshot:
    """What a review reads before scanning, fetched together: the PR, its oldest commit, file contents, the
    PR's conversation (where rule-wide dismissals are said) and the shared settings file it was asked for
    (`Blob(None)` when missing, out of reach or not asked)."""

    pull: PullInfo
    oldest_commit: datetime | None
    blobs: dict[tuple[str, str], Blob]
    folders: dict[tuple[str, str], frozenset[str]]
    conversation: list[IssueComment]
    shared: Blob


@dataclass(frozen=True)
class PathListing:
    """Every file at a commit, unless listing them all would have cost more calls than a review may spend."""

    paths: list[str]
    complete: bool = True


@dataclass(frozen=True)
class CheckRunState:
    """Where one of our check runs stands, as the reconciler judges it."""

    id: int
    external_id: str
    status: str
    title: str
    started_at: datetime | None


@dataclass(frozen=True)
class OpenPull:
    number: int
    head_sha: str
    updated_at: datetime
    draft: bool


@dataclass(frozen=True)
class IssueComment:
    """A PR conversation comment, with what tells who wrote it and (`reactions`, read only where the
    reconciler asks) whether mldebt has answered it."""

    id: int
    body: str
    author: str | None
    author_is_bot: bool
    association: str
    reactions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Installation:
    id: int
    suspended: bool


@dataclass(frozen=True)
class DeliveryAttempt:
    guid: str
    id: int
    delivered: bool


class PullRequestNotFound(Exception):
    """GitHub no longer knows the PR (or its repository)."""


class ReviewRejected(Exception):
    """GitHub refused the review (422): usually a comment off the diff; nothing of it was stored."""


# The paged methods answer pages of this many items; a shorter page is the last.
PAGE_SIZE = 100


class GitHubPort(Protocol):
    """An installation's view of GitHub. Reads may be resent; created things never land twice."""

    def get_pull_request(self, repo: str, number: int) -> PullInfo: ...

    def list_changed_files(self, repo: str, number: int) -> list[PrFile]: ...

    def read_pull_snapshot(
        self,
        repo: str,
        number: int,
        head_sha: str,
        at_head: Sequence[tuple[str, str]],
        at_base: Sequence[tuple[str, str]],
        shared: tuple[str, str] | None,
    ) -> PullSnapshot:
        """`shared` (repository, path) is a settings file on another repository's default branch, read in
        the same call."""

    def read_files(self, repo: str, wanted: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Blob]: ...

    def list_folders(
        self, repo: str, wanted: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], frozenset[str]]: ...

    def list_paths(self, repo: str, sha: str) -> PathListing: ...

    def read_file(self, repo: str, sha: str, path: str) -> Blob: ...

    def read_shared_config(self, repo: str, path: str) -> Blob:
        """A config file on `repo`'s default branch, where shared settings live; `Blob(None)` when it is
        missing or out of the installation's reach. May be a few minutes old."""

    def list_our_comments(self, repo: str, number: int, marker: str) -> list[PostedComment]:
        """Review comments by a bot carrying `marker`: what our earlier reviews said."""

    def list_review_comments(self, repo: str, number: int) -> list[ThreadComment]:
        """Every review comment on the PR, oldest first: ours and the replies people left on them."""

    def permission_of(self, repo: str, user: str) -> str: ...

    def find_check_run(self, repo: str, sha: str, external_id: str) -> int | None: ...

    def list_check_runs(self, repo: str, sha: str) -> list[CheckRunState]: ...

    def create_check_run(self, repo: str, sha: str, title: str, summary: str, external_id: str) -> int: ...

    def complete_check_run(
        self,
        repo: str,
        check_run_id: int,
        *,
        conclusion: str,
        title: str,
        summary: str,
        text: str,
        annotations: Sequence[Annotation],
        actions: Sequence[dict[str, str]] = (),
        annotations_present: int | None = None,
    ) -> None:
        """Appends `annotations` past the `annotations_present` a reused run already has, and completes it."""

    def post_review(
        self, repo: str, number: int, sha: str, body: str, comments: Sequence[ReviewComment], marker: str
    ) -> None:
        """One COMMENT review; ReviewRejected when GitHub refuses it (then nothing of it is stored)."""

    def review_would_be_taken(
        self, repo: str, number: int, sha: str, comments: Sequence[ReviewComment]
    ) -> bool:
        """Whether GitHub would take these comments, asked without publishing anything."""

    def discard_pending_review(self, repo: str, number: int) -> bool:
        """Deletes a pending review an interrupted probe left behind; whether there was one."""

    def edit_review_comment(self, repo: str, comment_id: int, body: str) -> None: ...

    def react_to_comment(self, repo: str, comment_id: int, content: ReactionContent) -> None: ...

    def react_to_review_comment(self, repo: str, comment_id: int, content: ReactionContent) -> None: ...

    def reply_in_thread_once(self, repo: str, number: int, comment_id: int, body: str, marker: str) -> None:
        """A reply in the review thread of `comment_id` carrying a hidden `marker`, never posted twice."""

    def resolve_thread(self, repo: str, number: int, comment_id: int, resolved: bool) -> bool:
        """Marks the review thread that `comment_id` opened resolved (or open again); False if no such
        thread."""

    def reply_once(self, repo: str, number: int, body: str, marker: str) -> None:
        """A conversation comment carrying a hidden `marker`, never posted twice."""

    def list_repositories(self, page: int) -> list[str]: ...

    def list_open_pulls(self, repo: str, page: int) -> list[OpenPull]:
        """Most recently updated first."""

    def list_commits(self, repo: str, number: int) -> list[str]:
        """The PR's commit SHAs, oldest first (GitHub lists up to 250)."""

    def list_comments_since(self, repo: str, number: int, since: datetime) -> list[IssueComment]: ...

    def read_conversation(self, repo: str, number: int) -> list[IssueComment]:
        """Every comment of the PR's conversation, oldest first, as `read_pull_snapshot` reads it: again,
        for a review that a rule-wide command overtook."""


class GitHubAppPort(Protocol):
    """The App's own view of GitHub, across its installations."""

    def list_installations(self, page: int) -> list[Installation]: ...

    def list_delivery_attempts(self, since: datetime) -> Iterator[DeliveryAttempt]: ...

    def redeliver(self, delivery_id: int) -> int | None:
        """None when GitHub takes the request; else the status it refused it with."""
