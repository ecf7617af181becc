"""The check-run part of the gateway: finding our runs on a commit, creating one, and completing it with
its annotations.

A job writes its check run at its start and at its end, and a run is the
only object GitHub takes in parts (50 annotations a request, only ever
appended), so creating it without making two and completing it without
annotating twice is a subject of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from githubkit import GitHub

from core.settings import Settings
from workers.clients import owner_and_name
from workers.port import ANNOTATIONS_PER_REQUEST, PAGE_SIZE, Annotation, CheckRunState
from workers.tokens import InstallationAuth

T = TypeVar("T")


class CheckRunCalls:
    """The part of `GitHubGateway` that works on check runs; the gateway itself holds the clients."""

    _settings: Settings
    _gh: GitHub[InstallationAuth]
    _gh_once: GitHub[InstallationAuth]

    def _write_once(self, send: Callable[[], T], landed: Callable[[], T | None]) -> T:
        raise NotImplementedError  # the gateway's: a creating write, resent only after looking for it

    def find_check_run(self, repo: str, sha: str, external_id: str) -> int | None:
        return next(
            (run.id for run in self.list_check_runs(repo, sha) if run.external_id == external_id), None
        )

    def list_check_runs(self, repo: str, sha: str) -> list[CheckRunState]:
        """Our runs on the commit (up to 100: one per job, and a commit sees few jobs)."""
        owner, name = owner_and_name(repo)
        answer = self._gh.rest.checks.list_for_ref(
            owner, name, sha, check_name=self._settings.check_name, filter_="all", per_page=PAGE_SIZE
        )
        return [
            CheckRunState(run.id, run.external_id or "", run.status, run.output.title or "", run.started_at)
            for run in answer.parsed_data.check_runs
        ]

    def _annotation_count(self, repo: str, check_run_id: int) -> int:
        owner, name = owner_and_name(repo)
        return self._gh.rest.checks.get(owner, name, check_run_id).parsed_data.output.annotations_count

    def create_check_run(self, repo: str, sha: str, title: str, summary: str, external_id: str) -> int:
        """`external_id` names the job, so a create that timed out is found instead of made twice."""
        owner, name = owner_and_name(repo)

        def send() -> int:
            return self._gh_once.rest.checks.create(
                owner,
                name,
                name=self._settings.check_name,
                head_sha=sha,
                status="in_progress",
                external_id=external_id,
                started_at=datetime.now().astimezone(),
                output={"title": title, "summary": summary},
            ).parsed_data.id

        return self._write_once(send, lambda: self.find_check_run(repo, sha, external_id))

    def complete_check_run(
        self,
        repo: str,
        check_run_id: int,
        *,
        conclusion: str,
        title: str,
        summary: str,
        text: str,
        annotations: Sequence[Annotation],
        actions: Sequence[dict[str, str]] = (),
        annotations_present: int | None = None,
    ) -> None:
        """Appends the annotations 50 per request; the last request also completes the run.

        GitHub only ever appends annotations, so a run reused by a retried job
        skips the ones an earlier attempt already sent (`annotations_present`,
        read from GitHub when not known), and a request carrying annotations is
        resent only after GitHub's count shows it did not land. A completing
        request with none left to send is safe to resend as it is.
        """
        owner, name = owner_and_name(repo)
        if annotations and annotations_present is None:
            annotations_present = self._annotation_count(repo, check_run_id)
        sent = annotations_present or 0
        starts = list(range(sent, len(annotations), ANNOTATIONS_PER_REQUEST))
        completion: dict[str, Any] = {
            "status": "completed",
            "conclusion": conclusion,
            "completed_at": datetime.now().astimezone(),
            "actions": list(actions),
        }
        for start in starts:
            batch = [a.to_api() for a in annotations[start : start + ANNOTATIONS_PER_REQUEST]]
            last = start == starts[-1]
            output = {
                "title": title,
                "summary": summary,
                **({"text": text} if last else {}),
                "annotations": batch,
            }
            fields = {"output": output, **(completion if last else {})}
            self._append_annotations(repo, check_run_id, fields, expected=start + len(batch))
        if not starts:
            self._gh.rest.checks.update(
                owner,
                name,
                check_run_id,
                output={"title": title, "summary": summary, "text": text},
                **completion,
            )

    def _append_annotations(
        self, repo: str, check_run_id: int, fields: dict[str, Any], expected: int
    ) -> None:
        """One request of `complete_check_run`; resent only after GitHub's count, short of `expected`,
        shows it did not land."""
        owner, name = owner_and_name(repo)
        self._write_once(
            lambda: self._gh_once.rest.checks.update(owner, name, check_run_id, **fields),
            lambda: True if self._annotation_count(repo, check_run_id) >= expected else None,
        )
