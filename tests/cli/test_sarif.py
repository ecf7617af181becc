"""SARIF for code scanning: valid against the OASIS schema, each rule's page as its help, one category;
`--sarif-output`: the same SARIF beside the text or JSON report, from the same scan."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path

from rules.rule import all_rules
from rules.rule_docs import plain, rule_doc
from tests.cli.conftest import NOW, ROOT, Repo
from tests.cli.reports import sarif_findings, text_findings
from tests.cli.test_scan import BASE_FILES, debt_branch
from tests.sarif.schema import sarif_errors

BRANCH = ("--base", "main", "--head", "feature", "--now", NOW.isoformat(), "--format", "sarif")


def test_sarif_validates_against_the_sarif_2_1_0_schema(repo: Repo) -> None:
    debt_branch(repo)
    done = repo.scan(*BRANCH)
    document = json.loads(done.stdout)
    assert document["runs"][0]["results"], "a report without results proves little"
    assert sarif_errors(document) == []


def test_the_schema_check_rejects_what_code_scanning_would(repo: Repo) -> None:
    debt_branch(repo)
    document = json.loads(repo.scan(*BRANCH).stdout)
    document["runs"][0]["results"][0]["level"] = "fatal"
    del document["runs"][0]["tool"]["driver"]["name"]
    assert sorted(sarif_errors(document)) == [
        "runs/0/results/0/level: 'fatal' is not one of ['none', 'note', 'warning', 'error']",
        "runs/0/tool/driver: 'name' is a required property",
    ]


def test_each_rule_carries_its_doc_page_as_description_and_help(repo: Repo) -> None:
    debt_branch(repo)
    run = json.loads(repo.scan(*BRANCH).stdout)["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert {result["ruleId"] for result in run["results"]} <= set(rules)
    page = (ROOT / "docs" / "rules" / "unpinned-dependencies.md").read_text(encoding="utf-8")
    body = page.split("\n", 1)[1].strip()
    what_it_does = body.split("## What it does\n", 1)[1].split("\n## ", 1)[0].strip()
    unpinned = rules["unpinned-dependencies"]
    assert unpinned["fullDescription"]["markdown"] == what_it_does
    assert unpinned["fullDescription"]["text"].startswith(
        "Flags a requirement that the pull request adds or changes without an exact version"
    )
    assert unpinned["help"]["markdown"] == body
    assert "## Why is this bad" in unpinned["help"]["markdown"]
    assert "Why is this bad" in unpinned["help"]["text"] and "`" not in unpinned["help"]["text"]
    for rule in rules.values():
        assert rule["help"]["markdown"] and rule["fullDescription"]["text"], rule["id"]
        assert rule["helpUri"].endswith(f"/docs/rules/{rule['id']}.md")


def test_the_run_names_one_code_scanning_category(repo: Repo) -> None:
    debt_branch(repo)
    [run] = json.loads(repo.scan(*BRANCH).stdout)["runs"]
    assert run["automationDetails"] == {"id": "mldebt/"}


def test_markdown_help_as_plain_text() -> None:
    markdown = (
        "## Use instead\nPin it (`pandas==2.2.1`), see [the guide](https://example.com/pins).\n\n"
        "```python\nMIN_SCORE = 0.73\n```"
    )
    assert plain(markdown) == (
        "Use instead\nPin it (pandas==2.2.1), see the guide (https://example.com/pins).\n\nMIN_SCORE = 0.73"
    )


def test_every_rule_ships_its_page_in_the_package() -> None:
    """Pages are read from the installed package (`rules/docs`), never from a checkout that may be absent."""
    missing = [rule_id for rule_id in all_rules() if rule_doc(rule_id) is None]
    assert missing == []
    doc = rule_doc("magic-number")
    assert doc is not None and doc.description.startswith("Flags an unexplained number")
    assert rule_doc("no-such-rule") is None


TEXT = ("--base", "main", "--head", "feature", "--now", NOW.isoformat())


def test_sarif_output_holds_the_findings_of_the_text_report_from_the_same_scan(
    repo: Repo, tmp_path: Path
) -> None:
    debt_branch(repo)
    sarif = tmp_path / "mldebt.sarif"
    done = repo.scan(*TEXT, "--sarif-output", str(sarif))

    assert done.returncode == 1, "a new finding at a failing severity still fails the scan"
    assert done.stdout == repo.scan(*TEXT).stdout, "the text report is the one a plain scan prints"
    assert done.stderr == ""
    document = json.loads(sarif.read_text(encoding="utf-8"))
    assert sarif_errors(document) == []
    located, whole = text_findings(done.stdout)
    assert {(rule, path) for rule, path, *_ in located} >= {
        ("unpinned-dependencies", "requirements.txt"),
        ("missing-data-versioning", "data/train.parquet"),
        ("pipeline-jungle", "train_v2.py"),
    }
    assert whole == Counter({"stale-branch": 1})
    assert sarif_findings(document) == (located, whole)
    assert document == json.loads(repo.scan(*BRANCH).stdout), "the same SARIF as --format sarif"


def test_sarif_output_keeps_the_exit_status_of_the_findings(repo: Repo, tmp_path: Path) -> None:
    repo.commit(BASE_FILES, "base", when=NOW - timedelta(days=9))
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"notes.md": "Nothing to review.\n"}, "notes", when=NOW - timedelta(days=1))
    clean = repo.scan(*TEXT, "--sarif-output", str(tmp_path / "clean.sarif"))
    assert clean.returncode == 0, clean.stderr
    assert json.loads((tmp_path / "clean.sarif").read_text(encoding="utf-8"))["runs"][0]["results"] == []

    repo.commit({"requirements.txt": "xgboost>=2.0\n"}, "deps", when=NOW - timedelta(days=1))
    failing = repo.scan(*TEXT, "--sarif-output", str(tmp_path / "failing.sarif"))
    assert failing.returncode == 1
    reported = json.loads((tmp_path / "failing.sarif").read_text(encoding="utf-8"))
    assert [result["ruleId"] for result in reported["runs"][0]["results"]] == ["unpinned-dependencies"]
    told_not_to_fail = repo.scan(*TEXT, "--exit-zero", "--sarif-output", str(tmp_path / "zero.sarif"))
    assert told_not_to_fail.returncode == 0
    assert json.loads((tmp_path / "zero.sarif").read_text(encoding="utf-8")) == reported


def test_sarif_output_beside_a_json_report_or_statistics_lists_the_same_findings(
    repo: Repo, tmp_path: Path
) -> None:
    debt_branch(repo)
    report, sarif = tmp_path / "report.json", tmp_path / "report.sarif"
    done = repo.scan(*TEXT, "--format", "json", "--output", str(report), "--sarif-output", str(sarif))
    assert (done.returncode, done.stdout) == (1, "")
    assert " new, " in done.stderr, "the summary goes to stderr, as with --output alone"
    findings = json.loads(report.read_text(encoding="utf-8"))
    located, whole = sarif_findings(json.loads(sarif.read_text(encoding="utf-8")))
    current = [item for item in findings if item["status"] != "fixed"]
    assert (
        Counter(
            (item["rule"], item["path"], item["line"], item["severity"], item["new"])
            for item in current
            if item["path"] and item["line"] > 0
        )
        == located
    )
    assert Counter(item["rule"] for item in current if not (item["path"] and item["line"] > 0)) == whole

    # --format sarif refuses --statistics; a SARIF file beside the statistics still lists each finding.
    counted = repo.scan(*TEXT, "--statistics", "--sarif-output", str(tmp_path / "counted.sarif"))
    assert counted.returncode == 1
    assert sarif_findings(json.loads((tmp_path / "counted.sarif").read_text(encoding="utf-8"))) == (
        located,
        whole,
    )
    assert "unpinned-dependencies" in counted.stdout and "requirements.txt" not in counted.stdout


def test_a_sarif_file_that_cannot_be_written_is_an_error_after_the_report(repo: Repo, tmp_path: Path) -> None:
    debt_branch(repo)
    missing = tmp_path / "no-such-folder" / "mldebt.sarif"
    done = repo.scan(*TEXT, "--sarif-output", str(missing))
    assert done.returncode == 2, "an error, not a finding: the Action must not read it as a clean run"
    assert "requirements.txt:3: medium unpinned-dependencies" in done.stdout
    assert done.stderr == f"mldebt: cannot write {missing}: No such file or directory\n"

    same = tmp_path / "report.txt"
    clash = repo.scan(*TEXT, "--output", str(same), "--sarif-output", str(same))
    assert (clash.returncode, clash.stdout) == (2, "")
    assert clash.stderr == (
        f"mldebt: --output and --sarif-output both name {same}: give the SARIF report a file of its own\n"
    )
    assert not same.exists()
