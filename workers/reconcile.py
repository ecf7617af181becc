"""Makes sure every open PR's newest head ends with a completed `mldebt` run, whatever was lost on the way.

Webhooks can be lost, jobs can vanish with a Redis wipe, a worker can die
where no retry follows. The reconciler asks GitHub, the record, instead of
trusting any of them: for each installation's open PRs updated within
`MLDEBT_RECONCILE_WINDOW`, most recent first, it lists the head commit's
`mldebt` runs. A head with no run, or whose only runs were left in progress
past the job timeout or promise a retry no queued job will make, gets a
review. An abandoned run is handed back to its own job id, which finds it on
GitHub by `external_id` and completes it, so no second run appears beside it.

Each tick spends at most `MLDEBT_RECONCILE_MAX_CALLS` GitHub calls, one every
`MLDEBT_RECONCILE_SPACING` seconds, through the same per-installation
throttle as reviews (a rate limit pauses it too); `/metrics` shows the cost.
It runs as an RQ job, scheduled like the redelivery sweep: each worker kicks
one when it starts and schedules the next time slot at maintenance.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from redis import Redis
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus

from core import keys
from core.jobs import ReconcileJob, ReviewJob, enqueue, enqueue_pull_request_job
from core.metrics import record_reconcile
from core.settings import Settings
from workers import recovery
from workers.app_gateway import AppGateway
from workers.checkruns import RETRY_TITLE
from workers.context import current
from workers.gateway import GitHubGateway
from workers.locks import held
from workers.periodic import record_finished, schedule_next_slot, superseded
from workers.port import PAGE_SIZE, CheckRunState, GitHubPort, IssueComment, ThreadComment

T = TypeVar("T")

log = logging.getLogger("mldebt.reconcile")
PENDING = frozenset({JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.STARTED, JobStatus.DEFERRED})


class BudgetSpent(Exception):
    """This tick may make no more GitHub calls; what is left waits for the next one."""


@dataclass
class Budget:
    limit: int
    spacing: float
    spent: int = 0

    def spend(self) -> None:
        if self.spent >= self.limit:
            raise BudgetSpent
        if self.spent and self.spacing > 0:
            time.sleep(self.spacing)
        self.spent += 1


@dataclass(frozen=True)
class Head:
    installation_id: int
    repo: str
    pr: int
    sha: str


def paid_pages(read: Callable[[int], list[T]], budget: Budget) -> Iterator[T]:
    """Page after page of `read`, each paid for only when the one before was full and read to its end."""
    page = 1
    while True:
        budget.spend()
        listed = read(page)
        yield from listed
        if len(listed) < PAGE_SIZE:
            return
        page += 1


class PaidReads:
    """The reads a tick makes, every page paid for from the tick's budget."""

    def __init__(self, port: GitHubPort, budget: Budget) -> None:
        self.port = port
        self.budget = budget

    def repositories(self) -> Iterator[str]:
        return paid_pages(self.port.list_repositories, self.budget)

    def recent_pulls(self, repo: str, since: datetime) -> Iterator[tuple[int, str]]:
        """(number, head SHA) of open PRs updated since `since`, most recently updated first."""
        for pull in paid_pages(lambda page: self.port.list_open_pulls(repo, page), self.budget):
            if pull.updated_at < since:
                return
            if not pull.draft:
                yield pull.number, pull.head_sha

    def commits(self, repo: str, pr: int) -> list[str]:
        self.budget.spend()
        return self.port.list_commits(repo, pr)

    def comments(self, repo: str, pr: int, since: datetime) -> list[IssueComment]:
        self.budget.spend()
        return self.port.list_comments_since(repo, pr, since)

    def review_comments(self, repo: str, pr: int) -> list[ThreadComment]:
        self.budget.spend()
        return self.port.list_review_comments(repo, pr)

    def runs(self, repo: str, sha: str) -> list[CheckRunState]:
        self.budget.spend()
        return self.port.list_check_runs(repo, sha)


def _pending(redis: Redis, job_id: str) -> bool:
    try:
        return Job.fetch(job_id, connection=redis).get_status() in PENDING
    except NoSuchJobError:
        return False


def abandoned_jobs(
    runs: list[CheckRunState], redis: Redis, job_timeout: int, now: datetime, *, after_wipe: bool = False
) -> list[str] | None:
    """None when the head is done or being worked on; else the job ids of its abandoned runs (maybe none).

    After a wipe, a run in progress whose job Redis no longer knows is abandoned at once: its job is gone.
    """
    abandoned = []
    for run in runs:
        external = run.external_id
        if run.status == "completed" and run.title != RETRY_TITLE:
            return None
        if _pending(redis, external):
            return None
        started = run.started_at or now
        if run.status != "completed" and not after_wipe and now - started < timedelta(seconds=job_timeout):
            return None
        if external.startswith("review-"):
            abandoned.append(external)
    return abandoned


