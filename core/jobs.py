"""The jobs mldebt puts on its queue, one typed spec per kind, and the one way they are enqueued.

A spec names its worker function by import path, so the receiver enqueues a
review without importing the code that runs it. It holds ids and SHAs, never
payloads or clients: a job reads everything else from GitHub when it runs, so
a retry an hour later works on that hour's truth. Its job id is what makes
enqueueing idempotent: with `unique=True` RQ refuses a second job under an id
that is queued, scheduled or running.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol

from redis import Redis
from rq import Queue, Retry
from rq.job import Job
from rq.utils import now

from core import keys
from core.settings import Settings

# What makes a comment a command: `/mldebt` at the start of a line, then a word (a typo is answered with
# help). The receiver reads a new comment with it, the reconciler one that was never answered.
COMMAND = re.compile(
    r"^\s*/mldebt\b[ \t]*(?P<word>\S*)[ \t]*(?P<argument>[^\n]*)", re.MULTILINE | re.IGNORECASE
)
# What a command's argument may carry into a job: a rule id or a short reason, never a page of text.
MAX_ARGUMENT = 200


def command_parts(match: re.Match[str]) -> tuple[str, str]:
    """A `COMMAND` match's word (lower case) and argument (trimmed to `MAX_ARGUMENT`), as jobs carry them."""
    return match["word"].lower(), match["argument"].strip()[:MAX_ARGUMENT]


