"""Check suites, check runs and their annotations: what the bot writes as its verdict.

A suite's status and conclusion are derived from its runs with GitHub's
precedence, and a run lists the open pull requests at its commit; that
derivation is the checks API's own, apart from the objects it embeds.
"""

from __future__ import annotations

from urllib.parse import quote

from ghsim.models import Annotation, CheckRun, CheckSuite
from ghsim.repository import Repo
from ghsim.shapes_commits import CommitShapes
from ghsim.shapes_pulls import PullShapes
from ghsim.shapes_repos import HTML, Json
from ghsim.util import iso, node_id


class CheckShapes(PullShapes, CommitShapes):
    """The shapes of the checks API."""

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
