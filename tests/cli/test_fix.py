"""`mldebt scan --fix` on a real repository: safe fixes written, placeholders left, what changed said."""

from __future__ import annotations

import json

from tests.cli.conftest import Repo

TRAIN = (
    "import torch\n"
    "\n"
    "model = torch.nn.Linear(4, 2)\n"
    "# model = model.half()\n"
    "# model.cuda()\n"
    "if False:\n"
    "    model = torch.compile(model)\n"
    "THRESHOLD = 0.73  # mldebt: ignore[config-without-context]\n"
    "run(model, THRESHOLD)\n"
)
FIXED = (
    "import torch\n"
    "\n"
    "model = torch.nn.Linear(4, 2)\n"
    "THRESHOLD = 0.73  # mldebt: ignore[config-without-context]\n"
    "run(model, THRESHOLD)\n"
)
ONLY = ("--select", "dead-code,suppression-without-reason")


def branch_with_debt(repo: Repo) -> None:
    repo.commit({"README.md": "# demo\n"}, "base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write({"train.py": TRAIN})


def test_fix_deletes_dead_code_says_where_and_leaves_the_reason_to_the_author(repo: Repo) -> None:
    branch_with_debt(repo)
    before = repo.scan(*ONLY)
    assert before.returncode == 0, before.stderr
    assert "; 2 fixable with --fix" in before.stdout
    done = repo.scan("--fix", *ONLY)
    assert done.returncode == 0, done.stderr
    assert (repo.path / "train.py").read_text(encoding="utf-8") == FIXED
    assert done.stdout.splitlines()[:3] == [
        "train.py:4: fixed dead-code",
        "train.py:6: fixed dead-code",
        "2 fixes applied",
    ]
    assert "train.py:4: low suppression-without-reason:" in done.stdout
    assert "dead-code:" not in done.stdout.replace("fixed dead-code", "")
    assert "fixable" not in done.stdout


def test_exit_status_is_that_of_the_findings_left(repo: Repo) -> None:
    repo.commit({"README.md": "# demo\n", ".github/mldebt.yml": "fail_on: [low]\n"}, "base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write({"train.py": "import torch\n\n# model = model.half()\nrun(torch.zeros(1))\n"})
    assert repo.scan("--select", "dead-code").returncode == 1
    assert repo.scan("--fix", "--select", "dead-code").returncode == 0
    repo.write({"train.py": TRAIN})
    assert repo.scan("--fix", *ONLY).returncode == 1


def test_json_output_keeps_stdout_clean_and_lists_the_fix(repo: Repo) -> None:
    branch_with_debt(repo)
    findings, _ = repo.findings(*ONLY)
    fixes = {(item["rule"], item["line"]): item["fix"] for item in findings}
    assert fixes[("dead-code", 4)] == {"start_line": 4, "end_line": 5, "replacement": "", "safe": True}
    assert fixes[("suppression-without-reason", 8)]["safe"] is False  # type: ignore[index]
    done = repo.scan("--fix", "--format", "json", *ONLY)
    assert [item["rule"] for item in json.loads(done.stdout)] == ["suppression-without-reason"]
    assert "2 fixes applied" in done.stderr


def test_paths_mode_fixes_existing_debt_too(repo: Repo) -> None:
    repo.commit({"train.py": TRAIN}, "base")
    done = repo.scan("--fix", ".", *ONLY)
    assert done.returncode == 0, done.stderr
    assert (repo.path / "train.py").read_text(encoding="utf-8") == FIXED


def test_fix_with_head_revision_is_a_usage_error(repo: Repo) -> None:
    branch_with_debt(repo)
    done = repo.scan("--fix", "--head", "HEAD")
    assert done.returncode == 2
    assert "--fix edits the working tree" in done.stderr
    assert (repo.path / "train.py").read_text(encoding="utf-8") == TRAIN
