"""Benchmark repositories and pull requests in the simulator, built from `bench.mlcode`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bench import mlcode
from ghsim import PullRequest, Repo, SimulatedGitHub

INSTALLATION_ID = 1
AUTHOR = "alice"


def seed_repo(
    sim: SimulatedGitHub, full_name: str, file_count: int, installation_id: int = INSTALLATION_ID
) -> Repo:
    """A repository whose main branch holds `file_count` ML files, authored three days ago."""
    if installation_id not in sim.state.installations:
        sim.add_installation(installation_id, account=full_name.split("/")[0])
    repo = sim.add_repo(full_name, installation_id=installation_id)
    tree = {path: mlcode.module_for(path, index) for index, path in enumerate(mlcode.paths(file_count))}
    tree["requirements.txt"] = "pandas==2.2.2\nscikit-learn==1.5.1\nnumpy==1.26.4\n"
    repo.commit("main", tree, message="Initial import", date=datetime.now(UTC) - timedelta(days=3))
    sim.set_permission(full_name, AUTHOR, "write")
    return repo


def open_pr(repo: Repo, changed: int, revision: int, *, added: int = 0) -> PullRequest:
    """A PR that edits the first `changed` files of the repo and adds `added` new ones.

    `revision` makes each PR's head content distinct, so no two PRs share a
    head SHA and none supersedes another.
    """
    existing = mlcode.paths(changed)
    changes: dict[str, str | bytes | None] = {
        path: mlcode.module_for(path, index, head=True, revision=revision)
        for index, path in enumerate(existing)
    }
    for offset in range(added):
        index = 100_000 + offset
        changes[f"experiments/pr_{revision}/train_{offset}.py"] = mlcode.train_script(
            index, head=True, revision=revision
        )
    branch = f"bench/pr-{revision}"
    repo.commit(
        branch,
        changes,
        parent=repo.branches["main"],
        message=f"Tune models (revision {revision})",
        date=datetime.now(UTC) - timedelta(hours=2),
    )
    return repo.open_pull_request(
        branch,
        "main",
        title=f"Tune models, revision {revision}",
        body="Retuned learning rates and depths.",
        user=AUTHOR,
    )
