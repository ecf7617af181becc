"""Dismissing findings end to end: `/mldebt ignore` replies in review threads and on the PR itself, from
signed webhook through receiver, Redis/RQ and worker to the simulator over HTTP."""

from __future__ import annotations

import time
from typing import Any

import pytest

from core import keys
from ghsim import payloads
from harness.seed import REPO, seed_pull_request
from harness.system import LocalSystem
from workers import dismissals
from workers.access import remember


def _open(system: LocalSystem) -> tuple[Any, Any]:
    repo, pr = seed_pull_request(system.sim)
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number))
    system.run_jobs()
    return repo, pr


def _comment_of(system: LocalSystem, number: int, rule: str) -> dict[str, Any]:
    [comment] = [
        c
        for c in system.sim.review_comments(REPO, number)
        if c["user"]["type"] == "Bot" and f"`{rule}`" in c["body"].splitlines()[0]
    ]
    return comment


def _reply(system: LocalSystem, number: int, comment_id: int, body: str, user: str = "alice") -> int:
    event = payloads.pull_request_review_comment(system.sim, REPO, number, comment_id, body, user=user)
    assert system.sim.deliver("pull_request_review_comment", event).status_code == 202
    system.run_jobs()
    reply_id: int = event["comment"]["id"]
    return reply_id


def _runs(system: LocalSystem, sha: str) -> list[dict[str, Any]]:
    return sorted(system.sim.check_runs(REPO, sha), key=lambda run: run["id"])


def _failing_rules(run: dict[str, Any]) -> set[str]:
    return {
        a["title"].split(" ")[0] for a in run["output"]["annotations"] if a["annotation_level"] == "failure"
    }


def _reactions(system: LocalSystem, comment_id: int) -> set[str]:
    return {r["content"] for r in system.sim.reactions(comment_id, "pull_comment")}


def test_a_writers_ignore_reply_stops_the_finding_blocking_and_resolves_its_thread(
    system: LocalSystem,
) -> None:
    repo, pr = _open(system)
    leak = _comment_of(system, pr.number, "split-leakage")
    [first] = _runs(system, pr.head_sha)
    assert "split-leakage" in _failing_rules(first)

    reply = _reply(
        system, pr.number, leak["id"], "/mldebt ignore false-positive the scaler is refit inside each fold"
    )

    first_again, fresh = _runs(system, pr.head_sha)
    assert first_again == first, "the first run keeps its annotations; a fresh run says the new truth"
    assert fresh["conclusion"] == "failure" and "split-leakage" not in _failing_rules(fresh)
    assert fresh["output"]["title"] == "3 new findings (3 blocking) · 1 dismissed"
    line = leak["start_line"] or leak["line"]
    assert (
        "- **critical** [`split-leakage`](https://github.com/mldebt/mldebt/blob/main/docs/rules/split-leakage.md)"
        f" `train.py` line {line}: false positive, dismissed by @\u200balice:"
        " the scaler is refit inside each fold"
    ) in fresh["output"]["summary"]
    assert system.sim.thread_resolved_by(leak["id"]) == system.sim.state.bot.login
    assert {"eyes", "+1"} <= _reactions(system, reply)
    assert len(system.sim.reviews(REPO, pr.number)) == 2, "our one review and the writer's reply"

    # An unrelated push that moves the finding down two lines: not said again, still not blocking.
    source = system.sim.repo(REPO).file(pr.head_sha, "train.py")
    assert source is not None
    repo.push("feature/scaling", {"train.py": "# Churn model.\n\n" + source.decode(), "notes.txt": "wip\n"})
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number, "synchronize"))
    system.run_jobs()
    [pushed] = _runs(system, pr.head_sha)
    assert "split-leakage" not in _failing_rules(pushed) and "· 1 dismissed" in pushed["output"]["title"]
    said = [c for c in system.sim.review_comments(REPO, pr.number) if "`split-leakage`" in c["body"]]
    assert [c["id"] for c in said] == [leak["id"]]


