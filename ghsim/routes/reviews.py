"""Pull request reviews and review comments, with GitHub's diff-anchoring rules.

A comment must sit on a line that appears in the PR diff (added/context lines
on RIGHT, removed/context lines on LEFT) of the commit it targets; one bad
comment rejects the whole review, and nothing is stored.

A review created without ``event`` is PENDING: its comments are validated the
same way, but only its author sees the review and its comments (listed
without their line fields, as GitHub does, and 404 when fetched or edited one
by one), until it is submitted or deleted. A user holds at most one pending
review per pull request, and while it exists GitHub refuses every other
review or review comment that user creates there.
"""

from __future__ import annotations

from typing import Any

from ghsim.errors import ApiError, invalid, invalid_request, not_found, unprocessable
from ghsim.file_patch import FilePatch
from ghsim.models import FileChange, Reaction, Review, ReviewComment, User
from ghsim.repository import PullRequest, Repo
from ghsim.routes.common import MAX_BODY, check_body_length, pull_or_404
from ghsim.routing import Ctx, EndpointSet, Reply
from ghsim.util import now

api = EndpointSet()
REVIEW_DOC = "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request"
COMMENT_DOC = "https://docs.github.com/rest/pulls/comments#create-a-review-comment-for-a-pull-request"
EVENT_STATES = {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED"}
REACTIONS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")
ONE_PENDING = "User can only have one pending review per pull request"


class _Unresolvable(Exception):
    """One comment cannot be anchored; carries GitHub's reason text."""


def _viewer(ctx: Ctx) -> User:
    """Who is asking: every installation token acts as the App's bot."""
    return ctx.sim.state.bot


def _hidden(review: Review | None, viewer: User) -> bool:
    """A pending review exists only for its author."""
    return review is not None and review.state == "PENDING" and review.user.id != viewer.id


def _pending_of(ctx: Ctx, user: User, repo: Repo, pr: PullRequest) -> Review | None:
    return next(
        (
            r
            for r in ctx.sim.state.reviews.values()
            if r.state == "PENDING"
            and r.user.id == user.id
            and r.repo_id == repo.id
            and r.pr_number == pr.number
        ),
        None,
    )


def _files_at(repo: Repo, pr: PullRequest, commit_id: str) -> dict[str, FileChange]:
    base = repo.objects.merge_base(pr.base_sha, commit_id) or pr.base_sha
    return {c.filename: c for c in repo.diff(base, commit_id)}


def _commit_in_pr(repo: Repo, pr: PullRequest, commit_id: str) -> str:
    sha = repo.resolve(commit_id)
    if sha is None or (sha != pr.head_sha and sha not in {c.sha for c in pr.commits()}):
        raise unprocessable(
            "Pull request review thread end commit oid is not part of the pull request", REVIEW_DOC
        )
    return sha


def _anchor(spec: dict[str, Any], files: dict[str, FileChange]) -> dict[str, Any]:
    """Validate one comment spec and compute where it lands, GitHub-style."""
    path = spec.get("path")
    change = files.get(path) if isinstance(path, str) else None
    if change is None:
        raise _Unresolvable("Path could not be resolved")
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
            raise _Unresolvable("Position could not be resolved")
        side, line = found
    else:
        raw_line = spec.get("line")
        side = spec.get("side") or "RIGHT"
        if side not in ("LEFT", "RIGHT"):
            raise _Unresolvable("Side could not be resolved")
        if not isinstance(raw_line, int) or isinstance(raw_line, bool):
            raise _Unresolvable("Line could not be resolved")
        line = raw_line
    hunk = patch.hunk_for(side, line)
    if hunk is None:
        raise _Unresolvable("Line could not be resolved")
    start_line = spec.get("start_line")
    start_side = spec.get("start_side") or (side if start_line is not None else None)
    if start_line is not None:
        if not isinstance(start_line, int) or start_side not in ("LEFT", "RIGHT"):
            raise _Unresolvable("Start line could not be resolved")
        if start_side == side and start_line >= line:
            raise _Unresolvable("Pull request review thread start line must precede the end line")
        start_hunk = patch.hunk_for(start_side, start_line)
        if start_hunk is None:
            raise _Unresolvable("Start line could not be resolved")
        if start_hunk is not hunk:
            raise _Unresolvable(
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


def _store_comment(
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
    change = _files_at(repo, pr, head).get(comment.path)
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


@api.post("/repos/{owner}/{repo}/pulls/{number:int}/reviews", permission=("pull_requests", "write"))
def create_review(ctx: Ctx) -> Any:
    repo = ctx.repo()
    pr = pull_or_404(repo, ctx.params["number"])
    body = ctx.json_body()
    event = body.get("event")
    text = body.get("body")
    comments = body.get("comments") or []
    if event is not None and event not in EVENT_STATES:
        raise invalid_request(
            f'For \'properties/event\', "{event}" is not one of ["APPROVE", "REQUEST_CHANGES", "COMMENT"].',
            REVIEW_DOC,
        )
    if text is not None and not isinstance(text, str):
        raise invalid_request(f"For 'properties/body', {text!r} is not a string.", REVIEW_DOC)
    if not isinstance(comments, list) or not all(isinstance(c, dict) for c in comments):
        raise invalid_request("For 'properties/comments', is not an array of objects.", REVIEW_DOC)
    if text is not None and len(text) > MAX_BODY:
        raise unprocessable(f"Body is too long (maximum is {MAX_BODY} characters)", REVIEW_DOC)
    if event == "REQUEST_CHANGES" and not text:
        raise unprocessable("Review body is required when requesting changes", REVIEW_DOC)
    if event == "COMMENT" and not text and not comments:
        raise unprocessable("Review Comment is missing and body is required for COMMENT reviews", REVIEW_DOC)
    if _pending_of(ctx, _viewer(ctx), repo, pr) is not None:
        raise unprocessable(ONE_PENDING, REVIEW_DOC)
    commit_id = _commit_in_pr(repo, pr, body.get("commit_id") or pr.head_sha)
    files = _files_at(repo, pr, commit_id)
    anchors: list[tuple[dict[str, Any], str]] = []
    reasons: list[str] = []
    for spec in comments:
        comment_body = spec.get("body")
        if not isinstance(comment_body, str) or not comment_body:
            raise invalid_request("For 'items', \"body\" wasn't supplied.", REVIEW_DOC)
        if len(comment_body) > MAX_BODY:
            raise unprocessable(f"Body is too long (maximum is {MAX_BODY} characters)", REVIEW_DOC)
        try:
            anchors.append((_anchor(spec, files), comment_body))
        except _Unresolvable as problem:
            if str(problem) not in reasons:
                reasons.append(str(problem))
    if reasons:
        raise ApiError(422, "Unprocessable Entity", reasons, REVIEW_DOC)
    state = EVENT_STATES[event] if event is not None else "PENDING"
    review = Review(
        ctx.sim.state.next_id(),
        repo.id,
        pr.number,
        _viewer(ctx),
        text or "",
        state,
        commit_id,
        None if state == "PENDING" else now(),
    )
    ctx.sim.state.reviews[review.id] = review
    for anchor, comment_body in anchors:
        _store_comment(ctx, repo, pr, review.id, commit_id, anchor, comment_body)
    return ctx.shapes.review(review)


def _review_or_404(ctx: Ctx, repo: Repo, pr: PullRequest) -> Review:
    review = ctx.sim.state.reviews.get(ctx.params["review_id"])
    if (
        review is None
        or review.repo_id != repo.id
        or review.pr_number != pr.number
        or _hidden(review, _viewer(ctx))
    ):
        raise not_found()
    return review


@api.get("/repos/{owner}/{repo}/pulls/{number:int}/reviews", permission=("pull_requests", "read"))
def list_reviews(ctx: Ctx) -> Any:
    repo = ctx.repo()
    pr = pull_or_404(repo, ctx.params["number"])
    viewer = _viewer(ctx)
    reviews = [
        r
        for r in ctx.sim.state.reviews.values()
        if r.repo_id == repo.id and r.pr_number == pr.number and not _hidden(r, viewer)
    ]
    return ctx.page([ctx.shapes.review(r) for r in sorted(reviews, key=lambda r: r.id)])


@api.get(
    "/repos/{owner}/{repo}/pulls/{number:int}/reviews/{review_id:int}", permission=("pull_requests", "read")
)
def get_review(ctx: Ctx) -> Any:
    repo = ctx.repo()
    pr = pull_or_404(repo, ctx.params["number"])
    return ctx.shapes.review(_review_or_404(ctx, repo, pr))


@api.post(
    "/repos/{owner}/{repo}/pulls/{number:int}/reviews/{review_id:int}/events",
    permission=("pull_requests", "write"),
)
def submit_review(ctx: Ctx) -> Any:
    repo = ctx.repo()
    pr = pull_or_404(repo, ctx.params["number"])
    review = _review_or_404(ctx, repo, pr)
    body = ctx.json_body()
    event = body.get("event")
    if review.state != "PENDING":
        raise unprocessable("Can not submit a review that is not pending", REVIEW_DOC)
    if event not in EVENT_STATES:
        raise invalid_request(
            f"For 'properties/event', {event!r} is not one of the allowed values.", REVIEW_DOC
        )
    if isinstance(body.get("body"), str):
        review.body = body["body"]
    review.state = EVENT_STATES[event]
    review.submitted_at = now()
    return ctx.shapes.review(review)


@api.delete(
    "/repos/{owner}/{repo}/pulls/{number:int}/reviews/{review_id:int}", permission=("pull_requests", "write")
)
def delete_pending_review(ctx: Ctx) -> Any:
    repo = ctx.repo()
    pr = pull_or_404(repo, ctx.params["number"])
    review = _review_or_404(ctx, repo, pr)
    if review.state != "PENDING":
        raise unprocessable("Can not delete a non-pending pull request review", REVIEW_DOC)
    shaped = ctx.shapes.review(review)
    del ctx.sim.state.reviews[review.id]
    for cid in [c.id for c in ctx.sim.state.review_comments.values() if c.review_id == review.id]:
        del ctx.sim.state.review_comments[cid]
    return shaped


@api.get(
    "/repos/{owner}/{repo}/pulls/{number:int}/reviews/{review_id:int}/comments",
    permission=("pull_requests", "read"),
)
def list_review_comments_of_review(ctx: Ctx) -> Any:
    repo = ctx.repo()
    pr = pull_or_404(repo, ctx.params["number"])
    review = _review_or_404(ctx, repo, pr)
    comments = [c for c in ctx.sim.state.review_comments.values() if c.review_id == review.id]
    return _page_of_comments(ctx, repo, pr, comments)


def _page_of_comments(ctx: Ctx, repo: Any, pr: Any, comments: list[Any]) -> Any:
    """Comments as GitHub lists them: lines re-resolved against the PR's current diff, oldest first."""
    for comment in comments:
        refresh_comment(repo, pr, comment)
    return ctx.page([ctx.shapes.review_comment(c) for c in sorted(comments, key=lambda c: c.id)])


@api.get("/repos/{owner}/{repo}/pulls/{number:int}/comments", permission=("pull_requests", "read"))
def list_pr_review_comments(ctx: Ctx) -> Any:
    repo = ctx.repo()
    pr = pull_or_404(repo, ctx.params["number"])
    viewer = _viewer(ctx)
    reviews = ctx.sim.state.reviews
    comments = [
        c
        for c in ctx.sim.state.review_comments.values()
        if c.repo_id == repo.id
        and c.pr_number == pr.number
        and not _hidden(reviews.get(c.review_id) if c.review_id is not None else None, viewer)
    ]
    return _page_of_comments(ctx, repo, pr, comments)


@api.post("/repos/{owner}/{repo}/pulls/{number:int}/comments", permission=("pull_requests", "write"))
def create_review_comment(ctx: Ctx) -> Any:
    """Single comment: GitHub wraps it in its own COMMENTED review."""
    repo = ctx.repo()
    pr = pull_or_404(repo, ctx.params["number"])
    body = ctx.json_body()
    if _pending_of(ctx, _viewer(ctx), repo, pr) is not None:
        raise invalid(
            "user_id",
            "PullRequestReview",
            "custom",
            "user_id can only have one pending review per pull request",
            COMMENT_DOC,
        )
    text = body.get("body")
    if not isinstance(text, str) or not text:
        raise invalid("body", "PullRequestReviewComment", "missing_field", doc=COMMENT_DOC)
    check_body_length(text, "PullRequestReviewComment")
    reply_to = body.get("in_reply_to")
    if reply_to is not None:
        parent = ctx.sim.state.review_comments.get(reply_to)
        if (
            parent is None
            or parent.repo_id != repo.id
            or parent.pr_number != pr.number
            or ctx.sim.state.in_pending_review(parent)
        ):
            raise not_found(COMMENT_DOC)
        anchor = {
            "path": parent.path,
            "line": parent.line,
            "side": parent.side,
            "start_line": parent.start_line,
            "start_side": parent.start_side,
            "position": parent.position,
            "diff_hunk": parent.diff_hunk,
            "subject_type": parent.subject_type,
        }
        commit_id = parent.commit_id
    else:
        commit_raw = body.get("commit_id")
        if not isinstance(commit_raw, str):
            raise invalid("commit_id", "PullRequestReviewComment", "missing_field", doc=COMMENT_DOC)
        commit_id = _commit_in_pr(repo, pr, commit_raw)
        try:
            anchor = _anchor(body, _files_at(repo, pr, commit_id))
        except _Unresolvable as problem:
            field = (
                "pull_request_review_thread.path"
                if "Path" in str(problem)
                else "pull_request_review_thread.line"
            )
            raise invalid(
                field, "PullRequestReviewComment", "custom", "could not be resolved", COMMENT_DOC
            ) from None
    review = Review(
        ctx.sim.state.next_id(), repo.id, pr.number, _viewer(ctx), "", "COMMENTED", commit_id, now()
    )
    ctx.sim.state.reviews[review.id] = review
    comment = _store_comment(ctx, repo, pr, review.id, commit_id, anchor, text, reply_to)
    return Reply(ctx.shapes.review_comment(comment), 201)


def _comment_or_404(ctx: Ctx, repo: Repo, *, pending_ok: bool = False) -> ReviewComment:
    """A pending comment answers 404 to everyone.

    Only DELETE reaches it (`pending_ok`), and only for its author.
    """
    comment = ctx.sim.state.review_comments.get(ctx.params["comment_id"])
    if comment is None or comment.repo_id != repo.id:
        raise not_found("https://docs.github.com/rest/pulls/comments")
    review = ctx.sim.state.reviews.get(comment.review_id) if comment.review_id is not None else None
    if _hidden(review, _viewer(ctx)) or (ctx.sim.state.in_pending_review(comment) and not pending_ok):
        raise not_found("https://docs.github.com/rest/pulls/comments")
    return comment


@api.get("/repos/{owner}/{repo}/pulls/comments/{comment_id:int}", permission=("pull_requests", "read"))
def get_review_comment(ctx: Ctx) -> Any:
    repo = ctx.repo()
    comment = _comment_or_404(ctx, repo)
    refresh_comment(repo, repo.pulls[comment.pr_number], comment)
    return ctx.shapes.review_comment(comment)


@api.patch("/repos/{owner}/{repo}/pulls/comments/{comment_id:int}", permission=("pull_requests", "write"))
def edit_review_comment(ctx: Ctx) -> Any:
    repo = ctx.repo()
    comment = _comment_or_404(ctx, repo)
    text = ctx.json_body().get("body")
    if not isinstance(text, str) or not text:
        raise invalid("body", "PullRequestReviewComment", "missing_field", doc=COMMENT_DOC)
    check_body_length(text, "PullRequestReviewComment")
    comment.body = text
    comment.updated_at = now()
    return ctx.shapes.review_comment(comment)


@api.delete("/repos/{owner}/{repo}/pulls/comments/{comment_id:int}", permission=("pull_requests", "write"))
def delete_review_comment(ctx: Ctx) -> Any:
    repo = ctx.repo()
    comment = _comment_or_404(ctx, repo, pending_ok=True)
    del ctx.sim.state.review_comments[comment.id]
    return Reply(status=204)


@api.post(
    "/repos/{owner}/{repo}/pulls/comments/{comment_id:int}/reactions", permission=("pull_requests", "write")
)
def react_to_review_comment(ctx: Ctx) -> Any:
    repo = ctx.repo()
    comment = _comment_or_404(ctx, repo)
    return add_reaction(ctx, ("pull_comment", comment.id))


def add_reaction(ctx: Ctx, subject: tuple[str, int]) -> Reply:
    """201 for a new reaction, 200 when this user already left the same one."""
    content = ctx.json_body().get("content")
    if content not in REACTIONS:
        raise invalid(
            "content", "Reaction", "invalid", doc="https://docs.github.com/rest/reactions/reactions"
        )
    user = ctx.sim.state.bot
    for existing in ctx.sim.state.reactions:
        if existing.subject == subject and existing.user.id == user.id and existing.content == content:
            return Reply(ctx.shapes.reaction(existing), 200)
    reaction = Reaction(ctx.sim.state.next_id(), subject, user, content, now())
    ctx.sim.state.reactions.append(reaction)
    return Reply(ctx.shapes.reaction(reaction), 201)
