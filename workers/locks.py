"""Locks for housekeeping jobs that live exactly as long as their holder does.

A lock with a fixed lifetime of minutes outlives a worker killed mid-sweep,
and every later sweep does nothing until it expires. These locks instead
expire a few heartbeats after their holder last renewed them, and a thread
of the holder renews them every heartbeat: a living holder keeps its lock
however long it works, a dead one loses it within seconds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from redis import Redis
from redis.exceptions import LockError, RedisError

log = logging.getLogger("mldebt.locks")
# Missed renewals a lock survives: one late heartbeat (a busy machine) must not hand it over.
HEARTBEATS_TO_EXPIRY = 3


def lifetime(heartbeat_seconds: float) -> float:
    return max(heartbeat_seconds, 1) * HEARTBEATS_TO_EXPIRY


@contextmanager
def held(redis: Redis, key: str, heartbeat_seconds: float) -> Iterator[bool]:
    """Yields whether the lock was taken; while it is, a thread renews it every heartbeat."""
    lock = redis.lock(
        key, timeout=lifetime(heartbeat_seconds), thread_local=False
    )  # renewed from another thread
    if not lock.acquire(blocking=False):
        yield False
        return
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(max(heartbeat_seconds, 1)):
            try:
                lock.reacquire()
            except (LockError, RedisError):
                log.warning("lost the lock %s", key)
                return

    renewer = threading.Thread(target=renew, name=f"renew {key}", daemon=True)
    renewer.start()
    try:
        yield True
    finally:
        stop.set()
        renewer.join()
        try:
            lock.release()
        except (LockError, RedisError):
            log.info("the lock %s had already expired", key)
