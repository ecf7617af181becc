"""The receiver under test: served over real HTTP on loopback, with a real Redis behind it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from redis import Redis

from bot.app import create_app
from core.settings import Settings
from harness.servers import ThreadedServer

SECRET = "receiver-test-secret"
# Fewer and shorter than the default, so a test can tell them from it.
RETRY_INTERVALS = (5, 30)


@pytest.fixture
def settings(redis_url: str) -> Settings:
    return Settings.from_env(
        {
            "MLDEBT_APP_ID": "29310",
            "MLDEBT_PRIVATE_KEY": "unused-here",
            "MLDEBT_WEBHOOK_SECRET": SECRET,
            "REDIS_URL": redis_url,
            "MLDEBT_JOB_RETRY_INTERVALS": ",".join(str(seconds) for seconds in RETRY_INTERVALS),
        }
    )


@pytest.fixture
def receiver(settings: Settings, redis: Redis) -> Iterator[str]:
    with ThreadedServer(create_app(settings)) as server:
        yield server.url
