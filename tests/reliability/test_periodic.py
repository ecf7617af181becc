"""Periodic ticks behind a backlog: the first one does the pass over GitHub, the ones queued with it skip.

While reviews keep every worker busy, the sweep and the reconciler keep
scheduling the next time slot, so several ticks of one kind end up queued
together. Each would repeat the same full pass (the reconciler lists every open
PR's runs), taking a worker and GitHub calls from the reviews that are waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from core.jobs import JobSpec, ReconcileJob, SweepJob, enqueue
from harness.system import LocalSystem
from tests.reliability.conftest import SystemFactory, open_small_pr

INTERVAL = 60
# The first call each pass makes: the App's delivery list (sweep), its installations (reconcile).
KINDS: dict[str, tuple[Callable[[int, float], JobSpec], str]] = {
    "sweep": (lambda slot, due: SweepJob(INTERVAL, slot, due_at=due), "/app/hook/deliveries"),
    "reconcile": (lambda slot, due: ReconcileJob(INTERVAL, slot, due_at=due), "/app/installations"),
}


def passes(system: LocalSystem, path: str) -> int:
    return sum(1 for call in system.sim.calls if call.path == path)


@pytest.mark.parametrize("kind", list(KINDS))
def test_ticks_queued_together_make_one_pass_and_a_later_tick_makes_its_own(
    kind: str, make_system: SystemFactory
) -> None:
    tick, first_call = KINDS[kind]
    system = make_system()
    open_small_pr(system.sim, "octo-org/churn", 1, "tune")
    now = time.time()
    for slot in range(3):
        enqueue(system.queue, tick(slot, now - 3 * INTERVAL + slot * INTERVAL))

    system.run_jobs()
    assert passes(system, first_call) == 1

    enqueue(system.queue, tick(3, time.time()))
    system.run_jobs()
    assert passes(system, first_call) == 2


def test_a_tick_enqueued_by_an_older_worker_without_a_due_time_still_runs(make_system: SystemFactory) -> None:
    """Jobs already in Redis when the fleet is upgraded carry no `due_at`: they run as before."""
    system = make_system()
    for _ in range(2):
        system.queue.enqueue("workers.sweeper.sweep")
        system.run_jobs()
    assert passes(system, "/app/hook/deliveries") == 2
