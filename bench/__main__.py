"""`python -m bench` (`make bench`): every benchmark, then one table with the machine on top.

Needs REDIS_URL pointing at a scratch Redis (`make bench` starts a private
one): the benchmarks flush it. Progress goes to stderr, the table to stdout.
A section that crashes gets an error row; the run always exits 0, since
speed figures are for reading, not for failing builds.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable

from bench import ack, api_calls, e2e, machine, repo_size, rules_row
from bench.table import Row, failed, render


def _sections(redis_url: str) -> list[tuple[str, str, str, Callable[[], list[Row]]]]:
    """(name, baseline, target, run): the first three label an error row if the section crashes."""
    return [
        (
            "webhook ack",
            "bare FastAPI 202",
            "p99 <= 20 ms, max throughput >= 0.5x bare",
            lambda: ack.run(redis_url),
        ),
        ("rule engine speed", "libcst.parse_module", "<= 1.5x parse time", rules_row.run),
        (
            "GitHub API calls per review",
            "1-file PR",
            "<= 8 up to 100 files",
            lambda: api_calls.run(redis_url),
        ),
        ("cost follows the PR", "10-file repo", "<= 1.2x time, = calls", lambda: repo_size.run(redis_url)),
        (
            "end to end + worker memory",
            "GitHub wait alone",
            "lone review p50 <= 1.5 s",
            lambda: e2e.run(redis_url),
        ),
    ]


def main() -> int:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        print(
            "bench: REDIS_URL is not set; run `make bench`, which starts a private redis-server",
            file=sys.stderr,
        )
        return 2
    started = time.monotonic()
    rows: list[Row] = []
    for name, baseline, target, run in _sections(redis_url):
        print(f"bench: {name}…", file=sys.stderr, flush=True)
        section_started = time.monotonic()
        try:
            rows += run()
        except Exception as exc:
            traceback.print_exc()
            rows.append(failed(name, baseline, target, exc))
        print(f"bench: {name} took {time.monotonic() - section_started:.0f} s", file=sys.stderr, flush=True)
    misses = sum(row.met is False for row in rows)
    print(machine.describe())
    print(render(rows))
    print(f"{misses} target(s) missed; whole run {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