@pytest.mark.parametrize("user", ["mallory", "ci-helper[bot]"])
def test_a_readers_or_a_bots_reply_is_answered_with_confusion_and_changes_nothing(
    system: LocalSystem, user: str
) -> None:
    _, pr = _open(system)
    if user.endswith("[bot]"):
        system.sim.user(user, "Bot")
        system.sim.set_permission(REPO, user, "write")  # even a bot that could write does not dismiss
    else:
        system.sim.set_permission(REPO, user, "read")
    leak = _comment_of(system, pr.number, "split-leakage")

    reply = _reply(system, pr.number, leak["id"], "/mldebt ignore wont-fix not my problem", user=user)

    assert "confused" in _reactions(system, reply) and "+1" not in _reactions(system, reply)
    [run] = _runs(system, pr.head_sha)
    assert "split-leakage" in _failing_rules(run)
    assert system.sim.thread_resolved_by(leak["id"]) is None

    # The next review reads the reader's reply back and still does not take it.
    system.sim.deliver(
        "issue_comment", payloads.issue_comment(system.sim, REPO, pr.number, "/mldebt rescore")
    )
    system.run_jobs()
    rescored = _runs(system, pr.head_sha)[-1]
    assert "split-leakage" in _failing_rules(rescored) and "dismissed" not in rescored["output"]["title"]


def test_an_ignore_without_a_reason_is_answered_with_help_in_the_thread_once(system: LocalSystem) -> None:
    _, pr = _open(system)
    leak = _comment_of(system, pr.number, "split-leakage")
    event = payloads.pull_request_review_comment(
        system.sim, REPO, pr.number, leak["id"], "/mldebt ignore wont-fix"
    )

    for _ in range(2):  # the same reply delivered again (a new delivery id): answered once
        assert system.sim.deliver("pull_request_review_comment", event).status_code == 202
        system.run_jobs()

    ours = [
        c
        for c in system.sim.review_comments(REPO, pr.number)
        if c.get("in_reply_to_id") == leak["id"] and c["user"]["type"] == "Bot"
    ]
    assert len(ours) == 1 and ours[0]["body"].startswith(
        "To dismiss this finding in this pull request, reply"
    )
    assert "confused" in _reactions(system, event["comment"]["id"])
    assert len(_runs(system, pr.head_sha)) == 1 and system.sim.thread_resolved_by(leak["id"]) is None


def test_unignore_in_the_thread_brings_the_finding_back(system: LocalSystem) -> None:
    _, pr = _open(system)
    leak = _comment_of(system, pr.number, "split-leakage")
    _reply(system, pr.number, leak["id"], "/mldebt ignore the fold refits the scaler")
    assert "split-leakage" not in _failing_rules(_runs(system, pr.head_sha)[-1])

    reply = _reply(system, pr.number, leak["id"], "/mldebt unignore")

    last = _runs(system, pr.head_sha)[-1]
    assert "split-leakage" in _failing_rules(last) and "dismissed" not in last["output"]["title"]
    assert system.sim.thread_resolved_by(leak["id"]) is None
    assert "+1" in _reactions(system, reply)


def test_losing_redis_loses_no_dismissal(system: LocalSystem) -> None:
    repo, pr = _open(system)
    leak = _comment_of(system, pr.number, "split-leakage")
    _reply(system, pr.number, leak["id"], "/mldebt ignore wont-fix legacy pipeline, rewritten next quarter")

    system.redis.flushdb()
    repo.push("feature/scaling", {"notes.txt": "wip\n"})
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number, "synchronize"))
    system.run_jobs()

    [run] = _runs(system, pr.head_sha)
    assert "split-leakage" not in _failing_rules(run)
    assert (
        "won't fix, dismissed by @\u200balice: legacy pipeline, rewritten next quarter"
        in run["output"]["summary"]
    )


def test_a_rule_ignored_on_the_pr_dismisses_all_its_findings(system: LocalSystem) -> None:
    _, pr = _open(system)
    assert (
        len(
            [
                c
                for c in system.sim.review_comments(REPO, pr.number)
                if "`config-without-context`" in c["body"]
            ]
        )
        == 2
    )

    event = payloads.issue_comment(
        system.sim, REPO, pr.number, "/mldebt ignore config-without-context wont-fix tuned in the sweep repo"
    )
    system.sim.deliver("issue_comment", event)
    system.run_jobs()

    last = _runs(system, pr.head_sha)[-1]
    assert "config-without-context" not in _failing_rules(last)
    assert last["output"]["title"] == "2 new findings (2 blocking) · 2 dismissed"
    assert (
        "won't fix with the whole rule, dismissed by @\u200balice: tuned in the sweep repo"
        in last["output"]["summary"]
    )
    assert {"eyes", "rocket"} <= {r["content"] for r in system.sim.reactions(event["comment"]["id"])}

    undo = payloads.issue_comment(system.sim, REPO, pr.number, "/mldebt unignore config-without-context")
    system.sim.deliver("issue_comment", undo)
    system.run_jobs()
    assert "config-without-context" in _failing_rules(_runs(system, pr.head_sha)[-1])


