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
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from redis import Redis
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus

from bot import keys
from bot.enqueue import enqueue
from bot.metrics import record_reconcile
from bot.router import REVIEW_JOB, Decision, JobRequest
from bot.settings import Settings
from workers import recovery
from workers.checkruns import RETRY_TITLE
from workers.context import current
from workers.gateway import GitHubGateway
from workers.locks import held
from workers.periodic import FAILED_TICK_TTL, schedule_next_slot

log = logging.getLogger("mldebt.reconcile")
PER_PAGE = 100
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


def reconcile_lock_key() -> str:
    return f"{keys.PREFIX}:reconcile-lock"


class ReconcileGateway(GitHubGateway):
    """The three reads a tick makes, every page paid for from the tick's budget."""

    def __init__(self, settings: Settings, installation_id: int, redis: Redis, budget: Budget) -> None:
        super().__init__(settings, current().tokens, installation_id, redis)
        self.budget = budget

    def repositories(self) -> Iterator[str]:
        page = 1
        while True:
            self.budget.spend()
            listed = self._gh.rest.apps.list_repos_accessible_to_installation(per_page=PER_PAGE, page=page).parsed_data.repositories
            yield from (repo.full_name for repo in listed)
            if len(listed) < PER_PAGE:
                return
            page += 1

    def recent_pulls(self, repo: str, since: datetime) -> Iterator[tuple[int, str]]:
        """(number, head SHA) of open PRs updated since `since`, most recently updated first."""
        owner, _, name = repo.partition("/")
        page = 1
        while True:
            self.budget.spend()
            listed = self._gh.rest.pulls.list(owner, name, state="open", sort="updated", direction="desc", per_page=PER_PAGE, page=page).parsed_data
            for pull in listed:
                if pull.updated_at < since:
                    return
                if not pull.draft:
                    yield pull.number, pull.head.sha
            if len(listed) < PER_PAGE:
                return
            page += 1

    def commits(self, repo: str, pr: int) -> list[str]:
        """The PR's commit SHAs (GitHub lists up to 250), oldest first."""
        owner, name = repo.split("/", 1)
        self.budget.spend()
        return [commit.sha for commit in self._gh.rest.pulls.list_commits(owner, name, pr, per_page=PER_PAGE).parsed_data]

    def comments(self, repo: str, pr: int, since: datetime) -> list[Any]:
        owner, name = repo.split("/", 1)
        self.budget.spend()
        # githubkit would send the datetime as str(datetime), with a space; GitHub asks for ISO 8601.
        stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return list(self._gh.rest.issues.list_comments(owner, name, pr, since=stamp, per_page=PER_PAGE).parsed_data)  # type: ignore[arg-type]

    def runs(self, repo: str, sha: str) -> list[Any]:
        owner, _, name = repo.partition("/")
        self.budget.spend()
        answer = self._gh.rest.checks.list_for_ref(owner, name, sha, check_name=self._settings.check_name, filter_="all", per_page=PER_PAGE)
        return list(answer.parsed_data.check_runs)


def _pending(redis: Redis, job_id: str) -> bool:
    try:
        return Job.fetch(job_id, connection=redis).get_status() in PENDING
    except NoSuchJobError:
        return False


def abandoned_jobs(runs: list[Any], redis: Redis, job_timeout: int, now: datetime, *, after_wipe: bool = False) -> list[str] | None:
    """None when the head is done or being worked on; else the job ids of its abandoned runs (maybe none).

    After a wipe, a run in progress whose job Redis no longer knows is abandoned at once: its job is gone.
    """
    abandoned = []
    for run in runs:
        external = run.external_id or ""
        if run.status == "completed" and (run.output.title or "") != RETRY_TITLE:
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
    kwargs = {"installation_id": head.installation_id, "repo": head.repo, "pr_number": head.pr, "head_sha": head.sha, "run": "auto"}
    decision = Decision("enqueued", "reconcile", (JobRequest(REVIEW_JOB, job_id, kwargs),), repo=head.repo, pr=head.pr, sha=head.sha)
    try:
        enqueue(decision, redis, settings)
    except DuplicateJobError:
        return False
    return True