def _review(redis: Redis, settings: Settings, head: Head, job_id: str) -> bool:
    """Enqueues the review under `job_id` unless it is pending; a finished record of that id is dropped
    first (its run was not finished), so RQ takes the id again."""
    try:
        earlier = Job.fetch(job_id, connection=redis)
    except NoSuchJobError:
        earlier = None
    if earlier is not None:
        if earlier.get_status() in PENDING:
            return False
        earlier.delete()
    job = ReviewJob(head.installation_id, head.repo, head.pr, head.sha, reused_job_id=job_id)
    try:
        enqueue_pull_request_job(redis, settings, job)
    except DuplicateJobError:
        return False
    return True


def _heads(settings: Settings, redis: Redis, budget: Budget) -> Iterator[tuple[PaidReads, Head]]:
    since = datetime.now(UTC) - timedelta(seconds=settings.reconcile_window_seconds)
    tokens = current().tokens
    with AppGateway(tokens) as app:
        installations = [item.id for item in paid_pages(app.list_installations, budget) if not item.suspended]
    for installation_id in installations:
        with GitHubGateway(settings, tokens, installation_id, redis) as gateway:
            gh = PaidReads(gateway, budget)
            for repo in list(gh.repositories()):
                for number, sha in list(gh.recent_pulls(repo, since)):
                    yield gh, Head(installation_id, repo, number, sha)


def reconcile(due_at: float | None = None) -> str:
    ctx = current()
    settings = ctx.settings
    budget = Budget(settings.reconcile_max_calls, settings.reconcile_spacing_seconds)
    enqueued: list[str] = []
    deep = recovery.possibly_wiped(ctx.redis)
    started = datetime.now(UTC)
    try:
        with held(ctx.redis, keys.RECONCILE_LOCK_KEY, settings.worker_heartbeat_seconds) as mine:
            if not mine:
                return "another reconcile is running"
            if superseded(ctx.redis, keys.RECONCILE_LAST_START_KEY, due_at):
                return "a later reconcile already ran"
            try:
                for gh, head in _heads(settings, ctx.redis, budget):
                    enqueued += _settle(gh, head, ctx.redis, settings, deep=deep)
                if deep:
                    recovery.mark_kept(ctx.redis, started.isoformat())
            except BudgetSpent:
                log.warning(
                    "reconcile spent its %d GitHub calls; the rest waits for the next tick", budget.limit
                )
            record_finished(ctx.redis, keys.RECONCILE_LAST_START_KEY, started.timestamp())
        record_reconcile(ctx.redis, budget.spent, len(enqueued))
        log.info(
            "reconcile made %d GitHub calls and enqueued %d jobs",
            budget.spent,
            len(enqueued),
            extra={"delivery": ",".join(enqueued[:20])},
        )
        return f"{budget.spent} calls, {len(enqueued)} jobs enqueued"
    finally:
        schedule(Queue(settings.queue_name, connection=ctx.redis), settings.reconcile_interval_seconds)


def _settle(gh: PaidReads, head: Head, redis: Redis, settings: Settings, *, deep: bool) -> list[str]:
    """Enqueues what the head needs; a deep tick also settles older commits and unanswered commands."""
    enqueued = []
    now = datetime.now(UTC)
    jobs = abandoned_jobs(
        gh.runs(head.repo, head.sha), redis, settings.job_timeout_seconds, now, after_wipe=deep
    )
    if jobs is not None:
        for job_id in jobs or [keys.review_job_id(head.repo, head.pr, head.sha)]:
            if _review(redis, settings, head, job_id):
                enqueued.append(f"{head.repo}#{head.pr}@{head.sha[:7]}")
    if not deep or recovery.settled(redis, head.repo, head.pr):
        return enqueued
    for sha in gh.commits(head.repo, head.pr):
        if sha != head.sha:
            recovery.close_older(gh.port, gh.budget.spend, head.repo, gh.runs(head.repo, sha), head.sha)
    since = now - timedelta(seconds=settings.reconcile_window_seconds)
    for comment in recovery.unanswered_commands(gh.comments(head.repo, head.pr, since)):
        if recovery.replay_command(redis, settings, head.installation_id, head.repo, head.pr, comment):
            enqueued.append(f"{head.repo}#{head.pr} command {comment.id}")
    for reply in recovery.unanswered_thread_commands(gh.review_comments(head.repo, head.pr)):
        if recovery.replay_thread_command(redis, settings, head.installation_id, head.repo, head.pr, reply):
            enqueued.append(f"{head.repo}#{head.pr} thread command {reply.id}")
    recovery.mark_settled(redis, head.repo, head.pr)
    return enqueued


def schedule(queue: Queue, interval: int) -> None:
    """Schedules the tick of the next time slot, unless someone already did (or reconciling is off)."""
    schedule_next_slot(queue, interval, lambda slot, due: ReconcileJob(interval, slot, due_at=due))


def kick(queue: Queue, interval: int, *, only_if_wiped: bool = False) -> None:
    """A tick now, when a worker starts (what was lost while no worker ran is found at once), and at
    maintenance when Redis may have lost its data (the scheduled tick went with it)."""
    if interval <= 0 or (only_if_wiped and not recovery.possibly_wiped(queue.connection)):
        return
    try:
        enqueue(
            queue, ReconcileJob(interval, int(time.time() // max(interval // 10, 1)), at_worker_start=True)
        )
    except DuplicateJobError:
        return
