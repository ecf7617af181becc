"""Pull request reviews: created (with their comments, all or none), listed, fetched, submitted and
deleted while pending.

One comment GitHub cannot anchor rejects the whole review, and nothing is
stored; a review without ``event`` stays PENDING and visible to its author
alone, and while it exists GitHub refuses every other review or review
comment that user creates on the pull request.
"""

from __future__ import annotations

from typing import Any

from ghsim.errors import ApiError, invalid_request, not_found, unprocessable
from ghsim.models import Review
from ghsim.repository import PullRequest, Repo
from ghsim.routes.common import MAX_BODY, pull_or_404
from ghsim.routes.pending_reviews import hidden, pending_of, viewer_of
from ghsim.routes.review_anchors import (
    REVIEW_DOC,
    Unresolvable,
    anchor_comment,
    commit_in_pr,
    files_at,
    store_comment,
)
from ghsim.routes.review_comments import page_of_comments
from ghsim.routing import Ctx, EndpointSet
from ghsim.util import now

api = EndpointSet()
EVENT_STATES = {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED"}
ONE_PENDING = "User can only have one pending review per pull request"


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
    if pending_of(ctx, viewer_of(ctx), repo, pr) is not None:
        raise unprocessable(ONE_PENDING, REVIEW_DOC)
    commit_id = commit_in_pr(repo, pr, body.get("commit_id") or pr.head_sha)
    files = files_at(repo, pr, commit_id)
    anchors: list[tuple[dict[str, Any], str]] = []
    reasons: list[str] = []
    for spec in comments:
        comment_body = spec.get("body")
        if not isinstance(comment_body, str) or not comment_body:
            raise invalid_request("For 'items', \"body\" wasn't supplied.", REVIEW_DOC)
        if len(comment_body) > MAX_BODY:
            raise unprocessable(f"Body is too long (maximum is {MAX_BODY} characters)", REVIEW_DOC)
        try:
            anchors.append((anchor_comment(spec, files), comment_body))
        except Unresolvable as problem:
            if str(problem) not in reasons:
                reasons.append(str(problem))
    if reasons:
        raise ApiError(422, "Unprocessable Entity", reasons, REVIEW_DOC)
    state = EVENT_STATES[event] if event is not None else "PENDING"
    review = Review(
        ctx.sim.state.next_id(),
        repo.id,
        pr.number,
        viewer_of(ctx),
        text or "",
        state,
        commit_id,
        None if state == "PENDING" else now(),
    )
    ctx.sim.state.reviews[review.id] = review
    for anchor, comment_body in anchors:
        store_comment(ctx, repo, pr, review.id, commit_id, anchor, comment_body)
    return ctx.shapes.review(review)


def _review_or_404(ctx: Ctx, repo: Repo, pr: PullRequest) -> Review:
    review = ctx.sim.state.reviews.get(ctx.params["review_id"])
    if (
        review is None
        or review.repo_id != repo.id
        or review.pr_number != pr.number
        or hidden(review, viewer_of(ctx))
    ):
        raise not_found()
    return review


@api.get("/repos/{owner}/{repo}/pulls/{number:int}/reviews", permission=("pull_requests", "read"))
def list_reviews(ctx: Ctx) -> Any:
    repo = ctx.repo()
    pr = pull_or_404(repo, ctx.params["number"])
    viewer = viewer_of(ctx)
    reviews = [
        r
        for r in ctx.sim.state.reviews.values()
        if r.repo_id == repo.id and r.pr_number == pr.number and not hidden(r, viewer)
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
    return page_of_comments(ctx, repo, pr, comments)
