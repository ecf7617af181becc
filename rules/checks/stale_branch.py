"""stale-branch: a pull request whose oldest commit is older than the repo allows.

Experimental branches should merge or die within weeks; one that lingers drifts
from main, hides half-finished experiments and gets merged on stale assumptions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from rules.finding import Finding, Severity
from rules.rule import Case, ChangeContext, ChangeRule, register
from rules.source import FileKind

# Matches `Config.stale_branch_days`: a month is one planning cycle, after which
# an unmerged experiment has usually been forgotten or superseded.
DEFAULT_DAYS = 30
PR_LEVEL_PATH = ""
PR_LEVEL_LINE = 0

_NOW = datetime(2026, 1, 15, tzinfo=UTC)
_FILE = "import pandas as pd\n\ndf = pd.read_parquet('features.parquet')\n"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _days_option(options: Mapping[str, object]) -> int:
    value = options.get("stale_branch_days", DEFAULT_DAYS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return DEFAULT_DAYS
    return value


@register
class StaleBranch(ChangeRule):
    id = "stale-branch"
    severity = Severity.MEDIUM
    title = "Stale experimental branch"
    kinds = frozenset(FileKind)

    VALID = [
        Case(_FILE, oldest_commit=_NOW - timedelta(days=29), now=_NOW),
        Case(_FILE, oldest_commit=_NOW - timedelta(days=30), now=_NOW),
        Case(_FILE, oldest_commit=None, now=_NOW),
        Case(_FILE, oldest_commit=_NOW - timedelta(days=45), now=_NOW, config="stale_branch_days: 60\n"),
        Case(_FILE, oldest_commit=_NOW + timedelta(days=2), now=_NOW),
        Case(
            _FILE, oldest_commit=_NOW - timedelta(days=90), now=_NOW, config="rules:\n  stale-branch: false\n"
        ),
        Case(_FILE, oldest_commit=(_NOW - timedelta(days=10)).replace(tzinfo=None), now=_NOW),
    ]
    INVALID = [
        Case(_FILE, oldest_commit=_NOW - timedelta(days=31), now=_NOW, lines=(PR_LEVEL_LINE,)),
        Case(_FILE, oldest_commit=_NOW - timedelta(days=400), now=_NOW),
        Case(_FILE, oldest_commit=_NOW - timedelta(days=8), now=_NOW, config="stale_branch_days: 7\n"),
        Case(
            {"params.yaml": "lr: 0.01\n"},
            oldest_commit=(_NOW - timedelta(days=60)).replace(tzinfo=None),
            now=_NOW,
        ),
        Case(
            _FILE,
            oldest_commit=_NOW - timedelta(days=31),
            now=_NOW,
            config="rules:\n  stale-branch: {severity: low}\n",
        ),
    ]

    def check_change(self, ctx: ChangeContext) -> Iterable[Finding]:
        if ctx.oldest_commit is None:
            return []
        limit = _days_option(ctx.options)
        age = _aware(ctx.now) - _aware(ctx.oldest_commit)
        if age <= timedelta(days=limit):
            return []
        return [
            self.make(
                PR_LEVEL_PATH,
                PR_LEVEL_LINE,
                f"The oldest commit on this branch is {age.days} days old (the limit is {limit}); "
                "an experiment branch that lingers drifts from the base and hides unfinished work.",
                suggestion="Merge what works and close the rest, "
                "or split the finished part into a fresh branch.",
                key="stale-branch",
            )
        ]
