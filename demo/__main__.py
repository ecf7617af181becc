"""Starts the simulator (seeded with a small ML repo and a PR carrying debt), the receiver and
one worker process; delivers a signed `pull_request.opened`; prints what GitHub would show."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from typing import Any

from ghsim import payloads
from harness.seed import REPO, seed_pull_request
from harness.system import LocalSystem

TIMEOUT_SECONDS = 60


def main() -> int:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        print(
            "make demo needs Redis: run it through `make demo` (starts a private redis-server)"
            " or set REDIS_URL.",
            file=sys.stderr,
        )
        return 2
    with LocalSystem(redis_url, log_level="WARNING") as system:
        system.redis.flushdb()
        _, pr = seed_pull_request(system.sim)
        command, env = system.worker_command()
        worker = subprocess.Popen(command, env=env)
        try:
            print(
                f"→ GitHub simulator at {system.sim.url}, receiver at {system.receiver.url},"
                f" one worker (pid {worker.pid})"
            )
            print(f"→ {REPO} PR #{pr.number} “{pr.title}” by alice; delivering a signed pull_request.opened")
            started = time.monotonic()
            answer = system.sim.deliver(
                "pull_request", payloads.pull_request(system.sim, REPO, pr.number, "opened")
            )
            elapsed_ms = (time.monotonic() - started) * 1000
            outcome = answer.json()["outcome"]
            print(f"← receiver answered {answer.status_code} {outcome} in {elapsed_ms:.0f} ms")
            run = _wait_for_completed_run(system, pr.head_sha)
            if run is None:
                print("✗ no completed check run within a minute", file=sys.stderr)
                return 1
            print(f"← review finished in {time.monotonic() - started:.1f} s\n")
            _show(system, run, pr.number)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
    return 0


def _wait_for_completed_run(system: LocalSystem, sha: str) -> dict[str, Any] | None:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        runs = [run for run in system.sim.check_runs(REPO, sha) if run["status"] == "completed"]
        if runs:
            return runs[-1]
        time.sleep(0.2)
    return None


def _show(system: LocalSystem, run: dict[str, Any], number: int) -> None:
    print(f"Check run “{run['name']}”: {run['status']} · conclusion {run['conclusion'].upper()}")
    print(f"Title: {run['output']['title']}\n")
    print(textwrap.indent(run["output"]["summary"], "    "))
    print(f"\nAnnotations: {len(run['output']['annotations'])}")
    for note in run["output"]["annotations"]:
        print(f"    {note['path']}:{note['start_line']} [{note['annotation_level']}] {note['title']}")
    comments = system.sim.review_comments(REPO, number)
    print(f"\nReview comments: {len(comments)} (one review)")
    for comment in comments:
        span = (
            f"{comment['start_line']}-{comment['line']}"
            if comment.get("start_line")
            else f"{comment['line']}"
        )
        print(f"\n  {comment['path']}:{span}")
        body = comment["body"].split("<!--")[0].strip()
        print(textwrap.indent(body, "    │ ", lambda _: True))


if __name__ == "__main__":
    sys.exit(main())
