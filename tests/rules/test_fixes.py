"""Fixes: each one offered parses and makes its finding go away; the unsound ones are never offered."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rules.checks.suppression_without_reason import REASON_STUB
from rules.examples import findings_of, run_case
from rules.finding import Finding
from rules.fix import Fix, apply_all
from rules.fixing import parses
from rules.rule import Case, Rule, all_rules
from rules.source import SourceFile, kind_of

FIXABLE = ("dead-code", "suppression-without-reason")


def mended(case: Case, finding: Finding) -> Case:
    assert finding.fix is not None
    head = case.head_files()[finding.path]
    assert isinstance(head, str)
    files = {**case.head_files(), finding.path: finding.fix.apply(head)}
    return replace(case, head=files)


def _offered() -> list[pytest.ParameterSet]:
    params = []
    for rule in sorted(all_rules().values(), key=lambda rule: rule.id):
        for index, case in enumerate(rule.INVALID):
            for finding in findings_of(rule, case):
                if finding.fix is not None:
                    params.append(pytest.param(rule, case, finding, id=f"{rule.id}-{index}-{finding.line}"))
    return params


OFFERED = _offered()


def test_the_fixable_rules_offer_fixes_on_their_examples() -> None:
    rules = {param.values[0].id for param in OFFERED}  # type: ignore[union-attr]
    assert rules == set(FIXABLE)


@pytest.mark.parametrize(("rule", "case", "finding"), OFFERED)
def test_each_offered_fix_parses_and_its_finding_is_gone(
    rule: type[Rule], case: Case, finding: Finding
) -> None:
    after = mended(case, finding)
    text = after.head_files()[finding.path]
    assert isinstance(text, str)
    kind = kind_of(finding.path)
    assert kind is not None
    assert parses(SourceFile(finding.path, text, kind))
    left = [other.identity() for other in findings_of(rule, after)]
    before = [other.identity() for other in findings_of(rule, case)]
    assert left.count(finding.identity()) == before.count(finding.identity()) - 1
    assert set(left) <= set(before)


def only(rule: str, head: str, path: str = "train.py") -> list[Finding]:
    return [finding for finding in run_case(Case(head, path=path)).findings if finding.rule == rule]


def test_commented_out_code_is_deleted_and_nothing_else() -> None:
    head = (
        "import torch\n\nmodel = torch.nn.Linear(4, 2)\n# model = model.half()\n# model.cuda()\nrun(model)\n"
    )
    [finding] = only("dead-code", head)
    assert finding.fix == Fix(4, 5, (), safe=True)
    assert finding.fix.apply(head) == "import torch\n\nmodel = torch.nn.Linear(4, 2)\nrun(model)\n"


def test_disabled_if_is_deleted_with_its_body() -> None:
    head = "import torch\n\nif False:\n    model = torch.compile(model)\n    model.half()\ntrain(model)\n"
    [finding] = only("dead-code", head)
    assert finding.fix is not None and finding.fix.safe
    assert finding.fix.apply(head) == "import torch\n\ntrain(model)\n"


@pytest.mark.parametrize(
    "head",
    [
        # The else branch runs: deleting the `if` would orphan it.
        "import torch\n\nif False:\n    model = torch.compile(model)\nelse:\n    model.half()\n",
        # The only statement of a function: deleting it leaves a function with no body.
        "import torch\n\n\ndef setup(model):\n    if False:\n        model = torch.compile(model)\n",
        # A tool directive inside the commented block still does its work.
        "import torch\n\n# model = model.half()\n# type: ignore\n# model.cuda()\nrun(model)\n",
        # A parked string may be meant as a note.
        'import pandas as pd\n\ndf = pd.read_csv("data.csv")\n"""\ndf = df.dropna()\n'
        'df["ratio"] = df.a / df.b\n"""\ndf.to_parquet("out.parquet")\n',
    ],
)
def test_no_fix_where_deleting_would_break_or_change_the_code(head: str) -> None:
    findings = only("dead-code", head)
    assert findings
    assert all(finding.fix is None for finding in findings)


def test_deleting_a_yield_is_offered_but_not_safe() -> None:
    head = (
        "import torch\n\n\ndef batches(loader):\n    for batch in loader:\n        pass\n"
        "    if False:\n        yield torch.zeros(1)\n"
    )
    [finding] = only("dead-code", head)
    assert finding.fix == Fix(7, 8, (), safe=False)


def test_notebook_findings_get_no_fix() -> None:
    notebook = (
        '{"cells": [{"cell_type": "code", "metadata": {}, "source": ["import pandas as pd\\n", '
        '"# df = df[df.x > 0]\\n", "df.head()\\n"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    )
    [finding] = only("dead-code", notebook, path="eda.ipynb")
    assert finding.fix is None


def test_existing_debt_gets_no_fix() -> None:
    head = "import torch\n\n# model = model.half()\n# model.cuda()\nrun(model)\n"
    case = Case(head + "x = 1\n", base={"train.py": head})
    [finding] = findings_of(all_rules()["dead-code"], case)
    assert not finding.new and finding.fix is None


def test_reason_stub_replaces_a_too_short_reason_and_is_not_safe() -> None:
    head = 'import os\nPATTERN = "# mldebt: ignore[x]"  # mldebt: ignore[config-without-context] -\n'
    [finding] = only("suppression-without-reason", head)
    assert finding.fix == Fix(
        2,
        2,
        (f'PATTERN = "# mldebt: ignore[x]"  # mldebt: ignore[config-without-context] {REASON_STUB}',),
        safe=False,
    )


def test_fix_keeps_crlf_endings_and_a_missing_final_newline() -> None:
    text = "a\r\n# b\r\nc"
    assert apply_all(text, [Fix(2, 2, (), safe=True)]) == "a\r\nc"
    assert apply_all(text, [Fix(3, 3, ("d", "e"), safe=True)]) == "a\r\n# b\r\nd\r\ne"


def test_overlapping_fixes_apply_once_bottom_up() -> None:
    text = "".join(f"{number}\n" for number in range(1, 7))
    fixes = [Fix(1, 2, (), True), Fix(2, 3, ("x",), True), Fix(5, 5, ("y", "z"), True)]
    assert apply_all(text, fixes) == "1\nx\n4\ny\nz\n6\n"


def test_json_carries_the_fix() -> None:
    head = "import torch\n\n# model = model.half()\n# model.cuda()\nrun(model)\n"
    [finding] = only("dead-code", head)
    assert finding.to_json()["fix"] == {"start_line": 3, "end_line": 4, "replacement": "", "safe": True}


def test_fixes_that_break_the_file_together_are_still_offered_each_alone() -> None:
    head = (
        "import torch\n\n\ndef setup(model):\n    if False:\n        model = torch.compile(model)\n"
        "    if False:\n        model.half()\n"
    )
    findings = only("dead-code", head)
    assert [(finding.line, finding.fix) for finding in findings] == [
        (5, Fix(5, 6, (), safe=True)),
        (7, Fix(7, 8, (), safe=True)),
    ]


def test_a_fix_that_crashes_costs_the_fix_not_the_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(finding: Finding, source: SourceFile) -> Fix | None:
        raise IndexError("a bug in a fix")

    monkeypatch.setattr(all_rules()["dead-code"], "fix_for", broken)
    head = "import torch\n\n# model = model.half()\n# model.cuda()\nrun(model)\n"
    result = run_case(Case(head))
    assert [(finding.rule, finding.line, finding.fix) for finding in result.findings] == [
        ("dead-code", 3, None)
    ]
    assert result.notes == []
