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
throughput bursts then run with pacing off, to measure the bot's own work.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from rq import Worker
from rq.registry import FailedJobRegistry

from bench import world
from bench.memory import PeakSampler, children_cpu_seconds, rss_mib
from bench.pacing import GITHUB_WRITES_PER_MINUTE, WINDOW_SECONDS, WriteLoad, write_load
from bench.poller import Poller
from bench.procs import running
from bench.stats import percentile
from bench.table import Row, ratio
from core.settings import Settings
from ghsim import PullRequest, Repo, payloads
from harness.system import LocalSystem

PRS = 50
LONE_PRS = 6
SUSTAINED_PRS = 20
# The lone reviews' installations, apart from the one every other phase shares.
LONE_INSTALLATIONS = range(101, 101 + LONE_PRS)
BURST = 24
FILES = 20
BASE_FILES = 40
LATENCY = 0.05
PHASE_TIMEOUT = 180.0
POLL = 0.01
REAP_WAIT = 0.5
TARGET_P50 = 1.5
TARGET_SCALING = 1.7
TARGET_MIB = 200


class Completions(Poller):
    """Watches the simulator for check runs turning `completed` and notes when each did.

    Waiters are woken by the watcher rather than polling themselves: on two
    cores every busy loop here is CPU taken from the workers being measured.
    """

    def __init__(self, system: LocalSystem) -> None:
        super().__init__(POLL)
        self._state = system.sim.state
        self.done: dict[str, tuple[float, str | None]] = {}
        self._changed = threading.Condition()

    def tick(self) -> None:
        seen = time.monotonic()
        with self._state.lock:
            finished = [
                (run.head_sha, run.conclusion)
                for run in self._state.check_runs.values()
                if run.status == "completed"
            ]
        fresh = [(sha, conclusion) for sha, conclusion in finished if sha not in self.done]
        if fresh:
            with self._changed:
                for sha, conclusion in fresh:
                    self.done[sha] = (seen, conclusion)
                self._changed.notify_all()

    def wait(self, shas: Sequence[str], timeout: float = PHASE_TIMEOUT) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: all(sha in self.done for sha in shas), timeout):
                unfinished = sum(sha not in self.done for sha in shas)
                raise TimeoutError(f"{unfinished} of {len(shas)} reviews unfinished after {timeout:.0f} s")


@dataclass
class Phase:
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    conclusions: list[str | None] = field(default_factory=list)
    calls: int = 0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    @property
    def unfinished_reviews(self) -> int:
        """A review that could not finish closes its run `neutral`; the PRs here all carry debt."""
        return sum(conclusion not in ("success", "failure") for conclusion in self.conclusions)


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
    idle_mib: float
    peak_process_mib: float
    peak_tree_mib: float
    processes: int
    failed_jobs: int


class Bench:
    def __init__(self, system: LocalSystem, completions: Completions, repo: Repo) -> None:
        self.system = system
        self.completions = completions
        self.repo = repo
        self._revision = 0

    def prs(self, count: int) -> list[PullRequest]:
        made = []
        for _ in range(count):
            self._revision += 1
            made.append(world.open_pr(self.repo, FILES, self._revision))
        return made

    def deliver(self, pr: PullRequest) -> float:
        event = payloads.pull_request(self.system.sim, self.repo, pr.number, "opened")
        sent = time.monotonic()
        response = self.system.sim.deliver("pull_request", event)
        if response.status_code != 202:
            raise RuntimeError(f"receiver answered {response.status_code} to PR #{pr.number}")
        return sent

    def _phase(self, prs: list[PullRequest], sent: list[float], first_call: int) -> Phase:
        ends = [self.completions.done[pr.head_sha] for pr in prs]
        return Phase(
            latencies=[end - start for (end, _), start in zip(ends, sent, strict=True)],
            elapsed=max(end for end, _ in ends) - min(sent),
            conclusions=[conclusion for _, conclusion in ends],
            calls=len(self.system.sim.calls) - first_call,
        )

    def sequential(self, count: int) -> Phase:
        prs, sent = self.prs(count), []
        first_call = len(self.system.sim.calls)
        for pr in prs:
            sent.append(self.deliver(pr))
            self.completions.wait([pr.head_sha])
        return self._phase(prs, sent, first_call)

    def burst(self, count: int) -> Phase:
        prs = self.prs(count)
        first_call = len(self.system.sim.calls)
        sent = [self.deliver(pr) for pr in prs]
        self.completions.wait([pr.head_sha for pr in prs])
        return self._phase(prs, sent, first_call)


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


def _joined(phases: Sequence[Phase]) -> Phase:
    """Phases run one after another, as one sample."""
    return Phase(
        latencies=[latency for phase in phases for latency in phase.latencies],
        elapsed=sum(phase.elapsed for phase in phases),
        conclusions=[conclusion for phase in phases for conclusion in phase.conclusions],
        calls=sum(phase.calls for phase in phases),
    )


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
        bench.sequential(1)
        cpu_before = _reaped_cpu(unpaced)
        sequential = bench.sequential(PRS)
        cpu_per_review = (_reaped_cpu(unpaced) - cpu_before) / PRS
        burst_one = bench.burst(BURST)
        stack.enter_context(_worker(system, sampler, 2, paced=False))
        burst_two = bench.burst(BURST)
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
            f"end to end p50, 1 worker, pacing off ({PRS} PRs one at a time, {label})",
            _s(p50),
            floor_label,
            ratio(p50, floor),
            f"<= {TARGET_P50} s",
            p50 <= TARGET_P50,
        ),
        Row(
            f"end to end p95, 1 worker, pacing off ({PRS} PRs one at a time, {label})",
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
            f"review throughput, 1 worker, pacing off (burst of {BURST} PRs)",
            f"{one * 60:.1f} PRs/min",
            f"1 / mean one-at-a-time latency: {sequential_rate * 60:.1f} PRs/min",
            ratio(one, sequential_rate),
            "-",
            None,
        ),
        Row(
            f"review throughput, 2 workers, pacing off (burst of {BURST} PRs)",
            f"{two * 60:.1f} PRs/min",
            f"1 worker: {one * 60:.1f} PRs/min",
            ratio(two, one),
            f">= {TARGET_SCALING}x 1 worker",
            two >= TARGET_SCALING * one,
        ),
        Row(
            "reviews that did not finish cleanly (all end-to-end phases)",
            f"{trouble}",
            f"reviews: {sum(len(phase.latencies) for phase in phases) + 2}",
            None,
            "0",
            trouble == 0,
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
