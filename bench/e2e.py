"""Rows 4 and 5: webhook → completed check run with real worker processes, and what they cost in memory.

GitHub answers every call 50 ms late. Latency is taken one PR at a time (no
queueing), throughput from a burst of PRs with one worker and then with two
(`python -m workers` subprocesses, as production runs them). The moment a
check run turns `completed` in the simulator is the moment a user would see it.

Workers first run as shipped, with GitHub's advice of a second between an
installation's writes (`MLDEBT_WRITE_SPACING`): a few lone reviews, each on an
installation of its own that has been quiet (what a user usually waits), then
a burst of PRs on one installation (sustained traffic, whose writes pacing
holds under GitHub's limit; `bench.pacing`). The 50-PR latency sample and the
throughput bursts then run with pacing off, to measure the bot's own work:
spread over installations of their own, so that GitHub's per-installation
write limit, which an unpaced worker outruns, does not decide them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from rq import Worker
from rq.registry import FailedJobRegistry

from bench import world
from bench.e2e_phases import FILES, Bench, Completions, Fleet, Phase, _joined
from bench.memory import PeakSampler, children_cpu_seconds, rss_mib
from bench.pacing import GITHUB_WRITES_PER_MINUTE, WINDOW_SECONDS, WriteLoad, write_load
from bench.procs import running
from bench.stats import percentile
from bench.table import Row, ratio
from core.settings import Settings
from harness.system import LocalSystem

PRS = 50
LONE_PRS = 6
SUSTAINED_PRS = 20
# The lone reviews' installations, apart from the one every other phase shares.
LONE_INSTALLATIONS = range(101, 101 + LONE_PRS)
# The pacing-off phases' installations: none nears GitHub's 80 writes a minute (`bench.e2e_phases`).
FLEET_INSTALLATIONS = range(201, 207)
BURST = 24
BASE_FILES = 40
LATENCY = 0.05
REAP_WAIT = 0.5
TARGET_P50 = 1.5
TARGET_SCALING = 1.7
TARGET_MIB = 200


@dataclass
class Result:
    lone: Phase
    lone_writes: WriteLoad
    sustained: Phase
    sustained_writes: WriteLoad
    sequential: Phase
    burst_one: Phase
    burst_two: Phase
    cpu_per_review: float
    # GitHub's rate-limit answers in the pacing-off phases: the fleet exists to keep this at 0.
    limited_answers: int
    idle_mib: float
    peak_process_mib: float
    peak_tree_mib: float
    processes: int
    failed_jobs: int


def _wait_for_workers(system: LocalSystem, count: int, timeout: float = 30.0) -> None:
    """Until exactly `count` workers are registered (a stopped one deregisters on its way out)."""
    deadline = time.monotonic() + timeout
    while Worker.count(connection=system.redis) != count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{count} RQ workers did not register within {timeout:.0f} s")
        time.sleep(0.05)


@contextmanager
def _worker(system: LocalSystem, sampler: PeakSampler, expected: int, *, paced: bool) -> Iterator[int]:
    """A `python -m workers` process with the shipped write pacing, or none (the harness default)."""
    command, env = system.worker_command()
    env["MLDEBT_WRITE_SPACING"] = str(Settings.write_spacing_seconds if paced else 0.0)
    with running(command, env) as process:
        sampler.watch([process.pid])
        _wait_for_workers(system, expected)
        yield process.pid


def _reaped_cpu(worker: int) -> float:
    """A horse's CPU counts once the worker has reaped it, a moment after its check run completed."""
    time.sleep(REAP_WAIT)
    return children_cpu_seconds(worker)


