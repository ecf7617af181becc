"""Per-identity rate-limit buckets behind the ``x-ratelimit-*`` headers.

Installation tokens share one bucket per installation (as on GitHub), so a
bot that fans out across workers sees the same draining ``remaining``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

WINDOW_SECONDS = 3600
LIMITS = {"installation": 5000, "app": 5000, "anonymous": 60}

BucketKey = tuple[str, object, str]


@dataclass
class Bucket:
    limit: int
    used: int
    reset_at: int

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    def headers(self, resource: str) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-reset": str(self.reset_at),
            "x-ratelimit-used": str(self.used),
            "x-ratelimit-resource": resource,
        }


class RateLimiter:
    def __init__(self) -> None:
        self._buckets: dict[BucketKey, Bucket] = {}
        self._lock = threading.Lock()

    def _bucket(self, key: BucketKey) -> Bucket:
        current = int(time.time())
        bucket = self._buckets.get(key)
        if bucket is None or current >= bucket.reset_at:
            limit = bucket.limit if bucket else LIMITS.get(key[0], 5000)
            bucket = Bucket(limit, 0, current + WINDOW_SECONDS)
            self._buckets[key] = bucket
        return bucket

    def take(self, key: BucketKey, cost: int = 1) -> tuple[Bucket, bool]:
        """Charge ``cost``; returns a snapshot and whether the call is allowed."""
        with self._lock:
            bucket = self._bucket(key)
            if bucket.remaining <= 0:
                return Bucket(bucket.limit, bucket.used, bucket.reset_at), False
            bucket.used += min(cost, bucket.remaining)
            return Bucket(bucket.limit, bucket.used, bucket.reset_at), True

    def peek(self, key: BucketKey) -> Bucket:
        with self._lock:
            bucket = self._bucket(key)
            return Bucket(bucket.limit, bucket.used, bucket.reset_at)

    def set(
        self, key: BucketKey, remaining: int, limit: int | None = None, reset_in: int = WINDOW_SECONDS
    ) -> None:
        with self._lock:
            current = self._bucket(key)
            new_limit = limit if limit is not None else current.limit
            self._buckets[key] = Bucket(new_limit, max(new_limit - remaining, 0), int(time.time()) + reset_in)
