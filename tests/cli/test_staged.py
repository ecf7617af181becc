"""`mldebt scan --staged` and the pre-commit hooks: the commit being made, read from the index."""

from __future__ import annotations

import shlex
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from tests.cli.conftest import NOW, ROOT, Repo
from tests.cli.test_scan import BASE_FILES

UNPINNED = "pandas==2.2.1\nscikit-learn==1.4.2\nxgboost>=2.0\n"
PINNED = "pandas==2.2.1\nscikit-learn==1.4.2\nxgboost==2.0.3\n"
RULES = ("--select", "unpinned-dependencies,missing-data-versioning")


def staged_rules(repo: Repo, *args: str) -> tuple[list[tuple[str, str, int]], int]:
    found, done = repo.findings("--staged", *RULES, *args)
    return sorted((str(item["rule"]), str(item["path"]), int(str(item["line"]))) for item in found), (
        done.returncode
    )


def test_a_staged_finding_blocks(repo: Repo) -> None:
    repo.commit(BASE_FILES, "base", when=NOW - timedelta(days=3))
    repo.write({"requirements.txt": UNPINNED})
    repo.git("add", "requirements.txt")
    assert staged_rules(repo) == ([("unpinned-dependencies", "requirements.txt", 3)], 1)


def test_unstaged_edits_and_untracked_files_are_not_reviewed(repo: Repo) -> None:
    repo.commit(BASE_FILES, "base", when=NOW - timedelta(days=3))
    repo.write({"requirements.txt": UNPINNED, "data/new.parquet": b"PAR1 not staged PAR1"})
    assert staged_rules(repo) == ([], 0)
    done = repo.scan("--staged")
    assert done.returncode == 0
    assert "compared HEAD" in done.stdout and "→ the staged changes" in done.stdout
    assert "nothing" in done.stdout.lower()
    working_tree, _ = repo.findings(*RULES, "--base", "HEAD")
    assert {item["path"] for item in working_tree} == {"requirements.txt", "data/new.parquet"}


def test_the_staged_version_is_reviewed_not_the_working_tree_copy(repo: Repo) -> None:
    repo.commit(BASE_FILES, "base", when=NOW - timedelta(days=3))
    repo.write({"requirements.txt": UNPINNED})
    repo.git("add", "requirements.txt")
    repo.write({"requirements.txt": PINNED})
    assert staged_rules(repo) == ([("unpinned-dependencies", "requirements.txt", 3)], 1)
    repo.git("add", "requirements.txt")
    repo.write({"requirements.txt": UNPINNED})
    assert staged_rules(repo) == ([], 0)


def test_the_first_commit_is_reviewed_against_nothing(repo: Repo) -> None:
    repo.write({**BASE_FILES, "requirements.txt": UNPINNED})
    repo.git("add", "-A")
    # The config comes from HEAD, as from the base on GitHub: before the first commit there is none,
    # so the staged STRICT config does not apply and a medium finding does not fail.
    assert staged_rules(repo) == ([("unpinned-dependencies", "requirements.txt", 3)], 0)
    summary = repo.scan("--staged").stdout.splitlines()
    assert "compared the empty tree (4b825dc) → the staged changes" in summary


def test_staged_takes_no_paths_or_revisions(repo: Repo) -> None:
    repo.commit(BASE_FILES, "base", when=NOW - timedelta(days=3))
    for extra in (("--base", "main"), ("--head", "HEAD"), (".",)):
        done = repo.scan("--staged", *extra)
        assert done.returncode == 2
        assert done.stderr.strip() == (
            "mldebt: --staged compares the index with HEAD: it takes no PATH, --base or --head"
        )


def test_staged_does_not_fix_the_working_tree(repo: Repo) -> None:
    """The index and the working tree may differ: a fix found in one must not be written into the other."""
    repo.commit(BASE_FILES, "base", when=NOW - timedelta(days=3))
    done = repo.scan("--staged", "--fix")
    assert done.returncode == 2
    assert done.stderr.strip() == "mldebt: --fix edits the working tree; it cannot be used with --staged"


def _hooks() -> dict[str, dict[str, Any]]:
    loaded = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {str(hook["id"]): hook for hook in loaded}


def _install_hook(repo: Repo, stage: str) -> None:
    """The hook as pre-commit would run it: the entry, no file names, `mldebt` from the light install."""
    [hook] = [hook for hook in _hooks().values() if stage in hook["stages"]]
    assert hook["pass_filenames"] is False and hook["language"] == "python"
    command = shlex.split(hook["entry"])
    assert command[0] == "mldebt"
    line = shlex.join([sys.executable, "-m", "rules.cli", *command[1:]])
    script = repo.path / ".git" / "hooks" / stage
    script.write_text(f"#!/bin/sh\nPYTHONPATH={shlex.quote(str(ROOT))} exec {line}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def _git(repo: Repo, *args: str) -> tuple[int, str]:
    """A git command that runs hooks; git sends a hook's output to its stderr, so both are returned."""
    done = subprocess.run(["git", *args], cwd=repo.path, env=repo.env, capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def test_the_pre_commit_hook_stops_a_commit_with_staged_debt_and_lets_others_through(repo: Repo) -> None:
    repo.commit(BASE_FILES, "base", when=NOW - timedelta(days=3))
    _install_hook(repo, "pre-commit")
    repo.write({"requirements.txt": UNPINNED, "data/new.parquet": b"PAR1 untracked PAR1"})
    repo.git("add", "requirements.txt")
    status, output = _git(repo, "commit", "-q", "-m", "add xgboost")
    assert status != 0
    assert "requirements.txt:3: medium unpinned-dependencies" in output
    assert "data/new.parquet" not in output
    repo.write({"requirements.txt": PINNED})
    repo.git("add", "requirements.txt")
    status, output = _git(repo, "commit", "-q", "-m", "add xgboost, pinned")
    assert status == 0, output
    assert repo.git("log", "-1", "--format=%s") == "add xgboost, pinned"


def test_the_pre_push_hook_reviews_the_branch_commits_against_the_default_branch(
    repo: Repo, tmp_path: Path
) -> None:
    repo.commit(BASE_FILES, "base", when=NOW - timedelta(days=3))
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], env=repo.env, check=True)
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "origin", "main")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"requirements.txt": UNPINNED}, "add xgboost", when=NOW - timedelta(days=1))
    repo.write({"data/scratch.parquet": b"PAR1 untracked PAR1"})
    _install_hook(repo, "pre-push")
    status, output = _git(repo, "push", "-q", "origin", "feature")
    assert status != 0
    assert "requirements.txt:3: medium unpinned-dependencies" in output
    assert "data/scratch.parquet" not in output
    assert sorted(path.name for path in (remote / "refs" / "heads").iterdir()) == ["main"]
