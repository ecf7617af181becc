"""How a plan is carried out: which port calls, in which order, and what a refusal changes.

These run against the call-recording fake of the port; the same paths against
GitHub's real rules (the simulator) are in tests/pipeline and tests/reliability.
"""

from __future__ import annotations

import pytest

from rules.docs import DocsLinks
from rules.engine import ScanResult
from rules.finding import Finding, Severity
from tests.fakes.github_port import RecordingGitHub
from workers import report
from workers.plan import ReviewPlan, plan
from workers.port import PostedComment, PrFile, PullInfo, ReviewComment
from workers.publish import OUR_COMMENTS, PROBE_COMMENTS, Publisher
from workers.reading import PullRequestGone, Superseded

REPO = "octo-org/models"
SHA = "a" * 40
PATCH = "@@ -1,0 +1,10 @@\n" + "".join(f"+line {n}\n" for n in range(1, 11))


def _finding(line: int, rule: str = "magic-number") -> Finding:
    return Finding(rule, Severity.HIGH, "train.py", line, line, f"{rule} at {line}", key=f"{rule}-{line}")


def _plan(findings: list[Finding], posted: list[PostedComment] | None = None) -> ReviewPlan:
    result = ScanResult(findings=findings, fixed=[], notes=[], files_scanned=1)
    return plan(
        result,
        [PrFile("train.py", "modified", None, PATCH)],
        posted or [],
        head_sha=SHA,
        max_comments=25,
        check_name="mldebt",
        links=DocsLinks(),
    )


def _github(
    *,
    diff_lines: dict[str, set[int]] | None = None,
    pending_review: bool = False,
    posted: list[PostedComment] | None = None,
) -> RecordingGitHub:
    pull = PullInfo(7, SHA, "b" * 40, "", "open", False)
    return RecordingGitHub(
        pull=pull, diff_lines=diff_lines or {}, pending_review=pending_review, posted=posted or []
    )


def test_the_review_goes_first_then_the_fixed_marks_then_the_check_run() -> None:
    gone = PostedComment(11, report.comment_body([_finding(9, "dead-code")], DocsLinks()), "train.py", 9)
    planned = _plan([_finding(2), _finding(6, "hardcoded-path")], [gone])
    gh = _github()
    publisher = Publisher(gh, REPO, 7)
    published = publisher.publish_comments(planned)
    publisher.complete_check_run(42, published, 0)

    assert gh.names() == ["post_review", "edit_review_comment", "complete_check_run"]
    [(repo, number, sha, body, comments, marker)] = gh.called("post_review")
    assert (repo, number, sha, body, marker) == (REPO, 7, SHA, planned.review_body, OUR_COMMENTS)
    assert comments == tuple(each.comment for each in planned.comments)
    assert gh.called("edit_review_comment") == [(REPO, 11, report.fixed_body(gone.body, SHA))]
    [completed] = gh.called("complete_check_run")
    assert completed[:7] == (
        REPO,
        42,
        "failure",
        planned.check_run.title,
        planned.check_run.summary,
        planned.check_run.text,
        tuple(planned.check_run.annotations),
    )
    assert published == planned


def test_nothing_new_to_say_posts_no_review() -> None:
    planned = _plan([_finding(2)])
    gh = _github(posted=[PostedComment(1, planned.comments[0].comment.body, "train.py", 2)])
    again = _plan([_finding(2)], gh.posted)
    assert Publisher(gh, REPO, 7).publish_comments(again) == again
    assert gh.names() == []


def test_a_refused_review_is_taken_apart_by_probes_and_the_rest_posted_as_one_review() -> None:
    planned = _plan([_finding(2), _finding(4, "hardcoded-path"), _finding(6, "dead-code")])
    refused_line = planned.comments[1].comment.line
    gh = _github(diff_lines={"train.py": set(range(1, 11)) - {refused_line}})
    published = Publisher(gh, REPO, 7).publish_comments(planned)

    assert gh.names() == [
        "post_review",
        "get_pull_request",
        "discard_pending_review",
        "review_would_be_taken",
        "review_would_be_taken",
        "review_would_be_taken",
        "post_review",
    ], "the whole batch is known refused, so halves are probed down to the one refused comment"
    assert published.comments == (planned.comments[0], planned.comments[2])
    assert published.unanchored == planned.comments[1].findings
    assert f"`train.py` line {refused_line}: `hardcoded-path`" in published.check_run.text
    [_, last] = gh.called("post_review")
    assert last[4] == (planned.comments[0].comment, planned.comments[2].comment)


def test_probes_publish_nothing_that_reads_as_ours() -> None:
    planned = _plan([_finding(2), _finding(4, "hardcoded-path")])
    gh = _github(diff_lines={"train.py": {4}})
    Publisher(gh, REPO, 7).publish_comments(planned)
    probed: list[ReviewComment] = [
        comment for call in gh.called("review_would_be_taken") for comment in call[3]
    ]
    assert probed and all(
        OUR_COMMENTS not in comment.body and PROBE_COMMENTS in comment.body for comment in probed
    )


def test_a_pending_probe_left_behind_is_discarded_and_the_whole_batch_probed_again() -> None:
    planned = _plan([_finding(2), _finding(4, "hardcoded-path")])
    gh = _github(pending_review=True)
    published = Publisher(gh, REPO, 7).publish_comments(planned)
    assert gh.names() == [
        "post_review",
        "get_pull_request",
        "discard_pending_review",
        "review_would_be_taken",
        "post_review",
    ]
    assert published.comments == planned.comments and published.unanchored == ()


@pytest.mark.parametrize(
    ("pull", "raised"),
    [
        (PullInfo(7, "c" * 40, "b" * 40, "", "open", False), Superseded),
        (PullInfo(7, SHA, "b" * 40, "", "closed", False), PullRequestGone),
    ],
)
def test_a_refusal_on_a_pull_request_that_moved_on_stops_before_probing(
    pull: PullInfo, raised: type[Exception]
) -> None:
    gh = RecordingGitHub(pull=pull, diff_lines={"train.py": set()})
    with pytest.raises(raised):
        Publisher(gh, REPO, 7).publish_comments(_plan([_finding(2)]))
    assert gh.names() == ["post_review", "get_pull_request"]
