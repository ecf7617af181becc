"""The shipped write pacing, seen from both sides: a lone review, and an installation under sustained load.

A lone review is one PR on an installation that has been quiet: its writes
fit the installation's burst, so pacing should cost it nothing. Sustained
traffic is a burst of PRs on one installation: pacing then holds its writes
to one a second, and the row checks them against GitHub's documented limit
for content-creating requests (about 80 a minute), counted at the simulator
over every 60-second window of the phase.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ghsim.server import Call
from workers.throttle import GITHUB_WRITES_PER_MINUTE, WRITE_METHODS

__all__ = ["GITHUB_WRITES_PER_MINUTE", "WINDOW_SECONDS", "WriteLoad", "peak_in_window", "write_load"]

WINDOW_SECONDS = 60.0


def is_content_write(call: Call) -> bool:
    """What GitHub counts as content-creating: an installation's writes, GraphQL queries aside."""
    return (
        call.installation_id is not None
        and call.method in WRITE_METHODS
        and not call.path.endswith("/graphql")
    )


def writes_by_installation(calls: Iterable[Call]) -> dict[int, list[float]]:
    """Each installation's content writes, by the wall-clock moment the simulator took them."""
    moments: dict[int, list[float]] = defaultdict(list)
    for call in calls:
        if is_content_write(call) and call.installation_id is not None:
            moments[call.installation_id].append(call.timestamp)
    return {installation: sorted(times) for installation, times in moments.items()}


def peak_in_window(moments: Sequence[float], window: float = WINDOW_SECONDS) -> int:
    """The most writes any `window`-second span holds (all of them when the phase is shorter)."""
    return max(
        (bisect.bisect_right(moments, start + window) - index for index, start in enumerate(moments)),
        default=0,
    )


@dataclass(frozen=True)
class WriteLoad:
    """What one phase's writes did to GitHub's limit."""

    writes: int
    reviews: int
    peak_per_window: int
    busiest_installation: int | None

    @property
    def per_review(self) -> float:
        return self.writes / self.reviews if self.reviews else 0.0


def write_load(calls: Iterable[Call], reviews: int) -> WriteLoad:
    moments = writes_by_installation(calls)
    peaks = {installation: peak_in_window(times) for installation, times in moments.items()}
    busiest = max(peaks, key=lambda installation: peaks[installation], default=None)
    return WriteLoad(
        sum(len(times) for times in moments.values()),
        reviews,
        peaks[busiest] if busiest is not None else 0,
        busiest,
    )
