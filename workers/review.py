"""The review job: one pull request at one head SHA, from changed files to a check run and a review.

It takes ids and SHAs, never payloads or clients, and keeps the job's
lifecycle and error policy; reading (`workers.reading`), deciding
(`workers.plan`) and writing (`workers.publish`) live beside it. Every output
is idempotent: the check run belongs to the job (its `external_id`) and is
reused by every retry of it, comments carry a hidden fingerprint and are
planned and posted under a per-PR lock so that concurrent jobs never post one
twice, and a job that a newer push has superseded posts nothing. Whatever
fails, the check run is completed, never left in progress.
"""

from __future__ import annotations

import logging
import time

from githubkit.exception import RequestFailed
from rq import get_current_job
from rq.job import Job

from core import keys
from core.logs import log_context
from core.metrics import JOB_SECONDS
from workers import checkruns, dismissals, report
from workers.access import Writers
from workers.context import WorkerContext, current
from workers.gateway import GitHubGateway
from workers.plan import plan
from workers.port import GitHubPort
from workers.publish import OUR_COMMENTS, Publisher
from workers.reading import PullRequestGone, Superseded, read_pull, scan_pull
from workers.review_threads import ours
from workers.supersession import newer_head

log = logging.getLogger("mldebt.review")
GONE = (404, 410)
STARTED_SUMMARY = "mldebt is reading the files this pull request changed."


def will_retry(job: Job | None) -> bool:
    """Whether RQ runs this job again if it raises now."""
    return job is not None and bool(job.retries_left)


def review_pull_request(
    installation_id: int, repo: str, pr_number: int, head_sha: str, run: str = "auto"
) -> str:
    ctx = current()
    job = get_current_job()
    job_id = job.id if job is not None else keys.review_job_id(repo, pr_number, head_sha, run)
    started = time.perf_counter()
    with log_context(repo=repo, pr=pr_number, sha=head_sha[:12], job=job_id, installation=installation_id):
        with GitHubGateway(ctx.settings, ctx.tokens, installation_id, ctx.redis) as gateway:
            outcome = Review(ctx, gateway, repo, pr_number, head_sha, job_id, retrying=will_retry(job)).run()
        JOB_SECONDS.labels(job="review").observe(time.perf_counter() - started)
        log.info("review %s", outcome)
        return outcome


class Review:
    def __init__(
        self,
        ctx: WorkerContext,
        gh: GitHubPort,
        repo: str,
        pr_number: int,
        head_sha: str,
        job_id: str,
        *,
        retrying: bool,
    ) -> None:
        self.ctx = ctx
        self.gh = gh
        self.repo = repo
        self.pr_number = pr_number
        self.head_sha = head_sha
        self.job_id = job_id
        self.retrying = retrying
        self.annotations_present: int | None = None

    def superseded_by(self) -> str | None:
        return newer_head(self.ctx.redis, self.gh, self.repo, self.pr_number, self.head_sha)

    def run(self) -> str:
        try:
            newer = self.superseded_by()
            if newer:
                self._close_earlier_attempt(newer)
                return f"superseded by {newer[:7]} before it started"
            own = checkruns.own_run(
                self.ctx.redis,
                self.gh,
                self.repo,
                self.head_sha,
                self.job_id,
                "Reviewing for ML debt…",
                STARTED_SUMMARY,
            )
        except RequestFailed as exc:
            if exc.response.status_code in GONE:
                return "repository or commit gone"
            raise
        check_id = own.id
        self.annotations_present = own.annotations_present
        try:
            return self._review(check_id)
        except Superseded as exc:
            self._close(
                check_id,
                "neutral",
                "Superseded by a newer push",
                f"A newer commit ({exc}) is being reviewed instead.",
            )
            return f"superseded by {exc}"
        except PullRequestGone as exc:
            self._close(check_id, "neutral", "Pull request closed", f"Nothing to review: {exc}.")
            return "pull request gone"
        except RequestFailed as exc:
            if exc.response.status_code not in GONE:
                self._fail(check_id)
                raise
            log.info("GitHub answered %s mid-review; ending without retry", exc.response.status_code)
            self._close(
                check_id,
                "neutral",
                "Pull request changed",
                "Nothing to review: the pull request, its branch or a commit is gone.",
            )
            return "gone mid-review"
        except Exception:
            self._fail(check_id)
            raise

    def _close_earlier_attempt(self, newer: str) -> None:
        """A retry that finds itself superseded closes the run its first attempt left promising a retry."""
        earlier = checkruns.existing(self.ctx.redis, self.gh, self.repo, self.head_sha, self.job_id)
        if earlier is not None:
            self._close(
                earlier,
                "neutral",
                "Superseded by a newer push",
                f"A newer commit ({newer[:7]}) is being reviewed instead.",
            )

    def _fail(self, check_id: int) -> None:
        log.exception("review failed")
        if self.retrying:
            self._close(check_id, "neutral", checkruns.RETRY_TITLE, checkruns.RETRY_SUMMARY)
            return
        self._close(
            check_id,
            "neutral",
            "mldebt could not finish",
            "mldebt could not finish this review because GitHub or the worker failed. "
            "Comment `/mldebt rescore` on the pull request or press **Rescore** to try again.",
        )

    def _close(self, check_id: int, conclusion: str, title: str, summary: str) -> None:
        """Best effort: if even this fails, the run stays reusable for the job's retry."""
        try:
            self.gh.complete_check_run(
                self.repo,
                check_id,
                conclusion=conclusion,
                title=title,
                summary=summary,
                text="",
                annotations=(),
                actions=[report.RESCORE_ACTION],
            )
        except Exception:
            log.exception("could not close check run %s", check_id)

    def _review(self, check_id: int) -> str:
        said = dismissals.conversation_mark(self.ctx.redis, self.repo, self.pr_number)
        read = read_pull(self.gh, self.repo, self.pr_number, self.head_sha)
        result = scan_pull(read)
        publisher = Publisher(self.gh, self.repo, self.pr_number)
        lock = self.ctx.redis.lock(
            keys.comment_lock_key(self.repo, self.pr_number),
            timeout=keys.COMMENT_LOCK_TTL_SECONDS,
            blocking_timeout=self.ctx.settings.job_timeout_seconds,
        )
        with lock:
            newer = self.superseded_by()
            if newer:
                raise Superseded(newer[:7])
            threads = self.gh.list_review_comments(self.repo, self.pr_number)
            conversation = read.conversation
            if dismissals.conversation_mark(self.ctx.redis, self.repo, self.pr_number) != said:
                # A rule-wide command came after the first read; under the lock its word is the newest.
                conversation = self.gh.read_conversation(self.repo, self.pr_number)
            dismissed = dismissals.read(threads, conversation, Writers(self.ctx.redis, self.gh, self.repo))
            rules = {finding.rule for finding in result.findings if dismissed.of(finding) is not None}
            planned = plan(
                result,
                read.files,
                ours(threads, OUR_COMMENTS),
                head_sha=self.head_sha,
                max_comments=self.ctx.settings.max_review_comments,
                check_name=self.ctx.settings.check_name,
                links=self.ctx.settings.docs,
                dismissals=dismissed,
                often=dismissals.tally(self.ctx.redis, self.repo, self.pr_number, rules),
            )
            published = publisher.publish_comments(planned)
        publisher.complete_check_run(check_id, published, self.annotations_present)
        return f"{published.check_run.conclusion}: {len(result.new)} new, {published.commented} commented"
