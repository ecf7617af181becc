"""`# mldebt: ignore[rule-id] reason` comments.

A suppression silences one rule on its own line or the line below. One with
no reason is debt of its own and is reported as such.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rules.finding import Finding, Severity

PATTERN = re.compile(r"#\s*mldebt:\s*ignore\[(?P<ids>[A-Za-z0-9_,\s-]+)\](?P<reason>[^\n]*)")
RULE_ID = "suppression-without-reason"


@dataclass(frozen=True)
class Suppression:
    line: int
    rules: frozenset[str]
    reason: str


def find_suppressions(lines: list[str]) -> list[Suppression]:
    found = []
    for number, text in enumerate(lines, start=1):
        match = PATTERN.search(text)
        if match:
            ids = frozenset(part.strip() for part in match["ids"].split(",") if part.strip())
            found.append(Suppression(number, ids, match["reason"].strip(" -:—\"',")))
    return found


def apply(findings: Iterable[Finding], suppressions: list[Suppression]) -> list[Finding]:
    by_line: dict[int, set[str]] = {}
    for item in suppressions:
        for line in (item.line, item.line + 1):
            by_line.setdefault(line, set()).update(item.rules)
    kept = []
    for finding in findings:
        silenced = by_line.get(finding.line, set())
        if finding.rule in silenced or "all" in silenced:
            continue
        kept.append(finding)
    return kept


def unexplained(path: str, suppressions: list[Suppression], lines: list[str]) -> list[Finding]:
    return [
        Finding(
            rule=RULE_ID,
            severity=Severity.LOW,
            path=path,
            line=item.line,
            end_line=item.line,
            message=f"`mldebt: ignore[{', '.join(sorted(item.rules))}]` gives no reason; the next reader cannot tell whether it still applies.",
            suggestion="Say why after the bracket: `# mldebt: ignore[rule-id] calibrated threshold, see EXP-42`.",
            key=lines[item.line - 1].strip(),
        )
        for item in suppressions
        if len(item.reason) < 3
    ]
