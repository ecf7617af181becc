"""The next tick of a periodic job (the redelivery sweep, the reconciler), however many workers ask for it.

The job id names the time slot and RQ's `unique=True` refuses a second job of that id, so each slot runs
once across the fleet with no lock and no scheduler of our own. Behind a backlog of reviews, though, the
ticks of several slots wait in the queue together; the first to run does the work and the rest find it
done (`superseded`), instead of each repeating a full pass over GitHub.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from redis import Redis
from rq import Queue
from rq.exceptions import DuplicateJobError

from core import keys
from core.jobs import JobSpec, enqueue


def schedule_next_slot(queue: Queue, interval: int, tick: Callable[[int, float], JobSpec]) -> None:
    """Schedules `tick(slot, due_at)` at the start of the next `interval`-second slot, unless someone
    already did (or it is off)."""
    if interval <= 0:
        return
    slot = int(time.time() // interval) + 1
    due = slot * interval
    try:
        enqueue(queue, tick(slot, due), at=datetime.fromtimestamp(due, UTC))
    except DuplicateJobError:
        return


def superseded(redis: Redis, last_start_key: str, due_at: float | None) -> bool:
    """True when a tick of the same kind started after this one was due, and finished."""
    if due_at is None:
        return False
    last = redis.get(last_start_key)
    return last is not None and float(last) >= due_at


def record_finished(redis: Redis, last_start_key: str, started: float) -> None:
    """Remembers when the tick that just finished started (ticks of one kind never overlap: a lock)."""
    redis.set(last_start_key, repr(started), ex=keys.LAST_START_TTL_SECONDS)
