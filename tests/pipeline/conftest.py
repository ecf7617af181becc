from __future__ import annotations

from collections.abc import Iterator

import pytest
from redis import Redis

from harness.system import LocalSystem


@pytest.fixture
def system(redis_url: str, redis: Redis) -> Iterator[LocalSystem]:
    with LocalSystem(redis_url) as running:
        yield running
