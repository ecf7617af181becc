"""`python -m workers`: one RQ worker on the review queue. Scale out by running more.

The job modules are imported here, before RQ forks a work horse per job, so
that no job pays for importing the rules engine. The Redis client retries
through short outages (a restart, a failover); RQ's own loop rides out longer
ones.
"""

from __future__ import annotations

import os
import sys

from redis import Redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry
from rq import Queue, Worker
from rq.job import Job
from rq.utils import now

from core.keys import WORKER_TTL_MARGIN_SECONDS
from core.logs import configure
from core.settings import Settings, SettingsError
from workers import clients, commands, reconcile, review, sweeper, warmup  # noqa: F401  (commands, review: imported before the fork)
from workers.housekeeping import HeartbeatScheduler, clean
from workers.locks import lifetime
from workers.tokens import check_signing_key

REDIS_RETRIES = 12


class MldebtWorker(Worker):
    """RQ's forking worker, with the sweep kept on schedule and a configurable heartbeat grace.

    RQ counts a job as abandoned (its worker died: OOM kill, lost node) once
    its heartbeat is `job_monitoring_interval` + 60 s old, and the next
    maintenance of any worker retries it. The grace is fixed in RQ; here it is
    a setting, so a dead worker's job is picked up again sooner. An idle
    worker only runs maintenance when its blocking dequeue times out, which
    RQ ties to the worker TTL, so that TTL follows the maintenance interval.
    Its scheduler and maintenance locks live on the heartbeat's clock
    (`workers.housekeeping`), so a killed worker holds neither for long.
    """

    heartbeat_grace = 60
    sweep_interval = 0
    reconcile_interval = 0
    # RQ leaves the parameter it comes from unannotated; `build_worker` passes the settings' int.
    job_monitoring_interval: int

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        if job.timeout and job.timeout > 0:
            return int(min(job.timeout - working_time, self.job_monitoring_interval)) + self.heartbeat_grace
        return self.job_monitoring_interval + self.heartbeat_grace

    def clean_registries(self) -> None:
        for queue in self.queues:
            if clean(queue, self.job_monitoring_interval, self._exc_handlers):
                self.log.info("Worker %s: cleaned registries for queue: %s", self.name, queue.name)
        self.last_cleaned_at = now()  # type: ignore[assignment]  # RQ's __init__ sets None, typing it None

    def _start_scheduler(
        self, burst: bool = False, logging_level: str | None = "INFO", *args: object, **kwargs: object
    ) -> None:
        """RQ's own start-up, with a scheduler whose locks lapse a few heartbeats after its worker dies."""
        scheduler = HeartbeatScheduler(
            self.queues,
            connection=self.connection,
            logging_level=logging_level or self.log.level,
            serializer=self.serializer,
        )
        scheduler.lock_ttl = int(lifetime(self.job_monitoring_interval))
        self.scheduler = scheduler
        scheduler.acquire_locks()
        if not scheduler.acquired_locks:
            return
        if not burst:
            scheduler.start()  # type: ignore[no-untyped-call]  # unannotated in RQ
            return
        try:
            scheduler.register_birth()
            scheduler.enqueue_scheduled_jobs()  # type: ignore[no-untyped-call]  # unannotated in RQ
        finally:
            scheduler.release_locks()  # type: ignore[no-untyped-call]  # unannotated in RQ
            scheduler.register_death()

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()  # type: ignore[no-untyped-call]  # unannotated in RQ
        for queue in self.queues:
            sweeper.schedule(queue, self.sweep_interval)
            reconcile.schedule(queue, self.reconcile_interval)
            reconcile.kick(queue, self.reconcile_interval, only_if_wiped=True)


def build_worker(settings: Settings) -> MldebtWorker:
    connection = Redis.from_url(
        settings.redis_url,
        retry=Retry(ExponentialWithJitterBackoff(base=0.1, cap=5.0), REDIS_RETRIES),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        health_check_interval=30,
    )
    worker = MldebtWorker(
        [Queue(settings.queue_name, connection=connection)],
        connection=connection,
        job_monitoring_interval=settings.worker_heartbeat_seconds,
        maintenance_interval=settings.maintenance_interval_seconds,
        worker_ttl=settings.maintenance_interval_seconds + WORKER_TTL_MARGIN_SECONDS,
    )
    worker.heartbeat_grace = settings.worker_heartbeat_grace_seconds
    worker.sweep_interval = settings.sweep_interval_seconds
    worker.reconcile_interval = settings.reconcile_interval_seconds
    return worker


def main() -> int:
    key_setting = "MLDEBT_PRIVATE_KEY" if os.environ.get("MLDEBT_PRIVATE_KEY") else "MLDEBT_PRIVATE_KEY_FILE"
    try:
        settings = Settings.from_env()
        check_signing_key(settings, key_setting)
    except SettingsError as exc:
        print(f"mldebt worker: {exc}", file=sys.stderr)
        return 2
    configure(settings.log_level)
    clients.tls_context()
    warmup.load_models()
    worker = build_worker(settings)
    for queue in worker.queues:
        reconcile.kick(queue, settings.reconcile_interval_seconds)
    worker.work(with_scheduler=True, logging_level=settings.log_level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
