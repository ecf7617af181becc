"""`.github/mldebt.yml` as a user experiences it: read from the base branch, errors shown with their line,
defaults kept, a pull request's own edit checked and applied after merge, shared settings from `_extends`
or the organisation's `.github` repository."""

from __future__ import annotations

from typing import Any

from ghsim import payloads
from harness.seed import REPO, seed_pull_request
from harness.system import LocalSystem

RELAXED = "fail_on: [critical]\nrules:\n  split-leakage: false\n"


def _review(system: LocalSystem, number: int, repo: str = REPO) -> dict[str, Any]:
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, repo, number, "opened"))
    system.run_jobs()
    return system.sim.check_runs(repo)[-1]


def _section(summary: str, heading: str) -> str:
    """One `### heading` section of the summary, up to the next one."""
    return summary.split(f"### {heading}\n\n", 1)[1].split("\n\n###", 1)[0]


def _notes(run: dict[str, Any]) -> str:
    """What the check run says about the settings it used."""
    return _section(run["output"]["summary"], "Configuration")


def _rules(run: dict[str, Any]) -> set[str]:
    return {annotation["title"].split()[0] for annotation in run["output"]["annotations"]}


def test_invalid_config_is_reported_with_its_line_and_defaults_still_apply(system: LocalSystem) -> None:
    repo, pr = seed_pull_request(system.sim)
    repo.commit("main", {".github/mldebt.yml": "rules:\n  split-leakage: false\nfail_on: [blocker]\n"})
    run = _review(system, pr.number)
    summary = run["output"]["summary"]
    assert _section(summary, "Configuration") == (
        "- `.github/mldebt.yml` on the base branch was ignored as a whole because of the problems below;"
        " mldebt reviewed with its defaults."
    )
    assert _section(summary, "Configuration problems") == (
        "- .github/mldebt.yml:3: fail\\_on/0: 'blocker' is not one of"
        " \\['critical', 'high', 'medium', 'low'\\]"
    )
    assert run["conclusion"] == "failure" and "split-leakage" in _rules(run)


def test_base_config_can_relax_what_fails_the_check(system: LocalSystem) -> None:
    repo, pr = seed_pull_request(system.sim)
    repo.commit("main", {".github/mldebt.yml": RELAXED})
    run = _review(system, pr.number)
    assert run["conclusion"] == "success"
    assert "split-leakage" not in _rules(run)
    assert "### Configuration" not in run["output"]["summary"]


def test_a_pr_cannot_switch_off_its_own_checks_and_is_told_its_edit_applies_after_merge(
    system: LocalSystem,
) -> None:
    repo, pr = seed_pull_request(system.sim)
    repo.push("feature/scaling", {".github/mldebt.yml": RELAXED})
    run = _review(system, pr.number)
    assert run["conclusion"] == "failure"
    assert "split-leakage" in _rules(run)
    assert _notes(run) == (
        "- This pull request adds `.github/mldebt.yml`. mldebt reads its settings from the base branch,"
        " so the change applies once it is merged; this review used the base branch's settings."
        " The new version is valid."
    )


def test_a_broken_edit_is_reported_with_its_lines_before_it_is_merged(system: LocalSystem) -> None:
    repo, _ = seed_pull_request(system.sim)
    repo.commit("main", {".github/mldebt.yml": "stale_branch_days: 45\n"})
    edit = {".github/mldebt.yml": "stale_branch_days: 45\nexlude: ['*.csv']\n"}
    repo.commit("tidy", edit, parent=repo.branches["main"], message="Exclude data")
    pr = repo.open_pull_request("tidy", "main", title="Exclude data", body="", user="alice")
    run = _review(system, pr.number)
    assert _notes(run) == (
        "- This pull request edits `.github/mldebt.yml`. mldebt reads its settings from the base branch,"
        " so the change applies once it is merged; this review used the base branch's settings."
        " The new version has problems that would make mldebt ignore all of it after merge:\n"
        "  - .github/mldebt.yml:2: (top): Additional properties are not allowed"
        " ('exlude' was unexpected)"
    )
    assert "### Configuration problems" not in run["output"]["summary"]


def test_extends_puts_another_repositorys_settings_underneath(system: LocalSystem) -> None:
    repo, pr = seed_pull_request(system.sim)
    shared = system.sim.add_repo("octo-org/ml-settings", installation_id=1)
    shared.commit("main", {".github/mldebt.yml": RELAXED + "  hardcoded-path: {severity: low}\n"})
    repo.commit("main", {".github/mldebt.yml": "_extends: ml-settings\nrules:\n  hardcoded-path: false\n"})
    run = _review(system, pr.number)
    assert run["conclusion"] == "success"
    assert not {"split-leakage", "hardcoded-path"} & _rules(run)
    assert _notes(run) == (
        "- Shared settings from `octo-org/ml-settings:.github/mldebt.yml` apply underneath this repository's"
        " `.github/mldebt.yml`."
    )


