"""Every rule's own VALID and INVALID examples, run through the real engine."""

from __future__ import annotations

import pytest

from rules.examples import findings_of
from rules.rule import Case, Rule, all_rules

RULES = sorted(all_rules().values(), key=lambda rule: rule.id)


def _cases(attribute: str) -> list[pytest.ParameterSet]:
    return [
        pytest.param(rule, case, id=f"{rule.id}-{index}")
        for rule in RULES
        for index, case in enumerate(getattr(rule, attribute))
    ]


@pytest.mark.parametrize(("rule", "case"), _cases("INVALID"))
def test_invalid_example_is_flagged_as_new(rule: type[Rule], case: Case) -> None:
    found = [finding for finding in findings_of(rule, case) if finding.new]
    assert found, f"{rule.id} missed:\n{case.head}"
    if case.lines:
        assert sorted({finding.line for finding in found}) == sorted(set(case.lines))


@pytest.mark.parametrize(("rule", "case"), _cases("VALID"))
def test_valid_example_is_left_alone(rule: type[Rule], case: Case) -> None:
    found = findings_of(rule, case)
    assert not found, f"{rule.id} false positive: {[(f.line, f.message) for f in found]}\n{case.head}"
