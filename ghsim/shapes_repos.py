"""Users, repositories, the App and its installations: the objects every other shape embeds.

A pull request, a check suite, a comment and a webhook payload all carry a
``user`` or a ``repository`` object, so their shapes live here once, under
the others, together with what they all need (the simulator's state and
base URL, the REST API version asked for).
"""

from __future__ import annotations

from typing import Any

from ghsim import versions
from ghsim.models import Installation, User
from ghsim.repository import Repo
from ghsim.state import State
from ghsim.util import iso, node_id

HTML = "https://github.com"
Json = dict[str, Any]


class RepoShapes:
    """The shapes of accounts and repositories; `ghsim.shapes.Shapes` binds them to a simulator."""

    state: State
    api: str
    version: str

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
