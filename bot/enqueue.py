"""Turns a routing decision into RQ jobs. RQ owns retries, uniqueness and scale-out.

A failed job is retried after each of `MLDEBT_JOB_RETRY_INTERVALS`; one that
still fails stays in RQ's failed-job registry for a week, where
`rq requeue` can replay it.
"""

from __future__ import annotations

from redis import Redis
from rq import Queue, Retry

from bot.router import Decision
from core import keys
from core.settings import Settings


def enqueue(decision: Decision, redis: Redis, settings: Settings) -> list[str]:
    """Enqueues each job once: `unique=True` drops a job whose id is already queued or running."""
    queue = Queue(settings.queue_name, connection=redis)
    retry = Retry(max=len(settings.job_retry_intervals), interval=list(settings.job_retry_intervals)) if settings.job_retry_intervals else None
    if decision.latest_head is not None:
        repo, pr, sha = decision.latest_head
        redis.set(keys.latest_head_key(repo, pr), sha, ex=keys.HEAD_HINT_TTL_SECONDS)
    ids = []
    for job in decision.jobs:
        queue.enqueue_call(
            job.func,
            kwargs=dict(job.kwargs),
            job_id=job.job_id,
            unique=True,
            retry=retry,
            timeout=settings.job_timeout_seconds,
            result_ttl=keys.JOB_RESULT_TTL_SECONDS,
            failure_ttl=keys.JOB_FAILURE_TTL_SECONDS,
            description=f"{job.func.rsplit('.', 1)[-1]} {decision.repo}#{decision.pr} {decision.sha[:7]}".strip(),
        )
        ids.append(job.job_id)
    return ids
