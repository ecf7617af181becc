"""Issue comments on pull requests (the conversation tab) and their reactions."""

from __future__ import annotations

from typing import Any

from ghsim.errors import invalid, not_found
from ghsim.models import IssueComment
from ghsim.repository import Repo
from ghsim.routes.common import check_body_length, parse_time, pull_or_404
from ghsim.routes.reactions import add_reaction
from ghsim.routing import Ctx, EndpointSet, Reply
from ghsim.util import now

api = EndpointSet()
DOC = "https://docs.github.com/rest/issues/comments"
WRITE = ("issues|pull_requests", "write")
READ = ("issues|pull_requests", "read")


def _body(ctx: Ctx) -> str:
    text = ctx.json_body().get("body")
    if not isinstance(text, str) or not text:
        raise invalid("body", "IssueComment", "missing_field", doc=DOC)
    check_body_length(text, "IssueComment")
    return text


@api.post("/repos/{owner}/{repo}/issues/{number:int}/comments", permission=WRITE)
def create_comment(ctx: Ctx) -> Any:
    repo = ctx.repo()
    pr = pull_or_404(repo, ctx.params["number"])
    comment = ctx.sim.state.add_issue_comment(repo, pr.number, _body(ctx), ctx.sim.state.bot)
    return Reply(ctx.shapes.issue_comment(comment), 201)


@api.get("/repos/{owner}/{repo}/issues/{number:int}/comments", permission=READ)
def list_comments(ctx: Ctx) -> Any:
    repo = ctx.repo()
    pr = pull_or_404(repo, ctx.params["number"])
    since = parse_time(ctx.query.get("since"), "since")
    comments = [
        c
        for c in ctx.sim.state.issue_comments.values()
        if c.repo_id == repo.id and c.number == pr.number and (since is None or c.updated_at >= since)
    ]
    return ctx.page([ctx.shapes.issue_comment(c) for c in sorted(comments, key=lambda c: c.id)])


def _comment_or_404(ctx: Ctx, repo: Repo) -> IssueComment:
    comment = ctx.sim.state.issue_comments.get(ctx.params["comment_id"])
    if comment is None or comment.repo_id != repo.id:
        raise not_found(DOC)
    return comment


@api.get("/repos/{owner}/{repo}/issues/comments/{comment_id:int}", permission=READ)
def get_comment(ctx: Ctx) -> Any:
    return ctx.shapes.issue_comment(_comment_or_404(ctx, ctx.repo()))


@api.patch("/repos/{owner}/{repo}/issues/comments/{comment_id:int}", permission=WRITE)
def edit_comment(ctx: Ctx) -> Any:
    comment = _comment_or_404(ctx, ctx.repo())
    comment.body = _body(ctx)
    comment.updated_at = now()
    return ctx.shapes.issue_comment(comment)


@api.delete("/repos/{owner}/{repo}/issues/comments/{comment_id:int}", permission=WRITE)
def delete_comment(ctx: Ctx) -> Any:
    comment = _comment_or_404(ctx, ctx.repo())
    del ctx.sim.state.issue_comments[comment.id]
    return Reply(status=204)


@api.post("/repos/{owner}/{repo}/issues/comments/{comment_id:int}/reactions", permission=WRITE)
def react(ctx: Ctx) -> Any:
    comment = _comment_or_404(ctx, ctx.repo())
    return add_reaction(ctx, ("issue_comment", comment.id))


@api.get("/repos/{owner}/{repo}/issues/comments/{comment_id:int}/reactions", permission=READ)
def list_reactions(ctx: Ctx) -> Any:
    comment = _comment_or_404(ctx, ctx.repo())
    content = ctx.query.get("content")
    found = [
        r
        for r in ctx.sim.state.reactions
        if r.subject == ("issue_comment", comment.id) and (content is None or r.content == content)
    ]
    return ctx.page([ctx.shapes.reaction(r) for r in found])
