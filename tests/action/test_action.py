"""The GitHub Action, run step by step on a shallow checkout of a pull request's merge commit.

The checkout is made as actions/checkout makes it by default (`fetch-depth: 1`
of `refs/pull/N/merge`); the Action installs mldebt from its own folder into a
fresh Python, fetches the history it needs, runs one scan that prints the
findings in the job log and writes the same findings as SARIF (which must
validate against the SARIF 2.1.0 schema), hands it to upload-sarif, and fails
the job on blocking findings.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.action.runner import Run, Runner
from tests.cli.conftest import NOW, ROOT, Repo
from tests.cli.reports import sarif_findings, text_findings
from tests.cli.test_scan import BASE_FILES, debt_branch
from tests.sarif.schema import sarif_errors

# What the Action installs from: the files a checkout of the Action has, without this machine's build output.
NOT_SHIPPED = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".*cache")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo", tmp_path)


@pytest.fixture(scope="module")
def action(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("action") / "mldebt-action"
    shutil.copytree(ROOT, copy, symlinks=True, ignore=NOT_SHIPPED)
    return copy


@pytest.fixture(scope="module")
def python_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What actions/setup-python leaves on PATH: a Python with nothing of mldebt's installed."""
    venv = tmp_path_factory.mktemp("python") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    return venv / "bin"


def pull_request(repo: Repo) -> str:
    """The debt branch as a pull request into a main that moved on; returns the base sha."""
    debt_branch(repo)
    repo.git("checkout", "-q", "main")
    base = repo.commit({"README.md": "# churn\n\nNow with docs.\n"}, "docs", when=NOW - timedelta(days=5))
    repo.git("checkout", "-q", "--detach", base)
    repo.git("merge", "-q", "--no-ff", "--no-edit", "feature")
    repo.git("update-ref", "refs/pull/1/merge", "HEAD")
    repo.git("checkout", "-q", "main")
    return base


def checkout(repo: Repo, workspace: Path, ref: str = "refs/pull/1/merge") -> Path:
    """actions/checkout with its defaults: the merge ref, one commit deep, no tags."""
    for command in (
        ["init", "-q", str(workspace)],
        ["-C", str(workspace), "remote", "add", "origin", f"file://{repo.path}"],
        ["-C", str(workspace), "fetch", "-q", "--no-tags", "--depth=1", "origin", f"+{ref}:refs/remotes/pr"],
        ["-C", str(workspace), "checkout", "-q", "--detach", "refs/remotes/pr"],
    ):
        subprocess.run(["git", *command], env=repo.env, check=True, capture_output=True)
    return workspace


def calls_log(workspace: Path) -> Path:
    return workspace.parent / f"{workspace.name}-mldebt-calls"


def mldebt_calls(workspace: Path) -> list[str]:
    """The arguments of each `mldebt` command the Action's steps ran, one entry a run."""
    log = calls_log(workspace)
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def run_action(repo: Repo, action: Path, python_bin: Path, workspace: Path, base: str, **inputs: str) -> Run:
    env = {key: value for key, value in repo.env.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    # Every step's bash reads BASH_ENV first: a function that notes each `mldebt` command, then runs it.
    counter = workspace.parent / f"{workspace.name}-count-mldebt.sh"
    log = shlex.quote(str(calls_log(workspace)))
    script = f'mldebt() {{ printf "%s\\n" "$*" >> {log}; command mldebt "$@"; }}\n'
    counter.write_text(script, encoding="utf-8")
    env["BASH_ENV"] = str(counter)
    runner = Runner(
        action=action,
        workspace=workspace,
        python_bin=python_bin,
        env=env,
        event={"pull_request.base.sha": base},
        inputs=inputs,
    )
    return runner.run(workspace.parent / f"{workspace.name}-steps")


def git(workspace: Path, repo: Repo, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(workspace), *args], env=repo.env, capture_output=True, text=True)
    return done.stdout.strip()


