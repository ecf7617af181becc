"""What a review decides to say, tested as a value: no simulator, no Redis, no network."""

from __future__ import annotations

from rules.docs import DocsLinks
from rules.engine import FileNote, ScanResult
from rules.finding import Finding, Severity
from workers import report
from workers.plan import MAX_ANNOTATIONS, MAX_COMMENT_SPAN, MAX_RUN_FINDINGS, MarkFixed, ReviewPlan, plan
from workers.port import PostedComment, PrFile, ReviewComment

SHA = "0123456789abcdef0123456789abcdef01234567"


def _patch(start: int, count: int) -> str:
    """A hunk that adds head lines `start` … `start + count - 1`: the lines GitHub takes comments on."""
    return f"@@ -{start},0 +{start},{count} @@\n" + "".join(
        f"+line {n}\n" for n in range(start, start + count)
    )


def _finding(
    line: int, rule: str = "magic-number", path: str = "train.py", *, end: int | None = None, new: bool = True
) -> Finding:
    severity = Severity.HIGH if rule == "hardcoded-path" else Severity.MEDIUM
    return Finding(
        rule,
        severity,
        path,
        line,
        end or line,
        f"{rule} at {line}",
        "Say why.",
        key=f"{rule}-{line}",
        new=new,
    )


def _plan(
    findings: list[Finding],
    files: list[PrFile],
    posted: list[PostedComment] | None = None,
    *,
    notes: list[FileNote] | None = None,
    cap: int = 25,
) -> ReviewPlan:
    result = ScanResult(findings=findings, fixed=[], notes=notes or [], files_scanned=1)
    return plan(
        result, files, posted or [], head_sha=SHA, max_comments=cap, check_name="mldebt", links=DocsLinks()
    )


TRAIN = PrFile("train.py", "modified", None, _patch(1, 40))


def _anchors(planned: ReviewPlan) -> list[tuple[str, int | None, int, int]]:
    """(path, start line, line, findings) of each planned comment, in order."""
    return [
        (each.comment.path, each.comment.start_line, each.comment.line, len(each.findings))
        for each in planned.comments
    ]


def test_neighbouring_findings_of_one_rule_are_one_comment_and_a_distant_one_its_own() -> None:
    findings = [_finding(3), _finding(4), _finding(6), _finding(30), _finding(5, "hardcoded-path")]
    planned = _plan(findings, [TRAIN])
    assert _anchors(planned) == [("train.py", 3, 6, 3), ("train.py", None, 30, 1), ("train.py", None, 5, 1)]
    assert planned.commented == 5 and planned.unanchored == ()
    assert planned.comments[0].comment.body == report.comment_body(findings[:3], DocsLinks())


def test_a_run_stops_at_its_cap_and_the_rest_starts_a_new_one() -> None:
    findings = [_finding(line) for line in range(1, MAX_RUN_FINDINGS + 4)]
    planned = _plan(findings, [TRAIN])
    assert [len(each.findings) for each in planned.comments] == [MAX_RUN_FINDINGS, 3]


def test_the_most_severe_run_comes_first_as_the_findings_did() -> None:
    findings = [_finding(20, "hardcoded-path"), _finding(2), _finding(3)]
    assert _anchors(_plan(findings, [TRAIN])) == [("train.py", None, 20, 1), ("train.py", 2, 3, 2)]


def test_comments_past_the_cap_stay_in_the_check_run() -> None:
    findings = [_finding(line) for line in (1, 10, 20, 30)]
    planned = _plan(findings, [TRAIN], cap=2)
    assert [each.comment.line for each in planned.comments] == [1, 10]
    assert planned.unanchored == tuple(findings[2:])
    assert "### Not commented inline" in planned.check_run.text
    assert "`train.py` line 30: `magic-number`" in planned.check_run.text


def test_a_finding_off_the_diff_or_in_a_file_without_a_patch_is_not_anchored() -> None:
    off_diff = _finding(50)
    in_binary_diff = _finding(2, path="model.ipynb")
    planned = _plan([off_diff, in_binary_diff], [TRAIN, PrFile("model.ipynb", "modified", None, None)])
    assert planned.comments == () and planned.unanchored == (off_diff, in_binary_diff)


def test_a_span_inside_one_hunk_is_one_multi_line_comment_else_its_first_line() -> None:
    two_hunks = PrFile("train.py", "modified", None, _patch(1, 5) + _patch(20, 5))
    inside = _finding(2, end=4)
    across = _finding(4, "hardcoded-path", end=21)
    assert _anchors(_plan([inside, across], [two_hunks])) == [("train.py", 2, 4, 1), ("train.py", None, 4, 1)]


def test_a_span_longer_than_a_glance_marks_its_first_line_only() -> None:
    longest = _finding(10, end=10 + MAX_COMMENT_SPAN - 1)
    too_long = _finding(20, "dead-code", end=20 + MAX_COMMENT_SPAN)
    assert _anchors(_plan([longest, too_long], [TRAIN])) == [
        ("train.py", 10, 17, 1),
        ("train.py", None, 20, 1),
    ]


