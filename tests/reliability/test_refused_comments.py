"""GitHub refuses a review (422) for comments it will not anchor: the PR still gets one review.

The file listing claims a whole file is new while GitHub's own diff holds only
its first lines, so comments further down are refused. GitHub's 422 names no
comment; mldebt finds the refused ones with pending reviews that nobody else
sees and deletes again, posts the rest as one review, and lists the refused
ones in the check run.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ghsim import payloads
from harness.system import LocalSystem
from tests.reliability.conftest import SystemFactory

REPO = "octo-org/churn"
FILES = r"/pulls/\d+/files$"
REVIEWS = r"/pulls/\d+/reviews$"
ONE_REVIEW = r"/pulls/\d+/reviews/\d+$"
CHANGED = 10
# Lines 1-40 are new, 41-43 their context, 58 and 60 are old paths outside any hunk of GitHub's diff. The new
# paths stand four lines apart, too far to share a comment, so each is a comment of its own to probe.
BASE = (
    "".join(f"step_{n} = {n}\n" for n in range(1, 28))
    + 'OLD = "/home/alice/old.csv"\nstep_29 = 29\nLAST = "/home/alice/last.csv"\n'
)
NEW = "".join(
    f'SOURCE_{n} = "/home/bob/part_{n}.csv"\n' + "".join(f"pad_{n}_{k} = {k}\n" for k in range(3))
    for n in range(1, CHANGED + 1)
)
HEAD = NEW + BASE.split("\n", CHANGED)[CHANGED]
SOURCE_LINES = [1 + 4 * index for index in range(CHANGED)]
REFUSED_LINES = [58, 60]


def open_pr_whose_listing_says_everything_is_new(system: LocalSystem) -> Any:
    system.sim.add_installation(1, account="octo-org")
    repo = system.sim.add_repo(REPO, installation_id=1)
    repo.commit("main", {"sources.py": BASE}, message="Initial")
    repo.commit("sources", {"sources.py": HEAD}, parent=repo.branches["main"], message="More sources")
    pr = repo.open_pull_request("sources", "main", title="More sources", user="alice")
    with system.sim.client(1) as gh:
        listing = gh.rest.pulls.list_files("octo-org", "churn", pr.number).json()
    lines = HEAD.splitlines()
    added = f"@@ -0,0 +1,{len(lines)} @@\n" + "\n".join(f"+{line}" for line in lines)
    listing[0].update(status="added", patch=added, additions=len(lines), deletions=0, changes=len(lines))
    system.sim.faults.add(FILES, method="GET", status=200, body=listing, times=None)
    return pr


def count(system: LocalSystem, method: str, pattern: str, status: int | None = None) -> int:
    compiled = re.compile(pattern)
    return sum(
        1
        for call in system.sim.calls
        if call.method == method and compiled.search(call.path) and status in (None, call.status)
    )


def assert_one_review_of_the_accepted_comments(system: LocalSystem, pr: Any) -> None:
    [review] = system.sim.reviews(REPO, pr.number)
    assert review["state"] == "COMMENTED", "one submitted review, no pending one left behind"
    assert review["body"].startswith(f"**mldebt** found {CHANGED + len(REFUSED_LINES)} new")
    comments = system.sim.review_comments(REPO, pr.number)
    assert sorted(c["line"] for c in comments) == SOURCE_LINES
    assert {c["pull_request_review_id"] for c in comments} == {review["id"]}
    assert all("<!-- mldebt:finding " in c["body"] for c in comments)
    [run] = system.sim.check_runs(REPO, pr.head_sha)
    assert (run["status"], run["conclusion"]) == ("completed", "failure")
    not_inline = run["output"]["text"].split("### Not commented inline", 1)[1]
    assert [int(n) for n in re.findall(r"sources\.py` line (\d+)", not_inline)] == REFUSED_LINES


def test_several_refused_comments_are_found_with_few_probes_and_the_rest_land_as_one_review(
    make_system: SystemFactory,
) -> None:
    system = make_system()
    pr = open_pr_whose_listing_says_everything_is_new(system)
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number))
    system.run_jobs()

    assert_one_review_of_the_accepted_comments(system, pr)
    comments = CHANGED + 1  # the two refused paths stand close enough to share one
    probes = count(system, "POST", REVIEWS) - 2
    assert 0 < probes <= len(REFUSED_LINES) * math.ceil(math.log2(comments)), (
        "a binary search, not a probe per comment"
    )
    taken = count(system, "DELETE", ONE_REVIEW, status=200)
    assert taken == probes - count(system, "POST", REVIEWS, status=422) + 1, (
        "every probe GitHub took was deleted again"
    )


def test_a_probe_left_pending_by_a_failed_attempt_is_cleared_and_never_read_as_a_posted_comment(
    make_system: SystemFactory,
) -> None:
    """The first attempt dies before it can delete its first probe; the retry sees that pending review in
    the PR's comment list (its author sees it), must not take it for comments already posted, and must
    clear it, since GitHub refuses every other review of ours while it exists."""
    system = make_system(job_retry_intervals=(0,))
    pr = open_pr_whose_listing_says_everything_is_new(system)
    stuck = system.sim.faults.add(
        ONE_REVIEW, method="DELETE", status=502, times=system.settings.retry_attempts + 1
    )
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number))
    system.run_jobs()

    assert stuck.fired == system.settings.retry_attempts + 1
    posts = [
        call.status for call in system.sim.calls if call.method == "POST" and re.search(REVIEWS, call.path)
    ]
    assert posts[:2] == [422, 200], "the first attempt: the review refused, its first probe taken"
    assert count(system, "DELETE", ONE_REVIEW, status=200) >= 2, (
        "the retry deleted the leftover probe and its own"
    )
    assert_one_review_of_the_accepted_comments(system, pr)


def test_a_probe_whose_answer_was_lost_is_found_pending_and_deleted_not_read_as_refused(
    make_system: SystemFactory,
) -> None:
    system = make_system(http_timeout_seconds=0.4)
    pr = open_pr_whose_listing_says_everything_is_new(system)
    lost = system.sim.faults.add(REVIEWS, method="POST", status=502, applied=True, skip=1, times=1)
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number))
    system.run_jobs()

    assert lost.fired == 1, "the first probe landed pending and its answer was lost"
    assert_one_review_of_the_accepted_comments(system, pr)
