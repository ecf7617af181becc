"""The write bucket in Redis: an isolated review's writes go at once, sustained traffic is paced."""

from __future__ import annotations

from redis import Redis

from workers.throttle import WRITE_BURST, InstallationThrottle

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
