"""GitHub misbehaves mid-review: 5xx, timeouts, rate limits, expired tokens, 404s, refused comments.

Faults are injected in the simulator (`sim.faults`); everything else is real:
receiver, Redis, RQ worker, githubkit over HTTP. Whatever GitHub does, the
check run ends completed and nothing a user sees is duplicated.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from rq.registry import FailedJobRegistry

from core import keys
from ghsim import payloads
from harness.system import LocalSystem
from tests.reliability.conftest import SystemFactory, open_small_pr
from workers.review import review_pull_request
from workers.throttle import WRITE_BURST

REPO = "octo-org/churn"
FILES = r"/pulls/\d+/files$"
CHECK_RUN = r"/check-runs/\d+$"


def open_and_deliver(
    system: LocalSystem, repo: str = REPO, installation_id: int = 1, branch: str = "tune", salt: int = 1
) -> Any:
    pr = open_small_pr(system.sim, repo, installation_id, branch, salt)
    assert (
        system.sim.deliver("pull_request", payloads.pull_request(system.sim, repo, pr.number)).status_code
        == 202
    )
    return pr


def calls(system: LocalSystem, method: str, pattern: str) -> list[Any]:
    compiled = re.compile(pattern)
    return [call for call in system.sim.calls if call.method == method and compiled.search(call.path)]


def only_run(system: LocalSystem, sha: str, repo: str = REPO) -> dict[str, Any]:
    runs = system.sim.check_runs(repo, sha)
    assert len(runs) == 1, [(run["status"], run["conclusion"], run["output"]["title"]) for run in runs]
    return runs[0]


def assert_no_duplicate_comments(system: LocalSystem, number: int, repo: str = REPO) -> None:
    bodies = [comment["body"] for comment in system.sim.review_comments(repo, number)]
    assert len(bodies) == len(set(bodies))


def test_server_errors_and_read_timeouts_are_retried_and_the_review_completes(
    make_system: SystemFactory,
) -> None:
    system = make_system(http_timeout_seconds=0.3)
    system.sim.faults.add(FILES, method="GET", status=502, times=1)
    system.sim.faults.add(r"/graphql$", method="POST", status=503, times=1)
    stalled = system.sim.faults.add(r"/pulls/\d+/comments$", method="GET", delay=1.0, times=1)
    answered = system.sim.faults.add(r"/pulls/\d+/comments$", method="GET", delay=0.001, times=None)
    pr = open_and_deliver(system)
    system.run_jobs()

    run = only_run(system, pr.head_sha)
    assert (run["status"], run["conclusion"]) == ("completed", "failure")
    assert [call.status for call in calls(system, "GET", FILES)] == [502, 200]
    assert [call.status for call in calls(system, "POST", r"/graphql$")][:2] == [503, 200]
    assert (stalled.fired, answered.fired) == (1, 1), "the timed-out read is sent again, once"
    assert len(system.sim.reviews(REPO, pr.number)) == 1
    assert not FailedJobRegistry(queue=system.queue).get_job_ids()


def test_a_create_that_failed_is_looked_for_before_it_is_sent_again(make_system: SystemFactory) -> None:
    """GitHub may apply a POST it answered with 5xx: the retry looks for the run (its external_id) and
    for the review's comments first, and sends again only what is not there."""
    system = make_system()
    system.sim.faults.add(r"/check-runs$", method="POST", status=502, times=1)
    system.sim.faults.add(r"/pulls/\d+/reviews$", method="POST", status=503, times=1)
    pr = open_and_deliver(system)
    system.run_jobs()

    creates = [
        call.status for call in system.sim.calls if call.method == "POST" or "/check-runs" in call.path
    ]
    assert creates[:5] == [201, 200, 502, 200, 201], (
        "token, lookup (a run of the job's?), failed create, lookup, create again"
    )
    assert [call.status for call in calls(system, "POST", r"/check-runs$")] == [502, 201]
    run = only_run(system, pr.head_sha)
    assert (run["status"], run["conclusion"]) == ("completed", "failure")
    assert [call.status for call in calls(system, "POST", r"/reviews$")] == [503, 200]
    assert len(system.sim.reviews(REPO, pr.number)) == 1
    assert_no_duplicate_comments(system, pr.number)


