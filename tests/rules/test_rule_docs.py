"""A rule without docs and examples is not done: users land on its page from every comment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rules.rule import Rule, all_rules

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules"
SECTIONS = ("## What it does", "## Why is this bad", "## Example", "## Use instead")
RULES = sorted(all_rules().values(), key=lambda rule: rule.id)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_has_doc_page_with_every_section(rule: type[Rule]) -> None:
    page = DOCS / f"{rule.id}.md"
    assert page.exists(), f"missing {page}"
    text = page.read_text()
    for heading in SECTIONS:
        assert heading in text, f"{page.name} lacks {heading!r}"
    assert f"`{rule.id}`" in text and rule.severity.value in text


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_has_both_kinds_of_example(rule: type[Rule]) -> None:
    assert rule.VALID, f"{rule.id} has no VALID hard negatives"
    assert rule.INVALID, f"{rule.id} has no INVALID examples"
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.id)
    assert rule.title and rule.kinds


def test_no_orphan_doc_pages() -> None:
    ids = {rule.id for rule in RULES}
    assert {page.stem for page in DOCS.glob("*.md")} - {"index"} <= ids
