"""`python -m workers.health`: exit 0 if a worker on this host is registered in Redis with a fresh heartbeat.

A container's health check: the worker opens no port to poll, and a live
process says nothing about whether it still reaches Redis and takes jobs.
RQ registers each worker under its host name and renews the registration
with every heartbeat, which an idle worker sends at least once per blocking
dequeue; so a registration older than the worker's TTL is one that stopped.
"""

from __future__ import annotations

import socket
import sys
from datetime import UTC, datetime

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker

from core.keys import WORKER_TTL_MARGIN_SECONDS
from core.settings import Settings, SettingsError


def fresh_worker(settings: Settings, hostname: str, now: datetime | None = None) -> str | None:
    """The name of a worker on `hostname` serving the review queue with a heartbeat within its TTL."""
    limit = settings.maintenance_interval_seconds + WORKER_TTL_MARGIN_SECONDS
    moment = now or datetime.now(UTC)
    connection = Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
    try:
        queue = Queue(settings.queue_name, connection=connection)
        for worker in Worker.all(queue=queue):
            beat = worker.last_heartbeat
            if worker.hostname != hostname or beat is None:
                continue
            if beat.tzinfo is None:
                beat = beat.replace(tzinfo=UTC)
            if (moment - beat).total_seconds() <= limit:
                return worker.name
        return None
    finally:
        connection.close()


def main() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"mldebt worker health: {exc}", file=sys.stderr)
        return 2
    hostname = socket.gethostname()
    try:
        name = fresh_worker(settings, hostname)
    except RedisError as exc:
        print(f"mldebt worker health: Redis unreachable ({type(exc).__name__})", file=sys.stderr)
        return 1
    if name is None:
        print(f"mldebt worker health: no worker on {hostname} with a fresh heartbeat", file=sys.stderr)
        return 1
    print(f"mldebt worker health: {name} on {hostname} is alive")
    return 0


if __name__ == "__main__":
    sys.exit(main())