def _heads(settings: Settings, redis: Redis, budget: Budget) -> Iterator[tuple[ReconcileGateway, Head]]:
    since = datetime.now(UTC) - timedelta(seconds=settings.reconcile_window_seconds)
    with current().tokens.app_client() as app:
        installations = []
        page = 1
        while True:
            budget.spend()
            listed = app.rest.apps.list_installations(per_page=PER_PAGE, page=page).parsed_data
            installations += [item.id for item in listed if item.suspended_at is None]
            if len(listed) < PER_PAGE:
                break
            page += 1
    for installation_id in installations:
        with ReconcileGateway(settings, installation_id, redis, budget) as gh:
            for repo in list(gh.repositories()):
                for number, sha in list(gh.recent_pulls(repo, since)):
                    yield gh, Head(installation_id, repo, number, sha)


def reconcile() -> str:
    ctx = current()
    settings = ctx.settings
    budget = Budget(settings.reconcile_max_calls, settings.reconcile_spacing_seconds)
    enqueued: list[str] = []
    deep = recovery.possibly_wiped(ctx.redis)
    started = datetime.now(UTC)
    try:
        with held(ctx.redis, reconcile_lock_key(), settings.worker_heartbeat_seconds) as mine:
            if not mine:
                return "another reconcile is running"
            try:
                for gh, head in _heads(settings, ctx.redis, budget):
                    enqueued += _settle(gh, head, ctx.redis, settings, deep=deep)
                if deep:
                    recovery.mark_kept(ctx.redis, started.isoformat())
            except BudgetSpent:
                log.warning("reconcile spent its %d GitHub calls; the rest waits for the next tick", budget.limit)
        record_reconcile(ctx.redis, budget.spent, len(enqueued))
        log.info("reconcile made %d GitHub calls and enqueued %d jobs", budget.spent, len(enqueued), extra={"delivery": ",".join(enqueued[:20])})
        return f"{budget.spent} calls, {len(enqueued)} jobs enqueued"
    finally:
        schedule(Queue(settings.queue_name, connection=ctx.redis), settings.reconcile_interval_seconds)


def _settle(gh: ReconcileGateway, head: Head, redis: Redis, settings: Settings, *, deep: bool) -> list[str]:
    """Enqueues what the head needs; a deep tick also settles older commits and unanswered commands."""
    enqueued = []
    now = datetime.now(UTC)
    jobs = abandoned_jobs(gh.runs(head.repo, head.sha), redis, settings.job_timeout_seconds, now, after_wipe=deep)
    if jobs is not None:
        for job_id in jobs or [keys.review_job_id(head.repo, head.pr, head.sha)]:
            if _review(redis, settings, head, job_id):
                enqueued.append(f"{head.repo}#{head.pr}@{head.sha[:7]}")
    if not deep or recovery.settled(redis, head.repo, head.pr):
        return enqueued
    for sha in gh.commits(head.repo, head.pr):
        if sha != head.sha:
            recovery.close_older(gh, head.repo, gh.runs(head.repo, sha), head.sha)
    since = now - timedelta(seconds=settings.reconcile_window_seconds)
    for comment in recovery.unanswered_commands(gh.comments(head.repo, head.pr, since)):
        if recovery.replay_command(redis, settings, head.installation_id, head.repo, head.pr, comment):
            enqueued.append(f"{head.repo}#{head.pr} command {comment.id}")
    recovery.mark_settled(redis, head.repo, head.pr)
    return enqueued


def schedule(queue: Queue, interval: int) -> None:
    """Schedules the tick of the next time slot, unless someone already did (or reconciling is off)."""
    schedule_next_slot(queue, interval, reconcile, name="reconcile", description="reconcile open pull requests with their check runs")


def kick(queue: Queue, interval: int, *, only_if_wiped: bool = False) -> None:
    """A tick now, when a worker starts (what was lost while no worker ran is found at once), and at
    maintenance when Redis may have lost its data (the scheduled tick went with it)."""
    if interval <= 0 or (only_if_wiped and not recovery.possibly_wiped(queue.connection)):
        return
    try:
        queue.enqueue_call(
            reconcile,
            job_id=f"reconcile-start-{int(time.time() // max(interval // 10, 1))}",
            unique=True,
            result_ttl=interval,
            failure_ttl=FAILED_TICK_TTL,
            description="reconcile open pull requests with their check runs (worker start)",
        )
    except DuplicateJobError:
        return
