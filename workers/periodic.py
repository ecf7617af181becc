"""The next tick of a periodic job (the redelivery sweep, the reconciler), however many workers ask for it.

The job id names the time slot and RQ's `unique=True` refuses a second job of that id, so each slot runs
once across the fleet with no lock and no scheduler of our own.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from rq import Queue
from rq.exceptions import DuplicateJobError

from core.jobs import JobSpec, enqueue


def schedule_next_slot(queue: Queue, interval: int, tick: Callable[[int], JobSpec]) -> None:
    """Schedules `tick(slot)` at the start of the next `interval`-second slot, unless someone already
    did (or it is off)."""
    if interval <= 0:
        return
    slot = int(time.time() // interval) + 1
    try:
        enqueue(queue, tick(slot), at=datetime.fromtimestamp(slot * interval, UTC))
    except DuplicateJobError:
        return