def measure(redis_url: str) -> Result:
    with ExitStack() as stack:
        system = stack.enter_context(LocalSystem(redis_url, latency=LATENCY, log_level="WARNING"))
        system.redis.flushdb()
        repo = world.seed_repo(system.sim, "octo-org/e2e-bench", BASE_FILES)
        completions = stack.enter_context(Completions(system))
        sampler = stack.enter_context(PeakSampler())
        bench = Bench(system, completions, repo)
        lone_benches = [
            Bench(system, completions, world.seed_repo(system.sim, f"lone-{index}/quiet", BASE_FILES, index))
            for index in LONE_INSTALLATIONS
        ]
        with _worker(system, sampler, 1, paced=True) as first:
            idle = rss_mib(first)
            bench.sequential(1)
            first_call = len(system.sim.calls)
            lone = _joined([lone_bench.sequential(1) for lone_bench in lone_benches])
            lone_writes = write_load(system.sim.calls[first_call:], LONE_PRS)
            first_call = len(system.sim.calls)
            sustained = bench.burst(SUSTAINED_PRS)
            sustained_writes = write_load(system.sim.calls[first_call:], SUSTAINED_PRS)
        _wait_for_workers(system, 0)
        unpaced = stack.enter_context(_worker(system, sampler, 1, paced=False))
        fleet = Fleet(
            [
                Bench(
                    system, completions, world.seed_repo(system.sim, f"fleet-{index}/busy", BASE_FILES, index)
                )
                for index in FLEET_INSTALLATIONS
            ]
        )
        fleet.sequential(len(fleet.benches))  # each installation's token minted before the clock starts
        cpu_before = _reaped_cpu(unpaced)
        first_call = len(system.sim.calls)
        sequential = fleet.sequential(PRS)
        cpu_per_review = (_reaped_cpu(unpaced) - cpu_before) / PRS
        burst_one = fleet.burst(BURST)
        stack.enter_context(_worker(system, sampler, 2, paced=False))
        burst_two = fleet.burst(BURST)
        limited = sum(call.status in (403, 429) for call in system.sim.calls[first_call:])
        failed = FailedJobRegistry(system.settings.queue_name, connection=system.redis).count
        system.redis.flushdb()
    return Result(
        lone,
        lone_writes,
        sustained,
        sustained_writes,
        sequential,
        burst_one,
        burst_two,
        cpu_per_review,
        limited,
        idle,
        sampler.peak_process_kib / 1024,
        sampler.peak_tree_pss_kib / 1024,
        len(sampler.processes_seen),
        failed,
    )


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def rows(result: Result) -> list[Row]:
    seq, lone, sustained = result.sequential, result.lone, result.sustained
    phases = (lone, sustained, seq, result.burst_one, result.burst_two)
    calls_per_review = seq.calls / len(seq.latencies)
    floor = calls_per_review * LATENCY
    floor_label = f"GitHub wait alone: {calls_per_review:.1f} calls x {LATENCY * 1000:.0f} ms = {_s(floor)}"
    lone_calls = lone.calls / len(lone.latencies)
    lone_floor = lone_calls * LATENCY
    lone_p50, p50, p95 = (
        percentile(lone.latencies, 50),
        percentile(seq.latencies, 50),
        percentile(seq.latencies, 95),
    )
    trouble = sum(phase.unfinished_reviews for phase in phases) + result.failed_jobs
    label = f"{FILES}-file PRs, {LATENCY * 1000:.0f} ms/call"
    spread = f"over {len(FLEET_INSTALLATIONS)} installations"
    one, two = result.burst_one.throughput, result.burst_two.throughput
    sequential_rate = len(seq.latencies) / sum(seq.latencies)
    pacing = f"{Settings.write_spacing_seconds:g} s write pacing"
    load = result.sustained_writes
    return [
        Row(
            f"lone review p50, 1 worker, as shipped: {pacing}"
            f" ({LONE_PRS} PRs, each on a quiet installation, {result.lone_writes.per_review:.1f} writes"
            f" each, {label})",
            _s(lone_p50),
            f"GitHub wait alone: {lone_calls:.1f} calls x {LATENCY * 1000:.0f} ms = {_s(lone_floor)}",
            ratio(lone_p50, lone_floor),
            f"<= {TARGET_P50} s",
            lone_p50 <= TARGET_P50,
        ),
        Row(
            f"sustained traffic, 1 worker, as shipped: {pacing}"
            f" (burst of {SUSTAINED_PRS} PRs on one installation, {load.per_review:.1f} writes each)",
            f"{sustained.throughput * 60:.1f} PRs/min",
            f"pacing off: {one * 60:.1f} PRs/min",
            ratio(sustained.throughput, one),
            "-",
            None,
        ),
        Row(
            f"busiest installation's writes in any {WINDOW_SECONDS:.0f} s, sustained traffic as shipped",
            f"{load.peak_per_window} writes",
            f"GitHub's limit: {GITHUB_WRITES_PER_MINUTE} writes/min",
            ratio(load.peak_per_window, GITHUB_WRITES_PER_MINUTE),
            f"<= {GITHUB_WRITES_PER_MINUTE}",
            load.peak_per_window <= GITHUB_WRITES_PER_MINUTE,
        ),
        Row(
            f"end to end p50, 1 worker, pacing off ({PRS} PRs one at a time {spread}, {label})",
            _s(p50),
            floor_label,
            ratio(p50, floor),
            f"<= {TARGET_P50} s",
            p50 <= TARGET_P50,
        ),
        Row(
            f"end to end p95, 1 worker, pacing off ({PRS} PRs one at a time {spread}, {label})",
            _s(p95),
            floor_label,
            ratio(p95, floor),
            "-",
            None,
        ),
        Row(
            f"worker CPU per review (work-horse user + system, {PRS} PRs one at a time)",
            _s(result.cpu_per_review),
            f"p50 latency: {_s(p50)}",
            ratio(result.cpu_per_review, p50),
            "-",
            None,
        ),
        Row(
            f"review throughput, 1 worker, pacing off (burst of {BURST} PRs {spread})",
            f"{one * 60:.1f} PRs/min",
            f"1 / mean one-at-a-time latency: {sequential_rate * 60:.1f} PRs/min",
            ratio(one, sequential_rate),
            "-",
            None,
        ),
        Row(
            f"review throughput, 2 workers, pacing off (burst of {BURST} PRs {spread})",
            f"{two * 60:.1f} PRs/min",
            f"1 worker: {one * 60:.1f} PRs/min",
            ratio(two, one),
            f">= {TARGET_SCALING}x 1 worker",
            two >= TARGET_SCALING * one,
        ),
        Row(
            "reviews that did not finish cleanly (all end-to-end phases)",
            f"{trouble}",
            f"reviews: {sum(len(phase.latencies) for phase in phases) + 1 + len(FLEET_INSTALLATIONS)}",
            None,
            "0",
            trouble == 0,
        ),
        Row(
            f"GitHub rate-limit answers, pacing-off phases ({len(FLEET_INSTALLATIONS)} installations)",
            f"{result.limited_answers}",
            "calls those phases made, all counted",
            None,
            "0",
            result.limited_answers == 0,
        ),
        Row(
            f"worker peak RSS, largest process ({result.processes} worker processes and work-horses sampled)",
            f"{result.peak_process_mib:.0f} MiB",
            f"idle worker: {result.idle_mib:.0f} MiB",
            ratio(result.peak_process_mib, result.idle_mib),
            f"<= {TARGET_MIB} MiB",
            result.peak_process_mib <= TARGET_MIB,
        ),
        Row(
            "worker peak PSS, one worker's whole process tree",
            f"{result.peak_tree_mib:.0f} MiB",
            f"idle worker: {result.idle_mib:.0f} MiB",
            ratio(result.peak_tree_mib, result.idle_mib),
            "-",
            None,
        ),
    ]


def run(redis_url: str) -> list[Row]:
    return rows(measure(redis_url))