def test_a_review_that_keeps_failing_ends_neutral_in_the_failed_registry_and_replays(
    make_system: SystemFactory,
) -> None:
    system = make_system(job_retry_intervals=(0,))
    system.sim.faults.add(FILES, method="GET", status=502, times=None)
    pr = open_and_deliver(system)
    system.run_jobs()

    run = only_run(system, pr.head_sha)
    assert (run["status"], run["conclusion"]) == ("completed", "neutral")
    assert run["output"]["title"] == "mldebt could not finish"
    assert "/mldebt rescore" in run["output"]["summary"]
    assert len(calls(system, "GET", FILES)) == 2 * 3, (
        "two job attempts of three requests each: no retry storm"
    )
    failed = FailedJobRegistry(queue=system.queue).get_job_ids()
    assert len(failed) == 1

    system.sim.faults.clear()
    replay = subprocess.run(
        [
            str(Path(sys.executable).with_name("rq")),
            "requeue",
            "--all",
            "--queue",
            system.settings.queue_name,
            "-u",
            system.settings.redis_url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Requeueing 1 jobs" in replay.stdout
    system.run_jobs()
    run = only_run(system, pr.head_sha)
    assert (run["status"], run["conclusion"]) == ("completed", "failure"), (
        "the replay completes the same check run"
    )
    assert not FailedJobRegistry(queue=system.queue).get_job_ids()


def test_final_patch_failing_leaves_the_run_neutral_then_the_retry_completes_it_without_duplicates(
    make_system: SystemFactory,
) -> None:
    system = make_system(job_retry_intervals=(0,))
    # The one PATCH that appends the annotations and completes the run fails every attempt.
    system.sim.faults.add(CHECK_RUN, method="PATCH", status=502, times=system.settings.retry_attempts + 1)
    pr = open_and_deliver(system)
    system.run_jobs()

    run = only_run(system, pr.head_sha)
    assert (run["status"], run["conclusion"]) == ("completed", "failure")
    conclusions = [call.status for call in calls(system, "PATCH", CHECK_RUN)]
    assert conclusions.count(502) == 3
    annotations = [(a["path"], a["start_line"], a["title"]) for a in run["output"]["annotations"]]
    assert annotations and len(annotations) == len(set(annotations)), (
        "the retry does not append annotations again"
    )
    assert len(system.sim.reviews(REPO, pr.number)) == 1
    assert_no_duplicate_comments(system, pr.number)


def test_final_patch_failing_with_no_retry_left_still_completes_the_run(make_system: SystemFactory) -> None:
    system = make_system(job_retry_intervals=())
    system.sim.faults.add(CHECK_RUN, method="PATCH", status=503, times=system.settings.retry_attempts + 1)
    pr = open_and_deliver(system)
    system.run_jobs()

    run = only_run(system, pr.head_sha)
    assert (run["status"], run["conclusion"]) == ("completed", "neutral")
    assert "/mldebt rescore" in run["output"]["summary"] and "Rescore" in [a["label"] for a in run["actions"]]
    assert len(FailedJobRegistry(queue=system.queue).get_job_ids()) == 1


def test_secondary_rate_limit_retry_after_is_honoured(make_system: SystemFactory) -> None:
    system = make_system()
    system.sim.faults.add(FILES, method="GET", status=403, retry_after=1, times=1)
    pr = open_and_deliver(system)
    system.run_jobs()

    limited, retried = calls(system, "GET", FILES)[:2]
    assert (limited.status, retried.status) == (403, 200)
    assert retried.timestamp - limited.timestamp >= 1.0, "retry-after: 1 means no sooner than a second"
    assert only_run(system, pr.head_sha)["conclusion"] == "failure"


def test_primary_rate_limit_waits_for_the_reset(make_system: SystemFactory) -> None:
    system = make_system()
    fault = system.sim.faults.add(FILES, method="GET", status=403, ratelimit_reset=1, times=1)
    pr = open_and_deliver(system)
    system.run_jobs()

    limited, retried = calls(system, "GET", FILES)[:2]
    assert fault.fired == 1 and limited.status == 403 and retried.status == 200
    assert int(retried.timestamp) >= int(limited.timestamp) + 1, "not before x-ratelimit-reset"
    assert only_run(system, pr.head_sha)["conclusion"] == "failure"


def test_a_rate_limit_pauses_every_worker_of_that_installation(make_system: SystemFactory) -> None:
    """While one job waits out retry-after, another job of the same installation sends nothing either."""
    system = make_system()
    first = open_small_pr(system.sim, REPO, 1, "first")
    second = open_small_pr(system.sim, REPO, 1, "second", salt=2)
    system.sim.faults.add(r"/pulls/1/files$", method="GET", status=429, retry_after=1, times=1)
    limited_first = threading.Thread(target=review_pull_request, args=(1, REPO, first.number, first.head_sha))
    limited_first.start()
    # Until the first job has read its 429 and paused the installation (GitHub's answer leaving the
    # simulator comes a moment before the worker acts on it).
    deadline = time.monotonic() + 10
    while not system.redis.exists(keys.rate_pause_key(1)):
        assert time.monotonic() < deadline, "the 429 never paused the installation"
        limited_first.join(0.01)
    review_pull_request(1, REPO, second.number, second.head_sha)
    limited_first.join(30)

    pause_start = calls(system, "GET", r"/pulls/1/files$")[0].timestamp
    during = [
        call
        for call in system.sim.calls
        if call.installation_id == 1 and pause_start < call.timestamp < pause_start + 0.95
    ]
    assert during == [], [(call.method, call.path) for call in during]
    assert [only_run(system, pr.head_sha)["status"] for pr in (first, second)] == ["completed", "completed"]


def test_writes_are_spaced_per_installation_and_not_across_installations(make_system: SystemFactory) -> None:
    """Two worker processes share one token bucket per installation, through Redis: past the burst,
    installation 1's writes keep to one per spacing; installation 2 never queues behind it."""
    spacing = 1.0
    system = make_system(write_spacing_seconds=spacing)
    jobs = [(REPO, open_small_pr(system.sim, REPO, 1, f"pr-{n}", salt=n)) for n in range(1, 5)]
    # Third in the queue: taken once installation 1 has spent its burst and its writes wait for their turns.
    jobs.insert(2, ("other-org/churn", open_small_pr(system.sim, "other-org/churn", 2, "other", salt=9)))
    system.start_worker()
    system.start_worker()
    system.wait_for_workers(2)
    for repo, pr in jobs:
        assert (
            system.sim.deliver("pull_request", payloads.pull_request(system.sim, repo, pr.number)).status_code
            == 202
        )
    system.wait_until_idle(timeout=60)

    writes = [
        call
        for call in system.sim.calls
        if call.method in ("POST", "PATCH") and not call.path.endswith(("/graphql", "/access_tokens"))
    ]
    by_installation = {
        inst: sorted(call.timestamp for call in writes if call.installation_id == inst) for inst in (1, 2)
    }
    busy = by_installation[1]
    assert len(busy) >= 3 * 4 and len(by_installation[2]) >= 3
    # Any n + WRITE_BURST consecutive writes of one installation span at least n spacings (a quarter off
    # for clocks).
    for first in range(len(busy)):
        for last in range(first + WRITE_BURST, len(busy)):
            assert busy[last] - busy[first] >= (last - first - WRITE_BURST + 1) * spacing * 0.75, (
                first,
                last,
                busy,
            )
    # Installation 2's writes neither take turns with installation 1's (some follow each other closer than one
    # spacing) nor wait for its backlog (all land while installation 1 is still being spaced).
    own = by_installation[2]
    assert min(later - earlier for earlier, later in itertools.pairwise(own)) < spacing * 0.75, (own, busy)
    assert own[-1] < busy[-1], "installation 2 queued behind installation 1"
    for repo, pr in jobs:
        assert only_run(system, pr.head_sha, repo)["status"] == "completed"


def test_an_expired_installation_token_is_refreshed_once(make_system: SystemFactory) -> None:
    system = make_system()
    repo = open_small_pr(system.sim, REPO, 1, "first").repo
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, 1))
    system.run_jobs()
    assert system.sim.expire_tokens(installation_id=1) >= 1

    repo.push("first", {"notes.txt": "more\n"})
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, 1, "synchronize"))
    system.run_jobs()

    assert system.sim.count_calls(status=401) == 1
    assert system.sim.count_calls("POST", r"/access_tokens$") == 2
    run = only_run(system, repo.pull(1).head_sha)
    assert (run["status"], run["conclusion"]) == ("completed", "failure")


