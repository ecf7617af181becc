"""Asks GitHub to redeliver the webhooks mldebt failed to take.

GitHub never retries a failed delivery by itself (a receiver that answered 503
because Redis was down, or that was not reachable at all), but it keeps three
days of them and redelivers one on request. The sweep lists the App's
deliveries of those three days and, for every GUID that no attempt
delivered, asks once: a GUID it already asked for (remembered in Redis for
the three days) is never asked for again. The receiver drops a GUID it has
already taken, so a redelivery can never run a job twice.

The sweep is an RQ job that RQ's scheduler runs every `MLDEBT_SWEEP_INTERVAL`
seconds: each worker schedules the next one at start and at maintenance, and
each sweep schedules its successor; the time slot in the job id lets them agree.
Its lock lives as long as the sweeping worker's heartbeat (`workers.locks`), so
a sweep killed midway holds up the next one by seconds, not minutes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from redis import Redis
from rq import Queue

from core import keys
from core.jobs import SweepJob
from workers.app_gateway import AppGateway
from workers.context import WorkerContext, current
from workers.locks import held
from workers.periodic import record_finished, schedule_next_slot, superseded
from workers.port import DeliveryAttempt, GitHubAppPort

log = logging.getLogger("mldebt.sweeper")
LOOKBACK = timedelta(days=3)


def undelivered(attempts: Iterator[DeliveryAttempt]) -> dict[str, int]:
    """GUIDs no attempt delivered, each with its latest attempt's id (the one to redeliver); attempts
    come newest first."""
    ok: set[str] = set()
    latest: dict[str, int] = {}
    for attempt in attempts:
        latest.setdefault(attempt.guid, attempt.id)
        if attempt.delivered:
            ok.add(attempt.guid)
    return {guid: delivery_id for guid, delivery_id in latest.items() if guid not in ok}


def sweep(due_at: float | None = None) -> str:
    ctx = current()
    try:
        with held(ctx.redis, keys.SWEEP_LOCK_KEY, ctx.settings.worker_heartbeat_seconds) as mine:
            if not mine:
                return "another sweep is running"
            if superseded(ctx.redis, keys.SWEEP_LAST_START_KEY, due_at):
                return "a later sweep already ran"
            started = time.time()
            outcome = _sweep(ctx)
            record_finished(ctx.redis, keys.SWEEP_LAST_START_KEY, started)
            return outcome
    finally:
        schedule(Queue(ctx.settings.queue_name, connection=ctx.redis), ctx.settings.sweep_interval_seconds)


def _sweep(ctx: WorkerContext) -> str:
    since = datetime.now(UTC) - LOOKBACK
    with AppGateway(ctx.tokens) as app:
        asked = _redeliver(app, ctx.redis, since)
    log.info(
        "sweep asked GitHub to redeliver %d deliveries", len(asked), extra={"delivery": ",".join(asked[:20])}
    )
    return f"redelivered {len(asked)}"


def _redeliver(app: GitHubAppPort, redis: Redis, since: datetime) -> list[str]:
    """Asks once for each GUID undelivered since `since`; a refusal GitHub may change its mind on (5xx)
    is asked again next sweep."""
    asked: list[str] = []
    for guid, delivery_id in undelivered(app.list_delivery_attempts(since)).items():
        if redis.exists(keys.redelivered_key(guid)):
            continue
        refused = app.redeliver(delivery_id)
        if refused is not None:
            log.warning("GitHub would not redeliver %s (%s)", guid, refused)
            if refused >= 500:
                continue
        redis.set(keys.redelivered_key(guid), delivery_id, ex=keys.REDELIVERED_TTL_SECONDS)
        asked.append(guid)
    return asked


def schedule(queue: Queue, interval: int) -> None:
    """Schedules the sweep of the next time slot, unless someone already did (or sweeping is off)."""
    schedule_next_slot(queue, interval, lambda slot, due: SweepJob(interval, slot, due_at=due))
