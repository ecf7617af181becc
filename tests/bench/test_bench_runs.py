"""The bench machinery on tiny inputs: it counts what it says it counts. No speed figures here."""

from __future__ import annotations

from redis import Redis

from bench import api_calls, world
from bench.e2e_phases import Bench, Completions, review_of
from bench.table import Row, render
from harness.system import LocalSystem


def test_a_one_file_review_is_counted_at_the_simulator_with_the_token_exchange_apart(
    redis_url: str, redis: Redis
) -> None:
    [review] = api_calls.measure(redis_url, sizes=(1,))
    assert review.conclusion in ("success", "failure")
    assert review.token_exchanges == 1
    assert review.review_calls == len(review.calls) - 1 > 0
    assert any(
        endpoint.startswith("POST /repos/") and endpoint.endswith("/check-runs")
        for endpoint in review.by_endpoint()
    )


def test_a_missed_target_stands_out_in_the_table() -> None:
    table = render(
        [
            Row("calls", "12 calls", "1-file PR: 12 calls", 1.0, "<= 8", False),
            Row("ack", "2 ms", "bare", 2.0, "-", None),
        ]
    )
    lines = table.splitlines()
    assert lines[0].split("|")[1].strip() == "metric"
    assert lines[2].rstrip(" |").endswith("MISS")
    assert lines[3].rstrip(" |").endswith("-")


def test_a_review_is_told_apart_from_another_repositorys_review_of_the_same_commit(redis_url: str) -> None:
    """Repositories seeded in the same second with the same files share commit SHAs; the end-to-end phases
    must wait for each one's own check run, or they stop timing while reviews are still running."""
    with LocalSystem(redis_url) as system:
        system.redis.flushdb()
        completions = Completions(system)
        for attempt in range(3):  # the two seeds can straddle a second
            first, second = (
                Bench(
                    system, completions, world.seed_repo(system.sim, f"twin-{attempt}-{index}/repo", 3, index)
                )
                for index in (301, 302)
            )
            [reviewed], [waiting] = first.prs(1), second.prs(1)
            if reviewed.head_sha == waiting.head_sha:
                break
        assert reviewed.head_sha == waiting.head_sha
        first.deliver(reviewed)
        system.run_jobs()
        completions.tick()
        assert review_of(reviewed) in completions.done
        assert review_of(waiting) not in completions.done
