"""Turns a routing decision into RQ jobs. RQ owns retries, uniqueness and scale-out.

A failed job is retried after each of `MLDEBT_JOB_RETRY_INTERVALS`; one that
still fails stays in RQ's failed-job registry for a week, where
`rq requeue` can replay it.
"""

from __future__ import annotations

from redis import Redis

from bot.router import Decision
from core import keys
from core.jobs import enqueue_pull_request_job
from core.settings import Settings


def enqueue(decision: Decision, redis: Redis, settings: Settings) -> list[str]:
    """Enqueues each job once: a job whose id is already queued or running raises RQ's DuplicateJobError."""
    if decision.latest_head is not None:
        repo, pr, sha = decision.latest_head
        redis.set(keys.latest_head_key(repo, pr), sha, ex=keys.HEAD_HINT_TTL_SECONDS)
    return [enqueue_pull_request_job(redis, settings, job) for job in decision.jobs]
