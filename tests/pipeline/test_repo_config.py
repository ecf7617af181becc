"""`.github/mldebt.yml` as a user experiences it: read from the base branch, errors shown, defaults kept."""

from __future__ import annotations

from typing import Any

from ghsim import payloads
from harness.seed import REPO, seed_pull_request
from harness.system import LocalSystem


def _review(system: LocalSystem, number: int) -> dict[str, Any]:
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, number, "opened"))
    system.run_jobs()
    return system.sim.check_runs(REPO)[-1]


def test_invalid_config_is_reported_and_defaults_still_apply(system: LocalSystem) -> None:
    repo, pr = seed_pull_request(system.sim)
    repo.commit("main", {".github/mldebt.yml": "fail_on: [blocker]\nrules:\n  no-such-rule: false\n"})
    run = _review(system, pr.number)
    summary = run["output"]["summary"]
    assert "Configuration problems (defaults applied)" in summary
    assert "blocker" in summary
    assert run["conclusion"] == "failure"


def test_base_config_can_relax_what_fails_the_check(system: LocalSystem) -> None:
    repo, pr = seed_pull_request(system.sim)
    repo.commit("main", {".github/mldebt.yml": "fail_on: [critical]\nrules:\n  split-leakage: false\n"})
    run = _review(system, pr.number)
    assert run["conclusion"] == "success"
    assert "split-leakage" not in {a["title"].split()[0] for a in run["output"]["annotations"]}


def test_a_pr_cannot_switch_off_its_own_checks(system: LocalSystem) -> None:
    repo, pr = seed_pull_request(system.sim)
    repo.push("feature/scaling", {".github/mldebt.yml": "fail_on: []\nrules:\n  split-leakage: false\n"})
    run = _review(system, pr.number)
    assert run["conclusion"] == "failure"
    assert "split-leakage" in {a["title"].split()[0] for a in run["output"]["annotations"]}
