"""Who sees a pending review: only its author, until it is submitted or deleted.

A review created without ``event`` is PENDING; to anyone else it and its
comments do not exist (left out of listings, 404 when fetched or edited one by
one). A user holds at most one pending review per pull request. The bot
probes a review this way before posting it, so the review and the review
comment endpoints apply the same rule, from here.
"""

from __future__ import annotations

from ghsim.models import Review, User
from ghsim.repository import PullRequest, Repo
from ghsim.routing import Ctx


def viewer_of(ctx: Ctx) -> User:
    """Who is asking: every installation token acts as the App's bot."""
    return ctx.sim.state.bot


def hidden(review: Review | None, viewer: User) -> bool:
    """A pending review exists only for its author."""
    return review is not None and review.state == "PENDING" and review.user.id != viewer.id


def pending_of(ctx: Ctx, user: User, repo: Repo, pr: PullRequest) -> Review | None:
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
