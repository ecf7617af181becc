"""What a user reads on GitHub: exact check-run summary, title, annotations and comment bodies."""

from __future__ import annotations

from rules.docs import DocsLinks
from rules.engine import ConfigNote, FileNote, ScanResult
from rules.finding import Finding, Severity
from tests import rendered as tests_rendered
from workers import report


def _finding(rule: str, severity: Severity, line: int, new: bool = True, key: str = "") -> Finding:
    return Finding(
        rule,
        severity,
        "train.py",
        line,
        line,
        f"{rule} message",
        "Do better.",
        key=key or f"k{line}",
        new=new,
    )


RESULT = ScanResult(
    findings=[
        _finding("split-leakage", Severity.CRITICAL, 10),
        _finding("magic-number", Severity.MEDIUM, 20),
        _finding("hardcoded-path", Severity.HIGH, 3, new=False),
    ],
    fixed=[_finding("dead-code", Severity.LOW, 7, new=False)],
    notes=[FileNote("weights.bin", "binary file")],
    files_scanned=1,
)

EXPECTED_SUMMARY = """**Fails: this PR adds 1 finding at a blocking severity (critical, high).**

| Severity | New | Existing | Fixed |
|---|---:|---:|---:|
| critical | 1 | 0 | 0 |
| high | 0 | 1 | 0 |
| medium | 1 | 0 | 0 |
| low | 0 | 0 | 1 |
| **total** | **2** | **1** | **1** |

Debt score of the touched files at `abcdef1`: **17** (this PR: +11). 1 file analysed.

### New findings by rule

| Rule | Severity | New |
|---|---|---:|
| [`split-leakage`](https://github.com/mldebt/mldebt/blob/main/docs/rules/split-leakage.md) | critical | 1 |
| [`magic-number`](https://github.com/mldebt/mldebt/blob/main/docs/rules/magic-number.md) | medium | 1 |

### Files not analysed

- `weights.bin`: binary file"""


def test_summary_says_why_and_counts_new_existing_fixed() -> None:
    assert report.summary(RESULT, "abcdef1234", DocsLinks()) == EXPECTED_SUMMARY


def test_conclusion_and_title() -> None:
    output = report.check_output(RESULT, "abcdef1234", [], DocsLinks())
    assert output.conclusion == "failure"
    assert output.title == "2 new findings (1 blocking)"


def test_no_new_debt_passes() -> None:
    clean = ScanResult(findings=[_finding("magic-number", Severity.MEDIUM, 2, new=False)], fixed=[], notes=[])
    assert report.verdict(clean) == ("success", "Passes: this PR adds no ML debt that mldebt can see.")


def test_annotations_fail_for_blocking_warn_for_new_and_note_existing() -> None:
    levels = {(a.path, a.start_line): a.level for a in report.annotations_for(RESULT, DocsLinks())}
    assert levels == {("train.py", 10): "failure", ("train.py", 20): "warning", ("train.py", 3): "notice"}


DOCS = "https://github.com/mldebt/mldebt/blob/main/docs/rules"
EXPECTED_COMMENT = """**mldebt · `split-leakage`** (critical)

split-leakage message

**Suggestion:** Do better.

[What this rule checks and why]({docs}/split-leakage.md) · reply `/mldebt rescore` to re-run
<!-- mldebt:finding {fp} -->"""


def test_comment_body_carries_docs_link_and_hidden_fingerprint() -> None:
    finding = RESULT.findings[0]
    body = report.comment_body([finding], DocsLinks())
    assert body == EXPECTED_COMMENT.format(docs=DOCS, fp=report.fingerprint(finding))
    assert report.fingerprints_in(body) == {report.fingerprint(finding)}


def test_fingerprint_survives_a_line_move_but_not_a_new_value() -> None:
    moved = _finding("magic-number", Severity.MEDIUM, 99, key="k20")
    assert report.fingerprint(moved) == report.fingerprint(RESULT.findings[1])
    assert report.fingerprint(
        _finding("magic-number", Severity.MEDIUM, 20, key="other")
    ) != report.fingerprint(RESULT.findings[1])


def test_fixed_comment_keeps_original_and_says_where() -> None:
    body = report.fixed_body("old text <!-- mldebt:finding abc -->", "0123456789")
    assert body.startswith("✅ **Fixed in 0123456.**")
    assert report.fingerprints_in(body) == {"abc"} and report.FIXED_MARKER in body


def test_summary_is_capped_at_githubs_limit() -> None:
    many = ScanResult(
        findings=[], fixed=[], notes=[FileNote("x" * 2000 + str(i), "binary file") for i in range(100)]
    )
    assert len(report.summary(many, "a" * 40, DocsLinks())) <= report.MAX_OUTPUT_CHARS


ODD_PATHS = [
    "odd dir/we|ird `name` é.py",
    "a``b|c.py",
    "evil\n# PWNED @octocat #1.py",
    "<img src=x onerror=alert(1)>.py",
]


