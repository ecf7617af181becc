"""Metrics of the work a worker does: its GitHub calls, the rate limit it saw, how long its jobs ran.

Counted in the process that does the work, and tallied fleet-wide in Redis
(a forked work horse's own counters die with it), where the receiver's
`/metrics` reads them at scrape time (`bot.metrics`).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram
from redis import Redis
from redis.exceptions import RedisError

from core import keys

JOB_SECONDS = Histogram("mldebt_job_seconds", "Duration of worker jobs run in this process", ["job"])
GITHUB_CALLS = Counter(
    "mldebt_github_calls_total",
    "GitHub API calls made by this process, by method and status",
    ["method", "status"],
)
RATE_REMAINING = Gauge(
    "mldebt_github_rate_limit_remaining", "Last x-ratelimit-remaining this process saw", ["installation"]
)


def record_github_call(
    redis: Redis, method: str, status: int, installation_id: int, remaining: str | None
) -> None:
    """Fleet-wide tallies in Redis: a forked work horse's own counters die with it."""
    try:
        with redis.pipeline(transaction=False) as pipe:
            pipe.hincrby(keys.FLEET_CALLS_KEY, f"{method} {status}", 1)
            if remaining is not None and remaining.isdigit():
                pipe.hset(keys.FLEET_REMAINING_KEY, str(installation_id), remaining)
            pipe.execute()
    except RedisError:
        return


def record_reconcile(redis: Redis, calls: int, enqueued: int) -> None:
    """The reconciler runs in a work horse, so its cost is tallied in Redis for the receiver to show."""
    try:
        with redis.pipeline(transaction=False) as pipe:
            pipe.hincrby(keys.RECONCILE_TALLY_KEY, "ticks", 1)
            pipe.hincrby(keys.RECONCILE_TALLY_KEY, "calls", calls)
            pipe.hincrby(keys.RECONCILE_TALLY_KEY, "enqueued", enqueued)
            pipe.hset(keys.RECONCILE_TALLY_KEY, "last_tick_calls", calls)
            pipe.execute()
    except RedisError:
        return
