"""The summary names what was compared, and an empty comparison says why and what to do instead."""

from __future__ import annotations

from datetime import timedelta

from tests.cli.conftest import NOW, Repo
from tests.cli.test_scan import BASE_FILES, debt_branch


def test_summary_names_the_base_and_the_head_commits(repo: Repo) -> None:
    head = debt_branch(repo)
    base = repo.git("rev-parse", "main")
    done = repo.scan("--base", "main", "--head", "feature", "--now", NOW.isoformat())
    assert f"compared main ({base[:7]}) → feature ({head[:7]})" in done.stdout.splitlines()


def test_summary_says_when_the_head_is_the_working_tree_and_the_base_a_merge_base(repo: Repo) -> None:
    debt_branch(repo)
    fork = repo.git("rev-parse", "main")
    repo.git("checkout", "-q", "main")
    repo.commit({"README.md": "# churn, later\n"}, "main moves on")
    repo.git("checkout", "-q", "feature")
    done = repo.scan("--now", NOW.isoformat(), "--format", "json")
    assert f"compared the merge base of main and the head ({fork[:7]}) → the working tree" in done.stderr


def test_no_changes_on_the_default_branch_says_so_with_a_hint(repo: Repo) -> None:
    repo.commit(BASE_FILES, "base", when=NOW - timedelta(days=3))
    done = repo.scan()
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0].startswith("compared main (") and lines[0].endswith("→ the working tree")
    assert lines[1].startswith("nothing to review: no file differs")
    assert "--base HEAD~1" in lines[1]
    assert "0 new, 0 existing, 0 fixed in 0 files" not in done.stdout