class JobSpec(Protocol):
    @property
    def func(self) -> str: ...

    @property
    def job_id(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def result_ttl(self) -> int: ...

    @property
    def failure_ttl(self) -> int: ...

    def kwargs(self) -> dict[str, object]: ...


@dataclass(frozen=True)
class ReviewJob:
    """One pull request at one head SHA. `run` is "auto" for a push; a requested review (rescore, re-run,
    an edited Tuning context) names its own, so it gets a job and a check run of its own."""

    func: ClassVar[str] = "workers.review.review_pull_request"
    result_ttl: ClassVar[int] = keys.JOB_RESULT_TTL_SECONDS
    failure_ttl: ClassVar[int] = keys.JOB_FAILURE_TTL_SECONDS

    installation_id: int
    repo: str
    pr_number: int
    head_sha: str
    run: str = "auto"
    # The reconciler hands an abandoned run back to the job id it carries, so the review finds that run
    # on GitHub (by `external_id`) and completes it instead of opening a second one.
    reused_job_id: str = ""

    @property
    def job_id(self) -> str:
        return self.reused_job_id or keys.review_job_id(self.repo, self.pr_number, self.head_sha, self.run)

    @property
    def description(self) -> str:
        return f"review_pull_request {self.repo}#{self.pr_number} {self.head_sha[:7]}"

    def kwargs(self) -> dict[str, object]:
        return {
            "installation_id": self.installation_id,
            "repo": self.repo,
            "pr_number": self.pr_number,
            "head_sha": self.head_sha,
            "run": self.run,
        }


@dataclass(frozen=True)
class CommandJob:
    """A `/mldebt` comment on a pull request. Its author and their association travel with it, so the
    worker turns a stranger away before asking GitHub for their permission."""

    func: ClassVar[str] = "workers.commands.handle_command"
    result_ttl: ClassVar[int] = keys.JOB_RESULT_TTL_SECONDS
    failure_ttl: ClassVar[int] = keys.JOB_FAILURE_TTL_SECONDS

    installation_id: int
    repo: str
    pr_number: int
    comment_id: int
    user: str
    association: str
    command: str
    argument: str = ""

    @property
    def job_id(self) -> str:
        return keys.command_job_id(self.repo, self.comment_id)

    @property
    def description(self) -> str:
        return f"handle_command {self.repo}#{self.pr_number}"

    def kwargs(self) -> dict[str, object]:
        return {
            "installation_id": self.installation_id,
            "repo": self.repo,
            "pr_number": self.pr_number,
            "comment_id": self.comment_id,
            "user": self.user,
            "association": self.association,
            "command": self.command,
            "argument": self.argument,
        }


@dataclass(frozen=True)
class ThreadCommandJob(CommandJob):
    """A `/mldebt` reply in a review thread (`ignore`, `unignore`): `in_reply_to` is the comment that opened
    the thread, the one whose findings the command is about; a bot's command is answered, never taken."""

    func: ClassVar[str] = "workers.thread_commands.handle_thread_command"

    in_reply_to: int = 0
    by_bot: bool = False

    @property
    def job_id(self) -> str:
        return keys.thread_command_job_id(self.repo, self.comment_id)

    @property
    def description(self) -> str:
        return f"handle_thread_command {self.repo}#{self.pr_number}"

    def kwargs(self) -> dict[str, object]:
        return {**super().kwargs(), "in_reply_to": self.in_reply_to, "by_bot": self.by_bot}


@dataclass(frozen=True)
class SweepJob:
    """The redelivery sweep of one `interval`-second time slot: every worker that schedules it names
    the same slot, so the fleet sweeps once per slot. Its result lasts until the next slot's."""

    func: ClassVar[str] = "workers.sweeper.sweep"
    description: ClassVar[str] = "redeliver failed webhooks"
    failure_ttl: ClassVar[int] = keys.TICK_FAILURE_TTL_SECONDS

    interval: int
    slot: int
    # When the tick is due (now, or its slot's start): one that waited in a backlog while another tick
    # started after this time and finished skips itself.
    due_at: float = field(default_factory=time.time)

    @property
    def job_id(self) -> str:
        return keys.sweep_job_id(self.interval, self.slot)

    @property
    def result_ttl(self) -> int:
        return self.interval

    def kwargs(self) -> dict[str, object]:
        return {"due_at": self.due_at}


@dataclass(frozen=True)
class ReconcileJob:
    """A reconciler tick of one time slot. The tick a starting worker asks for at once
    (`at_worker_start`) has slots a tenth of the interval long, so a fleet starting together runs one."""

    func: ClassVar[str] = "workers.reconcile.reconcile"
    failure_ttl: ClassVar[int] = keys.TICK_FAILURE_TTL_SECONDS

    interval: int
    slot: int
    at_worker_start: bool = False
    due_at: float = field(default_factory=time.time)

    @property
    def job_id(self) -> str:
        if self.at_worker_start:
            return keys.reconcile_start_job_id(self.slot)
        return keys.reconcile_job_id(self.interval, self.slot)

    @property
    def description(self) -> str:
        when = " (worker start)" if self.at_worker_start else ""
        return f"reconcile open pull requests with their check runs{when}"

    @property
    def result_ttl(self) -> int:
        return self.interval

    def kwargs(self) -> dict[str, object]:
        return {"due_at": self.due_at}


PullRequestJob = ReviewJob | CommandJob | ThreadCommandJob


def _retry(intervals: Sequence[int]) -> Retry | None:
    return Retry(max=len(intervals), interval=list(intervals)) if intervals else None


def enqueue(
    queue: Queue,
    spec: JobSpec,
    *,
    at: datetime | None = None,
    retry_intervals: Sequence[int] = (),
    timeout: int | None = None,
) -> str:
    """Enqueues `spec` once, now or at `at`; RQ raises DuplicateJobError when its id is already taken.

    `retry_intervals` are the seconds before each retry of a failed job; without them a failure is final.
    """
    options: dict[str, Any] = {
        "kwargs": spec.kwargs(),
        "job_id": spec.job_id,
        "unique": True,
        "retry": _retry(retry_intervals),
        "result_ttl": spec.result_ttl,
        "failure_ttl": spec.failure_ttl,
        "description": spec.description,
    }
    # The two calls name the timeout differently: `enqueue_at` passes its keywords through to `enqueue`.
    if at is not None:
        queue.enqueue_at(at, spec.func, job_timeout=timeout, **options)
    else:
        queue.enqueue_call(spec.func, timeout=timeout, **options)
    return spec.job_id


def enqueue_pull_request_job(redis: Redis, settings: Settings, spec: PullRequestJob) -> str:
    """A review or command job: retried after each of `MLDEBT_JOB_RETRY_INTERVALS`, stopped at
    `MLDEBT_JOB_TIMEOUT`; one that still fails stays in RQ's failed-job registry for `rq requeue`."""
    queue = Queue(settings.queue_name, connection=redis)
    retries = settings.job_retry_intervals
    return enqueue(queue, spec, retry_intervals=retries, timeout=settings.job_timeout_seconds)


def queued_pull_request_job(queue: Queue, settings: Settings, spec: PullRequestJob) -> Job:
    """The RQ job `enqueue_pull_request_job` would save, built without a Redis round trip, so the
    receiver can write it in the same script as the delivery's de-duplication (`bot.enqueue`)."""
    job = queue.create_job(
        spec.func,
        kwargs=spec.kwargs(),
        job_id=spec.job_id,
        retry=_retry(settings.job_retry_intervals),
        timeout=settings.job_timeout_seconds,
        result_ttl=spec.result_ttl,
        failure_ttl=spec.failure_ttl,
        description=spec.description,
    )
    job.enqueued_at = now()
    return job
