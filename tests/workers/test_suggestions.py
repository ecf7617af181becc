"""One-click fixes in review comments: the exact body, where the comment sits, and that pressing
"Commit suggestion" leaves a file that parses and no longer has the finding."""

from __future__ import annotations

import ast
from dataclasses import replace

import pytest

from rules.checks.suppression_without_reason import REASON_STUB
from rules.examples import run_case
from rules.finding import Finding, Severity
from rules.fix import Fix
from rules.fixing import parses
from rules.rule import Case, all_rules
from rules.source import SourceFile, kind_of
from tests.rendered import injected
from tests.suggestions import apply_suggestion, suggestion_in
from workers import report
from workers.plan import MAX_SUGGESTION_SPAN, plan
from workers.port import PrFile, ReviewComment

SHA = "0123456789abcdef0123456789abcdef01234567"
DOCS = "https://github.com/mldebt/mldebt/blob/main/docs/rules"


def _added(text: str) -> str:
    """The patch of a new file: every line added, so every line takes a comment."""
    lines = text.splitlines()
    return f"@@ -0,0 +1,{len(lines)} @@\n" + "".join(f"+{line}\n" for line in lines)


def _comments(findings: list[Finding], files: list[PrFile]) -> list[ReviewComment]:
    result = run_case(Case("x = 1\n"))
    result.findings = findings
    planned = plan(result, files, [], head_sha=SHA, max_comments=25, check_name="mldebt")
    return [each.comment for each in planned.comments]


def _dead(line: int, end: int, fix: Fix | None) -> Finding:
    return Finding(
        "dead-code",
        Severity.LOW,
        "train.py",
        line,
        end,
        f"{end - line + 1} lines of commented-out code; disabled code goes stale.",
        "Delete it.",
        key=f"comment:{line}",
        fix=fix,
    )


EXPECTED_DELETION = f"""**mldebt · `dead-code`** (low)

2 lines of commented-out code; disabled code goes stale.

**Suggestion:** Delete it.

**One-click fix** (`mldebt scan --fix` applies it too):
```suggestion
```

[What this rule checks and why]({DOCS}/dead-code.md) · reply `/mldebt rescore` to re-run
<!-- mldebt:finding {report.fingerprint(_dead(4, 5, None))} -->"""


def test_a_deletion_renders_as_an_empty_suggestion_on_exactly_its_lines() -> None:
    finding = _dead(4, 5, Fix(4, 5, (), safe=True))
    [comment] = _comments([finding], [PrFile("train.py", "added", None, _added("x\n" * 9))])
    assert (comment.start_line, comment.line) == (4, 5)
    assert comment.body == EXPECTED_DELETION


def test_a_placeholder_says_to_finish_it_and_a_fence_outlasts_backticks_in_the_code() -> None:
    line = f"doc = '``` and ````'  # mldebt: ignore[dead-code] {REASON_STUB}"
    finding = replace(
        _dead(3, 3, None), rule="suppression-without-reason", fix=Fix(3, 3, (line,), safe=False)
    )
    [comment] = _comments([finding], [PrFile("train.py", "added", None, _added("x\n" * 9))])
    assert (comment.start_line, comment.line) == (None, 3)
    assert comment.body.split("\n\n")[3] == (
        "**One-click fix**, a starting point: finish the placeholder before you commit it"
        " (`mldebt scan --fix` leaves it to you):\n"
        f"`````suggestion\n{line}\n`````"
    )
    assert suggestion_in(comment.body) == [line]


def test_no_suggestion_when_a_replaced_line_is_off_the_diff() -> None:
    patch = "@@ -1,3 +1,4 @@\n x\n x\n x\n+# a = b()\n"
    finding = _dead(4, 5, Fix(4, 5, (), safe=True))
    [comment] = _comments([finding], [PrFile("train.py", "modified", None, patch)])
    assert (comment.start_line, comment.line) == (None, 4)
    assert suggestion_in(comment.body) is None


def test_fixable_neighbours_get_a_suggestion_each_and_a_long_span_none() -> None:
    files = [PrFile("train.py", "added", None, _added("x\n" * 60))]
    run = [_dead(4, 4, Fix(4, 4, (), safe=True)), _dead(6, 6, Fix(6, 6, (), safe=True)), _dead(8, 8, None)]
    comments = _comments(run, files)
    assert [(comment.line, suggestion_in(comment.body)) for comment in comments] == [
        (4, []),
        (6, []),
        (8, None),
    ]
    end = 10 + MAX_SUGGESTION_SPAN
    [long] = _comments([_dead(10, end, Fix(10, end, (), safe=True))], files)
    assert suggestion_in(long.body) is None and long.line == 10


def _fixable_examples() -> list[pytest.ParameterSet]:
    params = []
    for rule in sorted(all_rules().values(), key=lambda rule: rule.id):
        for index, case in enumerate(rule.INVALID):
            if any(finding.fix for finding in run_case(case).findings if finding.rule == rule.id):
                params.append(pytest.param(rule.id, case, id=f"{rule.id}-{index}"))
    return params


@pytest.mark.parametrize(("rule", "case"), _fixable_examples())
def test_committing_each_suggestion_parses_and_clears_its_finding(rule: str, case: Case) -> None:
    result = run_case(case)
    heads = case.head_files()
    files = [PrFile(path, "added", None, _added(str(text))) for path, text in heads.items()]
    planned = plan(result, files, [], head_sha=SHA, max_comments=50, check_name="mldebt")
    suggested = [each for each in planned.comments if suggestion_in(each.comment.body) is not None]
    assert suggested, "a fixable finding alone on the diff gets a suggestion"
    for each in suggested:
        comment = each.comment
        replacement = suggestion_in(comment.body)
        assert replacement is not None
        text = apply_suggestion(str(heads[comment.path]), comment.start_line, comment.line, replacement)
        kind = kind_of(comment.path)
        assert kind is not None and parses(SourceFile(comment.path, text, kind))
        if kind.value == "python":
            ast.parse(text)
        [finding] = each.findings
        after = run_case(replace(case, head={**heads, comment.path: text}))
        before = [other.identity() for other in result.findings if other.rule == rule]
        left = [other.identity() for other in after.findings if other.rule == rule]
        assert left.count(finding.identity()) == before.count(finding.identity()) - 1


def test_hostile_code_in_a_suggestion_stays_code() -> None:
    line = (
        "   ````` <img src=x> @octocat #12 https://evil.example ``` "
        f"# mldebt: ignore[dead-code] {REASON_STUB}"
    )
    finding = replace(
        _dead(2, 2, None), rule="suppression-without-reason", fix=Fix(2, 2, (line,), safe=False)
    )
    [comment] = _comments([finding], [PrFile("train.py", "added", None, _added("x\n" * 4))])
    assert injected(comment.body) == []
    assert suggestion_in(comment.body) == [line]
    assert report.fingerprints_in(comment.body) == {report.fingerprint(finding)}
