"""GitHub call tallies from every worker process reach the receiver's /metrics through Redis."""

from __future__ import annotations

import httpx
from redis import Redis

from bot.app import create_app
from core.metrics import record_github_call
from core.settings import Settings
from harness.servers import ThreadedServer


def test_calls_recorded_by_any_process_are_scraped_from_redis(redis_url: str, redis: Redis) -> None:
    settings = Settings.from_env({"MLDEBT_APP_ID": "1", "MLDEBT_WEBHOOK_SECRET": "s", "REDIS_URL": redis_url})
    record_github_call(redis, "POST", 201, 7, "4990")
    record_github_call(redis, "POST", 201, 7, "4989")
    record_github_call(redis, "GET", 404, 8, None)
    with ThreadedServer(create_app(settings)) as server:
        text = httpx.get(f"{server.url}/metrics").text
    assert 'mldebt_fleet_github_calls_total{method="POST",status="201"} 2.0' in text
    assert 'mldebt_fleet_github_calls_total{method="GET",status="404"} 1.0' in text
    assert 'mldebt_fleet_github_rate_limit_remaining{installation="7"} 4989.0' in text
