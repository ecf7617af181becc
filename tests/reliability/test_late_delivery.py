"""Deliveries out of order: GitHub promises no order, and the sweeper redelivers old ones late."""

from __future__ import annotations

from ghsim import payloads
from harness.seed import REPO, seed_pull_request
from harness.system import LocalSystem
from tests.reliability.conftest import SystemFactory


def test_a_late_delivery_of_an_older_push_never_supersedes_the_newest_one(make_system: SystemFactory) -> None:
    system: LocalSystem = make_system()
    repo, pr = seed_pull_request(system.sim)
    older = payloads.pull_request(system.sim, REPO, pr.number, "opened")
    push_a = pr.head_sha
    repo.push("feature/scaling", {"notes.txt": "wip\n"})
    push_b = pr.head_sha
    newer = payloads.pull_request(system.sim, REPO, pr.number, "synchronize")

    assert system.sim.deliver("pull_request", newer).status_code == 202
    assert system.sim.deliver("pull_request", older).status_code == 202
    system.run_jobs()

    runs_b = system.sim.check_runs(REPO, push_b)
    assert len(runs_b) == 1
    assert runs_b[0]["status"] == "completed" and runs_b[0]["conclusion"] == "failure"
    assert [review["commit_id"] for review in system.sim.reviews(REPO, pr.number)] == [push_b]
    for run in system.sim.check_runs(REPO, push_a):
        assert run["status"] == "completed" and run["conclusion"] == "neutral"
        assert run["output"]["title"] == "Superseded by a newer push"


def test_the_newest_push_is_reviewed_when_the_older_pushs_job_runs_first(make_system: SystemFactory) -> None:
    """Both jobs queued by the late delivery's order: the older one is skipped, the newer never is."""
    system: LocalSystem = make_system()
    repo, pr = seed_pull_request(system.sim)
    older = payloads.pull_request(system.sim, REPO, pr.number, "opened")
    repo.push("feature/scaling", {"notes.txt": "wip\n"})
    push_b = pr.head_sha
    newer = payloads.pull_request(system.sim, REPO, pr.number, "synchronize")

    system.sim.deliver("pull_request", older)
    system.sim.deliver("pull_request", newer)
    system.sim.deliver("pull_request", older, delivery_id="late-redelivery-of-a")
    system.run_jobs()

    assert [run["conclusion"] for run in system.sim.check_runs(REPO, push_b)] == ["failure"]
    assert all(run["status"] == "completed" for run in system.sim.check_runs(REPO))
