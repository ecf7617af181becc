"""`mldebt scan PATH…`: files as they are, without a diff; every finding existing, change rules skipped."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Repo
from tests.cli.test_scan import BASE_FILES, PARQUET

UNPINNED = "pandas>=2.0\nnumpy\n"


def committed(repo: Repo) -> None:
    repo.commit({**BASE_FILES, "requirements.txt": UNPINNED, "data/train.parquet": PARQUET}, "base")


def test_dot_scans_the_whole_repository_with_every_finding_existing(repo: Repo) -> None:
    committed(repo)
    done = repo.scan(".", "--format", "json")
    assert done.returncode == 0, done.stderr
    findings = json.loads(done.stdout)
    unpinned = [(item["path"], item["line"]) for item in findings if item["rule"] == "unpinned-dependencies"]
    assert unpinned == [("requirements.txt", 1), ("requirements.txt", 2)]
    assert {item["status"] for item in findings} == {"existing"}
    assert "missing-data-versioning" not in {item["rule"] for item in findings}
    assert "scanned . as in the working tree, without a diff" in done.stderr
    assert "0 new, " in done.stderr


def test_paths_limit_the_scan_and_resolve_from_the_current_directory(repo: Repo) -> None:
    committed(repo)
    repo.write({"sub/requirements.txt": "xgboost\n"})
    missing = repo.scan("missing.txt", cwd=repo.path / "sub")
    assert missing.returncode == 2 and "no such file or directory: missing.txt" in missing.stderr
    sub = repo.scan("requirements.txt", "--format", "json", "--statistics", cwd=repo.path / "sub")
    assert [(row["rule"], row["count"], row["new"]) for row in json.loads(sub.stdout)] == [
        ("unpinned-dependencies", 1, 0)
    ]


def test_paths_with_base_or_outside_the_repository_exit_2(repo: Repo, tmp_path: Path) -> None:
    committed(repo)
    both = repo.scan(".", "--base", "main")
    assert both.returncode == 2 and "--base/--head compare revisions" in both.stderr
    outside = repo.scan(str(tmp_path))
    assert outside.returncode == 2 and "is outside the repository" in outside.stderr
