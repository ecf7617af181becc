"""Repository metadata, file contents, git trees/blobs, commits and compare."""

from __future__ import annotations

import base64
import json
from typing import Any

from ghsim.errors import ApiError, not_found
from ghsim.git import FILE_MODE, TREE_MODE
from ghsim.repository import Repo
from ghsim.routing import Ctx, EndpointSet, Reply
from ghsim.shapes_contents import encode_base64_lines

api = EndpointSet()
CONTENTS_INLINE_LIMIT = 1024 * 1024
MAX_COMPARE_COMMITS = 250
MAX_COMPARE_FILES = 300
ROLE_TO_PERMISSION = {
    "admin": "admin",
    "maintain": "write",
    "write": "write",
    "triage": "read",
    "read": "read",
    "none": "none",
}


def _wants_raw(ctx: Ctx) -> bool:
    return "raw" in ctx.request.headers.get("accept", "")


def _commit_for(ctx: Ctx, repo: Repo, ref: str | None) -> str:
    ref = ref or repo.default_branch
    sha = repo.resolve(ref)
    if sha is None:
        raise ApiError(404, f"No commit found for the ref {ref}")
    return sha


@api.get("/repos/{owner}/{repo}", permission=("metadata", "read"))
def get_repo(ctx: Ctx) -> Any:
    return ctx.shapes.full_repository(ctx.repo())


@api.get("/repos/{owner}/{repo}/contents", permission=("contents", "read"))
def get_root_contents(ctx: Ctx) -> Any:
    return _contents(ctx, "")


@api.get("/repos/{owner}/{repo}/contents/{path:path}", permission=("contents", "read"))
def get_contents(ctx: Ctx) -> Any:
    return _contents(ctx, ctx.params["path"].strip("/"))


def _contents(ctx: Ctx, path: str) -> Any:
    repo = ctx.repo()
    ref = ctx.query.get("ref") or repo.default_branch
    sha = _commit_for(ctx, repo, ref)
    commit = repo.objects.commits[sha]
    blob = commit.files.get(path)
    if blob is not None:
        data = repo.objects.blobs[blob]
        if _wants_raw(ctx):
            return Reply(raw=data, media_type="application/vnd.github.raw")
        return ctx.shapes.content_file(repo, path, ref, blob, data, CONTENTS_INLINE_LIMIT)
    tree = repo.objects.tree_at(commit, path)
    if tree is None:
        raise not_found("https://docs.github.com/rest/repos/contents#get-repository-content")
    entries = []
    for item in repo.objects.trees[tree]:
        child = f"{path}/{item.name}" if path else item.name
        if item.kind == "blob":
            entries.append(
                ctx.shapes.content_entry(
                    repo, child, ref, item.sha, "file", len(repo.objects.blobs[item.sha])
                )
            )
        else:
            entries.append(ctx.shapes.content_entry(repo, child, ref, item.sha, "dir", 0))
    return entries


@api.get("/repos/{owner}/{repo}/git/trees/{tree_sha:path}", permission=("contents", "read"))
def get_tree(ctx: Ctx) -> Any:
    repo = ctx.repo()
    wanted = ctx.params["tree_sha"]
    tree = wanted if wanted in repo.objects.trees else None
    if tree is None:
        commit_sha = repo.resolve(wanted)
        if commit_sha is None:
            raise not_found("https://docs.github.com/rest/git/trees#get-a-tree")
        tree = repo.objects.commits[commit_sha].tree
    base = ctx.shapes.repo_url(repo)
    # GitHub recurses for any value given, "0" and "false" included; only leaving it out lists one level.
    recursive = "recursive" in ctx.query
    if recursive:
        listing = repo.objects.walk_tree(tree)
    else:
        listing = [(item.name, item) for item in repo.objects.trees[tree]]
    entries: list[dict[str, Any]] = []
    size = 0
    truncated = False
    for path, item in listing:
        entry: dict[str, Any] = {
            "path": path,
            "mode": FILE_MODE if item.kind == "blob" else TREE_MODE,
            "type": item.kind,
            "sha": item.sha,
        }
        if item.kind == "blob":
            entry["size"] = len(repo.objects.blobs[item.sha])
            entry["url"] = f"{base}/git/blobs/{item.sha}"
        else:
            entry["url"] = f"{base}/git/trees/{item.sha}"
        size += len(json.dumps(entry, separators=(",", ":"))) + 1
        if recursive and (len(entries) >= ctx.sim.tree_entry_limit or size > ctx.sim.tree_size_limit):
            truncated = True
            break
        entries.append(entry)
    return {"sha": tree, "url": f"{base}/git/trees/{tree}", "tree": entries, "truncated": truncated}


