"""The write bucket in Redis: an isolated review's writes go at once, sustained traffic is paced."""

from __future__ import annotations

import bisect
import time

from redis import Redis

from core.settings import Settings
from workers.throttle import GITHUB_WRITES_PER_MINUTE, WRITE_BURST, InstallationThrottle

SPACING = 60.0


def test_a_burst_of_writes_goes_at_once_then_each_waits_a_spacing(redis: Redis) -> None:
    throttle = InstallationThrottle(redis, 1, SPACING, max_wait_seconds=3600)
    assert [throttle.book(write=True) for _ in range(WRITE_BURST)] == [0.0] * WRITE_BURST
    waits = [throttle.book(write=True) for _ in range(3)]
    assert [round(wait / SPACING) for wait in waits] == [1, 2, 3]
    assert throttle.book(write=False) == 0.0, "reads take no token"


def test_installations_have_their_own_buckets(redis: Redis) -> None:
    busy = InstallationThrottle(redis, 1, SPACING, max_wait_seconds=3600)
    for _ in range(WRITE_BURST + 2):
        busy.book(write=True)
    assert InstallationThrottle(redis, 2, SPACING, max_wait_seconds=3600).book(write=True) == 0.0


def test_a_bucket_of_one_spaces_every_write(redis: Redis) -> None:
    throttle = InstallationThrottle(redis, 1, SPACING, max_wait_seconds=3600, burst=1)
    assert throttle.book(write=True) == 0.0
    assert round(throttle.book(write=True) / SPACING) == 1


def test_sustained_writes_at_the_shipped_pacing_stay_under_githubs_80_a_minute(redis: Redis) -> None:
    """Booked (not waited) with the shipped burst and a tenth of the shipped spacing, so a minute is 6 s:
    every window of a (scaled) minute holds at most the burst and one write a spacing."""
    scale = 0.1
    spacing = Settings.write_spacing_seconds * scale
    throttle = InstallationThrottle(redis, 1, spacing, max_wait_seconds=3600)
    starts = sorted(time.monotonic() + throttle.book(write=True) for _ in range(200))
    minute = 60 * scale
    busiest = max(bisect.bisect_left(starts, start + minute) - index for index, start in enumerate(starts))
    assert busiest <= WRITE_BURST + 60 <= GITHUB_WRITES_PER_MINUTE
    assert busiest >= 60, "the bucket still lets a write through every spacing"
