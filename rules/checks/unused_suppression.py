"""unused-suppression: a suppression that no longer silences anything (ruff's RUF100 for mldebt)."""

from __future__ import annotations

from collections.abc import Iterable

from rules.finding import Finding, Severity
from rules.rule import Case, FileContext, SuppressionRule, register
from rules.suppress import UNUSED_RULE_ID, Suppression, unused


@register
class UnusedSuppression(SuppressionRule):
    id = UNUSED_RULE_ID
    severity = Severity.LOW
    title = "Suppression that suppresses nothing"

    VALID = [
        # Still silencing the path on its own line, or on the statement below a comment line.
        Case(
            "RAW = '/home/alice/data/raw.csv'  # mldebt: ignore[hardcoded-path] read-only mirror, "
            "same on every node\n"
        ),
        Case(
            "# mldebt: ignore[hardcoded-path] read-only mirror, same on every node\n"
            "RAW = '/home/alice/data/raw.csv'\n"
        ),
        # A statement over several lines is covered whole by the comment above it.
        Case(
            "import pandas as pd\n\n# mldebt: ignore[hardcoded-path] the team's shared mount\n"
            "frame = pd.read_csv(\n    '/mnt/team/clicks.csv',\n)\n"
        ),
        # A rule switched off in the configuration did not run: its suppression cannot be judged.
        Case(
            "x = 1  # mldebt: ignore[hardcoded-path] kept for when the rule is back\n",
            config="rules:\n  hardcoded-path: false\n",
        ),
    ]
    INVALID = [
        # The path was moved to config; the comment stayed behind.
        Case("RAW = CONFIG['raw_path']  # mldebt: ignore[hardcoded-path] read-only mirror\n", lines=(1,)),
        # A trailing suppression covers its own line only, not the one after it.
        Case(
            "x = 1  # mldebt: ignore[hardcoded-path] read-only mirror\nRAW = '/home/alice/data/raw.csv'\n",
            lines=(1,),
        ),
        # A comment line covers the next statement only, not the one after that.
        Case(
            "# mldebt: ignore[hardcoded-path] read-only mirror\nx = 1\nRAW = '/home/alice/data/raw.csv'\n",
            lines=(1,),
        ),
    ]

    def check_suppressions(
        self, ctx: FileContext, suppressions: list[Suppression], used: set[Suppression], ran: frozenset[str]
    ) -> Iterable[Finding]:
        return unused(ctx.file.path, suppressions, used, ran, ctx.file.lines)
