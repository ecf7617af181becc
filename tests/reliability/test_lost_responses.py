"""GitHub carries a write out and the answer never arrives: a 502 after the write, or no answer in time.

The simulator applies the write first and then loses its answer (`applied=True`),
so the retry meets a write that really landed. Whatever was lost, the pull
request ends as if nothing had gone wrong: one check run for the head SHA,
completed, one review, no comment, reply or reaction twice.
"""

from __future__ import annotations

from typing import Any

import pytest

from ghsim import payloads
from harness.system import LocalSystem
from tests.reliability.conftest import SystemFactory, open_small_pr

REPO = "octo-org/churn"
TIMEOUT = 0.4
# A lost answer is either a 502 after the write or an answer held back past the client's timeout.
LOSSES: dict[str, dict[str, Any]] = {"502": {"status": 502}, "timeout": {"delay": 3 * TIMEOUT}}


def lose(system: LocalSystem, path_regex: str, how: str, times: int = 1) -> Any:
    return system.sim.faults.add(path_regex, method="POST", applied=True, times=times, **LOSSES[how])


def review_pr(system: LocalSystem) -> Any:
    pr = open_small_pr(system.sim, REPO, 1, "tune")
    assert (
        system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number)).status_code
        == 202
    )
    system.run_jobs()
    return pr


def assert_reviewed_once(system: LocalSystem, pr: Any) -> None:
    runs = system.sim.check_runs(REPO, pr.head_sha)
    assert [(run["status"], run["conclusion"]) for run in runs] == [("completed", "failure")]
    reviews = system.sim.reviews(REPO, pr.number)
    assert [review["state"] for review in reviews] == ["COMMENTED"]
    bodies = [comment["body"] for comment in system.sim.review_comments(REPO, pr.number)]
    assert len(bodies) == 2 and len(set(bodies)) == 2, "both findings commented on, once each"


@pytest.mark.parametrize("how", sorted(LOSSES))
def test_a_check_run_whose_creation_lost_its_answer_is_found_not_made_again(
    make_system: SystemFactory, how: str
) -> None:
    system = make_system(http_timeout_seconds=TIMEOUT)
    fault = lose(system, r"/check-runs$", how)
    pr = review_pr(system)

    assert (fault.fired, fault.matched) == (1, 1), "the run was found, never sent again"
    assert_reviewed_once(system, pr)


@pytest.mark.parametrize("how", sorted(LOSSES))
def test_a_review_whose_post_lost_its_answer_is_found_not_posted_again(
    make_system: SystemFactory, how: str
) -> None:
    system = make_system(http_timeout_seconds=TIMEOUT)
    fault = lose(system, r"/pulls/\d+/reviews$", how)
    pr = review_pr(system)

    assert (fault.fired, fault.matched) == (1, 1), "the review was found, never sent again"
    assert_reviewed_once(system, pr)


@pytest.mark.parametrize("how", sorted(LOSSES))
def test_a_reply_and_reactions_to_a_command_that_lost_their_answers_are_not_repeated(
    make_system: SystemFactory, how: str
) -> None:
    system = make_system(http_timeout_seconds=TIMEOUT)
    pr = review_pr(system)
    replies = lose(system, r"/issues/\d+/comments$", how)
    reactions = lose(system, r"/issues/comments/\d+/reactions$", how, times=2)
    event = payloads.issue_comment(system.sim, REPO, pr.number, "/mldebt rescroe", user="alice")
    assert system.sim.deliver("issue_comment", event).status_code == 202
    system.run_jobs()

    assert (replies.fired, replies.matched, reactions.fired) == (1, 1, 2), (
        "the reply was found, never sent again"
    )
    answers = [c["body"] for c in system.sim.issue_comments(REPO, pr.number) if c["user"]["type"] == "Bot"]
    assert len(answers) == 1 and "/mldebt rescore" in answers[0], "one help reply"
    assert sorted(r["content"] for r in system.sim.reactions(event["comment"]["id"])) == ["confused", "eyes"]
    assert_reviewed_once(system, pr)


@pytest.mark.parametrize("how", sorted(LOSSES))
def test_a_rescore_whose_writes_all_lost_their_answers_makes_one_fresh_run_and_repeats_nothing(
    make_system: SystemFactory, how: str
) -> None:
    system = make_system(http_timeout_seconds=TIMEOUT)
    pr = review_pr(system)
    system.sim.repo(REPO).push("tune", {"extra.py": 'OUT = "/home/alice/out.csv"\n'})
    head = system.sim.repo(REPO).pulls[pr.number].head_sha
    faults = [
        lose(system, path, how)
        for path in (r"/check-runs$", r"/pulls/\d+/reviews$", r"/issues/comments/\d+/reactions$")
    ]
    event = payloads.issue_comment(system.sim, REPO, pr.number, "/mldebt rescore", user="alice")
    assert system.sim.deliver("issue_comment", event).status_code == 202
    system.run_jobs()

    assert [fault.fired for fault in faults] == [1, 1, 1]
    runs = system.sim.check_runs(REPO, head)
    assert [(run["status"], run["conclusion"]) for run in runs] == [("completed", "failure")]
    assert [review["state"] for review in system.sim.reviews(REPO, pr.number)] == ["COMMENTED", "COMMENTED"]
    bodies = [comment["body"] for comment in system.sim.review_comments(REPO, pr.number)]
    assert len(bodies) == 3 and len(set(bodies)) == 3, (
        "the new finding commented on once, the old ones not again"
    )
    assert sorted(r["content"] for r in system.sim.reactions(event["comment"]["id"])) == ["eyes", "rocket"]
