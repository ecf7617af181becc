"""Every fault at once, seeded: what a user sees must still hold after the system settles.

Thirty PRs in three repositories of two installations get opened, pushed to
and rescored; about 95 signed deliveries, a tenth of them repeated GUIDs, some
sent newest first and some redelivered late by GitHub. Meanwhile GitHub
answers 502/503 on random endpoints, rate-limits once, loses its answers to
check-run creations and review posts that it did carry out, and lists files
slowly; one worker is SIGKILLed mid-flood; Redis is down for 3 s and comes
back empty. Deliveries refused during the outage come back through the
sweeper, work Redis lost comes back through the reconciler.

`make test` runs one seed; `make chaos SEEDS="1 2 3"` runs others.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from rq.registry import StartedJobRegistry

from ghsim import payloads
from harness.system import LocalSystem
from tests.reliability.conftest import PrivateRedis, SystemFactory, open_small_pr
from tests.reliability.test_secrets import leaks, secrets_of
from workers.checkruns import RETRY_TITLE
from workers.report import fingerprints_in

SEEDS = [int(seed) for seed in (os.environ.get("MLDEBT_CHAOS_SEEDS") or "20261203").replace(",", " ").split()]
REPOS = {"chaos-a/models": 31, "chaos-b/models": 32, "chaos-b/features": 32}
PRS = 30
RESCORED = 5
LATE_REDELIVERIES = 8
FILES = r"/pulls/\d+/files$"
RESCORE = re.compile(r"-rescore-\d+_")
SETTLE_SECONDS = 120


@dataclass
class Flood:
    prs: list[tuple[str, Any]] = field(default_factory=list)
    rescores: Counter[tuple[str, int]] = field(default_factory=Counter)
    sent: list[tuple[str, str, bytes]] = field(default_factory=list)
    answers: dict[str, list[int]] = field(default_factory=dict)


def github_faults(system: LocalSystem, rng: random.Random) -> None:
    """Random 502/503 rules across endpoints, a secondary rate limit, lost answers and a slow file listing."""
    faults = system.sim.faults
    for pattern, method in (
        (FILES, "GET"),
        (r"/graphql$", "POST"),
        (r"/check-runs/\d+$", "PATCH"),
        (r"/pulls/\d+/comments$", "GET"),
        (r"/commits/[0-9a-f]+/check-runs$", "GET"),
        (r"/pulls/\d+/reviews$", "POST"),
    ):
        faults.add(
            pattern,
            method=method,
            status=rng.choice([502, 503]),
            times=rng.randint(1, 3),
            skip=rng.randint(0, 25),
        )
    faults.add(
        r"/pulls/\d+/files$",
        method="GET",
        status=403,
        retry_after=1,
        times=1,
        skip=rng.randint(5, 30),
        body={
            "message": "You have exceeded a secondary rate limit."
            " Please wait a few minutes before you try again."
        },
    )
    faults.add(r"/check-runs$", method="POST", status=502, applied=True, times=2, skip=rng.randint(0, 20))
    faults.add(
        r"/pulls/\d+/reviews$", method="POST", status=502, applied=True, times=2, skip=rng.randint(0, 20)
    )
    faults.add(FILES, method="GET", delay=1.5, times=3, skip=rng.randint(0, 30))


def plan(system: LocalSystem, flood: Flood, rng: random.Random) -> list[Any]:
    """Per-PR sequences (opened, pushes sent newest first now and then, rescores) merged at random."""
    sim = system.sim
    sequences: list[list[Any]] = []
    for index in range(PRS):
        repo = list(REPOS)[index % len(REPOS)]
        pr = open_small_pr(sim, repo, REPOS[repo], f"chaos-{index}", salt=index)
        flood.prs.append((repo, pr))
        steps: list[Any] = [
            lambda repo=repo, pr=pr: [("pull_request", payloads.pull_request(sim, repo, pr.number))]
        ]
        if index < RESCORED:
            flood.rescores[(repo, pr.number)] += 1
            steps.append(
                lambda repo=repo, pr=pr: [
                    (
                        "issue_comment",
                        payloads.issue_comment(sim, repo, pr.number, "/mldebt rescore", user="alice"),
                    )
                ]
            )
        elif index % 3:

            def pushes(
                repo: str = repo, pr: Any = pr, count: int = 1 + index % 3
            ) -> list[tuple[str, dict[str, Any]]]:
                made = []
                for step in range(count):
                    pr.repo.push(pr.head_ref, {"notes.txt": f"step {step}\n"}, message=f"step {step}")
                    made.append(("pull_request", payloads.pull_request(sim, repo, pr.number, "synchronize")))
                if rng.random() < 0.5:
                    rng.shuffle(made)
                return made

            steps.append(pushes)
        sequences.append(steps)
    merged: list[Any] = []
    for steps in sequences:
        slots = sorted(rng.sample(range(len(merged) + len(steps)), len(steps)))
        for slot, step in zip(slots, steps, strict=True):
            merged.insert(slot, step)
    return merged


def deliver(system: LocalSystem, flood: Flood, event: str, body: bytes, guid: str | None = None) -> None:
    """Through the simulator, so that GitHub keeps the delivery and the sweeper can ask for it again."""
    guid = guid or str(uuid.uuid4())
    if guid not in flood.answers:
        flood.sent.append((guid, event, body))
    try:
        status = system.sim.deliver(event, body, delivery_id=guid).status_code
    except httpx.TransportError:
        status = 0
    flood.answers.setdefault(guid, []).append(status)


def unsettled(system: LocalSystem, flood: Flood) -> list[str]:
    """What still keeps the system from having settled; empty once it has."""
    waiting = []
    for repo, pr in flood.prs:
        runs = system.sim.check_runs(repo)
        open_runs = [
            f"{run['head_sha'][:7]} {run['status']} {run['output']['title']}"
            for run in runs
            if run["status"] != "completed" or run["output"]["title"] == RETRY_TITLE
        ]
        newest = [run for run in runs if run["head_sha"] == pr.head_sha]
        rescores = [run for run in newest if RESCORE.search(run["external_id"])]
        if open_runs or not newest or len(rescores) < flood.rescores[(repo, pr.number)]:
            ids = [run["external_id"][-20:] for run in newest]
            waiting.append(f"{repo}#{pr.number} head {pr.head_sha[:7]}: runs {ids}; unfinished: {open_runs}")
    queued, running = system.queue.count, StartedJobRegistry(queue=system.queue).count
    scheduled = [
        job
        for job in system.queue.scheduled_job_registry.get_job_ids()
        if not job.startswith(("sweeper-", "reconcile-"))
    ]
    if queued or running or scheduled:
        waiting.append(f"jobs: {queued} queued, {running} running, {scheduled} scheduled")
    return waiting


@pytest.mark.parametrize("seed", SEEDS)
def test_every_fault_at_once_still_ends_with_one_completed_run_per_newest_head(
    seed: int, private_redis: PrivateRedis, make_system: SystemFactory
) -> None:
    rng = random.Random(seed)
    system = make_system(
        redis_url=private_redis.url,
        write_spacing_seconds=0.01,
        worker_heartbeat_seconds=1,
        worker_heartbeat_grace_seconds=2,
        maintenance_interval_seconds=1,
        job_retry_intervals=(1, 2, 4),
        sweep_interval_seconds=2,
        reconcile_interval_seconds=3,
        reconcile_max_calls=400,
        rate_limit_max_wait_seconds=5,
        log_level="INFO",
    )
    flood = Flood()
    steps = plan(system, flood, rng)
    github_faults(system, rng)
    doomed = system.start_worker()
    system.start_worker()
    system.wait_for_workers(2)

    kill_at, outage_at = len(steps) * 2 // 5, len(steps) * 2 // 3
    outage_ends = 0.0
    for position, step in enumerate(steps):
        if position == kill_at:
            doomed.kill()
            system.start_worker()
        if position == outage_at:
            private_redis.stop()
            outage_ends = time.monotonic() + 3
        for event, payload in step():
            deliver(system, flood, event, json.dumps(payload, separators=(",", ":")).encode())
            if rng.random() < 0.1:
                guid, event, body = rng.choice(flood.sent)
                deliver(system, flood, event, body, guid)
        if position == outage_at + 3:
            time.sleep(max(outage_ends - time.monotonic(), 0))
            private_redis.start()
    for delivery in rng.sample([d for d in system.sim.deliveries if not d.redelivery], LATE_REDELIVERIES):
        late = system.sim.redeliver(delivery.id)
        flood.answers[delivery.guid].append(late.status_code if late is not None else 0)

    deadline = time.monotonic() + SETTLE_SECONDS
    while waiting := unsettled(system, flood):
        assert time.monotonic() < deadline, (
            "never settled:\n"
            + "\n".join(waiting)
            + "\n"
            + "\n".join(w.output()[-4000:] for w in system.workers)
        )
        time.sleep(0.5)

    assert sum(len(seen) for seen in flood.answers.values()) >= 90
    assert any(503 in seen for seen in flood.answers.values()), "the outage refused some deliveries"
    assert sum(rule.fired for rule in system.sim.faults.rules) >= 6, "GitHub's faults did fire"
    for repo, pr in flood.prs:
        runs = system.sim.check_runs(repo)
        assert all(run["status"] == "completed" and run["output"]["title"] != RETRY_TITLE for run in runs), (
            f"{repo}#{pr.number}"
        )
        newest = [run for run in runs if run["head_sha"] == pr.head_sha]
        assert newest and all(run["conclusion"] == "failure" for run in newest), (
            f"{repo}#{pr.number}: {newest}"
        )
        rescores = [run for run in newest if RESCORE.search(run["external_id"])]
        assert len(rescores) == flood.rescores[(repo, pr.number)], (
            f"{repo}#{pr.number}: a writer's rescore is a fresh run"
        )
        if not rescores:
            assert len(newest) == 1, f"{repo}#{pr.number}: {len(newest)} runs of one push"
        assert len(newest) <= 1 + len(rescores) and len({run["external_id"] for run in newest}) == len(newest)
        fingerprints = [
            each
            for comment in system.sim.review_comments(repo, pr.number)
            for each in fingerprints_in(comment["body"])
        ]
        assert fingerprints and len(fingerprints) == len(set(fingerprints)), (
            f"{repo}#{pr.number}: a comment posted twice"
        )
        per_sha = Counter(review["commit_id"] for review in system.sim.reviews(repo, pr.number))
        assert all(count == 1 for count in per_sha.values()), f"{repo}#{pr.number}: two reviews of one commit"
    logs = [worker.output() for worker in system.workers]
    assert not leaks(logs, secrets_of(system))
    assert not system.sim.internal_errors
