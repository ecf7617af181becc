"""Housekeeping survives a kill: a dead worker's scheduler, sweep and maintenance locks lapse within a few
heartbeats, and a job it had dequeued but not started goes back on the queue."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from multiprocessing.synchronize import Event

from redis import Redis
from rq.utils import now

from core import keys
from ghsim import payloads
from harness.system import LocalSystem
from tests.reliability.conftest import SystemFactory, open_small_pr
from workers.__main__ import build_worker
from workers.housekeeping import HeartbeatScheduler
from workers.locks import held, lifetime

REPO = "octo-org/churn"


def _hold_forever(url: str, key: str, ready: Event) -> None:
    with held(Redis.from_url(url), key, 1) as mine:
        assert mine
        ready.set()
        time.sleep(3600)


def test_a_killed_sweeps_lock_is_taken_over_within_seconds_while_a_living_one_keeps_it(
    redis_url: str, redis: Redis
) -> None:
    key = keys.SWEEP_LOCK_KEY
    with held(redis, key, 1) as mine:
        assert mine
        time.sleep(lifetime(1) + 1)
        with held(redis, key, 1) as also:
            assert not also, "a living holder renews its lock past its lifetime"

    ready = multiprocessing.get_context("fork").Event()
    holder = multiprocessing.get_context("fork").Process(target=_hold_forever, args=(redis_url, key, ready))
    holder.start()
    assert ready.wait(10)
    assert holder.pid is not None
    os.kill(holder.pid, signal.SIGKILL)
    holder.join()
    assert 0 < redis.pttl(key) <= lifetime(1) * 1000
    deadline = time.monotonic() + 30
    while True:
        with held(redis, key, 1) as taken:
            if taken:
                break
        assert time.monotonic() < deadline, "the dead holder's lock never lapsed"
        time.sleep(0.1)


def test_a_job_a_dead_worker_took_but_never_started_goes_back_on_the_queue(
    make_system: SystemFactory,
) -> None:
    system: LocalSystem = make_system(worker_heartbeat_seconds=1)
    pr = open_small_pr(system.sim, REPO, 1, "tune")
    assert (
        system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number)).status_code
        == 202
    )
    queue = system.queue
    [job_id] = queue.job_ids
    system.redis.lmove(
        queue.key, queue.intermediate_queue_key, "LEFT", "RIGHT"
    )  # a worker's dequeue, then SIGKILL
    assert queue.count == 0

    worker = build_worker(system.settings)
    worker.clean_registries()
    system.redis.set(queue.intermediate_queue.get_first_seen_key(job_id), now().timestamp() - lifetime(1) - 1)
    worker.clean_registries()

    assert queue.job_ids == [job_id] and not system.redis.llen(queue.intermediate_queue_key)
    system.run_jobs()
    assert [run["conclusion"] for run in system.sim.check_runs(REPO, pr.head_sha)] == ["failure"]


def test_a_killed_workers_scheduler_lock_is_taken_over_and_retries_still_run(
    make_system: SystemFactory,
) -> None:
    system = make_system(worker_heartbeat_seconds=1, maintenance_interval_seconds=1, job_retry_intervals=(1,))
    lock = HeartbeatScheduler.get_locking_key(system.settings.queue_name)
    doomed = system.start_worker()
    system.wait_for_workers(1)
    deadline = time.monotonic() + 30
    while not system.redis.exists(lock):
        assert time.monotonic() < deadline, doomed.output()
        time.sleep(0.05)
    assert 0 < system.redis.ttl(lock) <= lifetime(1)
    system.start_worker()
    system.wait_for_workers(2)
    doomed.kill()

    system.sim.faults.add(r"/pulls/\d+/files$", method="GET", status=502, times=3)
    pr = open_small_pr(system.sim, REPO, 1, "tune")
    assert (
        system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number)).status_code
        == 202
    )

    deadline = time.monotonic() + 45
    while [run["conclusion"] for run in system.sim.check_runs(REPO, pr.head_sha)] != ["failure"]:
        assert time.monotonic() < deadline, "\n".join(worker.output()[-3000:] for worker in system.workers)
        time.sleep(0.1)
