"""suppression-without-reason: `# mldebt: ignore[...]` with nothing after it.

Its fix writes `REASON_STUB` after the bracket. Any text of three characters
satisfies the rule, so a placeholder committed as is would silence it for good:
the stub says plainly that it is one (greppable `TODO(reason)`), and the fix is
never `safe`, so `mldebt scan --fix` leaves it out and only the review offers
it, for the author to finish before committing.
"""

from __future__ import annotations

from collections.abc import Iterable

from rules.finding import Finding, Severity
from rules.fix import Fix
from rules.pyutil import line_comment
from rules.rule import Case, FileContext, SuppressionRule, register
from rules.source import SourceFile
from rules.suppress import PATTERN, RULE_ID, Suppression, unexplained

REASON_STUB = "TODO(reason): say why this finding does not apply here"


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

    @classmethod
    def fix_for(cls, finding: Finding, source: SourceFile) -> Fix | None:
        """The line with the stub as its reason, in place of whatever too-short text followed the bracket."""
        line = source.lines[finding.line - 1]
        comment = line_comment(line)
        match = PATTERN.search(comment)
        if match is None:
            return None
        code = line[: len(line) - len(comment)]
        return Fix(
            finding.line,
            finding.line,
            (f"{code}{comment[: match.start('reason')]} {REASON_STUB}",),
            safe=False,
        )
