"""The bench machinery on tiny inputs: it counts what it says it counts. No speed figures here."""

from __future__ import annotations

from redis import Redis

from bench import api_calls
from bench.table import Row, render


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
