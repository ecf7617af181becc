"""The next tick of a periodic job (the redelivery sweep, the reconciler), however many workers ask for it.

The job id names the time slot and RQ's `unique=True` refuses a second job of that id, so each slot runs
once across the fleet with no lock and no scheduler of our own.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from rq import Queue
from rq.exceptions import DuplicateJobError

from core import keys


def schedule_next_slot(queue: Queue, interval: int, func: Callable[..., Any], *, name: str, description: str) -> None:
    """Schedules `func` at the start of the next `interval`-second slot, unless someone already did (or it is off)."""
    if interval <= 0:
        return
    slot = int(time.time() // interval) + 1
    try:
        queue.enqueue_at(
            datetime.fromtimestamp(slot * interval, UTC),
            func,
            job_id=f"{name}-{interval}-{slot}",
            unique=True,
            result_ttl=interval,
            failure_ttl=keys.TICK_FAILURE_TTL_SECONDS,
            description=description,
        )
    except DuplicateJobError:
        return
