"""The receiver's Prometheus metrics: its deliveries, and the fleet as Redis knows it.

What the whole fleet shares lives in Redis, so `/metrics` reads it at scrape
time: queue depth, running, retrying and failed jobs, RQ's own per-worker
tallies of jobs done and time spent, which survive forked work horses and
count every worker on every host, and the GitHub calls and reconciler ticks
the workers tally there (`core.metrics`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import Counter
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.registry import FailedJobRegistry, StartedJobRegistry

from core import keys

DELIVERIES = Counter(
    "mldebt_deliveries_total", "Webhook deliveries by event and outcome", ["event", "outcome"]
)


class QueueCollector(Collector):
    """The queue and the workers as Redis knows them, read at every scrape."""

    def __init__(self, connection: Callable[[], Redis], queue_name: str) -> None:
        self._connection = connection
        self._queue_name = queue_name

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        up = GaugeMetricFamily("mldebt_redis_up", "Whether Redis answered this scrape")
        try:
            families = list(self._families(self._connection()))
        except RedisError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self, redis: Redis) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        queue = Queue(self._queue_name, connection=redis)
        for name, documentation, value in (
            ("mldebt_queue_depth", "Jobs waiting in the review queue", queue.count),
            ("mldebt_jobs_running", "Jobs a worker is running now", StartedJobRegistry(queue=queue).count),
            ("mldebt_jobs_scheduled", "Jobs waiting for a retry", queue.scheduled_job_registry.count),
            (
                "mldebt_jobs_failed",
                "Jobs that failed for good (kept a week for `rq requeue`)",
                FailedJobRegistry(queue=queue).count,
            ),
        ):
            yield GaugeMetricFamily(name, documentation, value=value)
        workers = Worker.all(queue=queue)
        yield GaugeMetricFamily("mldebt_workers", "Live workers on the review queue", value=len(workers))
        jobs = CounterMetricFamily(
            "mldebt_worker_jobs",
            "Jobs each live worker has finished, by outcome",
            labels=["worker", "outcome"],
        )
        seconds = CounterMetricFamily(
            "mldebt_worker_busy_seconds", "Time each live worker has spent running jobs", labels=["worker"]
        )
        for worker in workers:
            jobs.add_metric([worker.name, "succeeded"], worker.successful_job_count)
            jobs.add_metric([worker.name, "failed"], worker.failed_job_count)
            seconds.add_metric([worker.name], worker.total_working_time)
        yield jobs
        yield seconds
        calls = CounterMetricFamily(
            "mldebt_fleet_github_calls",
            "GitHub API calls made by every worker, by method and status",
            labels=["method", "status"],
        )
        for field, count in redis.hgetall(keys.FLEET_CALLS_KEY).items():
            method, _, status = _text(field).partition(" ")
            calls.add_metric([method, status], int(count))
        yield calls
        remaining = GaugeMetricFamily(
            "mldebt_fleet_github_rate_limit_remaining",
            "Last x-ratelimit-remaining any worker saw, per installation",
            labels=["installation"],
        )
        for installation, last_seen in redis.hgetall(keys.FLEET_REMAINING_KEY).items():
            remaining.add_metric([_text(installation)], int(last_seen))
        yield remaining
        yield from _reconcile_families(
            {_text(field): int(tally) for field, tally in redis.hgetall(keys.RECONCILE_TALLY_KEY).items()}
        )


def _text(value: bytes | str) -> str:
    """redis-py types replies as bytes or str (clients may decode them); ours leave them bytes."""
    return value.decode() if isinstance(value, bytes) else value


def _reconcile_families(tally: dict[str, int]) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
    yield CounterMetricFamily(
        "mldebt_reconcile_ticks", "Reconciler ticks finished by any worker", value=tally.get("ticks", 0)
    )
    yield CounterMetricFamily(
        "mldebt_reconcile_github_calls",
        "GitHub calls the reconciler made, all ticks",
        value=tally.get("calls", 0),
    )
    yield GaugeMetricFamily(
        "mldebt_reconcile_last_tick_github_calls",
        "GitHub calls of the latest reconciler tick (bounded by MLDEBT_RECONCILE_MAX_CALLS)",
        value=tally.get("last_tick_calls", 0),
    )
    yield CounterMetricFamily(
        "mldebt_reconcile_reviews_enqueued",
        "Reviews the reconciler enqueued for a head with no finished run",
        value=tally.get("enqueued", 0),
    )
