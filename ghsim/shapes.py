"""JSON shapes of GitHub objects, shared by REST responses and webhook payloads.

Webhook payloads embed the same objects the REST API returns, so building
them in one place keeps the two consistent.  Every field githubkit's models
require is present; API urls point at the simulator, html urls at github.com.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from ghsim import versions
from ghsim.git import CommitObject
from ghsim.models import (
    Annotation,
    CheckRun,
    CheckSuite,
    FileChange,
    Installation,
    IssueComment,
    Reaction,
    Review,
    ReviewComment,
    User,
)
from ghsim.repository import PullRequest, Repo
from ghsim.state import State
from ghsim.util import iso, node_id

HTML = "https://github.com"
Json = dict[str, Any]
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


class Shapes:
    """Serialisers bound to one simulator (its state and base URL) and one REST API version."""

    def __init__(self, state: State, api: str, version: str = versions.DEFAULT) -> None:
        self.state = state
        self.api = api.rstrip("/")
        self.version = version
        self._versions: dict[str, Shapes] = {version: self}

    def at(self, version: str) -> Shapes:
        """The same serialisers answering in `version`'s shapes."""
        found = self._versions.get(version)
        if found is None:
            found = self._versions[version] = Shapes(self.state, self.api, version)
        return found

    @property
    def latest(self) -> bool:
        return versions.at_least(self.version, versions.LATEST)

    def user(self, user: User) -> Json:
        u = f"{self.api}/users/{user.login}"
        return {
            "login": user.login,
            "id": user.id,
            "node_id": node_id("U", user.id),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{user.id}?v=4",
            "gravatar_id": "",
            "url": u,
            "html_url": f"{HTML}/{user.login}",
            "followers_url": f"{u}/followers",
            "following_url": f"{u}/following{{/other_user}}",
            "gists_url": f"{u}/gists{{/gist_id}}",
            "starred_url": f"{u}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{u}/subscriptions",
            "organizations_url": f"{u}/orgs",
            "repos_url": f"{u}/repos",
            "events_url": f"{u}/events{{/privacy}}",
            "received_events_url": f"{u}/received_events",
            "type": user.type,
            "user_view_type": "public",
            "site_admin": False,
        }

    def repo_url(self, repo: Repo) -> str:
        return f"{self.api}/repos/{repo.full_name}"

    def repository(self, repo: Repo) -> Json:
        r = self.repo_url(repo)
        h = f"{HTML}/{repo.full_name}"
        open_count = sum(1 for pr in repo.pulls.values() if pr.state == "open")
        out: Json = {
            "id": repo.id,
            "node_id": node_id("R", repo.id),
            "name": repo.name,
            "full_name": repo.full_name,
            "private": repo.private,
            "owner": self.user(repo.owner),
            "html_url": h,
            "description": None,
            "fork": False,
            "url": r,
            "archive_url": f"{r}/{{archive_format}}{{/ref}}",
            "assignees_url": f"{r}/assignees{{/user}}",
            "blobs_url": f"{r}/git/blobs{{/sha}}",
            "branches_url": f"{r}/branches{{/branch}}",
            "collaborators_url": f"{r}/collaborators{{/collaborator}}",
            "comments_url": f"{r}/comments{{/number}}",
            "commits_url": f"{r}/commits{{/sha}}",
            "compare_url": f"{r}/compare/{{base}}...{{head}}",
            "contents_url": f"{r}/contents/{{+path}}",
            "contributors_url": f"{r}/contributors",
            "deployments_url": f"{r}/deployments",
            "downloads_url": f"{r}/downloads",
            "events_url": f"{r}/events",
            "forks_url": f"{r}/forks",
            "git_commits_url": f"{r}/git/commits{{/sha}}",
            "git_refs_url": f"{r}/git/refs{{/sha}}",
            "git_tags_url": f"{r}/git/tags{{/sha}}",
            "git_url": f"git://github.com/{repo.full_name}.git",
            "issue_comment_url": f"{r}/issues/comments{{/number}}",
            "issue_events_url": f"{r}/issues/events{{/number}}",
            "issues_url": f"{r}/issues{{/number}}",
            "keys_url": f"{r}/keys{{/key_id}}",
            "labels_url": f"{r}/labels{{/name}}",
            "languages_url": f"{r}/languages",
            "merges_url": f"{r}/merges",
            "milestones_url": f"{r}/milestones{{/number}}",
            "notifications_url": f"{r}/notifications{{?since,all,participating}}",
            "pulls_url": f"{r}/pulls{{/number}}",
            "releases_url": f"{r}/releases{{/id}}",
            "ssh_url": f"git@github.com:{repo.full_name}.git",
            "stargazers_url": f"{r}/stargazers",
            "statuses_url": f"{r}/statuses/{{sha}}",
            "subscribers_url": f"{r}/subscribers",
            "subscription_url": f"{r}/subscription",
            "tags_url": f"{r}/tags",
            "teams_url": f"{r}/teams",
            "trees_url": f"{r}/git/trees{{/sha}}",
            "clone_url": f"{h}.git",
            "mirror_url": None,
            "hooks_url": f"{r}/hooks",
            "svn_url": h,
            "homepage": None,
            "language": "Python",
            "forks_count": 0,
            "stargazers_count": 0,
            "watchers_count": 0,
            "size": 0,
            "default_branch": repo.default_branch,
            "open_issues_count": open_count,
            "is_template": False,
            "topics": [],
            "has_issues": True,
            "has_projects": True,
            "has_wiki": True,
            "has_pages": False,
            "has_downloads": True,
            "has_discussions": False,
            "archived": False,
            "disabled": False,
            "visibility": "private" if repo.private else "public",
            "pushed_at": iso(repo.pushed_at),
            "created_at": iso(repo.created_at),
            "updated_at": iso(repo.pushed_at),
            "allow_forking": True,
            "web_commit_signoff_required": False,
            "license": None,
            "forks": 0,
            "open_issues": open_count,
            "watchers": 0,
        }
        if self.latest:
            del out["has_downloads"]
        return out

    def full_repository(self, repo: Repo) -> Json:
        """``GET /repos/{owner}/{repo}``: the repository object and the counts only this endpoint gives."""
        return {**self.repository(repo), "subscribers_count": 0, "network_count": 0}

    def repository_brief(self, repo: Repo) -> Json:
        """The small ``repository`` object of installation webhooks."""
        return {
            "id": repo.id,
            "node_id": node_id("R", repo.id),
            "name": repo.name,
            "full_name": repo.full_name,
            "private": repo.private,
        }

    def app(self) -> Json:
        s = self.state
        owner = (
            s.user(s.app_owner)
            if s.app_owner is not None
            else next(iter(s.installations.values())).account
            if s.installations
            else s.user("octo-org", "Organization")
        )
        return {
            "id": s.app_id,
            "slug": s.app_slug,
            "node_id": node_id("A", s.app_id),
            "client_id": f"Iv1.{s.app_id:016x}",
            "owner": self.user(owner),
            "name": s.app_name,
            "description": s.app_description,
            "external_url": s.app_url,
            "html_url": f"{HTML}/apps/{s.app_slug}",
            "created_at": iso(s.app_created_at),
            "updated_at": iso(s.app_created_at),
            "permissions": dict(s.permissions),
            "events": list(s.events),
            "installations_count": len(s.installations),
        }

    def installation(self, inst: Installation) -> Json:
        return {
            "id": inst.id,
            "client_id": f"Iv1.{inst.app_id:016x}",
            "account": self.user(inst.account),
            "repository_selection": inst.repository_selection,
            "access_tokens_url": f"{self.api}/app/installations/{inst.id}/access_tokens",
            "repositories_url": f"{self.api}/installation/repositories",
            "html_url": f"{HTML}/organizations/{inst.account.login}/settings/installations/{inst.id}",
            "app_id": inst.app_id,
            "app_slug": self.state.app_slug,
            "target_id": inst.account.id,
            "target_type": inst.account.type,
            "permissions": dict(inst.permissions),
            "events": list(inst.events),
            "created_at": iso(inst.created_at),
            "updated_at": iso(inst.created_at),
            "single_file_name": None,
            "has_multiple_single_files": False,
            "single_file_paths": [],
            "suspended_by": None,
            "suspended_at": iso(inst.suspended_at),
        }

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

    def diff_entry(self, repo: Repo, change: FileChange, ref: str) -> Json:
        """GitHub escapes the whole file name in these URLs, its slashes too (``src%2Fmain.py``)."""
        escaped = quote(change.filename, safe="")
        entry: Json = {
            "sha": change.new_blob or change.old_blob,
            "filename": change.filename,
            "status": change.status,
            "additions": change.patch.additions,
            "deletions": change.patch.deletions,
            "changes": change.changes,
            "blob_url": f"{HTML}/{repo.full_name}/blob/{ref}/{escaped}",
            "raw_url": f"{HTML}/{repo.full_name}/raw/{ref}/{escaped}",
            "contents_url": f"{self.repo_url(repo)}/contents/{escaped}?ref={ref}",
        }
        if change.patch.text is not None:
            entry["patch"] = change.patch.text
        if change.previous_filename is not None:
            entry["previous_filename"] = change.previous_filename
        return entry

    def git_user(self, commit: CommitObject) -> Json:
        return {"name": commit.author.name, "email": commit.author.email, "date": iso(commit.author.date)}

    def commit(self, repo: Repo, commit: CommitObject) -> Json:
        r = self.repo_url(repo)
        author = self.state.user(commit.login)
        person = self.git_user(commit)
        return {
            "url": f"{r}/commits/{commit.sha}",
            "sha": commit.sha,
            "node_id": node_id("C", commit.sha),
            "html_url": f"{HTML}/{repo.full_name}/commit/{commit.sha}",
            "comments_url": f"{r}/commits/{commit.sha}/comments",
            "commit": {
                "url": f"{r}/git/commits/{commit.sha}",
                "author": person,
                "committer": dict(person),
                "message": commit.message,
                "comment_count": 0,
                "tree": {"sha": commit.tree, "url": f"{r}/git/trees/{commit.tree}"},
                "verification": {
                    "verified": False,
                    "reason": "unsigned",
                    "signature": None,
                    "payload": None,
                    "verified_at": None,
                },
            },
            "author": self.user(author),
            "committer": self.user(author),
            "parents": [
                {"sha": p, "url": f"{r}/commits/{p}", "html_url": f"{HTML}/{repo.full_name}/commit/{p}"}
                for p in commit.parents
            ],
        }

    def check_suite(self, suite: CheckSuite, repo: Repo) -> Json:
        runs = [c for c in self.state.check_runs.values() if c.suite_id == suite.id]
        done = runs and all(c.status == "completed" for c in runs)
        conclusions = [c.conclusion for c in runs if c.conclusion]
        conclusion = None
        if done:
            order = ("action_required", "cancelled", "timed_out", "failure", "neutral", "success", "skipped")
            conclusion = min(conclusions, key=order.index) if conclusions else "success"
        head = repo.objects.commits.get(suite.head_sha)
        prs = [
            self.pull_request_minimal(pr)
            for pr in repo.pulls.values()
            if pr.state == "open" and pr.head_sha == suite.head_sha
        ]
        return {
            "id": suite.id,
            "node_id": node_id("CS", suite.id),
            "head_branch": suite.head_branch,
            "head_sha": suite.head_sha,
            "status": "completed" if done else ("in_progress" if runs else "queued"),
            "conclusion": conclusion,
            "url": f"{self.repo_url(repo)}/check-suites/{suite.id}",
            "before": head.parents[0] if head and head.parents else "0" * 40,
            "after": suite.head_sha,
            "pull_requests": prs,
            "app": self.app(),
            "created_at": iso(suite.created_at),
            "updated_at": iso(suite.created_at),
            "rerequestable": True,
            "runs_rerequestable": True,
            "latest_check_runs_count": len(runs),
            "check_runs_url": f"{self.repo_url(repo)}/check-suites/{suite.id}/check-runs",
            "head_commit": self.head_commit(head) if head else None,
            "repository": self.repository(repo),
        }

    def head_commit(self, commit: CommitObject) -> Json:
        person = {"name": commit.author.name, "email": commit.author.email}
        return {
            "id": commit.sha,
            "tree_id": commit.tree,
            "message": commit.message,
            "timestamp": iso(commit.author.date),
            "author": person,
            "committer": dict(person),
        }

    def check_run(self, run: CheckRun) -> Json:
        repo = self.state.repo_by_id(run.repo_id)
        assert repo is not None
        u = f"{self.repo_url(repo)}/check-runs/{run.id}"
        prs = [
            self.pull_request_minimal(pr)
            for pr in repo.pulls.values()
            if pr.state == "open" and pr.head_sha == run.head_sha
        ]
        return {
            "id": run.id,
            "head_sha": run.head_sha,
            "node_id": node_id("CR", run.id),
            "external_id": run.external_id or "",
            "url": u,
            "html_url": f"{HTML}/{repo.full_name}/runs/{run.id}",
            "details_url": run.details_url,
            "status": run.status,
            "conclusion": run.conclusion,
            "started_at": iso(run.started_at),
            "completed_at": iso(run.completed_at),
            "output": {
                "title": run.title,
                "summary": run.summary,
                "text": run.text,
                "annotations_count": len(run.annotations),
                "annotations_url": f"{u}/annotations",
            },
            "name": run.name,
            "check_suite": {"id": run.suite_id},
            "app": self.app(),
            "pull_requests": prs,
        }

    def annotation(self, repo: Repo, run: CheckRun, note: Annotation) -> Json:
        return {
            "path": note.path,
            "blob_href": f"{HTML}/{repo.full_name}/blob/{run.head_sha}/{quote(note.path)}",
            "start_line": note.start_line,
            "end_line": note.end_line,
            "start_column": note.start_column,
            "end_column": note.end_column,
            "annotation_level": note.annotation_level,
            "title": note.title,
            "message": note.message,
            "raw_details": note.raw_details,
        }

    def review(self, review: Review) -> Json:
        repo = self.state.repo_by_id(review.repo_id)
        assert repo is not None
        pr_url = f"{self.repo_url(repo)}/pulls/{review.pr_number}"
        html = f"{HTML}/{repo.full_name}/pull/{review.pr_number}#pullrequestreview-{review.id}"
        out: Json = {
            "id": review.id,
            "node_id": node_id("PRR", review.id),
            "user": self.user(review.user),
            "body": review.body,
            "state": review.state,
            "html_url": html,
            "pull_request_url": pr_url,
            "_links": {"html": {"href": html}, "pull_request": {"href": pr_url}},
            "submitted_at": iso(review.submitted_at),
            "commit_id": review.commit_id,
            "author_association": self.state.association(repo, review.user),
        }
        if review.state == "PENDING":
            del out["submitted_at"]
        return out

    def review_comment(self, comment: ReviewComment) -> Json:
        repo = self.state.repo_by_id(comment.repo_id)
        assert repo is not None
        r = self.repo_url(repo)
        u = f"{r}/pulls/comments/{comment.id}"
        html = f"{HTML}/{repo.full_name}/pull/{comment.pr_number}#discussion_r{comment.id}"
        pr_url = f"{r}/pulls/{comment.pr_number}"
        out: Json = {
            "url": u,
            "pull_request_review_id": comment.review_id,
            "id": comment.id,
            "node_id": node_id("PRRC", comment.id),
            "diff_hunk": comment.diff_hunk,
            "path": comment.path,
            "position": comment.position,
            "original_position": comment.original_position,
            "commit_id": comment.commit_id,
            "original_commit_id": comment.original_commit_id,
            "user": self.user(comment.user),
            "body": comment.body,
            "created_at": iso(comment.created_at),
            "updated_at": iso(comment.updated_at),
            "html_url": html,
            "pull_request_url": pr_url,
            "author_association": self.state.association(repo, comment.user),
            "_links": {"self": {"href": u}, "html": {"href": html}, "pull_request": {"href": pr_url}},
            "start_line": comment.start_line,
            "original_start_line": comment.original_start_line,
            "start_side": comment.start_side,
            "line": comment.line,
            "original_line": comment.original_line,
            "side": comment.side,
            "subject_type": comment.subject_type,
            "reactions": self.reaction_rollup(("pull_comment", comment.id), u),
        }
        if comment.in_reply_to_id is not None:
            out["in_reply_to_id"] = comment.in_reply_to_id
        if self.state.in_pending_review(comment):
            # GitHub gives a pending comment's place only as a diff position until it is submitted.
            for key in ("line", "original_line", "side", "start_line", "original_start_line", "start_side"):
                del out[key]
        return out

    def issue_comment(self, comment: IssueComment) -> Json:
        repo = self.state.repo_by_id(comment.repo_id)
        assert repo is not None
        r = self.repo_url(repo)
        u = f"{r}/issues/comments/{comment.id}"
        return {
            "id": comment.id,
            "node_id": node_id("IC", comment.id),
            "url": u,
            "html_url": f"{HTML}/{repo.full_name}/pull/{comment.number}#issuecomment-{comment.id}",
            "body": comment.body,
            "user": self.user(comment.user),
            "created_at": iso(comment.created_at),
            "updated_at": iso(comment.updated_at),
            "issue_url": f"{r}/issues/{comment.number}",
            "author_association": self.state.association(repo, comment.user),
            "performed_via_github_app": self.app() if comment.user.type == "Bot" else None,
            "reactions": self.reaction_rollup(("issue_comment", comment.id), u),
        }

    def reaction_rollup(self, subject: tuple[str, int], url: str) -> Json:
        counts = dict.fromkeys(("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes"), 0)
        for reaction in self.state.reactions:
            if reaction.subject == subject:
                counts[reaction.content] += 1
        return {"url": f"{url}/reactions", "total_count": sum(counts.values()), **counts}

    def reaction(self, reaction: Reaction) -> Json:
        return {
            "id": reaction.id,
            "node_id": node_id("REA", reaction.id),
            "user": self.user(reaction.user),
            "content": reaction.content,
            "created_at": iso(reaction.created_at),
        }

    def content_file(
        self, repo: Repo, path: str, ref: str, blob_sha: str, data: bytes, max_inline: int
    ) -> Json:
        out = self.content_entry(repo, path, ref, blob_sha, "file", len(data))
        if len(data) > max_inline:
            out.update(content="", encoding="none")
        else:
            out.update(content=encode_base64_lines(data), encoding="base64")
        return out

    def content_entry(self, repo: Repo, path: str, ref: str, sha: str, kind: str, size: int) -> Json:
        r = self.repo_url(repo)
        where, at = quote(path), quote(ref, safe="")
        self_url = f"{r}/contents/{where}?ref={at}"
        git_url = f"{r}/git/{'blobs' if kind == 'file' else 'trees'}/{sha}"
        html = f"{HTML}/{repo.full_name}/{'blob' if kind == 'file' else 'tree'}/{quote(ref)}/{where}"
        download = (
            f"https://raw.githubusercontent.com/{repo.full_name}/{quote(ref)}/{where}"
            if kind == "file"
            else None
        )
        return {
            "type": kind,
            "size": size,
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "sha": sha,
            "url": self_url,
            "git_url": git_url,
            "html_url": html,
            "download_url": download,
            "_links": {"self": self_url, "git": git_url, "html": html},
        }


def _link(href: str) -> dict[str, str]:
    """One entry of a pull request's `_links`."""
    return {"href": href}


def encode_base64_lines(data: bytes) -> str:
    """GitHub wraps base64 content at 60 characters with ``\\n`` separators."""
    raw = base64.b64encode(data).decode()
    return "".join(raw[i : i + 60] + "\n" for i in range(0, len(raw), 60))
