"""suppression-without-reason: `# mldebt: ignore[...]` with nothing after it."""

from __future__ import annotations

from collections.abc import Iterable

from rules.finding import Finding, Severity
from rules.rule import Case, FileContext, FileRule, register
from rules.source import FileKind
from rules.suppress import RULE_ID, find_suppressions, unexplained


@register
class SuppressionWithoutReason(FileRule):
    id = RULE_ID
    severity = Severity.LOW
    title = "Suppression without a reason"
    kinds = frozenset({FileKind.PYTHON, FileKind.NOTEBOOK, FileKind.YAML, FileKind.TOML, FileKind.SHELL, FileKind.REQUIREMENTS, FileKind.DOCKERFILE, FileKind.TEXT})
    applies_to_tests = True

    VALID = [
        Case("THRESHOLD = 0.73  # mldebt: ignore[config-without-context] set by the fraud team, ticket FR-12\n"),
        Case("x = 1\n"),
    ]
    INVALID = [
        Case("import os\nTHRESHOLD = 0.73  # mldebt: ignore[config-without-context]\n", lines=(2,)),
        Case("epochs: 10  # mldebt: ignore[config-without-context]\n", path="params.yaml", lines=(1,)),
    ]

    def check(self, ctx: FileContext) -> Iterable[Finding]:
        lines = ctx.file.lines
        return unexplained(ctx.file.path, find_suppressions(lines), lines)
