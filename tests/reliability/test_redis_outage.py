"""Redis goes away: the receiver says 503 so GitHub records a failed delivery, workers ride it out,
and the redelivery sweeper brings back what GitHub could not hand over."""

from __future__ import annotations

import time
from typing import Any

from ghsim import payloads
from harness.system import LocalSystem
from tests.reliability.conftest import PrivateRedis, SystemFactory, open_small_pr

REPO = "octo-org/churn"


def wait_for_completed_run(system: LocalSystem, sha: str, timeout: float = 45) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        runs = system.sim.check_runs(REPO, sha)
        if runs and runs[0]["status"] == "completed":
            return runs[0]
        assert time.monotonic() < deadline, "\n".join(worker.output()[-4000:] for worker in system.workers)
        time.sleep(0.1)


def test_a_webhook_refused_while_redis_was_down_is_redelivered_by_the_sweeper(
    private_redis: PrivateRedis, make_system: SystemFactory
) -> None:
    system = make_system(
        redis_url=private_redis.url, sweep_interval_seconds=1, maintenance_interval_seconds=1
    )
    system.start_worker()
    system.wait_for_workers(1)
    pr = open_small_pr(system.sim, REPO, 1, "tune")

    private_redis.stop()
    refused = system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number))
    assert refused.status_code == 503
    private_redis.start()

    run = wait_for_completed_run(system, pr.head_sha)
    assert run["conclusion"] == "failure"
    attempts = [
        (d.redelivery, d.status_code)
        for d in system.sim.deliveries
        if d.guid == refused.request.headers["x-github-delivery"]
    ]
    assert attempts == [(False, 503), (True, 202)], "redelivered once, and taken"
    assert len(system.sim.check_runs(REPO, pr.head_sha)) == 1


def test_a_worker_keeps_working_after_redis_restarts(
    private_redis: PrivateRedis, make_system: SystemFactory
) -> None:
    system = make_system(redis_url=private_redis.url)
    worker = system.start_worker()
    system.wait_for_workers(1)
    first = open_small_pr(system.sim, REPO, 1, "first")
    assert (
        system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, first.number)).status_code
        == 202
    )
    wait_for_completed_run(system, first.head_sha)

    private_redis.stop()
    time.sleep(0.5)
    private_redis.start()

    second = open_small_pr(system.sim, REPO, 1, "second", salt=2)
    assert (
        system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, second.number)).status_code
        == 202
    )
    assert wait_for_completed_run(system, second.head_sha)["conclusion"] == "failure"
    assert worker.process.poll() is None, "the same worker process did the work"
