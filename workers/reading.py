"""From a pull request on GitHub to findings: what a review reads, and the scan over it.

Most reviews read everything in one GraphQL query: the PR and its
conversation, the head of every readable changed file, the base config and
the organisation's, the default feature registries and the folders beside
added files. A base version is rebuilt from GitHub's own
patch, so only a file whose patch is missing costs one more batch.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from datetime import UTC, datetime

from githubkit.exception import RequestFailed

from rules.config import CONFIG_PATH, DEFAULT_REGISTRIES
from rules.config_layers import org_source
from rules.engine import ChangedFile, FileNote, ReviewInput, ScanResult, scan
from rules.source import kind_of
from workers.patches import base_from_patch
from workers.port import (
    BLOB,
    MAX_PR_FILES,
    TREE,
    Blob,
    GitHubPort,
    IssueComment,
    PrFile,
    PullInfo,
    PullRequestNotFound,
    PullSnapshot,
)
from workers.repo_config import ReviewSettings, edit_notes, review_settings
from workers.repoview import GitHubRepoView


class Superseded(Exception):
    """A newer push made this review moot."""


class PullRequestGone(Exception):
    """The PR or its branch disappeared mid-review (closed, deleted)."""


@dataclass(frozen=True)
class PullRead:
    """What the scan reads: the changed files at head and base, the repository around them, the settings."""

    pull: PullInfo
    files: list[PrFile]
    changed: list[ChangedFile]
    view: GitHubRepoView
    settings: ReviewSettings
    oldest_commit: datetime | None
    conversation: list[IssueComment]


def still_current(pr: PullInfo, head_sha: str) -> PullInfo:
    if pr.state != "open":
        raise PullRequestGone("the pull request is closed")
    if pr.head_sha != head_sha:
        raise Superseded(pr.head_sha[:7])
    return pr


def current_pull(gh: GitHubPort, repo: str, number: int, head_sha: str) -> PullInfo:
    """The PR, as long as it is open at `head_sha`."""
    try:
        pr = gh.get_pull_request(repo, number)
    except RequestFailed as exc:
        if exc.response.status_code in (404, 410):
            raise PullRequestGone("the pull request no longer exists") from None
        raise
    return still_current(pr, head_sha)


def read_pull(gh: GitHubPort, repo: str, number: int, head_sha: str) -> PullRead:
    try:
        files = gh.list_changed_files(repo, number)
    except RequestFailed as exc:
        if exc.response.status_code == 404:
            raise PullRequestGone("the pull request or its branch was deleted") from None
        raise
    snapshot = _snapshot(gh, repo, number, head_sha, files)
    pr = still_current(snapshot.pull, head_sha)
    changed, known, config_text = _contents(gh, repo, head_sha, pr, files, snapshot.blobs)
    view = GitHubRepoView(gh, repo, {"base": pr.base_sha, "head": head_sha}, known, snapshot.folders)
    settings = review_settings(gh, repo, config_text, snapshot.shared)
    return PullRead(pr, files, changed, view, settings, snapshot.oldest_commit, snapshot.conversation)


def scan_pull(read: PullRead) -> ScanResult:
    """The findings, with notes on what the scan could not see."""
    result = scan(
        ReviewInput(
            changed=read.changed,
            repo=read.view,
            config=read.settings.config,
            pr_body=read.pull.body,
            oldest_commit=read.oldest_commit,
            now=datetime.now(UTC),
        )
    )
    result.config_errors = list(read.settings.errors)
    result.config_notes = [*read.settings.notes, *edit_notes(read.changed)]
    if len(read.files) >= MAX_PR_FILES:
        result.notes.append(
            FileNote(
                f"files past the first {MAX_PR_FILES:,}",
                "GitHub's API lists no more of a pull request's files; any beyond them were not analysed",
            )
        )
    if read.view.partial_listings:
        listed = min(read.view.partial_listings.values())
        result.notes.append(
            FileNote(
                "the repository's file list",
                "too large to list in full within mldebt's call budget; rules that look across the"
                f" repository (lock files, DVC, experiment tracking) saw {listed:,} of its files",
            )
        )
    return result


def _nearby(files: list[PrFile]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """What rules read beside the changed files, at head and at base: the folder and parent of an added
    file (pipeline-jungle) and `.dvc/` (no-experiment-tracking)."""
    both = [(".dvc", TREE)]
    added = [
        (folder, TREE)
        for item in files
        if item.status in ("added", "copied")
        for folder in (posixpath.dirname(item.path), posixpath.dirname(posixpath.dirname(item.path)))
    ]
    return both + added, both


def _snapshot(gh: GitHubPort, repo: str, number: int, head_sha: str, files: list[PrFile]) -> PullSnapshot:
    """The PR, its oldest commit, its conversation, the head of every readable changed file, the base config,
    the organisation's config (used when the base has none) and the default feature registries on both
    sides (most reviews read them), in one GraphQL call."""
    readable = [item.path for item in files if item.status != "removed" and kind_of(item.path) is not None]
    head_nearby, base_nearby = _nearby(files)
    registries = [(path, BLOB) for path in DEFAULT_REGISTRIES]
    at_head = [(path, BLOB) for path in readable] + registries + head_nearby
    at_base = [(CONFIG_PATH, BLOB), *registries, *base_nearby]
    org = org_source(repo)
    shared = None if org is None else (org.repo, org.path)
    try:
        return gh.read_pull_snapshot(repo, number, head_sha, at_head, at_base, shared)
    except PullRequestNotFound:
        raise PullRequestGone("the pull request no longer exists") from None


def _contents(
    gh: GitHubPort,
    repo: str,
    head_sha: str,
    pr: PullInfo,
    files: list[PrFile],
    blobs: dict[tuple[str, str], Blob],
) -> tuple[list[ChangedFile], dict[tuple[str, str], Blob], str | None]:
    """Changed files at head and base; a base is rebuilt from GitHub's patch, else read in one more batch."""
    readable = [item for item in files if item.status != "removed" and kind_of(item.path) is not None]
    bases: dict[str, str | None] = {}
    missing_base = []
    for item in readable:
        if item.status == "added":
            continue
        head = blobs[(head_sha, item.path)].data
        rebuilt = base_from_patch(head, item.patch) if head is not None and item.patch else None
        if rebuilt is None:
            missing_base.append((pr.base_sha, item.previous_path or item.path))
        bases[item.path] = rebuilt
    if missing_base:
        fetched = gh.read_files(repo, missing_base)
        blobs.update(fetched)
        for item in readable:
            if item.path in bases and bases[item.path] is None:
                bases[item.path] = fetched[(pr.base_sha, item.previous_path or item.path)].data
    changed = []
    read = {item.path for item in readable}
    for item in files:
        head_blob = blobs.get((head_sha, item.path)) if item.path in read else None
        changed.append(
            ChangedFile(
                path=item.path,
                status=item.status,
                head=head_blob.data if head_blob else None,
                base=bases.get(item.path),
                previous_path=item.previous_path,
                skip_reason=head_blob.skip_reason if head_blob else None,
            )
        )
    return changed, blobs, blobs[(pr.base_sha, CONFIG_PATH)].data
