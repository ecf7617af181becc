"""How an end-to-end phase is driven and timed: PRs delivered to the receiver, check runs watched for
completion in the simulator, one PR at a time or in a burst, on one installation or spread over several."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench import world
from bench.poller import Poller
from ghsim import PullRequest, Repo, payloads
from harness.system import LocalSystem

FILES = 20
PHASE_TIMEOUT = 180.0
POLL = 0.01


# A review as the simulator knows it: the repository's id and the commit reviewed. A head SHA alone is not
# one: repositories seeded in the same second with the same files get the same commits.
Review = tuple[int, str]


def review_of(pr: PullRequest) -> Review:
    return (pr.repo.id, pr.head_sha)


class Completions(Poller):
    """Watches the simulator for check runs turning `completed` and notes when each did.

    Waiters are woken by the watcher rather than polling themselves: on two
    cores every busy loop here is CPU taken from the workers being measured.
    """

    def __init__(self, system: LocalSystem) -> None:
        super().__init__(POLL)
        self._state = system.sim.state
        self.done: dict[Review, tuple[float, str | None]] = {}
        self._changed = threading.Condition()

    def tick(self) -> None:
        seen = time.monotonic()
        with self._state.lock:
            finished = [
                ((run.repo_id, run.head_sha), run.conclusion)
                for run in self._state.check_runs.values()
                if run.status == "completed"
            ]
        fresh = [(review, conclusion) for review, conclusion in finished if review not in self.done]
        if fresh:
            with self._changed:
                for review, conclusion in fresh:
                    self.done[review] = (seen, conclusion)
                self._changed.notify_all()

    def wait(self, prs: Sequence[PullRequest], timeout: float = PHASE_TIMEOUT) -> None:
        reviews = [review_of(pr) for pr in prs]
        with self._changed:
            if not self._changed.wait_for(lambda: all(review in self.done for review in reviews), timeout):
                unfinished = sum(review not in self.done for review in reviews)
                raise TimeoutError(f"{unfinished} of {len(prs)} reviews unfinished after {timeout:.0f} s")


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
        ends = [self.completions.done[review_of(pr)] for pr in prs]
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
            self.completions.wait([pr])
        return self._phase(prs, sent, first_call)

    def burst(self, count: int) -> Phase:
        prs = self.prs(count)
        first_call = len(self.system.sim.calls)
        sent = [self.deliver(pr) for pr in prs]
        self.completions.wait(prs)
        return self._phase(prs, sent, first_call)


def _joined(phases: Sequence[Phase]) -> Phase:
    """Phases run one after another, as one sample."""
    return Phase(
        latencies=[latency for phase in phases for latency in phase.latencies],
        elapsed=sum(phase.elapsed for phase in phases),
        conclusions=[conclusion for phase in phases for conclusion in phase.conclusions],
        calls=sum(phase.calls for phase in phases),
    )


class Fleet:
    """PRs spread round-robin over repositories on installations of their own.

    GitHub allows an installation 80 content-creating requests a minute; an
    unpaced worker reviewing 50 PRs a minute on one installation outruns that,
    and the simulator then answers 403 with `retry-after` as GitHub does. The
    phases that measure the bot's own work (pacing off) spread their PRs so that
    this limit, which the sustained-traffic phase measures, never decides them.
    """

    def __init__(self, benches: Sequence[Bench]) -> None:
        self.benches = list(benches)

    def sequential(self, count: int) -> Phase:
        return _joined([self.benches[index % len(self.benches)].sequential(1) for index in range(count)])

    def burst(self, count: int) -> Phase:
        made = []
        for index in range(count):
            bench = self.benches[index % len(self.benches)]
            made += [(bench, pr) for pr in bench.prs(1)]
        lead = self.benches[0]
        first_call = len(lead.system.sim.calls)
        sent = [bench.deliver(pr) for bench, pr in made]
        lead.completions.wait([pr for _, pr in made])
        return lead._phase([pr for _, pr in made], sent, first_call)
