"""The reconciler turns any lost job into a late review instead of a stuck required check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from core import keys
from ghsim import payloads
from harness.system import LocalSystem
from tests.reliability.conftest import SystemFactory, open_small_pr
from workers.checkruns import RETRY_SUMMARY, RETRY_TITLE
from workers.reconcile import reconcile

REPO = "octo-org/churn"


def tick(system: LocalSystem) -> None:
    system.queue.enqueue(reconcile, job_id="reconcile-now")
    system.run_jobs()


def leave_run(system: LocalSystem, pr: Any, *, retry_promised: bool, sha: str | None = None) -> int:
    """A run as a job that died would leave it: in progress since long ago, or closed promising a retry."""
    owner, name = REPO.split("/")
    sha = sha or pr.head_sha
    body: dict[str, object] = {
        "name": "mldebt",
        "head_sha": sha,
        "external_id": keys.review_job_id(REPO, pr.number, sha),
        "started_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        "status": "in_progress",
        "output": {"title": "Reviewing for ML debt…", "summary": "…"},
    }
    if retry_promised:
        body.update(
            status="completed", conclusion="neutral", output={"title": RETRY_TITLE, "summary": RETRY_SUMMARY}
        )
    with system.sim.client(1) as gh:
        run_id: int = gh.rest.checks.create(owner, name, data=body).parsed_data.id
    return run_id


def test_every_recent_open_pr_head_ends_with_one_completed_run_and_done_heads_cost_nothing(
    make_system: SystemFactory,
) -> None:
    system = make_system()
    done = open_small_pr(system.sim, REPO, 1, "done", salt=1)
    assert (
        system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, done.number)).status_code
        == 202
    )
    system.run_jobs()
    lost = open_small_pr(system.sim, REPO, 1, "lost", salt=2)
    assert (
        system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, lost.number)).status_code
        == 202
    )
    system.redis.flushdb()
    stuck = open_small_pr(system.sim, REPO, 1, "stuck", salt=3)
    stuck_run = leave_run(system, stuck, retry_promised=False)
    promised = open_small_pr(system.sim, REPO, 1, "promised", salt=4)
    promised_run = leave_run(system, promised, retry_promised=True)
    done_run = system.sim.check_runs(REPO, done.head_sha)[0]

    tick(system)

    for pr in (done, lost, stuck, promised):
        runs = system.sim.check_runs(REPO, pr.head_sha)
        assert [(run["status"], run["conclusion"]) for run in runs] == [("completed", "failure")], pr.number
        assert len(system.sim.reviews(REPO, pr.number)) == 1
    assert system.sim.check_runs(REPO, done.head_sha)[0] == done_run, "a finished head is left alone"
    assert system.sim.check_runs(REPO, stuck.head_sha)[0]["id"] == stuck_run, (
        "the abandoned run itself is completed"
    )
    assert system.sim.check_runs(REPO, promised.head_sha)[0]["id"] == promised_run

    system.sim.clear_calls()
    tick(system)
    assert not [
        call for call in system.sim.calls if call.method not in ("GET",) and "/access_tokens" not in call.path
    ], "a second tick changes nothing"
    metrics = httpx.get(f"{system.receiver.url}/metrics").text
    assert "mldebt_reconcile_reviews_enqueued_total 3.0" in metrics
    assert "mldebt_reconcile_ticks_total 2.0" in metrics


def test_a_tick_spends_no_more_github_calls_than_its_budget(make_system: SystemFactory) -> None:
    system = make_system(reconcile_max_calls=4)
    for branch in range(6):
        open_small_pr(system.sim, REPO, 1, f"b{branch}", salt=branch)
    system.sim.clear_calls()

    assert reconcile().startswith("4 calls"), "run here, so the reviews it enqueued wait in the queue"

    assert len(system.sim.calls) == 4 + 1, "four reads and the installation token"
    assert system.queue.count == 1, (
        "installations, repositories, pulls and one head's runs: one review; the rest wait for the next tick"
    )
    metrics = httpx.get(f"{system.receiver.url}/metrics").text
    assert "mldebt_reconcile_last_tick_github_calls 4.0" in metrics


def test_after_a_wipe_older_commits_promises_are_closed_and_an_unanswered_rescore_runs(
    make_system: SystemFactory,
) -> None:
    system = make_system()
    pr = open_small_pr(system.sim, REPO, 1, "tune")
    older = pr.head_sha
    assert (
        system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number)).status_code
        == 202
    )
    system.run_jobs()
    promised = leave_run(system, pr, retry_promised=True, sha=older)
    system.sim.repo(REPO).push("tune", {"notes.txt": "wip\n"})
    assert (
        system.sim.deliver(
            "pull_request", payloads.pull_request(system.sim, REPO, pr.number, "synchronize")
        ).status_code
        == 202
    )
    command = payloads.issue_comment(system.sim, REPO, pr.number, "/mldebt rescore", user="alice")
    assert system.sim.deliver("issue_comment", command).status_code == 202
    system.redis.flushdb()

    tick(system)

    newest = system.sim.check_runs(REPO, pr.head_sha)
    assert [(run["status"], run["conclusion"]) for run in newest] == [("completed", "failure")] * 2, (
        "the push's review and the rescore"
    )
    assert len({run["external_id"] for run in newest}) == 2
    closed = next(run for run in system.sim.check_runs(REPO, older) if run["id"] == promised)
    assert (closed["status"], closed["output"]["title"]) == ("completed", "Superseded by a newer push")
    assert "rocket" in [reaction["content"] for reaction in system.sim.reactions(command["comment"]["id"])]
    assert len(system.sim.reviews(REPO, pr.number)) == 1


def test_after_a_wipe_an_ignore_reply_whose_job_was_lost_is_taken_and_answered_once(
    make_system: SystemFactory,
) -> None:
    system = make_system()
    pr = open_small_pr(system.sim, REPO, 1, "thread")
    assert (
        system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number)).status_code
        == 202
    )
    system.run_jobs()
    [first] = system.sim.check_runs(REPO, pr.head_sha)
    ours = [c for c in system.sim.review_comments(REPO, pr.number) if c["user"]["type"] == "Bot"]
    thread = ours[0]
    rule = thread["body"].split("`")[1]
    reply = payloads.pull_request_review_comment(
        system.sim,
        REPO,
        pr.number,
        thread["id"],
        f"/mldebt ignore wont-fix {rule} stays until the Q3 rewrite",
    )
    assert system.sim.deliver("pull_request_review_comment", reply).status_code == 202
    system.redis.flushdb()  # the reply's job goes with it, before a worker took it

    tick(system)
    system.redis.flushdb()
    tick(system)  # a second wipe's deep look finds the reply answered and leaves it be

    reactions = [r["content"] for r in system.sim.reactions(reply["comment"]["id"], "pull_comment")]
    assert sorted(reactions) == ["+1", "eyes"]
    assert system.sim.thread_resolved_by(thread["id"]) == system.sim.state.bot.login
    runs = sorted(system.sim.check_runs(REPO, pr.head_sha), key=lambda run: run["id"])
    assert [run["id"] for run in runs[:1]] == [first["id"]] and len(runs) == 2, (
        "one fresh run, not one per tick"
    )
    assert "1 dismissed" in runs[1]["output"]["title"]
