"""suppression-without-reason: `# mldebt: ignore[...]` with nothing after it."""

from __future__ import annotations

from collections.abc import Iterable

from rules.finding import Finding, Severity
from rules.rule import Case, FileContext, SuppressionRule, register
from rules.suppress import RULE_ID, Suppression, unexplained


@register
class SuppressionWithoutReason(SuppressionRule):
    id = RULE_ID
    severity = Severity.LOW
    title = "Suppression without a reason"

    VALID = [
        Case(
            "THRESHOLD = 0.73  # mldebt: ignore[config-without-context] set by the fraud team, ticket FR-12\n"
        ),
        Case("x = 1\n"),
    ]
    INVALID = [
        Case("import os\nTHRESHOLD = 0.73  # mldebt: ignore[config-without-context]\n", lines=(2,)),
        Case("epochs: 10  # mldebt: ignore[config-without-context]\n", path="params.yaml", lines=(1,)),
    ]

    def check_suppressions(
        self, ctx: FileContext, suppressions: list[Suppression], used: set[Suppression], ran: frozenset[str]
    ) -> Iterable[Finding]:
        return unexplained(ctx.file.path, suppressions, ctx.file.lines)