def test_a_rule_ignored_past_the_first_hundred_comments_of_the_conversation_still_dismisses_it(
    system: LocalSystem,
) -> None:
    _, pr = _open(system)
    for n in range(120):
        system.sim.add_issue_comment(REPO, pr.number, f"Looked at run {n}.", user="bob")
    event = payloads.issue_comment(
        system.sim, REPO, pr.number, "/mldebt ignore config-without-context wont-fix tuned in the sweep repo"
    )
    system.sim.deliver("issue_comment", event)
    system.run_jobs()
    last = _runs(system, pr.head_sha)[-1]
    assert "config-without-context" not in _failing_rules(last)
    assert last["output"]["title"] == "2 new findings (2 blocking) · 2 dismissed"
    assert dismissals.conversation_mark(system.redis, REPO, pr.number) == 1, "reviews running were told"


def test_a_review_that_read_the_conversation_before_a_rule_was_ignored_honours_it_once_it_has_the_lock(
    system: LocalSystem,
) -> None:
    """The conversation comes with the review's first read, long before it posts under the comment lock; a
    rule-wide command vouched for in between must not be posted over by the review it overtook."""
    _, pr = _open(system)
    lock = system.redis.lock(keys.comment_lock_key(REPO, pr.number), timeout=60)
    assert lock.acquire(blocking=False)
    rescore = payloads.issue_comment(system.sim, REPO, pr.number, "/mldebt rescore")
    before = len(system.sim.calls)
    system.sim.deliver("issue_comment", rescore)
    system.start_worker()
    deadline = time.monotonic() + 30
    while not [call for call in system.sim.calls[before:] if call.path == "/graphql"]:
        assert time.monotonic() < deadline, "the rescore never read its snapshot"
        time.sleep(0.05)
    # What the command handler of this comment does before its own review: vouch for it, say it was said.
    ignore = system.sim.add_issue_comment(
        REPO, pr.number, "/mldebt ignore config-without-context wont-fix tuned in the sweep repo"
    )
    remember(system.redis, REPO, "issue", ignore.id, True)
    dismissals.conversation_said(system.redis, REPO, pr.number)
    lock.release()
    system.wait_until_idle()
    last = _runs(system, pr.head_sha)[-1]
    assert f"-rescore-{rescore['comment']['id']}_" in last["external_id"]
    assert "config-without-context" not in _failing_rules(last)
    assert last["output"]["title"] == "2 new findings (2 blocking) · 2 dismissed"


def test_a_rule_dismissed_in_three_prs_makes_the_summary_suggest_the_config_line(system: LocalSystem) -> None:
    repo, first = _open(system)
    pulls = [first]
    for branch in ("feature/scaling-2", "feature/scaling-3"):
        repo.commit(branch, {"notes.txt": f"{branch}\n"}, parent=first.head_sha)
        pulls.append(
            repo.open_pull_request(branch, "main", title="Scale", body="Adds scaling.", user="alice")
        )

    summaries = []
    for pr in pulls:
        ask = "/mldebt ignore hardcoded-path wont-fix the platform mounts data there"
        system.sim.deliver("issue_comment", payloads.issue_comment(system.sim, REPO, pr.number, ask))
        system.run_jobs()
        summaries.append(_runs(system, pr.head_sha)[-1]["output"]["summary"])

    assert ["### Dismissed again and again" in summary for summary in summaries] == [False, False, True]
    assert summaries[-1].endswith(
        "### Dismissed again and again\n\n"
        "Dismissed across this repository: `hardcoded-path` in 3 pull requests. If a rule does not fit this"
        " repository, switch it off once in `.github/mldebt.yml` on the default branch instead of dismissing"
        " it in every pull request:\n\n```yaml\nrules:\n  hardcoded-path: false\n```"
    )
