"""What a review costs in GitHub calls follows the pull request: not the repository's size, not its debt."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from ghsim import Repo, payloads
from harness.system import LocalSystem

TRAIN = """import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression


def main() -> None:
    df = pd.read_csv("data.csv")
    model = LogisticRegression().fit(df[["x"]], df["y"])
    print(model.score(df[["x"]], df["y"]))
    joblib.dump(model, "model.joblib")


if __name__ == "__main__":
    main()
"""


ORG_SETTINGS = "/repos/octo-org/.github/"
BUDGET_CALLS = 8


def _repo(system: LocalSystem, name: str, files: int) -> Repo:
    if 1 not in system.sim.state.installations:
        system.sim.add_installation(1, account="octo-org")
    repo = system.sim.add_repo(name, installation_id=1)
    tree = {f"pkg_{n % 40}/module_{n}.py": f"VALUE_{n} = {n}\n" for n in range(files)}
    repo.commit(
        "main",
        {**tree, "src/train.py": TRAIN},
        message="Initial",
        date=datetime.now(UTC) - timedelta(days=40),
    )
    system.sim.set_permission(name, "alice", "write")
    return repo


def _review(
    system: LocalSystem, repo: Repo, changes: Mapping[str, str | bytes | None]
) -> tuple[list[str], dict[str, Any]]:
    repo.commit("tune", changes, parent=repo.branches["main"], message="Tune")
    pr = repo.open_pull_request("tune", "main", title="Tune", body="Tuning.", user="alice")
    before = len(system.sim.calls)
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, repo.full_name, pr.number))
    system.run_jobs()
    # A token is the installation's, minted once an hour for all its reviews.
    calls = [
        f"{call.method} {call.path}"
        for call in system.sim.calls[before:]
        if not call.path.endswith("/access_tokens")
    ]
    [run] = system.sim.check_runs(repo.full_name, pr.head_sha)
    return calls, run


def test_the_same_pr_costs_the_same_calls_in_a_small_and_a_large_repository_and_lists_no_tree(
    system: LocalSystem,
) -> None:
    changes = {
        "src/train.py": TRAIN.replace("LogisticRegression()", "LogisticRegression(C=0.5)"),
        "src/train_v2.py": TRAIN + "# v2\n",
    }
    costs = {}
    for name, files in (("octo-org/small", 5), ("octo-org/large", 600)):
        calls, run = _review(system, _repo(system, name, files), changes)
        assert run["status"] == "completed"
        assert not [call for call in calls if "/git/trees" in call], calls
        costs[name] = (len(calls), sorted({finding["title"] for finding in run["output"]["annotations"]}))
    assert costs["octo-org/small"] == costs["octo-org/large"]
    assert costs["octo-org/small"][0] <= BUDGET_CALLS
    titles = costs["octo-org/large"][1]
    assert any(title.startswith("pipeline-jungle") for title in titles), (
        "the copy beside its original is still found"
    )
    assert any(
        title.startswith("stale-branch") or title.startswith("no-experiment-tracking") for title in titles
    )


def test_a_pr_with_many_findings_annotates_the_new_ones_in_one_request_and_lists_them_all(
    system: LocalSystem,
) -> None:
    repo = _repo(system, "octo-org/paths", 3)
    many = "".join(f'SOURCE_{n} = "/home/alice/data/part_{n}.csv"\n' for n in range(70))
    calls, run = _review(system, repo, {"etl/sources.py": many})

    assert run["status"] == "completed" and run["conclusion"] == "failure"
    assert [call for call in calls if call.startswith("PATCH")] == [calls[-1]], (
        "one PATCH: the last batch completes the run"
    )
    annotations = run["output"]["annotations"]
    assert len(annotations) == 50 and all(a["annotation_level"] == "failure" for a in annotations)
    assert "**70**" in run["output"]["summary"]
    assert run["output"]["text"].count("`hardcoded-path`") >= 70


def test_a_review_of_up_to_100_files_costs_at_most_8_calls_organisation_settings_included(
    system: LocalSystem,
) -> None:
    """No config of its own: the organisation's `.github` settings come with the review's one GraphQL query,
    as does the conversation where rule-wide `/mldebt ignore` is said."""
    for files in (1, 10, 100):
        repo = _repo(system, f"octo-org/paths-{files}", 3)
        if files == 1:
            system.sim.add_repo("octo-org/.github", installation_id=1).commit(
                "main", {".github/mldebt.yml": "fail_on: [critical]\n"}
            )
        changes = {f"etl/source_{n}.py": f'SOURCE = "/home/alice/data/part_{n}.csv"\n' for n in range(files)}
        calls, run = _review(system, repo, changes)
        assert len(calls) <= BUDGET_CALLS, calls
        assert not [call for call in calls if ORG_SETTINGS in call], calls
        assert run["conclusion"] == "success" and run["output"]["annotations"], (
            "the organisation's fail_on applied, and the findings were still reported"
        )
        assert (
            "the organisation's, `octo-org/.github:.github/mldebt.yml`, applies" in run["output"]["summary"]
        )
