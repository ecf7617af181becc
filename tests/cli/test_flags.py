"""`mldebt scan`'s ruff-like flags: version, rule selection, exit-zero, output file, statistics."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import NOW, ROOT, Repo
from tests.cli.test_scan import debt_branch

BRANCH = ("--base", "main", "--head", "feature", "--now", NOW.isoformat())


def rules_of(done: subprocess.CompletedProcess[str]) -> set[str]:
    return {str(item["rule"]) for item in json.loads(done.stdout)}


def test_version_prints_the_package_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rules.cli", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("mldebt ")
    assert done.stdout.split()[1][0].isdigit()


def test_select_runs_only_the_named_rules(repo: Repo) -> None:
    debt_branch(repo)
    done = repo.scan(*BRANCH, "--format", "json", "--select", "stale-branch,unpinned-dependencies")
    assert rules_of(done) == {"stale-branch", "unpinned-dependencies"}
    repeated = repo.scan(
        *BRANCH, "--format", "json", "--select", "stale-branch", "--select", "pipeline-jungle"
    )
    assert rules_of(repeated) == {"stale-branch", "pipeline-jungle"}


def test_select_overrides_a_rule_the_config_turns_off(repo: Repo, tmp_path: Path) -> None:
    debt_branch(repo)
    config = tmp_path / "off.yml"
    config.write_text("rules:\n  stale-branch: false\n", encoding="utf-8")
    off = repo.scan(*BRANCH, "--format", "json", "--config", str(config))
    assert "stale-branch" not in rules_of(off)
    on = repo.scan(*BRANCH, "--format", "json", "--config", str(config), "--select", "stale-branch")
    assert rules_of(on) == {"stale-branch"}


def test_ignore_skips_the_named_rules(repo: Repo) -> None:
    debt_branch(repo)
    everything = rules_of(repo.scan(*BRANCH, "--format", "json"))
    assert {"stale-branch", "missing-data-versioning"} <= everything
    done = repo.scan(*BRANCH, "--format", "json", "--ignore", "stale-branch,missing-data-versioning")
    assert rules_of(done) == everything - {"stale-branch", "missing-data-versioning"}
    both = repo.scan(
        *BRANCH, "--format", "json", "--select", "stale-branch,pipeline-jungle", "--ignore", "stale-branch"
    )
    assert rules_of(both) == {"pipeline-jungle"}


def test_unknown_rule_ids_exit_2_with_the_closest_id(repo: Repo) -> None:
    debt_branch(repo)
    done = repo.scan(*BRANCH, "--select", "stale-brnch")
    assert done.returncode == 2
    assert (
        done.stderr.strip() == "mldebt: --select: unknown rule id 'stale-brnch'; did you mean 'stale-branch'?"
    )
    ignored = repo.scan(*BRANCH, "--ignore", "no-such-thing-at-all")
    assert ignored.returncode == 2
    assert "--ignore: unknown rule id 'no-such-thing-at-all'" in ignored.stderr
    assert done.stdout == ignored.stdout == ""


def test_exit_zero_reports_blocking_findings_but_exits_0(repo: Repo) -> None:
    debt_branch(repo)
    failing = repo.scan(*BRANCH)
    assert failing.returncode == 1
    done = repo.scan(*BRANCH, "--exit-zero")
    assert done.returncode == 0
    assert done.stdout == failing.stdout
    assert repo.scan("--base", "no-such-rev", "--exit-zero").returncode == 2


def test_output_writes_the_report_to_a_file(repo: Repo, tmp_path: Path) -> None:
    debt_branch(repo)
    target = tmp_path / "report.json"
    done = repo.scan(*BRANCH, "--format", "json", "--output", str(target))
    assert done.returncode == 1
    assert done.stdout == ""
    assert {"stale-branch", "pipeline-jungle"} <= {item["rule"] for item in json.loads(target.read_text())}
    assert " new, " in done.stderr
    unwritable = repo.scan(*BRANCH, "--output", str(tmp_path / "missing" / "report.txt"))
    assert unwritable.returncode == 2
    assert "cannot write" in unwritable.stderr


def test_statistics_count_findings_per_rule(repo: Repo) -> None:
    debt_branch(repo)
    done = repo.scan(
        *BRANCH, "--statistics", "--select", "stale-branch,pipeline-jungle,unpinned-dependencies"
    )
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    rows = [line.split() for line in lines[: lines.index("")]]
    assert sorted((row[1], row[0], row[2]) for row in rows) == [
        ("pipeline-jungle", "1", "1"),
        ("stale-branch", "1", "1"),
        ("unpinned-dependencies", "1", "1"),
    ]
    assert all(row[3] == "new" and len(row) > 4 for row in rows)
    as_json = repo.scan(*BRANCH, "--statistics", "--format", "json", "--select", "stale-branch")
    (row,) = json.loads(as_json.stdout)
    assert (row["rule"], row["count"], row["new"]) == ("stale-branch", 1, 1)
    assert row["title"]
    assert str(row["url"]).endswith("stale-branch.md")
    assert repo.scan(*BRANCH, "--statistics", "--format", "sarif").returncode == 2


def test_invalid_config_file_exits_2_under_its_own_name_with_a_line(repo: Repo, tmp_path: Path) -> None:
    debt_branch(repo)
    config = tmp_path / "team.yml"
    config.write_text("fail_on: [high]\nrules:\n  stale-branch: {severity: urgent}\n", encoding="utf-8")
    done = repo.scan(*BRANCH, "--config", str(config))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines()[0] == "mldebt: invalid config:"
    assert done.stderr.splitlines()[1].startswith(f"  {config}:3: rules/stale-branch: ")
    broken = tmp_path / "broken.yml"
    broken.write_text("rules:\n  stale-branch: [\n", encoding="utf-8")
    unparsable = repo.scan(*BRANCH, "--config", str(broken), "--exit-zero")
    assert unparsable.returncode == 2
    assert f"{broken}:3 is not valid YAML" in unparsable.stderr
