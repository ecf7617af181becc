"""Pull request objects in their three sizes: the full one, the list endpoint's, and the minimal one
embedded in check suites and runs.

Which fields each size drops is a rule of its own (GitHub's list endpoint
omits merge state and diff statistics), and the conformance checks catch the
simulator drifting from it; keeping the three together keeps that rule in one
place.
"""

from __future__ import annotations

from ghsim.repository import PullRequest
from ghsim.shapes_repos import HTML, Json, RepoShapes
from ghsim.util import iso, node_id

# Fields of a pull request that only `GET /repos/{owner}/{repo}/pulls/{number}` gives.
_FULL_PULL_ONLY = (
    "merged",
    "mergeable",
    "rebaseable",
    "mergeable_state",
    "merged_by",
    "comments",
    "review_comments",
    "maintainer_can_modify",
    "commits",
    "additions",
    "deletions",
    "changed_files",
)


class PullShapes(RepoShapes):
    """The shapes of pull requests."""

    def _pr_ref(self, pr: PullRequest, ref: str, sha: str) -> Json:
        repo = pr.repo
        return {
            "label": f"{repo.owner.login}:{ref}",
            "ref": ref,
            "sha": sha,
            "user": self.user(repo.owner),
            "repo": self.repository(repo),
        }

    def pull_request(self, pr: PullRequest) -> Json:
        repo = pr.repo
        r = self.repo_url(repo)
        u = f"{r}/pulls/{pr.number}"
        h = f"{HTML}/{repo.full_name}/pull/{pr.number}"
        files = pr.files()
        comments = sum(
            1 for c in self.state.issue_comments.values() if c.repo_id == repo.id and c.number == pr.number
        )
        review_comments = sum(
            1
            for c in self.state.review_comments.values()
            if c.repo_id == repo.id and c.pr_number == pr.number and not self.state.in_pending_review(c)
        )
        out: Json = {
            "url": u,
            "id": pr.id,
            "node_id": node_id("PR", pr.id),
            "html_url": h,
            "diff_url": f"{h}.diff",
            "patch_url": f"{h}.patch",
            "issue_url": f"{r}/issues/{pr.number}",
            "commits_url": f"{u}/commits",
            "review_comments_url": f"{u}/comments",
            "review_comment_url": f"{r}/pulls/comments{{/number}}",
            "comments_url": f"{r}/issues/{pr.number}/comments",
            "statuses_url": f"{r}/statuses/{pr.head_sha}",
            "number": pr.number,
            "state": pr.state,
            "locked": False,
            "title": pr.title,
            "user": self.user(pr.user),
            "body": pr.body,
            "labels": [],
            "milestone": None,
            "active_lock_reason": None,
            "created_at": iso(pr.created_at),
            "updated_at": iso(pr.updated_at),
            "closed_at": iso(pr.closed_at),
            "merged_at": iso(pr.merged_at),
            "merge_commit_sha": pr.merge_commit_sha,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [],
            "requested_teams": [],
            "head": self._pr_ref(pr, pr.head_ref, pr.head_sha),
            "base": self._pr_ref(pr, pr.base_ref, pr.base_sha),
            "_links": {
                "self": _link(u),
                "html": _link(h),
                "issue": _link(f"{r}/issues/{pr.number}"),
                "comments": _link(f"{r}/issues/{pr.number}/comments"),
                "review_comments": _link(f"{u}/comments"),
                "review_comment": _link(f"{r}/pulls/comments{{/number}}"),
                "commits": _link(f"{u}/commits"),
                "statuses": _link(f"{r}/statuses/{pr.head_sha}"),
            },
            "author_association": self.state.association(repo, pr.user),
            "auto_merge": None,
            "draft": pr.draft,
            "merged": pr.merged,
            "mergeable": None if pr.merged else True,
            "rebaseable": None if pr.merged else True,
            "mergeable_state": "unknown" if pr.merged else "clean",
            "merged_by": self.user(repo.owner) if pr.merged else None,
            "comments": comments,
            "review_comments": review_comments,
            "maintainer_can_modify": False,
            "commits": len(pr.commits()),
            "additions": sum(f.patch.additions for f in files),
            "deletions": sum(f.patch.deletions for f in files),
            "changed_files": len(files),
        }
        if self.latest:
            del out["merge_commit_sha"], out["assignee"]
        return out

    def pull_request_simple(self, pr: PullRequest) -> Json:
        """A PR as the list endpoint gives it: no merge state, counts or diff statistics."""
        out = self.pull_request(pr)
        for key in _FULL_PULL_ONLY:
            del out[key]
        return out

    def pull_request_minimal(self, pr: PullRequest) -> Json:
        repo = pr.repo
        brief = {"id": repo.id, "url": self.repo_url(repo), "name": repo.name}
        return {
            "url": f"{self.repo_url(repo)}/pulls/{pr.number}",
            "id": pr.id,
            "number": pr.number,
            "head": {"ref": pr.head_ref, "sha": pr.head_sha, "repo": brief},
            "base": {"ref": pr.base_ref, "sha": pr.base_sha, "repo": brief},
        }


def _link(href: str) -> dict[str, str]:
    """One entry of a pull request's `_links`."""
    return {"href": href}
