"""stale-branch: one pull-request-level finding, counted from the oldest commit's committer date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from rules.examples import run_case
from rules.finding import Finding
from rules.rule import Case

NOW = datetime(2026, 1, 15, 12, tzinfo=UTC)
FILES = {"train.py": "import xgboost as xgb\n", "params.yaml": "lr: 0.1\n"}


def stale(oldest: datetime | None, config: str = "", now: datetime = NOW) -> list[Finding]:
    result = run_case(Case(FILES, oldest_commit=oldest, now=now, config=config))
    return [finding for finding in result.findings if finding.rule == "stale-branch"]


def test_one_pull_request_level_finding_with_age_and_limit() -> None:
    [finding] = stale(NOW - timedelta(days=45, hours=3))
    assert (finding.path, finding.line, finding.end_line, finding.new) == ("", 0, 0, True)
    assert "45 days old" in finding.message and "limit is 30" in finding.message
    assert finding.suggestion


@pytest.mark.parametrize(
    ("age", "flagged"),
    [
        (timedelta(days=30), False),
        (timedelta(days=30, seconds=1), True),
        (timedelta(days=-3), False),
        (timedelta(0), False),
    ],
)
def test_boundary_is_more_than_the_limit(age: timedelta, flagged: bool) -> None:
    assert bool(stale(NOW - age)) is flagged


def test_timezones_and_naive_datetimes_compare_as_utc() -> None:
    tokyo = timezone(timedelta(hours=9))
    assert stale((NOW - timedelta(days=31)).astimezone(tokyo))
    assert stale((NOW - timedelta(days=31)).replace(tzinfo=None))
    assert not stale((NOW - timedelta(days=29)).replace(tzinfo=None))


def test_days_come_from_config_top_level_or_rule_options() -> None:
    oldest = NOW - timedelta(days=20)
    assert not stale(oldest)
    assert stale(oldest, "stale_branch_days: 14\n")
    assert not stale(oldest, "stale_branch_days: 14\nrules:\n  stale-branch:\n    stale_branch_days: 21\n")


def test_bad_rule_option_falls_back_to_the_default() -> None:
    oldest = NOW - timedelta(days=31)
    assert stale(oldest, "rules:\n  stale-branch:\n    stale_branch_days: soon\n")
    assert not stale(NOW - timedelta(days=29), "rules:\n  stale-branch:\n    stale_branch_days: true\n")


def test_no_commit_date_means_no_finding() -> None:
    assert stale(None) == []
