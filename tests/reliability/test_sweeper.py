"""The redelivery sweeper: each delivery GitHub could not hand over is asked for again, once."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import httpx

from ghsim import payloads
from harness.system import LocalSystem
from tests.reliability.conftest import PrivateRedis, SystemFactory, open_small_pr
from workers.sweeper import sweep

REPO = "octo-org/churn"


def attempts(system: LocalSystem, guid: str) -> list[tuple[bool, int]]:
    return [(d.redelivery, d.status_code) for d in system.sim.deliveries if d.guid == guid]


def status_of(response: httpx.Response | None) -> int | None:
    """A redelivery's answer; None when the receiver could not be reached at all."""
    return None if response is None else response.status_code


def run_sweep(system: LocalSystem) -> None:
    """One sweep as RQ runs it, then the jobs of what it brought back (redeliveries land asynchronously)."""
    before = len(system.sim.deliveries)
    job = system.queue.enqueue(sweep)
    system.run_jobs()
    result = job.latest_result()
    assert result is not None, "the sweep job ran"
    asked = int(str(result.return_value).split()[-1])
    deadline = time.monotonic() + 10
    while len(system.sim.deliveries) < before + asked or any(
        d.status_code == 0 for d in system.sim.deliveries
    ):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    system.run_jobs()


def test_the_sweep_asks_once_per_undelivered_guid_of_the_last_three_days(
    private_redis: PrivateRedis, make_system: SystemFactory
) -> None:
    system = make_system(redis_url=private_redis.url)
    prs = [open_small_pr(system.sim, REPO, 1, f"pr-{n}", salt=n) for n in range(4)]

    def deliver(pr: Any) -> str:
        response = system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number))
        assert response.status_code == 503
        return response.request.headers["x-github-delivery"]

    private_redis.stop()
    lost, retried_in_vain, retried_fine, too_old = (deliver(pr) for pr in prs)
    assert status_of(system.sim.redeliver(retried_in_vain)) == 503
    private_redis.start()
    assert status_of(system.sim.redeliver(retried_fine)) == 202
    for delivery in system.sim.deliveries:
        if delivery.guid == too_old:
            delivery.delivered_at -= timedelta(days=3, minutes=1)

    run_sweep(system)
    run_sweep(system)

    assert attempts(system, lost) == [(False, 503), (True, 202)]
    assert attempts(system, retried_in_vain) == [(False, 503), (True, 503), (True, 202)]
    assert attempts(system, retried_fine) == [(False, 503), (True, 202)], (
        "delivered already: not asked for again"
    )
    assert attempts(system, too_old) == [(False, 503)], "GitHub keeps three days; older ones are gone"
    for pr, reviewed in zip(prs, (True, True, True, False), strict=True):
        runs = system.sim.check_runs(REPO, pr.head_sha)
        assert [run["status"] for run in runs] == (["completed"] if reviewed else [])


def test_a_guid_the_sweep_asked_for_is_never_asked_for_again(make_system: SystemFactory) -> None:
    """Even when the redelivery failed too: one request per GUID, so what the receiver refuses is not sent
    forever."""
    system = make_system()
    refused = system.sim.deliver("pull_request", b'{"action": "opened"')
    assert refused.status_code == 400
    guid = refused.request.headers["x-github-delivery"]

    run_sweep(system)
    run_sweep(system)

    assert attempts(system, guid) == [(False, 400), (True, 400)]
