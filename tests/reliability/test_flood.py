"""A flood: 1,000 signed deliveries through the receiver, Redis and two `python -m workers` processes.

Twenty PRs in three repositories of two installations get opened, pushed to
in bursts, rescored and re-run, amid comments, check-suite noise, events mldebt
does not handle, and a tenth of the deliveries sent twice. What a user sees at
the end: each delivery acted on once, each PR's newest commit with exactly the
check runs it asked for, all completed, and no review comment said twice.
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx
from githubkit.webhooks import sign
from rq.registry import FailedJobRegistry, FinishedJobRegistry

from ghsim import payloads
from harness.system import WEBHOOK_SECRET, LocalSystem
from tests.reliability.conftest import SystemFactory, head_file, open_small_pr
from workers.report import fingerprints_in
from workers.review import review_pull_request

DELIVERIES = 1000
REPEATED = DELIVERIES // 10
REPOS = {"flood-a/models": 11, "flood-b/models": 12, "flood-b/features": 12}
PUSHES_PER_BURST = 4
UNHANDLED_EVENTS = ("star", "watch", "fork", "push", "deployment_status", "label")


@dataclass
class Plan:
    """The PRs of the flood and what each asked for."""

    prs: list[tuple[str, Any]] = field(default_factory=list)
    reruns: Counter[tuple[str, int]] = field(default_factory=Counter)
    pushed: set[tuple[str, int]] = field(default_factory=set)


def pr_actions(system: LocalSystem, repo: str, pr: Any, pushes: bool, plan: Plan) -> list[Any]:
    """Deliveries for one PR, in the order GitHub would send them; built lazily, when sent."""
    sim = system.sim
    actions: list[Any] = [lambda: ("pull_request", payloads.pull_request(sim, repo, pr.number))]
    if pushes:
        plan.pushed.add((repo, pr.number))

        def push(step: int) -> tuple[str, dict[str, Any]]:
            change = (
                {"score.py": head_file(pr.number * 10 + step)}
                if step == 2
                else {"notes.txt": f"step {step}\n"}
            )
            pr.repo.push(pr.head_ref, change, message=f"step {step}")
            return "pull_request", payloads.pull_request(sim, repo, pr.number, "synchronize")

        actions += [lambda step=step: push(step) for step in range(PUSHES_PER_BURST)]
    else:
        plan.reruns[(repo, pr.number)] += 3
        actions += [
            lambda: (
                "issue_comment",
                payloads.issue_comment(sim, repo, pr.number, "/mldebt rescore", user="alice"),
            )
        ] * 2
        actions.append(lambda: ("check_suite", payloads.check_suite(sim, repo, pr.head_sha)))
    return actions


def noise(system: LocalSystem, plan: Plan, rng: random.Random) -> Any:
    """A delivery mldebt must take calmly and act on not at all."""
    repo, pr = rng.choice(plan.prs)
    sim = system.sim
    kind = rng.randrange(4)
    if kind == 0:
        return lambda: (
            "issue_comment",
            payloads.issue_comment(sim, repo, pr.number, rng.choice(["LGTM", "nit: rename", "/mldebtx"])),
        )
    if kind == 1:
        return lambda: ("check_suite", payloads.check_suite(sim, repo, pr.head_sha, "completed"))
    if kind == 2:
        return lambda: ("pull_request", payloads.pull_request(sim, repo, pr.number, "labeled"))
    event = rng.choice(UNHANDLED_EVENTS)
    return lambda: (
        event,
        {"action": "created", "repository": {"full_name": repo}, "installation": {"id": REPOS[repo]}},
    )


def schedule(system: LocalSystem, rng: random.Random) -> tuple[Plan, list[Any]]:
    """Per-PR sequences merged at random (each keeps its order), noise between them."""
    plan = Plan()
    for index in range(20):
        repo = list(REPOS)[index % len(REPOS)]
        plan.prs.append((repo, open_small_pr(system.sim, repo, REPOS[repo], f"tune-{index}", salt=index)))
    queues = [
        pr_actions(system, repo, pr, pushes=index % 10 >= 3, plan=plan)
        for index, (repo, pr) in enumerate(plan.prs)
    ]
    handled = sum(len(queue) for queue in queues)
    merged: list[Any] = [noise(system, plan, rng) for _ in range(DELIVERIES - REPEATED - handled)]
    for queue in queues:
        slots = sorted(rng.sample(range(len(merged) + len(queue)), len(queue)))
        for slot, action in zip(slots, queue, strict=True):
            merged.insert(slot, action)
    return plan, merged


def signed(event: str, guid: str, body: bytes) -> dict[str, str]:
    """GitHub's delivery headers; like GitHub, a fresh connection for each delivery."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/flood",
        "Connection": "close",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": guid,
        "X-Hub-Signature-256": sign(WEBHOOK_SECRET, body, "sha256"),
    }


