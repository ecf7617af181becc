"""The review job: one pull request at one head SHA, from changed files to a check run and a review.

It takes ids and SHAs, never payloads or clients. Every output is
idempotent: the check run is reused on a retry, comments carry a hidden
fingerprint and are never posted twice, and a job that a newer push has
superseded posts nothing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from githubkit.exception import RequestFailed
from rq import get_current_job

from bot import keys
from bot.logs import log_context
from bot.metrics import JOB_SECONDS
from rules.config import CONFIG_PATH, load_config
from rules.engine import ChangedFile, ReviewInput, ScanResult, scan
from rules.finding import Finding
from rules.source import kind_of
from workers import report
from workers.context import WorkerContext, current
from workers.diffmap import added_lines, commentable_lines
from workers.gateway import Blob, GitHubGateway, PrFile, PullInfo, ReviewRejected
from workers.patches import base_from_patch
from workers.repoview import GitHubRepoView

log = logging.getLogger("mldebt.review")
OUR_COMMENTS = "<!-- mldebt:finding "


class Superseded(Exception):
    """A newer push made this review moot."""


class PullRequestGone(Exception):
    """The PR or its branch disappeared mid-review (closed, deleted)."""


@dataclass
class Anchoring:
    comments: list[tuple[Finding, dict[str, object]]] = field(default_factory=list)
    unanchored: list[Finding] = field(default_factory=list)


def review_pull_request(installation_id: int, repo: str, pr_number: int, head_sha: str, run: str = "auto") -> str:
    ctx = current()
    job = get_current_job()
    job_id = job.id if job is not None else keys.review_job_id(repo, pr_number, head_sha, run)
    started = time.perf_counter()
    with log_context(repo=repo, pr=pr_number, sha=head_sha[:12], job=job_id, installation=installation_id):
        with GitHubGateway(ctx.settings, ctx.tokens, installation_id) as gateway:
            outcome = Review(ctx, gateway, repo, pr_number, head_sha, job_id).run()
        JOB_SECONDS.labels(job="review").observe(time.perf_counter() - started)
        log.info("review %s", outcome)
        return outcome


class Review:
    def __init__(self, ctx: WorkerContext, gateway: GitHubGateway, repo: str, pr_number: int, head_sha: str, job_id: str) -> None:
        self.ctx = ctx
        self.gh = gateway
        self.repo = repo
        self.pr_number = pr_number
        self.head_sha = head_sha
        self.job_id = job_id

    def superseded_by(self) -> str | None:
        latest = self.ctx.redis.get(keys.latest_head_key(self.repo, self.pr_number))
        if latest is None:
            return None
        latest_sha = latest.decode() if isinstance(latest, bytes) else str(latest)
        return latest_sha if latest_sha != self.head_sha else None

    def run(self) -> str:
        newer = self.superseded_by()
        if newer:
            return f"superseded by {newer[:7]} before it started"
        check_id = self._check_run()
        try:
            return self._review(check_id)
        except Superseded as exc:
            self._close(check_id, "neutral", "Superseded by a newer push", f"A newer commit ({exc}) is being reviewed instead.")
            return f"superseded by {exc}"
        except PullRequestGone as exc:
            self._close(check_id, "neutral", "Pull request closed", f"Nothing to review: {exc}.")
            return "pull request gone"
        except Exception:
            log.exception("review failed")
            self._close(
                check_id,
                "neutral",
                "mldebt could not finish",
                "mldebt could not finish this review because GitHub or the worker failed. "
                "It will retry on its own; you can also comment `/mldebt rescore` or press **Rescore**.",
            )
            raise

    def _check_run(self) -> int:
        """Reuses this job's own in-progress run on a retry, so a crash never leaves two."""
        key = keys.check_run_key(self.job_id)
        stored = self.ctx.redis.get(key)
        if stored:
            return int(stored)
        check_id = self.gh.start_check_run(
            self.repo, self.head_sha, "Reviewing for ML debt…", "mldebt is reading the files this pull request changed."
        )
        self.ctx.redis.set(key, check_id, ex=24 * 3600)
        return check_id

    def _close(self, check_id: int, conclusion: str, title: str, summary: str) -> None:
        try:
            self.gh.finish_check_run(
                self.repo, check_id, conclusion=conclusion, title=title, summary=summary, text="", annotations=(), actions=[report.RESCORE_ACTION]
            )
        except Exception:
            log.exception("could not close check run %s", check_id)
        self.ctx.redis.delete(keys.check_run_key(self.job_id))

    def _pull(self) -> PullInfo:
        try:
            pr = self.gh.pull_request(self.repo, self.pr_number)
        except RequestFailed as exc:
            if exc.response.status_code in (404, 410):
                raise PullRequestGone("the pull request no longer exists") from None
            raise
        if pr.state != "open":
            raise PullRequestGone("the pull request is closed")
        if pr.head_sha != self.head_sha:
            raise Superseded(pr.head_sha[:7])
        return pr

    def _review(self, check_id: int) -> str:
        pr = self._pull()
        try:
            files = self.gh.changed_files(self.repo, self.pr_number)
            oldest = self.gh.oldest_commit_date(self.repo, self.pr_number)
        except RequestFailed as exc:
            if exc.response.status_code == 404:
                raise PullRequestGone("the branch was deleted") from None
            raise
        changed, known, config_text = self._contents(pr, files)
        config, config_errors = load_config(config_text)
        view = GitHubRepoView(self.gh, self.repo, {"base": pr.base_sha, "head": self.head_sha}, known)
        result = scan(
            ReviewInput(changed=changed, repo=view, config=config, pr_body=pr.body, oldest_commit=oldest, now=datetime.now(UTC))
        )
        result.config_errors = config_errors
        newer = self.superseded_by()
        if newer:
            raise Superseded(newer[:7])
        anchoring = self._comment(result, files)
        output = report.check_output(result, self.head_sha, anchoring.unanchored)
        self.gh.finish_check_run(
            self.repo,
            check_id,
            conclusion=output.conclusion,
            title=output.title,
            summary=output.summary,
            text=output.text,
            annotations=output.annotations,
            actions=[report.RESCORE_ACTION],
        )
        self.ctx.redis.delete(keys.check_run_key(self.job_id))
        return f"{output.conclusion}: {len(result.new)} new, {len(anchoring.comments)} commented"

    def _contents(self, pr: PullInfo, files: list[PrFile]) -> tuple[list[ChangedFile], dict[tuple[str, str], Blob], str | None]:
        """Head contents of every readable changed file plus the base config, in one batch."""
        readable = [item for item in files if item.status != "removed" and kind_of(item.path) is not None]
        wanted = [(self.head_sha, item.path) for item in readable] + [(pr.base_sha, CONFIG_PATH)]
        blobs = self.gh.blobs(self.repo, wanted)
        bases: dict[str, str | None] = {}
        missing_base = []
        for item in readable:
            if item.status == "added":
                continue
            head = blobs[(self.head_sha, item.path)].data
            rebuilt = base_from_patch(head, item.patch) if head is not None and item.patch else None
            if rebuilt is None:
                missing_base.append((pr.base_sha, item.previous_path or item.path))
            bases[item.path] = rebuilt
        if missing_base:
            fetched = self.gh.blobs(self.repo, missing_base)
            blobs.update(fetched)
            for item in readable:
                if item.path in bases and bases[item.path] is None:
                    bases[item.path] = fetched[(pr.base_sha, item.previous_path or item.path)].data
        changed = []
        for item in files:
            head_blob = blobs.get((self.head_sha, item.path))
            changed.append(
                ChangedFile(
                    path=item.path,
                    status=item.status,
                    head=head_blob.data if head_blob else None,
                    base=bases.get(item.path),
                    previous_path=item.previous_path,
                    skip_reason=head_blob.skip_reason if head_blob else None,
                )
            )
        return changed, blobs, blobs[(pr.base_sha, CONFIG_PATH)].data

    def _comment(self, result: ScanResult, files: list[PrFile]) -> Anchoring:
        """One review with only what is new, on diff lines, not yet said; earlier comments marked fixed."""
        posted = self.gh.our_review_comments(self.repo, self.pr_number, OUR_COMMENTS)
        already = {report.fingerprint_in(comment.body) for comment in posted}
        patches = {item.path: item.patch for item in files}
        anchoring = Anchoring()
        for finding in result.new:
            if report.fingerprint(finding) in already:
                continue
            if finding.line in commentable_lines(patches.get(finding.path)) and len(anchoring.comments) < self.ctx.settings.max_review_comments:
                anchoring.comments.append(
                    (finding, {"path": finding.path, "line": finding.end_line if finding.end_line in commentable_lines(patches.get(finding.path)) else finding.line, "side": "RIGHT", "body": report.comment_body(finding)})
                )
            else:
                anchoring.unanchored.append(finding)
        self._post(anchoring, result, patches)
        self._mark_fixed(posted, result, files)
        return anchoring

    def _post(self, anchoring: Anchoring, result: ScanResult, patches: dict[str, str | None]) -> None:
        if not anchoring.comments:
            return
        body = f"**mldebt** found {len(result.new)} new ML-debt finding(s) in this push; details are in the `{self.ctx.settings.check_name}` check run."
        comments = [payload for _, payload in anchoring.comments]
        try:
            self.gh.post_review(self.repo, self.pr_number, self.head_sha, body, comments)
            return
        except ReviewRejected as exc:
            log.warning("review refused (%s); retrying with added lines only", exc)
        safe = [(f, p) for f, p in anchoring.comments if p["line"] in added_lines(patches.get(f.path))]
        refused = [f for f, p in anchoring.comments if p["line"] not in added_lines(patches.get(f.path))]
        if safe:
            try:
                self.gh.post_review(self.repo, self.pr_number, self.head_sha, body, [p for _, p in safe])
            except ReviewRejected:
                refused = [f for f, _ in anchoring.comments]
                safe = []
        anchoring.comments = safe
        anchoring.unanchored.extend(refused)

    def _mark_fixed(self, posted: list, result: ScanResult, files: list[PrFile]) -> None:  # type: ignore[type-arg]
        present = {report.fingerprint(finding) for finding in result.findings}
        skipped = {note.path for note in result.notes}
        for comment in posted:
            if report.FIXED_MARKER in comment.body or comment.path in skipped:
                continue
            if report.fingerprint_in(comment.body) not in present:
                self.gh.edit_review_comment(self.repo, comment.id, report.fixed_body(comment.body, self.head_sha))
