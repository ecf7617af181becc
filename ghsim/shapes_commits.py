"""Commits and changed files, as the pull request, commit and compare endpoints all list them.

A PR's files, a commit's files and a comparison's files are the same
``diff_entry`` objects, and a check suite's ``head_commit`` is the same commit
seen from a webhook, so these shapes are shared by several areas of the API
and belong to none of them.
"""

from __future__ import annotations

from urllib.parse import quote

from ghsim.git import CommitObject
from ghsim.models import FileChange
from ghsim.repository import Repo
from ghsim.shapes_repos import HTML, Json, RepoShapes
from ghsim.util import iso, node_id


class CommitShapes(RepoShapes):
    """The shapes of commits and of one file's change."""

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
