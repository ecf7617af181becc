"""`python -m workers.health` judges a worker by its registration and heartbeat in Redis, per host."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

from redis import Redis

from core.keys import WORKER_TTL_MARGIN_SECONDS
from core.settings import Secret, Settings
from workers.__main__ import build_worker
from workers.health import fresh_worker


def test_only_a_registered_worker_on_this_host_with_a_recent_heartbeat_is_healthy(
    redis_url: str, redis: Redis
) -> None:
    settings = Settings(app_id=1, private_key=Secret(""), webhook_secret=Secret("x"), redis_url=redis_url)
    host = socket.gethostname()
    assert fresh_worker(settings, host) is None
    worker = build_worker(settings)
    worker.register_birth()  # type: ignore[no-untyped-call]  # unannotated in RQ
    try:
        assert fresh_worker(settings, host) == worker.name
        assert fresh_worker(settings, "another-container") is None
        limit = timedelta(seconds=settings.maintenance_interval_seconds + WORKER_TTL_MARGIN_SECONDS)
        assert fresh_worker(settings, host, datetime.now(UTC) + limit / 2) == worker.name
        assert fresh_worker(settings, host, datetime.now(UTC) + limit + timedelta(seconds=5)) is None
    finally:
        worker.register_death()  # type: ignore[no-untyped-call]  # unannotated in RQ
        worker.connection.close()
    assert fresh_worker(settings, host) is None
