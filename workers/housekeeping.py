"""RQ's housekeeping on the worker heartbeat's clock, so a killed worker stalls none of it.

RQ holds its scheduler lock for a minute past each refresh and its
maintenance lock for fifteen minutes, and fails a job stuck between dequeue
and start only after a minute. A worker killed while holding one of them
stops retries, sweeps or cleaning for that long. Here every such lifetime is
a few heartbeats (`workers.locks.lifetime`): a living holder renews its lock
every heartbeat, a dead one's lock lapses within seconds and the next
worker's maintenance takes over, and a job no worker started within that
lifetime goes back on the queue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from rq import Queue
from rq.job import Job
from rq.registry import clean_registries
from rq.scheduler import RQScheduler
from rq.utils import now
from rq.worker_registration import clean_worker_registry

from workers.locks import held, lifetime

log = logging.getLogger("mldebt.housekeeping")


class HeartbeatScheduler(RQScheduler):
    """RQ's scheduler, its locks cut to `lock_ttl` after each acquisition and each heartbeat (every
    second)."""

    lock_ttl = 30

    def _cut_locks(self) -> None:
        for name in self._acquired_locks:
            self.connection.expire(self.get_locking_key(name), int(self.lock_ttl))

    def acquire_locks(self, auto_start: bool = False) -> set[str]:
        locks: set[str]
        locks = super().acquire_locks(auto_start)  # type: ignore[no-untyped-call]  # unannotated in RQ
        self._cut_locks()
        return locks

    def heartbeat(self) -> None:
        super().heartbeat()  # type: ignore[no-untyped-call]  # unannotated in RQ
        self._cut_locks()


def requeue_unstarted(queue: Queue, after: float) -> list[str]:
    """Jobs dequeued by a worker that died before starting them go back on the queue.

    RQ notes when maintenance first sees a job in the intermediate queue; one
    still there `after` seconds later, and not started, was taken by a dead worker.
    """
    intermediate = queue.intermediate_queue
    requeued = []
    for job_id in intermediate.get_job_ids():
        if job_id in queue.started_job_registry:
            continue
        job = queue.fetch_job(job_id)
        if job is None:
            intermediate.remove(job_id)
            continue
        if intermediate.set_first_seen(job_id):
            continue
        first_seen = intermediate.get_first_seen(job_id)
        if first_seen is None or now() - first_seen < timedelta(seconds=after):
            continue
        intermediate.remove(job_id)
        queue.connection.delete(intermediate.get_first_seen_key(job_id))
        queue.enqueue_job(Job.fetch(job_id, connection=queue.connection))
        requeued.append(job_id)
    if requeued:
        log.warning(
            "requeued %d job(s) a dead worker had taken but not started",
            len(requeued),
            extra={"job": ",".join(requeued[:20])},
        )
    return requeued


def clean(
    queue: Queue, heartbeat_seconds: float, exception_handlers: list[Callable[..., Any]] | None = None
) -> bool:
    """One worker's cleaning of the queue's registries, under RQ's own lock key held on the heartbeat's
    clock."""
    with held(queue.connection, queue.registry_cleaning_key, heartbeat_seconds) as mine:
        if not mine:
            return False
        clean_registries(queue, exception_handlers)
        clean_worker_registry(queue)
        requeue_unstarted(queue, lifetime(heartbeat_seconds))
        return True