def test_without_a_config_the_organisations_dot_github_repository_applies(system: LocalSystem) -> None:
    _, pr = seed_pull_request(system.sim)
    system.sim.add_repo("octo-org/.github", installation_id=1).commit("main", {".github/mldebt.yml": RELAXED})
    run = _review(system, pr.number)
    assert run["conclusion"] == "success" and "split-leakage" not in _rules(run)
    assert _notes(run) == (
        "- This repository has no `.github/mldebt.yml` of its own; the organisation's,"
        " `octo-org/.github:.github/mldebt.yml`, applies."
    )


def test_a_users_repository_without_a_config_or_a_dot_github_repository_is_reviewed_with_the_defaults(
    system: LocalSystem,
) -> None:
    system.sim.add_installation(3, account="alice", account_type="User")
    repo = system.sim.add_repo("alice/churn", installation_id=3)
    repo.commit("main", {"README.md": "# churn\n"})
    repo.commit("tune", {"etl.py": 'SOURCE = "/home/alice/data/part.csv"\n'}, parent=repo.branches["main"])
    pr = repo.open_pull_request("tune", "main", title="ETL", body="Reads the data.", user="alice")
    run = _review(system, pr.number, repo="alice/churn")
    assert run["status"] == "completed" and "hardcoded-path" in _rules(run)
    assert "### Configuration" not in run["output"]["summary"]


def test_an_unreadable_extends_is_a_note_and_the_repositorys_own_settings_apply(system: LocalSystem) -> None:
    repo, pr = seed_pull_request(system.sim)
    system.sim.add_installation(2, account="other-org")
    system.sim.add_repo("other-org/settings", installation_id=2).commit(
        "main", {".github/mldebt.yml": RELAXED}
    )
    repo.commit("main", {".github/mldebt.yml": "_extends: other-org/settings\nfail_on: [critical]\n"})
    run = _review(system, pr.number)
    assert run["conclusion"] == "failure", "split-leakage is critical, and other-org's settings were not read"
    assert _notes(run) == (
        "- `_extends` names `other-org/settings:.github/mldebt.yml`, which mldebt could not read (it does not"
        " exist, or the App is not installed on `other-org/settings`); this repository's own settings apply"
        " alone."
    )


def test_shared_settings_errors_name_their_repository_file_and_line(system: LocalSystem) -> None:
    repo, pr = seed_pull_request(system.sim)
    shared = system.sim.add_repo("octo-org/ml-settings", installation_id=1)
    shared.commit("main", {".github/mldebt.yml": "fail_on: [critical]\nstale_branch_days: 0\n"})
    repo.commit("main", {".github/mldebt.yml": "_extends: ml-settings\n"})
    run = _review(system, pr.number)
    summary = run["output"]["summary"]
    assert _section(summary, "Configuration problems") == (
        "- octo-org/ml-settings:.github/mldebt.yml:2: stale\\_branch\\_days: 0 is less than the minimum of 1"
    )
    assert "`octo-org/ml-settings:.github/mldebt.yml` was ignored" in _section(summary, "Configuration")
    assert run["conclusion"] == "failure"


def test_the_organisations_settings_come_with_every_reviews_query_and_one_level_deep(
    system: LocalSystem,
) -> None:
    repo, pr = seed_pull_request(system.sim)
    org = system.sim.add_repo("octo-org/.github", installation_id=1)
    org.commit("main", {".github/mldebt.yml": "_extends: ml-settings\n" + RELAXED})
    system.sim.add_repo("octo-org/ml-settings", installation_id=1).commit(
        "main", {".github/mldebt.yml": "fail_on: [low]\n"}
    )
    first = _review(system, pr.number)
    org.commit("main", {".github/mldebt.yml": "fail_on: [critical]\n"})
    repo.push("feature/scaling", {"README.md": "# churn, scaled\n"})
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number, "synchronize"))
    system.run_jobs()
    second = system.sim.check_runs(REPO)[-1]
    assert len(system.sim.check_runs(REPO)) == 2, "the push was reviewed too"
    assert [call.path for call in system.sim.calls if "/contents/" in call.path] == []
    assert first["conclusion"] == "success", "ml-settings' fail_on: [low] was not read"
    assert "has an `_extends` of its own, which was not followed" in first["output"]["summary"]
    assert second["conclusion"] == "failure", "the next review read the organisation's edit: split-leakage on"


def test_a_file_extends_names_is_read_once_for_many_reviews(system: LocalSystem) -> None:
    repo, pr = seed_pull_request(system.sim)
    system.sim.add_repo("octo-org/ml-settings", installation_id=1).commit(
        "main", {".github/mldebt.yml": RELAXED}
    )
    repo.commit("main", {".github/mldebt.yml": "_extends: ml-settings\n"})
    first = _review(system, pr.number)
    repo.push("feature/scaling", {"README.md": "# churn, scaled\n"})
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number, "synchronize"))
    system.run_jobs()
    second = system.sim.check_runs(REPO)[-1]
    shared_reads = [call.path for call in system.sim.calls if "/contents/" in call.path]
    assert shared_reads == ["/repos/octo-org/ml-settings/contents/.github/mldebt.yml"]
    assert first["conclusion"] == second["conclusion"] == "success"