def test_a_thousand_deliveries_are_each_acted_on_once_and_every_pr_converges(
    make_system: SystemFactory,
) -> None:
    spacing = 0.01
    system = make_system(write_spacing_seconds=spacing)
    rng = random.Random(20261124)
    plan, actions = schedule(system, rng)
    system.start_worker()
    system.start_worker()
    system.wait_for_workers(2)

    sent: list[tuple[str, str, bytes]] = []
    outcomes: dict[str, list[str]] = defaultdict(list)
    repeat_at = set(rng.sample(range(50, DELIVERIES), REPEATED))
    with httpx.Client(base_url=system.receiver.url, timeout=30) as hookshot:
        for position in range(DELIVERIES):
            if position in repeat_at:
                guid, event, body = rng.choice(sent)
            else:
                event, payload = actions.pop(0)()
                guid, body = str(uuid.uuid4()), json.dumps(payload, separators=(",", ":")).encode()
                sent.append((guid, event, body))
            response = hookshot.post("/webhook", content=body, headers=signed(event, guid, body))
            assert response.status_code in (200, 202), response.text
            outcomes[guid].append(response.json()["outcome"])
    assert not actions and sum(map(len, outcomes.values())) == DELIVERIES
    system.wait_until_idle(timeout=120)

    taken = [guid for guid, seen in outcomes.items() if "enqueued" in seen]
    assert all(seen.count("enqueued") <= 1 for seen in outcomes.values()), "no GUID is taken twice"
    assert all(set(seen[1:]) <= {"duplicate"} for guid, seen in outcomes.items() if guid in taken)
    repeats_of_taken = sum(len(outcomes[guid]) - 1 for guid in taken)
    assert (
        repeats_of_taken > 0
        and Counter(o for seen in outcomes.values() for o in seen)["duplicate"] == repeats_of_taken
    )
    assert len(taken) == 20 + 14 * PUSHES_PER_BURST + 6 * 3
    assert FinishedJobRegistry(queue=system.queue).count == len(taken), (
        "every taken delivery ran as exactly one job"
    )
    assert not FailedJobRegistry(queue=system.queue).get_job_ids()

    for repo, pr in plan.prs:
        runs = system.sim.check_runs(repo)
        assert all(run["status"] == "completed" for run in runs), (
            f"{repo}#{pr.number}: a run left in progress"
        )
        newest = [run for run in runs if run["head_sha"] == pr.head_sha]
        expected = 1 + plan.reruns[(repo, pr.number)]
        assert len(newest) == expected, (
            f"{repo}#{pr.number}: {len(newest)} runs on the newest commit, expected {expected}"
        )
        assert len({run["external_id"] for run in newest}) == expected
        fingerprints = [
            each
            for comment in system.sim.review_comments(repo, pr.number)
            for each in fingerprints_in(comment["body"])
        ]
        assert fingerprints and len(fingerprints) == len(set(fingerprints)), (
            f"{repo}#{pr.number}: a comment posted twice"
        )

    for installation in set(REPOS.values()):
        writes = sorted(
            c.timestamp
            for c in system.sim.calls
            if c.installation_id == installation
            and c.method in ("POST", "PATCH")
            and not c.path.endswith("/graphql")
        )
        # The simulator stamps arrival, which its own load delays by a few ms: judge ten slots at a time.
        spans = [later - earlier for earlier, later in zip(writes, writes[10:], strict=False)]
        assert min(spans) >= 8 * spacing, "both workers together keep the installation's write spacing"
    assert not system.sim.internal_errors


def test_reviews_of_one_pr_running_at_once_never_post_a_comment_twice(make_system: SystemFactory) -> None:
    """A push's review and a rescore of the same commit, side by side: the second sees the first's
    comments."""
    system = make_system(write_spacing_seconds=0.2)
    repo, installation = "flood-a/models", REPOS["flood-a/models"]
    pr = open_small_pr(system.sim, repo, installation, "both")
    start = threading.Barrier(2)

    def review(run: str) -> None:
        start.wait()
        review_pull_request(installation, repo, pr.number, pr.head_sha, run)

    threads = [threading.Thread(target=review, args=(run,)) for run in ("auto", "rerun-1")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert [run["status"] for run in system.sim.check_runs(repo, pr.head_sha)] == ["completed", "completed"]
    fingerprints = [
        each
        for comment in system.sim.review_comments(repo, pr.number)
        for each in fingerprints_in(comment["body"])
    ]
    assert fingerprints and len(fingerprints) == len(set(fingerprints))
    assert len(system.sim.reviews(repo, pr.number)) == 1
