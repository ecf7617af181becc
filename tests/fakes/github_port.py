"""A `GitHubPort` that records every call and answers from a little state, for unit tests of the workers'
decisions and of the order they write in.

It keeps only the GitHub rules those tests lean on: a review is refused
(422) when one of its comments is off the lines GitHub takes on the diff or
while a pending review of ours is in the way, and a refused review stores
nothing. Everything else about GitHub (pagination,
faults, rate limits, auth) is the simulator's job: end-to-end and fault
tests run against `ghsim`, never against this.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from workers.port import (
    Annotation,
    Blob,
    CheckRunState,
    IssueComment,
    OpenPull,
    PathListing,
    PostedComment,
    PrFile,
    PullInfo,
    PullSnapshot,
    ReactionContent,
    ReviewComment,
    ReviewRejected,
    ThreadComment,
)


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Any, ...]


@dataclass
class RecordingGitHub:
    """`diff_lines` (path → lines) are where GitHub takes a review comment; a path not in it takes any line.
    A `pending_review` of ours (a probe an interrupted job left) makes GitHub refuse every other review."""

    pull: PullInfo = field(default_factory=lambda: PullInfo(1, "h" * 40, "b" * 40, "", "open", False))
    files: list[PrFile] = field(default_factory=list)
    blobs: dict[tuple[str, str], Blob] = field(default_factory=dict)
    # (repo, path) → a file on another repository's default branch (shared settings).
    shared: dict[tuple[str, str], Blob] = field(default_factory=dict)
    diff_lines: Mapping[str, Collection[int]] = field(default_factory=dict)
    posted: list[PostedComment] = field(default_factory=list)
    replies: list[ThreadComment] = field(default_factory=list)
    conversation: list[IssueComment] = field(default_factory=list)
    permissions: dict[str, str] = field(default_factory=dict)
    pending_review: bool = False
    runs: list[CheckRunState] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)

    def names(self) -> list[str]:
        return [call.name for call in self.calls]

    def called(self, name: str) -> list[tuple[Any, ...]]:
        return [call.args for call in self.calls if call.name == name]

    def _record(self, name: str, *args: Any) -> None:
        self.calls.append(Call(name, args))

    def _taken(self, comments: Sequence[ReviewComment]) -> bool:
        """GitHub's 422s: a line off the diff, or a review while one of ours is still pending."""
        if self.pending_review:
            return False
        for comment in comments:
            lines = self.diff_lines.get(comment.path)
            first = comment.start_line if comment.start_line is not None else comment.line
            if lines is not None and any(line not in lines for line in range(first, comment.line + 1)):
                return False
        return True

    def get_pull_request(self, repo: str, number: int) -> PullInfo:
        self._record("get_pull_request", repo, number)
        return self.pull

    def list_changed_files(self, repo: str, number: int) -> list[PrFile]:
        self._record("list_changed_files", repo, number)
        return list(self.files)

    def read_pull_snapshot(
        self,
        repo: str,
        number: int,
        head_sha: str,
        at_head: Sequence[tuple[str, str]],
        at_base: Sequence[tuple[str, str]],
        shared: tuple[str, str] | None,
    ) -> PullSnapshot:
        self._record("read_pull_snapshot", repo, number, head_sha, tuple(at_head), tuple(at_base), shared)
        wanted = [(head_sha, path) for path, _ in at_head] + [
            (self.pull.base_sha, path) for path, _ in at_base
        ]
        return PullSnapshot(
            self.pull,
            None,
            {key: self.blobs.get(key, Blob(None)) for key in wanted},
            {},
            list(self.conversation),
            self.shared.get(shared, Blob(None)) if shared is not None else Blob(None),
        )

    def read_files(self, repo: str, wanted: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Blob]:
        self._record("read_files", repo, tuple(wanted))
        return {key: self.blobs.get(key, Blob(None)) for key in wanted}

    def list_folders(
        self, repo: str, wanted: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], frozenset[str]]:
        self._record("list_folders", repo, tuple(wanted))
        return {key: frozenset() for key in wanted}

    def list_paths(self, repo: str, sha: str) -> PathListing:
        self._record("list_paths", repo, sha)
        return PathListing(sorted(path for at, path in self.blobs if at == sha))

    def read_file(self, repo: str, sha: str, path: str) -> Blob:
        self._record("read_file", repo, sha, path)
        return self.blobs.get((sha, path), Blob(None))

    def read_shared_config(self, repo: str, path: str) -> Blob:
        self._record("read_shared_config", repo, path)
        return self.shared.get((repo, path), Blob(None))

    def list_our_comments(self, repo: str, number: int, marker: str) -> list[PostedComment]:
        self._record("list_our_comments", repo, number, marker)
        return [comment for comment in self.posted if marker in comment.body]

    def list_review_comments(self, repo: str, number: int) -> list[ThreadComment]:
        self._record("list_review_comments", repo, number)
        mine = [
            ThreadComment(comment.id, comment.body, comment.path, comment.line, "mldebt[bot]", True, "NONE")
            for comment in self.posted
        ]
        return sorted(mine + self.replies, key=lambda comment: comment.id)

    def permission_of(self, repo: str, user: str) -> str:
        """`permissions` by login; anyone not in it may write."""
        self._record("permission_of", repo, user)
        return self.permissions.get(user, "write")

    def find_check_run(self, repo: str, sha: str, external_id: str) -> int | None:
        self._record("find_check_run", repo, sha, external_id)
        return next((run.id for run in self.runs if run.external_id == external_id), None)

    def list_check_runs(self, repo: str, sha: str) -> list[CheckRunState]:
        self._record("list_check_runs", repo, sha)
        return list(self.runs)

    def create_check_run(self, repo: str, sha: str, title: str, summary: str, external_id: str) -> int:
        self._record("create_check_run", repo, sha, title, summary, external_id)
        self.runs.append(CheckRunState(len(self.runs) + 1, external_id, "in_progress", title, None))
        return len(self.runs)

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
        self._record(
            "complete_check_run",
            repo,
            check_run_id,
            conclusion,
            title,
            summary,
            text,
            tuple(annotations),
            tuple(map(str, actions)),
        )

    def post_review(
        self, repo: str, number: int, sha: str, body: str, comments: Sequence[ReviewComment], marker: str
    ) -> None:
        self._record("post_review", repo, number, sha, body, tuple(comments), marker)
        if not self._taken(comments):
            raise ReviewRejected(
                "Unprocessable Entity: pull_request_review_thread.line must be part of the diff"
            )
        first = len(self.posted) + 1
        self.posted += [
            PostedComment(first + index, comment.body, comment.path, comment.line)
            for index, comment in enumerate(comments)
        ]

    def review_would_be_taken(
        self, repo: str, number: int, sha: str, comments: Sequence[ReviewComment]
    ) -> bool:
        self._record("review_would_be_taken", repo, number, sha, tuple(comments))
        return self._taken(comments)

    def discard_pending_review(self, repo: str, number: int) -> bool:
        self._record("discard_pending_review", repo, number)
        leftover, self.pending_review = self.pending_review, False
        return leftover

    def edit_review_comment(self, repo: str, comment_id: int, body: str) -> None:
        self._record("edit_review_comment", repo, comment_id, body)

    def react_to_comment(self, repo: str, comment_id: int, content: ReactionContent) -> None:
        self._record("react_to_comment", repo, comment_id, content)

    def react_to_review_comment(self, repo: str, comment_id: int, content: ReactionContent) -> None:
        self._record("react_to_review_comment", repo, comment_id, content)

    def reply_in_thread_once(self, repo: str, number: int, comment_id: int, body: str, marker: str) -> None:
        self._record("reply_in_thread_once", repo, number, comment_id, body, marker)

    def resolve_thread(self, repo: str, number: int, comment_id: int, resolved: bool) -> bool:
        self._record("resolve_thread", repo, number, comment_id, resolved)
        return any(comment.id == comment_id for comment in self.posted)

    def reply_once(self, repo: str, number: int, body: str, marker: str) -> None:
        self._record("reply_once", repo, number, body, marker)

    def list_repositories(self, page: int) -> list[str]:
        self._record("list_repositories", page)
        return []

    def list_open_pulls(self, repo: str, page: int) -> list[OpenPull]:
        self._record("list_open_pulls", repo, page)
        return []

    def list_commits(self, repo: str, number: int) -> list[str]:
        self._record("list_commits", repo, number)
        return [self.pull.head_sha]

    def read_conversation(self, repo: str, number: int) -> list[IssueComment]:
        self._record("read_conversation", repo, number)
        return list(self.conversation)

    def list_comments_since(self, repo: str, number: int, since: datetime) -> list[IssueComment]:
        self._record("list_comments_since", repo, number, since)
        return []
