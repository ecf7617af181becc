"""Shallow CI checkouts: a base outside the fetched history exits 2 with the exact fetch to run."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.cli.conftest import Repo
from tests.cli.test_scan import debt_branch


def shallow_clone(repo: Repo, target: Path, *args: str) -> Path:
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", *args, f"file://{repo.path}", str(target)],
        env=repo.env,
        check=True,
        capture_output=True,
    )
    return target


def test_base_beyond_a_shallow_clone_names_the_deepen_and_the_checkout_setting(
    repo: Repo, tmp_path: Path
) -> None:
    debt_branch(repo)
    clone = shallow_clone(repo, tmp_path / "ci")
    done = repo.scan("--repo", str(clone), "--base", "HEAD~2")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "mldebt: unknown revision 'HEAD~2': this is a shallow clone and HEAD~2 is not in its history; "
        "fetch it with `git fetch --deepen=2`, or in GitHub Actions check out with `fetch-depth: 0` "
        "(actions/checkout)"
    )
    subprocess.run(["git", "fetch", "-q", "--deepen=2"], cwd=clone, env=repo.env, check=True)
    assert repo.scan("--repo", str(clone), "--base", "HEAD~2").returncode in (0, 1)


def test_a_base_branch_without_its_merge_base_in_a_shallow_clone_says_to_unshallow(
    repo: Repo, tmp_path: Path
) -> None:
    debt_branch(repo)
    clone = shallow_clone(repo, tmp_path / "ci", "--no-single-branch", "--branch", "feature")
    done = repo.scan("--repo", str(clone), "--base", "origin/main", "--head", "HEAD")
    assert done.returncode == 2
    assert "this is a shallow clone and the merge base is not in its history" in done.stderr
    assert "`git fetch --unshallow`" in done.stderr
    assert "`fetch-depth: 0`" in done.stderr


def test_an_unknown_revision_in_a_full_clone_has_no_shallow_hint(repo: Repo) -> None:
    debt_branch(repo)
    done = repo.scan("--base", "HEAD~9")
    assert done.returncode == 2
    assert done.stderr.strip() == "mldebt: unknown revision 'HEAD~9'"
