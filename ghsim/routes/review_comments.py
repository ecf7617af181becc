"""Review comments on their own: listed, created one at a time (or as replies), fetched, edited, deleted
and reacted to.

A comment created here is validated like one in a review and wrapped in a
COMMENTED review of its own; a reply takes its parent's place. Every listing
re-anchors comments against the PR's current head, as GitHub does.
"""

from __future__ import annotations

from typing import Any

from ghsim.errors import invalid, not_found
from ghsim.models import Review, ReviewComment
from ghsim.repository import Repo
from ghsim.routes.common import check_body_length, pull_or_404
from ghsim.routes.pending_reviews import hidden, pending_of, viewer_of
from ghsim.routes.reactions import add_reaction
from ghsim.routes.review_anchors import (
    Unresolvable,
    anchor_comment,
    commit_in_pr,
    files_at,
    refresh_comment,
    store_comment,
)
from ghsim.routing import Ctx, EndpointSet, Reply
from ghsim.util import now

api = EndpointSet()
COMMENT_DOC = "https://docs.github.com/rest/pulls/comments#create-a-review-comment-for-a-pull-request"


def page_of_comments(ctx: Ctx, repo: Any, pr: Any, comments: list[Any]) -> Any:
    """Comments as GitHub lists them: lines re-resolved against the PR's current diff, oldest first."""
    for comment in comments:
        refresh_comment(repo, pr, comment)
    return ctx.page([ctx.shapes.review_comment(c) for c in sorted(comments, key=lambda c: c.id)])


@api.get("/repos/{owner}/{repo}/pulls/{number:int}/comments", permission=("pull_requests", "read"))
def list_pr_review_comments(ctx: Ctx) -> Any:
    repo = ctx.repo()
    pr = pull_or_404(repo, ctx.params["number"])
    viewer = viewer_of(ctx)
    reviews = ctx.sim.state.reviews
    comments = [
        c
        for c in ctx.sim.state.review_comments.values()
        if c.repo_id == repo.id
        and c.pr_number == pr.number
        and not hidden(reviews.get(c.review_id) if c.review_id is not None else None, viewer)
    ]
    return page_of_comments(ctx, repo, pr, comments)


@api.post("/repos/{owner}/{repo}/pulls/{number:int}/comments", permission=("pull_requests", "write"))
def create_review_comment(ctx: Ctx) -> Any:
    """Single comment: GitHub wraps it in its own COMMENTED review."""
    repo = ctx.repo()
    pr = pull_or_404(repo, ctx.params["number"])
    body = ctx.json_body()
    if pending_of(ctx, viewer_of(ctx), repo, pr) is not None:
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
        commit_id = commit_in_pr(repo, pr, commit_raw)
        try:
            anchor = anchor_comment(body, files_at(repo, pr, commit_id))
        except Unresolvable as problem:
            field = (
                "pull_request_review_thread.path"
                if "Path" in str(problem)
                else "pull_request_review_thread.line"
            )
            raise invalid(
                field, "PullRequestReviewComment", "custom", "could not be resolved", COMMENT_DOC
            ) from None
    review = Review(
        ctx.sim.state.next_id(), repo.id, pr.number, viewer_of(ctx), "", "COMMENTED", commit_id, now()
    )
    ctx.sim.state.reviews[review.id] = review
    comment = store_comment(ctx, repo, pr, review.id, commit_id, anchor, text, reply_to)
    return Reply(ctx.shapes.review_comment(comment), 201)


def _comment_or_404(ctx: Ctx, repo: Repo, *, pending_ok: bool = False) -> ReviewComment:
    """A pending comment answers 404 to everyone.

    Only DELETE reaches it (`pending_ok`), and only for its author.
    """
    comment = ctx.sim.state.review_comments.get(ctx.params["comment_id"])
    if comment is None or comment.repo_id != repo.id:
        raise not_found("https://docs.github.com/rest/pulls/comments")
    review = ctx.sim.state.reviews.get(comment.review_id) if comment.review_id is not None else None
    if hidden(review, viewer_of(ctx)) or (ctx.sim.state.in_pending_review(comment) and not pending_ok):
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
