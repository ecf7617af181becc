"""Row 3: GitHub API calls one review makes, by PR size, counted where GitHub would count them.

Every request the simulator answered during the review is counted, reads and
writes alike. The installation-token exchange is shown on its own row: it is
made once per installation per hour, not once per review. Write pacing is
off here: it changes when calls go out, not how many.

`python -m bench.api_calls` also prints each review's calls by endpoint.
"""

from __future__ import annotations

import math
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass

from bench import world
from bench.table import Row, ratio
from ghsim import Call, payloads
from harness.system import LocalSystem

SIZES = (1, 10, 100, 1000)
TOKEN_EXCHANGE = re.compile(r"^/app/installations/\d+/access_tokens$")
BUDGET_CALLS = 8
BUDGET_FILES = 100
FILES_PER_EXTRA_CALL = 50
_NUMBERS = re.compile(r"/[0-9a-f]{40}|/\d+")


@dataclass(frozen=True)
class Review:
    files: int
    calls: list[Call]
    conclusion: str | None

    @property
    def review_calls(self) -> int:
        return sum(1 for call in self.calls if not TOKEN_EXCHANGE.match(call.path))

    @property
    def token_exchanges(self) -> int:
        return len(self.calls) - self.review_calls

    def by_endpoint(self) -> Counter[str]:
        return Counter(f"{call.method} {_NUMBERS.sub('/{}', call.path)}" for call in self.calls)


def budget(files: int) -> int:
    """8 calls up to 100 files, then at most one more per further 50 files."""
    return BUDGET_CALLS + max(0, math.ceil((files - BUDGET_FILES) / FILES_PER_EXTRA_CALL))


def measure(redis_url: str, sizes: tuple[int, ...] = SIZES) -> list[Review]:
    reviews = []
    with LocalSystem(redis_url, log_level="WARNING", write_spacing_seconds=0.0) as system:
        system.redis.flushdb()
        repo = world.seed_repo(system.sim, "octo-org/api-calls", max(sizes))
        for revision, files in enumerate(sizes, start=1):
            pr = world.open_pr(repo, files, revision)
            event = payloads.pull_request(system.sim, repo, pr.number, "opened")
            system.sim.clear_calls()
            system.sim.deliver("pull_request", event)
            system.run_jobs()
            runs = system.sim.check_runs(repo, pr.head_sha)
            reviews.append(Review(files, system.sim.calls, runs[-1]["conclusion"] if runs else None))
        system.redis.flushdb()
    return reviews


def rows(reviews: list[Review]) -> list[Row]:
    smallest = reviews[0]
    out = []
    for review in reviews:
        limit = budget(review.files)
        clean = review.conclusion in ("success", "failure")
        note = "" if clean else f" (check run: {review.conclusion})"
        out.append(
            Row(
                f"GitHub API calls per review, {review.files:,}-file PR",
                f"{review.review_calls} calls{note}",
                f"{smallest.files}-file PR: {smallest.review_calls} calls",
                ratio(review.review_calls, smallest.review_calls),
                f"<= {limit}",
                review.review_calls <= limit and clean,
            )
        )
    exchanges = sum(review.token_exchanges for review in reviews)
    out.append(
        Row(
            f"installation token exchanges over those {len(reviews)} reviews",
            f"{exchanges}",
            f"reviews: {len(reviews)}",
            ratio(exchanges, len(reviews)),
            "<= 1 per installation-hour",
            exchanges <= 1,
        )
    )
    return out


def run(redis_url: str) -> list[Row]:
    return rows(measure(redis_url))


def main() -> int:
    for review in measure(os.environ["REDIS_URL"]):
        print(
            f"{review.files:,}-file PR: {review.review_calls} calls"
            f" + {review.token_exchanges} token exchange(s)"
        )
        for endpoint, count in sorted(review.by_endpoint().items()):
            print(f"  {count:4d}  {endpoint}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
