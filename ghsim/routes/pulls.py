"""Pull requests: metadata, changed files (with patches) and commits."""

from __future__ import annotations

from typing import Any

from ghsim.errors import invalid_request
from ghsim.routes.common import pull_or_404
from ghsim.routing import Ctx, EndpointSet, Reply

api = EndpointSet()
MAX_FILES = 3000
MAX_COMMITS = 250


@api.get("/repos/{owner}/{repo}/pulls", permission=("pull_requests", "read"))
def list_pulls(ctx: Ctx) -> Any:
    repo = ctx.repo()
    state = ctx.query.get("state", "open")
    head = ctx.query.get("head")
    base = ctx.query.get("base")
    sort = ctx.query.get("sort", "created")
    if sort not in ("created", "updated", "popularity", "long-running"):
        raise invalid_request(
            f'For \'sort\', "{sort}" is not one of ["created", "updated", "popularity", "long-running"].',
            "https://docs.github.com/rest/pulls/pulls#list-pull-requests",
        )
    # GitHub: "desc when sort is created or sort is not specified, otherwise asc".
    descending = ctx.query.get("direction", "desc" if sort == "created" else "asc") == "desc"
    order = (
        (lambda p: (p.updated_at, p.number)) if sort == "updated" else (lambda p: (p.created_at, p.number))
    )
    pulls = sorted(repo.pulls.values(), key=order, reverse=descending)
    if state in ("open", "closed"):
        pulls = [p for p in pulls if p.state == state]
    if head:
        owner, _, branch = head.rpartition(":")
        pulls = [
            p
            for p in pulls
            if p.head_ref == branch and (not owner or owner.lower() == repo.owner.login.lower())
        ]
    if base:
        pulls = [p for p in pulls if p.base_ref == base]
    return ctx.page([ctx.shapes.pull_request_simple(p) for p in pulls])


@api.get("/repos/{owner}/{repo}/pulls/{number:int}", permission=("pull_requests", "read"))
def get_pull(ctx: Ctx) -> Any:
    repo = ctx.repo()
    pr = pull_or_404(repo, ctx.params["number"])
    accept = ctx.request.headers.get("accept", "")
    if "diff" in accept or "patch" in accept:
        return Reply(raw=_git_diff(pr).encode(), media_type="text/plain; charset=utf-8")
    return ctx.shapes.pull_request(pr)


def _git_diff(pr: Any) -> str:
    """``application/vnd.github.diff``: the PR as ``git diff`` text."""
    out: list[str] = []
    for change in pr.files():
        old_name = change.previous_filename or change.filename
        out.append(f"diff --git a/{old_name} b/{change.filename}")
        if change.status == "added":
            out.append("new file mode 100644")
        elif change.status == "removed":
            out.append("deleted file mode 100644")
        elif change.status == "renamed":
            out += [f"rename from {old_name}", f"rename to {change.filename}"]
        old_blob = (change.old_blob or "0" * 40)[:7]
        new_blob = (change.new_blob or "0" * 40)[:7]
        if change.patch.binary:
            out.append(f"index {old_blob}..{new_blob}")
            out.append(f"Binary files a/{old_name} and b/{change.filename} differ")
            continue
        text = change.patch.text
        if text is None:
            continue
        mode = " 100644" if change.status in ("modified", "renamed") else ""
        out.append(f"index {old_blob}..{new_blob}{mode}")
        out.append("--- /dev/null" if change.status == "added" else f"--- a/{old_name}")
        out.append("+++ /dev/null" if change.status == "removed" else f"+++ b/{change.filename}")
        out.append(text)
    return "\n".join(out) + ("\n" if out else "")


@api.get("/repos/{owner}/{repo}/pulls/{number:int}/files", permission=("pull_requests", "read"))
def list_files(ctx: Ctx) -> Any:
    repo = ctx.repo()
    pr = pull_or_404(repo, ctx.params["number"])
    changes = pr.files()[:MAX_FILES]
    head = pr.head_sha
    reply = ctx.page(changes)
    reply.body = [ctx.shapes.diff_entry(repo, c, head) for c in reply.body]
    return reply


@api.get("/repos/{owner}/{repo}/pulls/{number:int}/commits", permission=("pull_requests", "read"))
def list_commits(ctx: Ctx) -> Any:
    repo = ctx.repo()
    pr = pull_or_404(repo, ctx.params["number"])
    reply = ctx.page(pr.commits(), cap=MAX_COMMITS)
    reply.body = [ctx.shapes.commit(repo, c) for c in reply.body]
    return reply
