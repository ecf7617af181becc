"""Row 6: a review's cost follows the pull request, not the repository.

The same 5-file PR (three files edited, two added) is reviewed in a
repository of 10 files and in one of 10,000, with GitHub answering 50 ms
late as in the end-to-end rows. Reviews alternate between the two repos and
the median of each is kept, so a noisy moment hits both alike. Write pacing
is off: it would add the same sleeps to both and hide the difference. Time is
the job's own, as RQ records it: the in-process worker's teardown adds up to a
second of its own at random.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from rq.job import Job

from bench import world
from bench.api_calls import TOKEN_EXCHANGE
from bench.table import Row, ratio
from core import keys
from ghsim import Repo, payloads
from harness.system import LocalSystem

SMALL, LARGE = 10, 10_000
REPEAT = 5
EDITED, ADDED = 3, 2
LATENCY = 0.05
TARGET_TIME_RATIO = 1.2


@dataclass(frozen=True)
class Sample:
    seconds: list[float]
    calls: list[int]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def _review(system: LocalSystem, repo: Repo, revision: int) -> tuple[float, int]:
    pr = world.open_pr(repo, EDITED, revision, added=ADDED)
    event = payloads.pull_request(system.sim, repo, pr.number, "opened")
    system.sim.deliver("pull_request", event)
    before = len(system.sim.calls)
    system.run_jobs()
    job = Job.fetch(keys.review_job_id(repo.full_name, pr.number, pr.head_sha), connection=system.redis)
    if job.started_at is None or job.ended_at is None or not job.is_finished:
        raise RuntimeError(f"review of {repo.full_name}#{pr.number} did not finish: {job.get_status()}")
    calls = sum(1 for call in system.sim.calls[before:] if not TOKEN_EXCHANGE.match(call.path))
    return (job.ended_at - job.started_at).total_seconds(), calls


def measure(redis_url: str) -> tuple[Sample, Sample]:
    with LocalSystem(redis_url, latency=LATENCY, log_level="WARNING", write_spacing_seconds=0.0) as system:
        system.redis.flushdb()
        small = world.seed_repo(system.sim, "octo-org/small-repo", SMALL)
        large = world.seed_repo(system.sim, "octo-org/large-repo", LARGE)
        _review(system, small, 0)
        samples: dict[str, Sample] = {"small": Sample([], []), "large": Sample([], [])}
        for revision in range(1, REPEAT + 1):
            for name, repo in (("small", small), ("large", large)):
                seconds, calls = _review(system, repo, revision)
                samples[name].seconds.append(seconds)
                samples[name].calls.append(calls)
        system.redis.flushdb()
    return samples["small"], samples["large"]


def rows(small: Sample, large: Sample) -> list[Row]:
    label = f"same {EDITED + ADDED}-file PR, {LARGE:,}-file repo"
    calls_small, calls_large = max(small.calls), max(large.calls)
    return [
        Row(
            f"review time, {label} (median of {REPEAT})",
            f"{large.median:.2f} s",
            f"{SMALL}-file repo: {small.median:.2f} s",
            ratio(large.median, small.median),
            f"<= {TARGET_TIME_RATIO}x",
            large.median <= TARGET_TIME_RATIO * small.median,
        ),
        Row(
            f"GitHub API calls, {label}",
            f"{calls_large} calls",
            f"{SMALL}-file repo: {calls_small} calls",
            ratio(calls_large, calls_small),
            "= 1.00x",
            set(large.calls) == set(small.calls) and len(set(large.calls)) == 1,
        ),
    ]


def run(redis_url: str) -> list[Row]:
    return rows(*measure(redis_url))