@api.get("/repos/{owner}/{repo}/git/blobs/{blob_sha}", permission=("contents", "read"))
def get_blob(ctx: Ctx) -> Any:
    repo = ctx.repo()
    sha = ctx.params["blob_sha"]
    data = repo.objects.blobs.get(sha)
    if data is None:
        raise not_found("https://docs.github.com/rest/git/blobs#get-a-blob")
    if _wants_raw(ctx):
        return Reply(raw=data, media_type="application/vnd.github.raw")
    return {
        "sha": sha,
        "node_id": base64.b64encode(f"Blob:{sha}".encode()).decode(),
        "size": len(data),
        "url": f"{ctx.shapes.repo_url(repo)}/git/blobs/{sha}",
        "content": encode_base64_lines(data),
        "encoding": "base64",
    }


@api.get("/repos/{owner}/{repo}/commits/{ref}", permission=("contents", "read"))
def get_commit(ctx: Ctx) -> Any:
    repo = ctx.repo()
    sha = repo.resolve(ctx.params["ref"])
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {ctx.params['ref']}")
    commit = repo.objects.commits[sha]
    out = ctx.shapes.commit(repo, commit)
    parent = commit.parents[0] if commit.parents else None
    changes = repo.diff(parent, sha)
    additions = sum(c.patch.additions for c in changes)
    deletions = sum(c.patch.deletions for c in changes)
    out["stats"] = {"total": additions + deletions, "additions": additions, "deletions": deletions}
    out["files"] = [ctx.shapes.diff_entry(repo, c, sha) for c in changes[:MAX_COMPARE_FILES]]
    return out


@api.get("/repos/{owner}/{repo}/compare/{basehead:path}", permission=("contents", "read"))
def compare(ctx: Ctx) -> Any:
    repo = ctx.repo()
    spec = ctx.params["basehead"]
    base_ref, sep, head_ref = spec.partition("...")
    if not sep:
        base_ref, sep, head_ref = spec.partition("..")
    if not sep:
        raise not_found()
    base, head = repo.resolve(base_ref), repo.resolve(head_ref)
    if base is None or head is None:
        raise not_found("https://docs.github.com/rest/commits/commits#compare-two-commits")
    merge_base = repo.objects.merge_base(base, head) or base
    ahead = repo.objects.commits_between(base, head)
    behind = repo.objects.commits_between(head, base)
    status = "identical" if base == head else "ahead" if not behind else "behind" if not ahead else "diverged"
    changes = repo.diff(merge_base, head)
    shapes = ctx.shapes
    html = f"https://github.com/{repo.full_name}/compare/{spec}"
    return {
        "url": f"{shapes.repo_url(repo)}/compare/{spec}",
        "html_url": html,
        "permalink_url": f"https://github.com/{repo.full_name}/compare/{base}...{head}",
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "base_commit": shapes.commit(repo, repo.objects.commits[base]),
        "merge_base_commit": shapes.commit(repo, repo.objects.commits[merge_base]),
        "status": status,
        "ahead_by": len(ahead),
        "behind_by": len(behind),
        "total_commits": len(ahead),
        "commits": [shapes.commit(repo, c) for c in ahead[:MAX_COMPARE_COMMITS]],
        "files": [shapes.diff_entry(repo, c, head) for c in changes[:MAX_COMPARE_FILES]],
    }


@api.get("/repos/{owner}/{repo}/collaborators/{username}/permission", permission=("metadata", "read"))
def collaborator_permission(ctx: Ctx) -> Any:
    repo = ctx.repo()
    login = ctx.params["username"]
    user = ctx.sim.state.users.get(login.lower())
    if user is None:
        raise ApiError(404, f"{login} is not a user")
    role = ctx.sim.state.permission(repo, user.login)
    collaborator = dict(ctx.shapes.user(user))
    collaborator["role_name"] = role
    collaborator["permissions"] = {
        "admin": role == "admin",
        "maintain": role in ("admin", "maintain"),
        "push": role in ("admin", "maintain", "write"),
        "triage": role in ("admin", "maintain", "write", "triage"),
        "pull": role != "none",
    }
    return {"permission": ROLE_TO_PERMISSION[role], "role_name": role, "user": collaborator}
