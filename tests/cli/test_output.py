"""JSON output: fixed findings, fingerprints, doc URLs; text output links each rule's doc once."""

from __future__ import annotations

import json
from datetime import timedelta

from rules.docs import DocsLinks
from rules.engine import ScanResult
from rules.finding import Finding, Severity
from rules.render_text import SAME_MESSAGE, render
from tests.cli.conftest import NOW, Repo
from tests.cli.test_scan import BASE_FILES, debt_branch

PINS = "pandas==2.2.1\nscikit-learn==1.4.2\n"


def test_json_lists_fixed_findings_with_a_status(repo: Repo) -> None:
    repo.commit(
        {**BASE_FILES, "requirements.txt": "pandas>=2.0\n" + PINS}, "base", when=NOW - timedelta(days=9)
    )
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(
        {"requirements.txt": "pandas==2.2.1\nscikit-learn==1.4.2\n"}, "pin", when=NOW - timedelta(days=2)
    )
    findings, done = repo.findings(
        "--base", "main", "--head", "feature", rules=frozenset({"unpinned-dependencies"})
    )
    assert [(item["status"], item["new"], item["line"]) for item in findings] == [("fixed", False, 1)]
    assert "1 fixed" in done.stderr


def test_json_fingerprints_are_stable_when_lines_move_and_urls_name_the_rule(repo: Repo) -> None:
    first = repo.commit({"README.md": "# churn\n"}, "empty", when=NOW - timedelta(days=20))
    repo.commit({"requirements.txt": "xgboost>=2.0\n" + PINS}, "deps", when=NOW - timedelta(days=9))
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"requirements.txt": "# deps\n\nxgboost>=2.0\n" + PINS}, "move", when=NOW - timedelta(days=2))
    rules = frozenset({"unpinned-dependencies"})
    before, _ = repo.findings("--base", first, "--head", "main", rules=rules)
    after, _ = repo.findings("--base", first, "--head", "feature", rules=rules)
    assert [item["line"] for item in before] == [1] and [item["line"] for item in after] == [3]
    assert before[0]["fingerprint"] == after[0]["fingerprint"]
    assert len(str(after[0]["fingerprint"])) == 32
    assert after[0]["url"] == DocsLinks().link("unpinned-dependencies")


def test_text_links_each_rule_doc_once(repo: Repo) -> None:
    debt_branch(repo)
    done = repo.scan("--base", "main", "--head", "feature", "--now", NOW.isoformat())
    for rule in ("stale-branch", "missing-data-versioning", "unpinned-dependencies"):
        url = DocsLinks().link(rule)
        assert done.stdout.count(url) == 1
        assert f"{rule}: {url}" in done.stdout.splitlines()


def test_text_prints_a_repeated_message_once() -> None:
    message = "A long explanation of why this is debt, which users need to read only once per run."
    findings = [
        Finding("unpinned-dependencies", Severity.MEDIUM, "requirements.txt", line, line, message)
        for line in (1, 2, 3)
    ]
    other = Finding("unpinned-dependencies", Severity.MEDIUM, "setup.cfg", 4, 4, "A different message.")
    text = render(ScanResult(findings=[*findings, other], fixed=[], notes=[]), DocsLinks())
    assert text.count(message) == 1
    lines = text.splitlines()
    assert lines[:4] == [
        f"requirements.txt:1: medium unpinned-dependencies: {message} [new]",
        f"requirements.txt:2: medium unpinned-dependencies: {SAME_MESSAGE} [new]",
        f"requirements.txt:3: medium unpinned-dependencies: {SAME_MESSAGE} [new]",
        "setup.cfg:4: medium unpinned-dependencies: A different message. [new]",
    ]
    assert text.count(DocsLinks().link("unpinned-dependencies")) == 1


def test_json_is_still_a_list_of_findings_with_the_old_keys(repo: Repo) -> None:
    debt_branch(repo)
    done = repo.scan("--base", "main", "--head", "feature", "--format", "json", "--now", NOW.isoformat())
    items = json.loads(done.stdout)
    assert isinstance(items, list) and items
    assert all(
        set(item) >= {"rule", "severity", "path", "line", "message", "new", "status", "fingerprint", "url"}
        for item in items
    )


def test_docs_url_moves_every_link_in_text_json_and_sarif(repo: Repo) -> None:
    debt_branch(repo)
    repo.env["MLDEBT_DOCS_URL"] = "https://wiki.example.com/ml/rules"
    compare = ("--base", "main", "--head", "feature", "--now", NOW.isoformat())
    text = repo.scan(*compare).stdout
    assert "unpinned-dependencies: https://wiki.example.com/ml/rules/unpinned-dependencies.md" in text
    found, _ = repo.findings("--base", "main", "--head", "feature")
    assert {item["url"] for item in found} == {
        f"https://wiki.example.com/ml/rules/{item['rule']}.md" for item in found
    }
    flag = repo.scan(*compare, "--format", "sarif", "--docs-url", "https://docs.example.org/{rule}")
    rules = json.loads(flag.stdout)["runs"][0]["tool"]["driver"]["rules"]
    assert rules and {rule["helpUri"] for rule in rules} == {
        f"https://docs.example.org/{rule['id']}" for rule in rules
    }
    assert DocsLinks().link("unpinned-dependencies") not in text + flag.stdout


def test_a_docs_url_that_is_not_http_is_a_usage_error(repo: Repo) -> None:
    debt_branch(repo)
    done = repo.scan("--base", "main", "--head", "feature", "--docs-url", "docs/rules")
    assert done.returncode == 2
    assert "--docs-url must be an http(s) address, got 'docs/rules'" in done.stderr