def test_a_pr_closed_before_the_review_ends_neutral_without_retries(make_system: SystemFactory) -> None:
    system = make_system()
    pr = open_and_deliver(system)
    pr.repo.close_pull_request(pr.number)
    system.run_jobs()

    run = only_run(system, pr.head_sha)
    assert (run["status"], run["conclusion"], run["output"]["title"]) == (
        "completed",
        "neutral",
        "Pull request closed",
    )
    assert system.sim.count_calls("GET", r"/pulls/\d+/comments$") == 0, "a closed PR is not reviewed"
    assert system.sim.reviews(REPO, pr.number) == []
    assert not FailedJobRegistry(queue=system.queue).get_job_ids()


def test_404s_mid_review_end_neutral_without_a_retry_storm(make_system: SystemFactory) -> None:
    system = make_system(job_retry_intervals=(0, 0, 0))
    system.sim.faults.add(FILES, method="GET", status=404, times=None)
    branch_gone = open_and_deliver(system, branch="gone")
    system.run_jobs()
    system.sim.faults.clear()
    system.sim.faults.add(r"/pulls/\d+/reviews$", method="POST", status=404, times=None)
    pr_gone = open_and_deliver(system, branch="deleted", salt=2)
    system.run_jobs()

    for pr in (branch_gone, pr_gone):
        run = only_run(system, pr.head_sha)
        assert (run["status"], run["conclusion"]) == ("completed", "neutral")
    assert system.sim.count_calls("GET", FILES, status=404) == 1
    assert system.sim.count_calls("POST", r"/reviews$", status=404) == 1
    assert not FailedJobRegistry(queue=system.queue).get_job_ids()


