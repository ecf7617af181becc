"""GitHub is the record and Redis a cache: losing Redis, mid-job or all of its data, never leaves a run
in progress, never makes a second run of one job, and never leaves a run promising a retry that was moot."""

from __future__ import annotations

import threading
import time

from rq.job import Job
from rq.registry import ScheduledJobRegistry

from ghsim import payloads
from harness.system import LocalSystem
from tests.reliability.conftest import PrivateRedis, SystemFactory, open_small_pr
from workers.checkruns import RETRY_TITLE
from workers.review import review_pull_request

REPO = "octo-org/churn"
FILES = r"/pulls/\d+/files$"


def _stop_redis_once_the_run_exists(system: LocalSystem, server: PrivateRedis, sha: str) -> threading.Thread:
    def watch() -> None:
        deadline = time.monotonic() + 30
        while not system.sim.check_runs(REPO, sha) and time.monotonic() < deadline:
            time.sleep(0.01)
        server.stop()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


def test_redis_dying_mid_job_still_closes_the_run_and_the_job_after_a_wipe_reuses_it(
    private_redis: PrivateRedis, make_system: SystemFactory
) -> None:
    system = make_system(redis_url=private_redis.url)
    pr = open_small_pr(system.sim, REPO, 1, "tune")
    system.sim.faults.add(FILES, method="GET", delay=1.0, times=1)
    watcher = _stop_redis_once_the_run_exists(system, private_redis, pr.head_sha)

    outcome: list[BaseException] = []
    try:
        review_pull_request(1, REPO, pr.number, pr.head_sha)
    except Exception as exc:  # the job fails (Redis is gone); what matters is what GitHub shows
        outcome.append(exc)
    watcher.join()
    assert outcome, "the comment lock needs Redis, so the job fails"
    [run] = system.sim.check_runs(REPO, pr.head_sha)
    assert (run["status"], run["conclusion"]) == ("completed", "neutral"), "closed without Redis"

    private_redis.start()
    assert system.redis.dbsize() == 0, "Redis came back empty"
    review_pull_request(1, REPO, pr.number, pr.head_sha)
    [again] = system.sim.check_runs(REPO, pr.head_sha)
    assert again["id"] == run["id"], "found on GitHub by its external_id, not made again"
    assert (again["status"], again["conclusion"]) == ("completed", "failure")
    assert len(system.sim.reviews(REPO, pr.number)) == 1


def test_a_delivery_taken_again_after_a_redis_wipe_leaves_one_run_and_repeats_nothing(
    make_system: SystemFactory,
) -> None:
    system = make_system()
    pr = open_small_pr(system.sim, REPO, 1, "tune")
    body = payloads.pull_request(system.sim, REPO, pr.number)
    assert system.sim.deliver("pull_request", body, delivery_id="the-one-guid").status_code == 202
    system.run_jobs()
    comments = len(system.sim.review_comments(REPO, pr.number))
    assert comments > 0

    system.redis.flushdb()
    assert system.sim.deliver("pull_request", body, delivery_id="the-one-guid").status_code == 202, (
        "taken again: Redis forgot it"
    )
    system.run_jobs()

    runs = system.sim.check_runs(REPO, pr.head_sha)
    assert [(r["status"], r["conclusion"]) for r in runs] == [("completed", "failure")]
    assert len(system.sim.review_comments(REPO, pr.number)) == comments
    assert len(system.sim.reviews(REPO, pr.number)) == 1


def test_a_retry_that_finds_itself_superseded_closes_the_run_its_first_attempt_left(
    make_system: SystemFactory,
) -> None:
    system = make_system(job_retry_intervals=(3600,))
    repo_pr = open_small_pr(system.sim, REPO, 1, "tune")
    first_sha = repo_pr.head_sha
    system.sim.faults.add(FILES, method="GET", status=502, times=3)
    assert (
        system.sim.deliver(
            "pull_request", payloads.pull_request(system.sim, REPO, repo_pr.number)
        ).status_code
        == 202
    )
    system.run_jobs()
    [promised] = system.sim.check_runs(REPO, first_sha)
    assert (promised["conclusion"], promised["output"]["title"]) == ("neutral", RETRY_TITLE)

    system.sim.repo(REPO).push("tune", {"notes.txt": "wip\n"})
    assert (
        system.sim.deliver(
            "pull_request", payloads.pull_request(system.sim, REPO, repo_pr.number, "synchronize")
        ).status_code
        == 202
    )
    registry: ScheduledJobRegistry = system.queue.scheduled_job_registry
    for job_id in registry.get_job_ids():
        registry.remove(job_id)
        system.queue.enqueue_job(Job.fetch(job_id, connection=system.redis))
    system.run_jobs()

    [closed] = system.sim.check_runs(REPO, first_sha)
    assert (closed["status"], closed["conclusion"], closed["output"]["title"]) == (
        "completed",
        "neutral",
        "Superseded by a newer push",
    )
    assert [r["conclusion"] for r in system.sim.check_runs(REPO, repo_pr.head_sha)] == ["failure"]
