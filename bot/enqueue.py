"""Turns a routing decision into RQ jobs. RQ owns retries, uniqueness and scale-out."""

from __future__ import annotations

from redis import Redis
from rq import Queue, Retry

from bot import keys
from bot.router import Decision
from bot.settings import Settings

RETRY = Retry(max=3, interval=[5, 30, 120])


def enqueue(decision: Decision, redis: Redis, settings: Settings) -> list[str]:
    """Enqueues each job once: `unique=True` drops a job whose id is already queued or running."""
    queue = Queue(settings.queue_name, connection=redis)
    if decision.latest_head is not None:
        repo, pr, sha = decision.latest_head
        redis.set(keys.latest_head_key(repo, pr), sha, ex=30 * 24 * 3600)
    ids = []
    for job in decision.jobs:
        queue.enqueue_call(
            job.func,
            kwargs=dict(job.kwargs),
            job_id=job.job_id,
            unique=True,
            retry=RETRY,
            timeout=settings.job_timeout_seconds,
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
            description=f"{job.func.rsplit('.', 1)[-1]} {decision.repo}#{decision.pr} {decision.sha[:7]}".strip(),
        )
        ids.append(job.job_id)
    return ids