def test_multi_line_and_single_line_comments_are_sent_as_github_wants_them() -> None:
    assert ReviewComment("a.py", 4, "b", start_line=2).to_api() == {
        "path": "a.py",
        "start_line": 2,
        "start_side": "RIGHT",
        "line": 4,
        "side": "RIGHT",
        "body": "b",
    }
    assert ReviewComment("a.py", 4, "b").to_api() == {"path": "a.py", "line": 4, "side": "RIGHT", "body": "b"}


def test_what_was_said_before_is_not_said_again_and_planning_twice_plans_the_same() -> None:
    findings = [_finding(3), _finding(4), _finding(30)]
    first = _plan(findings, [TRAIN])
    assert first == _plan(findings, [TRAIN])
    posted = [
        PostedComment(index, each.comment.body, each.comment.path, each.comment.line)
        for index, each in enumerate(first.comments, 1)
    ]
    again = _plan(findings, [TRAIN], posted)
    assert again.comments == () and again.unanchored == () and again.fixed == ()
    assert again.check_run == first.check_run


def test_only_the_findings_not_yet_said_are_planned() -> None:
    said = _finding(3)
    posted = [PostedComment(7, report.comment_body([said], DocsLinks()), "train.py", 3)]
    planned = _plan([said, _finding(30)], [TRAIN], posted)
    assert [each.findings for each in planned.comments] == [(_finding(30),)]


def test_our_comments_on_debt_that_is_gone_are_marked_fixed_once() -> None:
    gone = report.comment_body([_finding(9)], DocsLinks())
    kept = report.comment_body([_finding(3)], DocsLinks())
    already_fixed = report.fixed_body(report.comment_body([_finding(12)], DocsLinks()), "f" * 40)
    in_unread_file = report.comment_body([_finding(2, path="weights.bin")], DocsLinks())
    posted = [
        PostedComment(1, gone, "train.py", 9),
        PostedComment(2, kept, "train.py", 3),
        PostedComment(3, already_fixed, "train.py", 12),
        PostedComment(4, in_unread_file, "weights.bin", 2),
    ]
    planned = _plan([_finding(3)], [TRAIN], posted, notes=[FileNote("weights.bin", "binary file")])
    assert planned.fixed == (MarkFixed(1, report.fixed_body(gone, SHA)),)


def test_existing_debt_is_annotated_but_never_commented() -> None:
    existing = _finding(5, new=False)
    planned = _plan([existing], [TRAIN])
    assert planned.comments == () and planned.unanchored == ()
    assert [(a.start_line, a.level) for a in planned.check_run.annotations] == [(5, "notice")]


def test_annotations_stop_at_one_request_new_findings_first() -> None:
    existing = [_finding(line, "dead-code", new=False) for line in range(1, 11)]
    new = [_finding(line, path=f"mod_{line}.py") for line in range(1, MAX_ANNOTATIONS + 1)]
    planned = _plan(new + existing, [TRAIN])
    assert len(planned.check_run.annotations) == MAX_ANNOTATIONS
    assert all(annotation.level == "warning" for annotation in planned.check_run.annotations)
    assert "`dead-code`" in planned.check_run.text, "the check run's text still lists every finding"


def test_the_check_run_output_is_the_report_of_the_scan() -> None:
    findings = [_finding(3, "hardcoded-path"), _finding(50)]
    planned = _plan(findings, [TRAIN])
    result = ScanResult(findings=findings, fixed=[], notes=[], files_scanned=1)
    assert planned.check_run == report.check_output(result, SHA, [findings[1]], DocsLinks())
    assert (planned.check_run.conclusion, planned.check_run.title) == (
        "failure",
        "2 new findings (1 blocking)",
    )


def test_the_review_body_counts_the_new_findings_and_names_the_check_run() -> None:
    planned = _plan([_finding(3), _finding(50)], [TRAIN])
    assert (
        planned.review_body
        == "**mldebt** found 2 new ML-debt finding(s) in this push; details are in the `mldebt` check run."
    )


def test_refused_comments_move_to_the_check_run() -> None:
    findings = [_finding(3), _finding(30, "hardcoded-path")]
    planned = _plan(findings, [TRAIN])
    refused = [planned.comments[1]]
    moved = planned.without(refused)
    assert moved.comments == planned.comments[:1]
    assert moved.unanchored == refused[0].findings
    assert "`train.py` line 30: `hardcoded-path`" in moved.check_run.text
    assert "Not commented inline" not in planned.check_run.text


def test_a_plan_prints_without_the_whole_scan() -> None:
    shown = repr(_plan([_finding(3)], [TRAIN]))
    assert "ReviewPlan(" in shown and "comments=" in shown and "ScanResult" not in shown
