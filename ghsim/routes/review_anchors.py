"""Where a review comment lands in a pull request's diff, and where it stays when the head moves.

GitHub anchors a comment to a line that appears in the PR diff (added/context
lines on RIGHT, removed/context lines on LEFT) of the commit it targets, and
re-anchors it (or marks it outdated) after every push; the bot's comments are
placed and refused by exactly these rules, so both the review and the review
comment endpoints use them from here, and so does the simulator's own
inspection API.
"""

from __future__ import annotations

from typing import Any

from ghsim.errors import unprocessable
from ghsim.file_patch import FilePatch
from ghsim.models import FileChange, ReviewComment
from ghsim.repository import PullRequest, Repo
from ghsim.routing import Ctx
from ghsim.util import now

REVIEW_DOC = "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request"


class Unresolvable(Exception):
    """One comment cannot be anchored; carries GitHub's reason text."""


def files_at(repo: Repo, pr: PullRequest, commit_id: str) -> dict[str, FileChange]:
    base = repo.objects.merge_base(pr.base_sha, commit_id) or pr.base_sha
    return {c.filename: c for c in repo.diff(base, commit_id)}


def commit_in_pr(repo: Repo, pr: PullRequest, commit_id: str) -> str:
    sha = repo.resolve(commit_id)
    if sha is None or (sha != pr.head_sha and sha not in {c.sha for c in pr.commits()}):
        raise unprocessable(
            "Pull request review thread end commit oid is not part of the pull request", REVIEW_DOC
        )
    return sha


def anchor_comment(spec: dict[str, Any], files: dict[str, FileChange]) -> dict[str, Any]:
    """Validate one comment spec and compute where it lands, GitHub-style."""
    path = spec.get("path")
    change = files.get(path) if isinstance(path, str) else None
    if change is None:
        raise Unresolvable("Path could not be resolved")
    patch: FilePatch = change.patch
    subject_type = spec.get("subject_type") or "line"
    if subject_type == "file":
        return {
            "path": path,
            "line": None,
            "side": None,
            "start_line": None,
            "start_side": None,
            "position": None,
            "diff_hunk": patch.text.split("\n", 1)[0] if patch.text else "",
            "subject_type": "file",
        }
    if spec.get("position") is not None and spec.get("line") is None:
        position = spec["position"]
        found = patch.line_at_position(position) if isinstance(position, int) else None
        if found is None:
            raise Unresolvable("Position could not be resolved")
        side, line = found
    else:
        raw_line = spec.get("line")
        side = spec.get("side") or "RIGHT"
        if side not in ("LEFT", "RIGHT"):
            raise Unresolvable("Side could not be resolved")
        if not isinstance(raw_line, int) or isinstance(raw_line, bool):
            raise Unresolvable("Line could not be resolved")
        line = raw_line
    hunk = patch.hunk_for(side, line)
    if hunk is None:
        raise Unresolvable("Line could not be resolved")
    start_line = spec.get("start_line")
    start_side = spec.get("start_side") or (side if start_line is not None else None)
    if start_line is not None:
        if not isinstance(start_line, int) or start_side not in ("LEFT", "RIGHT"):
            raise Unresolvable("Start line could not be resolved")
        if start_side == side and start_line >= line:
            raise Unresolvable("Pull request review thread start line must precede the end line")
        start_hunk = patch.hunk_for(start_side, start_line)
        if start_hunk is None:
            raise Unresolvable("Start line could not be resolved")
        if start_hunk is not hunk:
            raise Unresolvable(
                "Pull request review thread start line must be part of the same hunk as the line."
            )
    return {
        "path": path,
        "line": line,
        "side": side,
        "start_line": start_line,
        "start_side": start_side,
        "position": patch.position_for(side, line),
        "diff_hunk": patch.diff_hunk_until(side, line),
        "subject_type": "line",
    }


def store_comment(
    ctx: Ctx,
    repo: Repo,
    pr: PullRequest,
    review_id: int | None,
    commit_id: str,
    anchor: dict[str, Any],
    body: str,
    reply_to: int | None = None,
) -> ReviewComment:
    stamp = now()
    comment = ReviewComment(
        ctx.sim.state.next_id(),
        repo.id,
        pr.number,
        review_id,
        ctx.sim.state.bot,
        body,
        anchor["path"],
        commit_id,
        commit_id,
        anchor["diff_hunk"],
        anchor["line"],
        anchor["line"],
        anchor["side"],
        anchor["start_line"],
        anchor["start_line"],
        anchor["start_side"],
        anchor["position"],
        anchor["position"],
        anchor["subject_type"],
        stamp,
        stamp,
        reply_to,
    )
    ctx.sim.state.review_comments[comment.id] = comment
    return comment


def refresh_comment(repo: Repo, pr: PullRequest, comment: ReviewComment) -> None:
    """Follow the PR head like GitHub: keep the anchor if its hunk is unchanged, else mark outdated."""
    head = pr.head_sha
    if comment.commit_id == head or (comment.line is None and comment.position is None):
        return
    change = files_at(repo, pr, head).get(comment.path)
    side = comment.side or "RIGHT"
    if (
        change is not None
        and comment.original_line is not None
        and change.patch.diff_hunk_until(side, comment.original_line) == comment.diff_hunk
    ):
        comment.commit_id = head
        comment.position = change.patch.position_for(side, comment.original_line)
        return
    comment.line = None
    comment.position = None