def test_a_pull_request_with_debt_fails_the_job_and_uploads_valid_sarif(
    repo: Repo, action: Path, python_bin: Path, tmp_path: Path
) -> None:
    base = pull_request(repo)
    workspace = checkout(repo, tmp_path / "workspace")
    assert git(workspace, repo, "rev-parse", "--is-shallow-repository") == "true"
    run = run_action(repo, action, python_bin, workspace, base)

    assert [(step.name, step.ran, step.status) for step in run.steps] == [
        ("Set up Python", True, 0),
        ("Fetch the history between base and head", True, 0),
        ("Install mldebt (the CLI and rules only)", True, 0),
        ("Review", True, 0),
        ("Upload SARIF to code scanning", True, 0),
        ("Fail on blocking findings", True, 1),
    ]
    assert "shallow checkout, fetching 1 more commit(s) of history" in run.log
    review = run.step("Review").log
    assert "requirements.txt:3: medium unpinned-dependencies: `xgboost>=2.0`" in review
    assert f"compared {base[:7]} → HEAD" in review
    assert "::error::mldebt: new findings at a failing severity" in run.step("Fail on blocking findings").log
    assert run.step("Upload SARIF to code scanning").given == {
        "sarif_file": "mldebt.sarif",
        "category": "mldebt",
    }
    assert run.outputs["scan"] == {"sarif-file": "mldebt.sarif", "exit-code": "1"}

    # One scan wrote both reports: the job log's findings are the ones code scanning gets.
    calls = mldebt_calls(workspace)
    assert calls == [f"scan --base {base} --head HEAD --sarif-output mldebt.sarif"], calls
    document = json.loads((workspace / "mldebt.sarif").read_text(encoding="utf-8"))
    assert sarif_errors(document) == []
    logged, whole = text_findings(review)
    assert logged and whole == Counter({"stale-branch": 1})
    assert sarif_findings(document) == (logged, whole)
    [sarif_run] = document["runs"]
    assert sarif_run["automationDetails"] == {"id": "mldebt/"}
    located = {
        (result["ruleId"], result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for result in sarif_run["results"]
    }
    assert ("unpinned-dependencies", "requirements.txt") in located
    assert ("missing-data-versioning", "data/train.parquet") in located
    assert all(location[1] != "README.md" for location in located), "main's own change is not the PR's"
    rules = {rule["id"]: rule for rule in sarif_run["tool"]["driver"]["rules"]}
    assert rules["unpinned-dependencies"]["help"]["markdown"].startswith("Severity: medium")


def test_the_light_install_runs_without_the_server_stack(python_bin: Path, action: Path) -> None:
    """Runs after the Action installed mldebt into this Python: the rule pages came with the package."""
    if not (python_bin / "mldebt").exists():
        subprocess.run(
            [str(python_bin / "python"), "-m", "pip", "install", "--quiet", str(action)], check=True
        )
    probe = (
        "import importlib.util as u, rules.rule_docs as d; "
        "print(d.__file__); print(d.rule_doc('magic-number') is not None); "
        "print([m for m in ('fastapi', 'githubkit', 'redis', 'rq') if u.find_spec(m)])"
    )
    done = subprocess.run(
        [str(python_bin / "python"), "-c", probe], capture_output=True, text=True, check=True, cwd="/"
    )
    location, has_docs, server = done.stdout.splitlines()
    assert "site-packages" in location and not location.startswith(str(ROOT))
    assert (has_docs, server) == ("True", "[]")


def test_findings_need_not_fail_the_job_and_upload_is_optional(
    repo: Repo, action: Path, python_bin: Path, tmp_path: Path
) -> None:
    base = pull_request(repo)
    workspace = checkout(repo, tmp_path / "workspace")
    run = run_action(
        repo,
        action,
        python_bin,
        workspace,
        base,
        **{"fail-on-findings": "false", "upload-sarif": "false", "sarif-file": "out/report.sarif"},
    )
    assert run.succeeded, run.log
    assert not run.step("Upload SARIF to code scanning").ran
    assert not run.step("Fail on blocking findings").ran
    assert run.outputs["scan"] == {"sarif-file": "out/report.sarif", "exit-code": "1"}, "still reported"
    assert "unpinned-dependencies" in run.step("Review").log
    document = json.loads((workspace / "out" / "report.sarif").read_text(encoding="utf-8"))
    assert sarif_errors(document) == []
    assert sarif_findings(document) == text_findings(run.step("Review").log)
    assert len(mldebt_calls(workspace)) == 1


def test_statistics_in_the_log_still_leave_every_finding_in_the_sarif(
    repo: Repo, action: Path, python_bin: Path, tmp_path: Path
) -> None:
    base = pull_request(repo)
    workspace = checkout(repo, tmp_path / "workspace")
    run = run_action(repo, action, python_bin, workspace, base, args="--statistics")
    review = run.step("Review")
    assert (review.status, run.outputs["scan"]["exit-code"]) == (0, "1"), review.log
    assert text_findings(review.log) == (Counter(), Counter()), "counts per rule, not each finding"
    assert re.search(r"^ +1  unpinned-dependencies +1 new ", review.log, re.MULTILINE), review.log
    located, _ = sarif_findings(json.loads((workspace / "mldebt.sarif").read_text(encoding="utf-8")))
    assert ("unpinned-dependencies", "requirements.txt", 3, "medium", True) in located
    assert run.step("Fail on blocking findings").status == 1


def test_a_scan_that_cannot_run_fails_the_review_and_uploads_nothing(
    repo: Repo, action: Path, python_bin: Path, tmp_path: Path
) -> None:
    base = pull_request(repo)
    workspace = checkout(repo, tmp_path / "workspace")
    run = run_action(repo, action, python_bin, workspace, base, args="--select no-such-rule")
    review = run.step("Review")
    assert review.status == 2
    assert "mldebt: --select: unknown rule id 'no-such-rule'" in review.log
    assert len(mldebt_calls(workspace)) == 1
    assert not (workspace / "mldebt.sarif").exists() and run.outputs.get("scan", {}) == {}
    assert not run.step("Upload SARIF to code scanning").ran
    assert not run.step("Fail on blocking findings").ran


def test_a_clean_pull_request_passes(repo: Repo, action: Path, python_bin: Path, tmp_path: Path) -> None:
    # The Action judges the branch's age against the real clock: these commits are recent.
    today = datetime.now(UTC)
    repo.commit(BASE_FILES, "base", when=today - timedelta(days=10))
    base = repo.commit({"README.md": "# churn\n\nNotes.\n"}, "docs", when=today - timedelta(days=9))
    repo.git("checkout", "-q", "-b", "feature", "HEAD~1")
    repo.commit({"notes.md": "Nothing to review.\n"}, "notes", when=today - timedelta(days=1))
    repo.git("checkout", "-q", "--detach", base)
    repo.git("merge", "-q", "--no-ff", "--no-edit", "feature")
    repo.git("update-ref", "refs/pull/1/merge", "HEAD")
    workspace = checkout(repo, tmp_path / "workspace")
    run = run_action(repo, action, python_bin, workspace, base)
    assert run.succeeded, run.log
    assert not run.step("Fail on blocking findings").ran
    assert run.outputs["scan"] == {"sarif-file": "mldebt.sarif", "exit-code": "0"}
    document = json.loads((workspace / "mldebt.sarif").read_text(encoding="utf-8"))
    assert sarif_errors(document) == [] and document["runs"][0]["results"] == []


def long_branch(repo: Repo, commits: int) -> str:
    """A pull request of `commits` commits (written with fast-import: seconds, not minutes); the base sha."""
    base = repo.commit(BASE_FILES, "base", when=datetime.now(UTC) - timedelta(days=2))
    stamp = int((datetime.now(UTC) - timedelta(days=1)).timestamp())
    stream = []
    for number in range(commits):
        content = f"step {number}\n"
        parent = f"from {base}\n" if number == 0 else ""
        stream.append(
            f"commit refs/heads/feature\ncommitter Ada <ada@example.com> {stamp} +0000\ndata 5\nstep\n"
            f"{parent}M 644 inline notes.txt\ndata {len(content)}\n{content}\n"
        )
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        input="".join(stream),
        cwd=repo.path,
        env=repo.env,
        text=True,
        check=True,
    )
    repo.git("checkout", "-q", "--detach", base)
    repo.git("merge", "-q", "--no-ff", "--no-edit", "feature")
    repo.git("update-ref", "refs/pull/1/merge", "HEAD")
    return base