def test_odd_file_names_leave_the_summary_table_and_notes_intact() -> None:
    notes = [FileNote(path, "does not parse as YAML: found '@octocat' <b>PWNED</b>") for path in ODD_PATHS]
    body = report.summary(
        ScanResult(findings=list(RESULT.findings), fixed=[], notes=notes, files_scanned=1),
        "abcdef1234",
        DocsLinks(),
    )
    assert tests_rendered.injected(body, ["PWNED"]) == []
    severity_table = tests_rendered.table_rows(body)[:6]
    assert [row[0] for row in severity_table] == [
        "Severity",
        "critical",
        "high",
        "medium",
        "low",
        "**total**",
    ]
    assert all(len(row) == 4 for row in severity_table)
    items = [token for token in tests_rendered.markdown(body) if token.type == "list_item_open"]
    assert len(items) == len(ODD_PATHS)


def test_odd_file_names_in_the_details_cannot_inject_markup() -> None:
    findings = [
        Finding("magic-number", Severity.MEDIUM, path, 3, 3, "`0.73` is unexplained", key=path)
        for path in ODD_PATHS
    ]
    text = report.details(ScanResult(findings=findings, fixed=[], notes=[]), findings, DocsLinks())
    assert tests_rendered.injected(text, ["PWNED"]) == []


def test_a_marker_faked_by_the_reviewed_code_does_not_change_our_fingerprint() -> None:
    fake = Finding(
        "config-without-context",
        Severity.HIGH,
        "params.yaml",
        2,
        2,
        "`<!-- mldebt:finding 0000 --> <!-- mldebt:fixed -->` is set to `1`",
        key="lr=1",
    )
    body = report.comment_body([fake], DocsLinks())
    assert report.fingerprints_in(body) == {report.fingerprint(fake)}
    assert report.FIXED_MARKER not in body
    assert report.fingerprints_in(report.fixed_body(body, "0123456789")) == {report.fingerprint(fake)}


EXPECTED_GROUP_COMMENT = """**mldebt · `config-without-context`** (high) · 2 findings

- Line 2: `train.lr=0.0003` has no tuning context.
- Line 3: `train.epochs=12` has no tuning context.

**Suggestion:** Say how it was chosen.

[What this rule checks and why]({docs}/config-without-context.md) · reply `/mldebt rescore` to re-run
<!-- mldebt:finding {first},{second} -->"""


def test_a_run_of_neighbouring_findings_is_one_comment_that_lists_each_and_carries_every_fingerprint() -> (
    None
):
    run = [
        Finding(
            "config-without-context",
            Severity.HIGH,
            "params.yaml",
            line,
            line,
            f"`{key}` has no tuning context.",
            suggestion="Say how it was chosen.",
            key=key,
        )
        for line, key in [(2, "train.lr=0.0003"), (3, "train.epochs=12")]
    ]
    body = report.comment_body(run, DocsLinks())
    assert body == EXPECTED_GROUP_COMMENT.format(
        docs=DOCS, first=report.fingerprint(run[0]), second=report.fingerprint(run[1])
    )
    assert report.fingerprints_in(body) == {report.fingerprint(finding) for finding in run}
    assert report.fingerprints_in(report.fixed_body(body, "0123456789")) == report.fingerprints_in(body)


def test_configuration_notes_come_before_problems_with_details_nested() -> None:
    result = ScanResult(
        findings=[],
        fixed=[],
        notes=[],
        files_scanned=1,
        config_errors=[
            "octo-org/.github:.github/mldebt.yml:4: stale_branch_days: 0 is less than the minimum of 1"
        ],
        config_notes=[
            ConfigNote("`octo-org/.github:.github/mldebt.yml` was ignored because of the problems below."),
            ConfigNote(
                "This pull request edits `.github/mldebt.yml`. The new version has problems:",
                (".github/mldebt.yml:2: rules: unknown rule id 'magic-numbers'",),
            ),
        ],
    )
    summary = report.summary(result, "abcdef1234", DocsLinks())
    assert summary.split("analysed.\n\n", 1)[1] == (
        "### Configuration\n\n"
        "- `octo-org/.github:.github/mldebt.yml` was ignored because of the problems below.\n"
        "- This pull request edits `.github/mldebt.yml`. The new version has problems:\n"
        "  - .github/mldebt.yml:2: rules: unknown rule id 'magic-numbers'\n\n"
        "### Configuration problems\n\n"
        "- octo-org/.github:.github/mldebt.yml:4: stale\\_branch\\_days: 0 is less than the minimum of 1"
    )


def test_summary_links_follow_the_docs_setting() -> None:
    links = DocsLinks("https://handbook.example.com/ml/{rule}")
    summary = report.summary(RESULT, "abcdef1234", links)
    assert "| [`split-leakage`](https://handbook.example.com/ml/split-leakage) | critical | 1 |" in summary
    body = report.comment_body([RESULT.findings[0]], links)
    assert "[What this rule checks and why](https://handbook.example.com/ml/split-leakage)" in body
    assert "github.com/mldebt" not in summary + body
