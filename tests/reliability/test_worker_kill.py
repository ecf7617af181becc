"""A worker dies mid-job (SIGKILL: OOM killer, lost node) and another one finishes the job, once."""

from __future__ import annotations

import time

from rq.registry import FailedJobRegistry, FinishedJobRegistry

from ghsim import payloads
from tests.reliability.conftest import SystemFactory, open_small_pr

REPO = "octo-org/churn"


def test_a_job_whose_worker_was_killed_is_retried_by_another_and_completes_its_own_check_run(
    make_system: SystemFactory,
) -> None:
    # A job counts as abandoned 1 + 2 s after its last heartbeat; any worker's maintenance (every second)
    # retries it.
    system = make_system(
        worker_heartbeat_seconds=1, worker_heartbeat_grace_seconds=2, maintenance_interval_seconds=1
    )
    stall = system.sim.faults.add(r"/pulls/\d+/files$", method="GET", delay=60, times=1)
    doomed = system.start_worker()
    system.wait_for_workers(1)
    pr = open_small_pr(system.sim, REPO, 1, "tune")
    assert (
        system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number)).status_code
        == 202
    )

    system.start_worker()
    deadline = time.monotonic() + 30
    while not (stall.fired and system.sim.check_runs(REPO, pr.head_sha)):
        assert time.monotonic() < deadline, doomed.output()
        time.sleep(0.05)
    assert system.sim.check_runs(REPO, pr.head_sha)[0]["status"] == "in_progress"
    system.wait_for_workers(2)
    doomed.kill()

    deadline = time.monotonic() + 45
    while system.sim.check_runs(REPO, pr.head_sha)[0]["status"] != "completed":
        assert time.monotonic() < deadline, "\n".join(worker.output()[-3000:] for worker in system.workers)
        time.sleep(0.1)

    runs = system.sim.check_runs(REPO, pr.head_sha)
    assert [(run["status"], run["conclusion"]) for run in runs] == [("completed", "failure")], (
        "the retry finished the same run"
    )
    assert len(system.sim.reviews(REPO, pr.number)) == 1
    bodies = [comment["body"] for comment in system.sim.review_comments(REPO, pr.number)]
    assert bodies and len(bodies) == len(set(bodies))
    system.wait_until_idle(timeout=20)
    assert FinishedJobRegistry(queue=system.queue).count == 1
    assert not FailedJobRegistry(queue=system.queue).get_job_ids()