ABSOLUTE_PATHS_BASE = "".join(f"step_{n} = {n}\n" for n in range(1, 21)) + 'OUT = "/home/alice/out.csv"\n'


def test_comments_github_refuses_are_isolated_and_moved_into_the_check_run(
    make_system: SystemFactory,
) -> None:
    """The listing claims the whole file is new, GitHub's own diff does not: its 422 names no comment, so
    the refused one is found with pending reviews nobody else sees, and the rest land as one review."""
    system = make_system()
    system.sim.add_installation(1, account="octo-org")
    repo = system.sim.add_repo(REPO, installation_id=1)
    repo.commit("main", {"paths.py": ABSOLUTE_PATHS_BASE}, message="Initial")
    head = ABSOLUTE_PATHS_BASE.replace("step_1 = 1\n", 'SRC = "/home/bob/raw.csv"\n').replace(
        "step_10 = 10\n", 'AUX = "/home/bob/aux.csv"\n'
    )
    repo.commit("paths", {"paths.py": head}, parent=repo.branches["main"], message="Read raw")
    pr = repo.open_pull_request("paths", "main", title="Read raw", user="alice")
    with system.sim.client(1) as gh:
        listing = gh.rest.pulls.list_files("octo-org", "churn", pr.number).json()
    added = "@@ -0,0 +1,21 @@\n" + "".join(f"+{line}\n" for line in head.splitlines())
    listing[0].update(status="added", patch=added.rstrip("\n"), additions=21, deletions=0, changes=21)
    system.sim.faults.add(FILES, method="GET", status=200, body=listing, times=1)
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number))
    system.run_jobs()

    assert next(call.status for call in calls(system, "POST", r"/reviews$")) == 422
    [review] = system.sim.reviews(REPO, pr.number)
    assert review["state"] == "COMMENTED" and review["body"].startswith("**mldebt** found 3 new"), (
        "one review, no pending one left"
    )
    comments = system.sim.review_comments(REPO, pr.number)
    assert sorted((c["path"], c["line"], c["pull_request_review_id"]) for c in comments) == [
        ("paths.py", 1, review["id"]),
        ("paths.py", 10, review["id"]),
    ]
    assert_no_duplicate_comments(system, pr.number)
    run = only_run(system, pr.head_sha)
    assert run["status"] == "completed"
    not_inline = run["output"]["text"].split("### Not commented inline", 1)[1]
    assert "line 21" in not_inline and "hardcoded-path" in not_inline
    assert "line 1:" not in not_inline and "line 10:" not in not_inline


def test_a_rate_limit_longer_than_a_worker_waits_fails_fast_and_holds_back_the_installation(
    make_system: SystemFactory,
) -> None:
    """An exhausted primary limit (reset in ten minutes): no worker sits it out, and none sends anything
    for that installation until the reset; the jobs wait in RQ (retries, failed registry) for later."""
    system = make_system(rate_limit_max_wait_seconds=2, job_retry_intervals=())
    system.sim.faults.add(FILES, method="GET", status=403, ratelimit_reset=600, times=1)
    first = open_and_deliver(system)
    second = open_and_deliver(system, branch="later", salt=2)
    system.run_jobs()

    limited = calls(system, "GET", FILES)
    assert [call.status for call in limited] == [403]
    after = [
        (c.method, c.path)
        for c in system.sim.calls
        if c.installation_id == 1 and c.timestamp > limited[0].timestamp
    ]
    assert after == [], "nothing is sent for the installation while GitHub said to wait"
    assert len(FailedJobRegistry(queue=system.queue).get_job_ids()) == 2, (
        "both wait in the failed registry for a replay"
    )
    assert system.sim.check_runs(REPO, second.head_sha) == []
    assert only_run(system, first.head_sha)["status"] == "in_progress", (
        "GitHub takes no call until the reset, not even the close"
    )
