"""SARIF for code scanning: valid against the OASIS schema, each rule's page as its help, one category."""

from __future__ import annotations

import json

from rules.rule import all_rules
from rules.rule_docs import plain, rule_doc
from tests.cli.conftest import NOW, ROOT, Repo
from tests.cli.test_scan import debt_branch
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
