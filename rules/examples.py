"""Runs a rule's VALID/INVALID cases through the real engine, as tests and as docs."""

from __future__ import annotations

from datetime import UTC, datetime

from rules.config import load_config
from rules.engine import ChangedFile, ReviewInput, ScanResult, scan
from rules.finding import Finding
from rules.repo import DictRepo
from rules.rule import Case, Rule

EXAMPLE_NOW = datetime(2026, 1, 15, tzinfo=UTC)


def review_for(case: Case) -> ReviewInput:
    head_tree = {
        path: content for path, content in {**case.base, **case.head_files()}.items() if content is not None
    }
    changed = []
    for path, content in case.head_files().items():
        if content is None:
            changed.append(ChangedFile(path, "removed", base=case.base.get(path)))
        elif path in case.base:
            changed.append(ChangedFile(path, "modified", head=content, base=case.base[path]))
        else:
            changed.append(ChangedFile(path, "added", head=content))
    config, _ = load_config(case.config)
    return ReviewInput(
        changed=changed,
        repo=DictRepo(case.base, head_tree),
        config=config,
        pr_body=case.pr_body,
        oldest_commit=case.oldest_commit,
        now=case.now or EXAMPLE_NOW,
    )


def run_case(case: Case) -> ScanResult:
    return scan(review_for(case))


def findings_of(rule: type[Rule], case: Case) -> list[Finding]:
    return [finding for finding in run_case(case).findings if finding.rule == rule.id]
