"""A repository too large for GitHub's recursive tree listing is still seen whole, at a bounded cost."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ghsim import Repo, payloads
from harness.system import LocalSystem
from workers import gateway

REPO = "octo-org/monorepo"
# Depth first, GitHub's order: `pkg/` and its files come before the root's `requirements.txt` and `uv.lock`.
TREE = {
    **{f"pkg/part_{n % 3}/module_{n:02}.py": f"VALUE_{n} = {n}\n" for n in range(30)},
    "requirements.txt": "pandas==2.2.1\n",
    "uv.lock": "version = 1\n",
}
# GitHub's recursive listing of TREE stops inside `pkg/`.
ENTRY_LIMIT = 20
UNPINNED = {"requirements.txt": "pandas==2.2.1\nxgboost>=2.0\n"}
PARTIAL = "- `the repository's file list`: too large to list in full"


def _review(
    system: LocalSystem,
    changes: Mapping[str, str | bytes | None],
    *,
    entry_limit: int = ENTRY_LIMIT,
    size_limit: int | None = None,
) -> tuple[dict[str, Any], list[str]]:
    system.sim.tree_entry_limit = entry_limit
    if size_limit is not None:
        system.sim.tree_size_limit = size_limit
    system.sim.add_installation(1, account="octo-org")
    repo: Repo = system.sim.add_repo(REPO, installation_id=1)
    base = repo.commit("main", TREE, message="Initial", date=datetime.now(UTC) - timedelta(days=1))
    repo.commit("change", changes, parent=base, message="Change")
    pr = repo.open_pull_request("change", "main", title="Change", body="A change.", user="alice")
    system.sim.clear_calls()
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number))
    system.run_jobs()
    [run] = system.sim.check_runs(REPO, pr.head_sha)
    assert run["status"] == "completed" and not system.sim.internal_errors
    return run, [f"{call.method} {call.path}" for call in system.sim.calls]


def _flagged(run: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [annotation for annotation in run["output"]["annotations"] if annotation["title"].startswith(rule)]


def test_a_lock_file_past_githubs_cut_listing_is_found_by_a_walk_of_one_query_a_level(
    system: LocalSystem,
) -> None:
    run, calls = _review(system, UNPINNED)

    assert not _flagged(run, "unpinned-dependencies"), "uv.lock locks it"
    assert PARTIAL not in run["output"]["summary"]
    assert len([call for call in calls if "/git/trees/" in call]) == 1, calls
    # The review's own query, then the walk: the root, `pkg/`, then its three folders in one query.
    assert calls.count("POST /graphql") == 1 + 3, calls


def test_a_listing_github_cut_by_its_size_rather_than_its_entries_is_walked_the_same_way(
    system: LocalSystem,
) -> None:
    # About 150 bytes an entry: 3 KB of listing stops inside `pkg/`, far short of the entry limit.
    run, calls = _review(system, UNPINNED, entry_limit=100_000, size_limit=3_000)

    listing = [call for call in calls if "/git/trees/" in call]
    assert len(listing) == 1, calls
    assert not _flagged(run, "unpinned-dependencies"), "uv.lock, past the cut, locks it"
    assert PARTIAL not in run["output"]["summary"]
    assert calls.count("POST /graphql") == 1 + 3, calls


def test_a_walk_stopped_by_its_budget_keeps_the_folders_near_the_root_and_says_the_listing_is_partial(
    system: LocalSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gateway, "TREE_WALK_QUERIES", 1)
    run, calls = _review(system, UNPINNED)

    assert not _flagged(run, "unpinned-dependencies"), "uv.lock is at the root"
    assert PARTIAL in run["output"]["summary"]
    assert calls.count("POST /graphql") == 1 + 1, calls


def test_a_partial_listing_never_makes_a_file_that_exists_look_absent(
    system: LocalSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gateway, "TREE_WALK_QUERIES", 1)
    run, _ = _review(system, {"zz/data/labels.csv": "label,name\n0,cat\n1,dog\n"})

    assert PARTIAL in run["output"]["summary"]
    assert not _flagged(run, "missing-data-versioning"), "a three-row label map belongs in git"