def test_a_branch_deeper_than_the_action_fetches_says_what_to_change(
    repo: Repo, action: Path, python_bin: Path, tmp_path: Path
) -> None:
    base = long_branch(repo, 1200)
    workspace = checkout(repo, tmp_path / "workspace")
    run = run_action(repo, action, python_bin, workspace, base)
    fetch = run.step("Fetch the history between base and head")
    assert fetch.status == 2
    assert "fetching 1000 more commit(s) of history" in fetch.log
    head = git(workspace, repo, "rev-parse", "HEAD")
    assert (
        f"::error::mldebt: {base[:12]} and {head[:12]} do not meet in the fetched history; "
        "check out with `fetch-depth: 0` (actions/checkout) or run `git fetch --unshallow` first"
    ) in fetch.log
    assert not run.step("Install mldebt (the CLI and rules only)").ran
    assert not run.step("Review").ran and not run.step("Upload SARIF to code scanning").ran


def test_a_base_from_another_history_is_named(
    repo: Repo, action: Path, python_bin: Path, tmp_path: Path
) -> None:
    pull_request(repo)
    repo.git("checkout", "-q", "--orphan", "elsewhere")
    unrelated = repo.commit({"other.txt": "unrelated\n"}, "unrelated", when=NOW - timedelta(days=3))
    workspace = checkout(repo, tmp_path / "workspace")
    run = run_action(repo, action, python_bin, workspace, unrelated)
    fetch = run.step("Fetch the history between base and head")
    assert fetch.status == 2
    assert f"::error::mldebt: {unrelated[:12]} and " in fetch.log
    assert "share no history; set the action's base input to a commit the head branch grew from" in fetch.log
    assert not run.step("Review").ran


def test_without_a_pull_request_the_base_must_be_given(
    repo: Repo, action: Path, python_bin: Path, tmp_path: Path
) -> None:
    pull_request(repo)
    workspace = checkout(repo, tmp_path / "workspace", ref="refs/heads/feature")
    run = run_action(repo, action, python_bin, workspace, base="")
    fetch = run.step("Fetch the history between base and head")
    assert fetch.status == 2
    assert "::error::mldebt: no base commit: run on pull_request events or set the action's base input" in (
        fetch.log
    )
