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
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from urllib.parse import parse_qs, urlparse

from githubkit import GitHub
from githubkit.exception import RequestFailed
from rq import Queue

from core import keys
from core.jobs import SweepJob
from workers.context import WorkerContext, current
from workers.locks import held
from workers.periodic import schedule_next_slot

log = logging.getLogger("mldebt.sweeper")
LOOKBACK = timedelta(days=3)
PAGE_SIZE = 100


def _attempts(app: GitHub, since: datetime) -> Iterator[tuple[str, int, bool]]:  # type: ignore[type-arg]
    """(guid, delivery id, delivered OK) of every attempt since `since`, newest first."""
    cursor: str | None = None
    while True:
        response = app.rest.apps.list_webhook_deliveries(per_page=PAGE_SIZE, **({"cursor": cursor} if cursor else {}))
        page = response.parsed_data
        for item in page:
            if item.delivered_at >= since:
                yield item.guid, item.id, 200 <= item.status_code < 300
        if not page or page[-1].delivered_at < since:
            return
        following = response.raw_response.links.get("next", {}).get("url")
        cursor = parse_qs(urlparse(following).query).get("cursor", [None])[0] if following else None
        if not cursor:
            return


def undelivered(attempts: Iterator[tuple[str, int, bool]]) -> dict[str, int]:
    """GUIDs no attempt delivered, each with its latest attempt's id (the one to redeliver)."""
    ok: set[str] = set()
    latest: dict[str, int] = {}
    for guid, delivery_id, delivered in attempts:
        latest.setdefault(guid, delivery_id)
        if delivered:
            ok.add(guid)
    return {guid: delivery_id for guid, delivery_id in latest.items() if guid not in ok}


def sweep() -> str:
    ctx = current()
    try:
        with held(ctx.redis, keys.SWEEP_LOCK_KEY, ctx.settings.worker_heartbeat_seconds) as mine:
            if not mine:
                return "another sweep is running"
            return _sweep(ctx)
    finally:
        schedule(Queue(ctx.settings.queue_name, connection=ctx.redis), ctx.settings.sweep_interval_seconds)


def _sweep(ctx: WorkerContext) -> str:
    since = datetime.now(UTC) - LOOKBACK
    asked: list[str] = []
    with ctx.tokens.app_client() as app:
        for guid, delivery_id in undelivered(_attempts(app, since)).items():
            if ctx.redis.exists(keys.redelivered_key(guid)):
                continue
            try:
                app.rest.apps.redeliver_webhook_delivery(delivery_id)
            except RequestFailed as exc:
                log.warning("GitHub would not redeliver %s (%s)", guid, exc.response.status_code)
                if exc.response.status_code >= 500:
                    continue
            ctx.redis.set(keys.redelivered_key(guid), delivery_id, ex=keys.REDELIVERED_TTL_SECONDS)
            asked.append(guid)
    log.info("sweep asked GitHub to redeliver %d deliveries", len(asked), extra={"delivery": ",".join(asked[:20])})
    return f"redelivered {len(asked)}"


def schedule(queue: Queue, interval: int) -> None:
    """Schedules the sweep of the next time slot, unless someone already did (or sweeping is off)."""
    schedule_next_slot(queue, interval, partial(SweepJob, interval))
