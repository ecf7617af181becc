"""`mldebt scan` end to end: real git repositories,
the CLI as a subprocess, JSON/text/SARIF out, exit codes."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.cli.conftest import NOW, Repo

MINE = frozenset({"stale-branch", "pipeline-jungle", "missing-data-versioning", "unpinned-dependencies"})
TRAIN = "".join(
    f"{line}\n"
    for line in (
        "import argparse",
        "import pandas as pd",
        "from sklearn.ensemble import GradientBoostingClassifier",
        "",
        "",
        "def main(path: str) -> None:",
        "    df = pd.read_parquet(path)",
        "    df = df.dropna(subset=['churned'])",
        "    features = df.drop(columns=['churned', 'customer_id'])",
        "    target = df['churned']",
        "    model = GradientBoostingClassifier()",
        "    model.fit(features, target)",
        "    pd.to_pickle(model, 'model.pkl')",
        "    print('trained on', len(df), 'rows')",
        "",
        "",
        "if __name__ == '__main__':",
        "    parser = argparse.ArgumentParser()",
        "    parser.add_argument('path')",
        "    main(parser.parse_args().path)",
    )
)
TRAIN_V2 = TRAIN.replace("'model.pkl'", "'model_v2.pkl'")
PARQUET = b"PAR1\x15\x04\x15\x10\x15\x14L\x15\x02\x15\x00\x00\x00binary-column-chunk\x00PAR1"
STRICT = "fail_on: [critical, high, medium]\n"
BASE_FILES: dict[str, str | bytes | None] = {
    "README.md": "# churn\n",
    "train.py": TRAIN,
    "requirements.txt": "pandas==2.2.1\nscikit-learn==1.4.2\n",
    ".github/mldebt.yml": STRICT,
}


def debt_branch(repo: Repo, oldest: timedelta = timedelta(days=45)) -> str:
    """main with a clean base, and a `feature` branch that adds one piece of each debt."""
    repo.commit(BASE_FILES, "base", when=NOW - timedelta(days=120))
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"train_v2.py": TRAIN_V2}, "try a new output", when=NOW - oldest)
    return repo.commit(
        {
            "requirements.txt": "pandas==2.2.1\nscikit-learn==1.4.2\nxgboost>=2.0\n",
            "data/train.parquet": PARQUET,
        },
        "add data and xgboost",
        when=NOW - timedelta(days=2),
    )


def by_rule(findings: list[dict[str, object]]) -> dict[str, list[tuple[object, object, object]]]:
    grouped: dict[str, list[tuple[object, object, object]]] = {}
    for item in findings:
        grouped.setdefault(str(item["rule"]), []).append((item["path"], item["line"], item["new"]))
    return grouped


def test_committed_branch_reports_each_debt_once_and_fails_at_base_config_severity(repo: Repo) -> None:
    debt_branch(repo)
    findings, done = repo.findings("--base", "main", "--head", "feature", rules=MINE)
    assert by_rule(findings) == {
        "pipeline-jungle": [("train_v2.py", 1, True)],
        "unpinned-dependencies": [("requirements.txt", 3, True)],
        "missing-data-versioning": [("data/train.parquet", 1, True)],
        "stale-branch": [("", 0, True)],
    }
    assert done.returncode == 1
    stale = next(item for item in findings if item["rule"] == "stale-branch")
    assert "45 days old" in str(stale["message"])
    assert set(findings[0]) >= {"rule", "severity", "path", "line", "end_line", "message", "new"}
    assert all(item["severity"] == "medium" for item in findings)


def test_now_fixes_the_stale_branch_result(repo: Repo) -> None:
    debt_branch(repo, oldest=timedelta(days=20))
    recent, _ = repo.findings("--base", "main", "--head", "feature", rules=frozenset({"stale-branch"}))
    assert recent == []
    later = repo.scan(
        "--base",
        "main",
        "--head",
        "feature",
        "--format",
        "json",
        "--now",
        (NOW + timedelta(days=11)).isoformat(),
    )
    assert [item["line"] for item in json.loads(later.stdout) if item["rule"] == "stale-branch"] == [0]
    naive = repo.scan(
        "--base", "main", "--head", "feature", "--format", "json", "--now", "2026-03-01T00:00:00"
    )
    assert "64 days old" in next(
        item["message"] for item in json.loads(naive.stdout) if item["rule"] == "stale-branch"
    )


def test_hard_negatives_produce_nothing(repo: Repo) -> None:
    repo.commit(
        {**BASE_FILES, ".gitattributes": "*.parquet filter=lfs diff=lfs merge=lfs -text\n"},
        "base",
        when=NOW - timedelta(days=60),
    )
    repo.git("checkout", "-q", "-b", "feature")
    repo.git("mv", "train.py", "train_v2.py")
    repo.commit(
        {
            "requirements.txt": "# training\nscikit-learn==1.4.2\npandas == 2.2.1\nxgboost==2.0.3\n",
            "data/train.parquet": PARQUET,
            "tests/fixtures/sample.parquet": PARQUET,
            "configs/labels.csv": "id,label\n0,cat\n1,dog\n",
            "serve.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        },
        "rename, pin, lfs",
        when=NOW - timedelta(days=3),
    )
    findings, done = repo.findings("--base", "main", "--head", "feature", rules=MINE)
    assert findings == []
    assert done.returncode == 0


def test_working_tree_is_the_default_head_and_main_the_default_base(repo: Repo) -> None:
    repo.commit({**BASE_FILES, ".gitignore": "scratch/\n"}, "base", when=NOW - timedelta(days=60))
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"README.md": "# churn model\n"}, "docs", when=NOW - timedelta(days=5))
    repo.write(
        {
            "requirements.txt": "pandas==2.2.1\nscikit-learn==1.4.2\nlightgbm\n",
            "models/churn.joblib": b"\x80\x04\x95joblib",
            "scratch/big.parquet": PARQUET,
            "notebooks/.ipynb_checkpoints/train-checkpoint.py": TRAIN,
            ".venv/lib/python3.11/site-packages/xgboost/model.pkl": b"\x80\x04",
        }
    )
    findings, _ = repo.findings(rules=MINE)
    assert by_rule(findings) == {
        "unpinned-dependencies": [("requirements.txt", 3, True)],
        "missing-data-versioning": [("models/churn.joblib", 1, True)],
    }
    assert "scratch" not in json.dumps(findings)
    assert "checkpoint" not in json.dumps(findings) and "site-packages" not in json.dumps(findings)


def test_run_from_a_subdirectory_finds_the_repository(repo: Repo) -> None:
    debt_branch(repo)
    (repo.path / "sub").mkdir()
    done = repo.scan("--repo", ".", "--format", "json", "--now", NOW.isoformat(), cwd=repo.path / "data")
    assert {item["rule"] for item in json.loads(done.stdout)} >= {
        "pipeline-jungle",
        "missing-data-versioning",
    }


def test_config_comes_from_the_base_unless_given(repo: Repo, tmp_path: Path) -> None:
    repo.commit(BASE_FILES, "base", when=NOW - timedelta(days=10))
    repo.git("checkout", "-q", "-b", "feature")
    off = "rules:\n  missing-data-versioning: false\nfail_on: [critical]\n"
    repo.commit(
        {".github/mldebt.yml": off, "data/train.parquet": PARQUET}, "sneak", when=NOW - timedelta(days=2)
    )
    findings, done = repo.findings("--base", "main", "--head", "feature", rules=MINE)
    assert [item["rule"] for item in findings] == ["missing-data-versioning"] and done.returncode == 1
    config = tmp_path / "mldebt.yml"
    config.write_text(off)
    findings, done = repo.findings("--base", "main", "--head", "feature", "--config", str(config), rules=MINE)
    assert findings == [] and done.returncode == 0


def test_invalid_base_config_exits_2_naming_the_file_and_line(repo: Repo) -> None:
    repo.commit(
        {**BASE_FILES, ".github/mldebt.yml": "include: ['*.py']\nfail_on: [blocker]\n"},
        "base",
        when=NOW - timedelta(days=10),
    )
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"data/train.parquet": PARQUET}, "data", when=NOW - timedelta(days=2))
    done = repo.scan("--base", "main", "--head", "feature", "--format", "json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "mldebt: invalid config (read from main; --config FILE uses another):",
        "  .github/mldebt.yml:2: fail_on/0: 'blocker' is not one of ['critical', 'high', 'medium', 'low']",
    ]


def test_text_format_lines_and_summary(repo: Repo) -> None:
    debt_branch(repo)
    done = repo.scan("--base", "main", "--head", "feature", "--now", NOW.isoformat())
    lines = done.stdout.splitlines()
    assert "data/train.parquet:1: medium missing-data-versioning: " in "\n".join(lines)
    assert any(
        line.startswith("(pull request): medium stale-branch: The oldest commit") and line.endswith("[new]")
        for line in lines
    )
    assert any(
        line.startswith("requirements.txt:3: medium unpinned-dependencies: `xgboost>=2.0`") for line in lines
    )
    summary = next(line for line in lines if " new, " in line)
    assert "existing" in summary and "fixed" in summary and "failing severity" in summary
    assert done.returncode == 1


def test_sarif_is_2_1_0_with_locations_and_pull_request_level_notes(repo: Repo) -> None:
    debt_branch(repo)
    done = repo.scan("--base", "main", "--head", "feature", "--format", "sarif", "--now", NOW.isoformat())
    document = json.loads(done.stdout)
    assert document["version"] == "2.1.0"
    [run] = document["runs"]
    results = [result for result in run["results"] if result["ruleId"] in MINE]
    assert {result["ruleId"] for result in results} == {
        "pipeline-jungle",
        "unpinned-dependencies",
        "missing-data-versioning",
    }
    for result in run["results"]:
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["baselineState"] == "new" and result["partialFingerprints"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any(note["descriptor"]["id"] == "stale-branch" for note in notes if "descriptor" in note)
    assert done.returncode == 1


def test_existing_debt_is_not_new_and_does_not_fail(repo: Repo) -> None:
    repo.commit(
        {**BASE_FILES, "requirements.txt": "pandas>=2.0\nscikit-learn\n"},
        "base",
        when=NOW - timedelta(days=10),
    )
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(
        {"requirements.txt": "# deps\nscikit-learn\npandas>=2.0\nnumpy==1.26.4\n"},
        "reorder",
        when=NOW - timedelta(days=2),
    )
    findings, done = repo.findings("--base", "main", "--head", "feature", rules=MINE)
    assert sorted((item["line"], item["new"]) for item in findings) == [(2, False), (3, False)]
    assert done.returncode == 0


def test_unreadable_files_are_notes_not_failures(repo: Repo) -> None:
    repo.commit(BASE_FILES, "base", when=NOW - timedelta(days=10))
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(
        {
            "big.py": "x = 1\n" * 200_000,
            "latin.py": "print('caf\u00e9')\n".encode("latin-1"),
            "blob.py": b"\x00\x01\x02",
            "pipeline/preprocess copy.py": TRAIN,
            "pipeline/pr\u00e9-traitement.py": "x = 1\n",
            "README.md": None,
        },
        "odd files",
        when=NOW - timedelta(days=2),
    )
    done = repo.scan("--base", "main", "--head", "feature", "--format", "json", "--now", NOW.isoformat())
    assert done.returncode in (0, 1), done.stderr
    assert "note: big.py: larger than 1 MB" in done.stderr
    assert "note: latin.py: not UTF-8 text" in done.stderr
    assert "note: blob.py: binary file" in done.stderr
    paths = {item["path"] for item in json.loads(done.stdout)}
    assert "pipeline/preprocess copy.py" in paths


@pytest.mark.parametrize(
    "args",
    [
        ("--base", "no-such-branch"),
        ("--head", "no-such-commit"),
        ("--now", "last tuesday"),
        ("--format", "xml"),
        ("--config", "/nonexistent/mldebt.yml"),
        ("--pr-body", "/nonexistent/body.md"),
        ("--bogus",),
    ],
)
def test_usage_errors_exit_2(repo: Repo, args: tuple[str, ...]) -> None:
    debt_branch(repo)
    done = repo.scan(*args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""


def test_not_a_git_repository_exits_2(tmp_path: Path, repo: Repo) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    done = repo.scan("--repo", str(plain))
    assert done.returncode == 2 and "not a git repository" in done.stderr
    missing = repo.scan("--repo", str(tmp_path / "missing"))
    assert missing.returncode == 2


def test_no_default_branch_and_no_commits_exit_2(repo: Repo) -> None:
    empty = repo.scan()
    assert empty.returncode == 2
    repo.git("checkout", "-q", "-b", "trunk")
    repo.commit(BASE_FILES, "base")
    done = repo.scan()
    assert done.returncode == 2 and "--base" in done.stderr
    assert repo.scan("--base", "trunk").returncode == 0


def test_pr_body_file_is_accepted(repo: Repo, tmp_path: Path) -> None:
    debt_branch(repo)
    body = tmp_path / "body.md"
    body.write_text("Tried focal loss; see EXP-12.\n")
    findings, _ = repo.findings("--base", "main", "--head", "feature", "--pr-body", str(body), rules=MINE)
    assert {item["rule"] for item in findings} == MINE


def test_the_repositorys_own_code_never_runs(repo: Repo) -> None:
    debt_branch(repo)
    hook = repo.path / ".git" / "hooks" / "post-checkout"
    marker = repo.path / "hook-ran"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    repo.git("config", "core.fsmonitor", f"touch {marker}; true")
    repo.git("config", "diff.external", f"touch {marker}; true")
    done = repo.scan("--format", "json", "--now", NOW.isoformat())
    assert done.returncode in (0, 1), done.stderr
    assert not marker.exists()
