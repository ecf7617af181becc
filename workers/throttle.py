"""Paces one installation's GitHub traffic across every worker, through Redis.

GitHub asks integrators to keep content-creating requests (POST, PATCH, PUT,
DELETE) of one installation to about one a second, and to hold off all
requests while a rate limit lasts. Workers are separate processes, so the
schedule lives in Redis, as a token bucket per installation: a burst of
`WRITE_BURST` writes goes at once, then one more every spacing, so an isolated
review never waits while sustained traffic stays at one write per spacing.
Each write books its turn atomically (a GCRA schedule on Redis' own clock, so
workers need not agree on time) and sleeps until it comes. Other installations
have their own buckets and never wait for this one.

Redis is only where the buckets are shared: when it cannot be reached, each
process paces its own writes with the same bucket kept locally, so closing a
check run never waits on Redis coming back.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Generator
from contextlib import asynccontextmanager, contextmanager

import anyio
import httpx
from githubkit.throttling import BaseThrottler
from redis import Redis
from redis.exceptions import RedisError

from core import keys

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
# GitHub's documented secondary limit: "no more than 80 content-generating requests per minute". The
# burst and one write a spacing keep any minute of an installation's writes at WRITE_BURST + 60 s/spacing.
GITHUB_WRITES_PER_MINUTE = 80
# Writes one installation may send back to back after a quiet spell: a small review's three.
WRITE_BURST = 5
# A write may re-book at most this often, so a machine that is always late still makes progress.
MAX_RESERVATIONS = 3
# Waking later than this share of the spacing counts as overslept.
LATE_FRACTION = 0.1

# KEYS: the bucket's theoretical arrival time (when it is full again, less one spacing), end of a
# rate-limit pause (both ms since the epoch). ARGV: spacing in ms, "1" for a write, burst.
# A write may go once the bucket holds a token: no earlier than `burst` spacings before the arrival time.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local start = now
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > start then start = paused end
if ARGV[2] == '1' then
  local spacing = tonumber(ARGV[1])
  local arrival = tonumber(redis.call('GET', KEYS[1]) or '0')
  if arrival < start then arrival = start end
  local allowed = arrival + spacing - tonumber(ARGV[3]) * spacing
  if allowed > start then start = allowed end
  redis.call('SET', KEYS[1], string.format('%d', arrival + spacing), 'PX', arrival + spacing - now + 1000)
end
return start - now
"""

# KEYS: end of the pause; ARGV: pause length in ms. Never shortens a longer pause.
_PAUSE = """
local t = redis.call('TIME')
local until_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < until_ms then
  redis.call('SET', KEYS[1], string.format('%d', until_ms), 'PX', tonumber(ARGV[1]) + 1000)
end
return 0
"""


class InstallationPaused(Exception):
    """GitHub rate-limited this installation for longer than a worker waits."""


def is_write(request: httpx.Request) -> bool:
    """GraphQL queries travel as POST but create nothing."""
    return request.method in WRITE_METHODS and not request.url.path.endswith("/graphql")


class LocalBucket:
    """The same schedule as `_RESERVE`, for this process alone: used while Redis is unreachable."""

    def __init__(self) -> None:
        self._arrival = 0.0
        self._paused_until = 0.0

    def book(self, write: bool, spacing: float, burst: int) -> float:
        now = time.monotonic()
        start = max(now, self._paused_until)
        if write:
            arrival = max(self._arrival, start)
            start = max(start, arrival + spacing - burst * spacing)
            self._arrival = arrival + spacing
        return start - now

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)


class InstallationThrottle(BaseThrottler):
    """githubkit's throttling hook for one installation's client."""

    def __init__(
        self,
        redis: Redis,
        installation_id: int,
        spacing_seconds: float,
        max_wait_seconds: float,
        burst: int = WRITE_BURST,
    ) -> None:
        self._redis = redis
        self._max_wait = max_wait_seconds
        self._burst = max(burst, 1)
        self._keys = [keys.write_slot_key(installation_id), keys.rate_pause_key(installation_id)]
        self._spacing_ms = max(int(spacing_seconds * 1000), 0)
        self._reserve = redis.register_script(_RESERVE)
        self._pause = redis.register_script(_PAUSE)
        self._local = LocalBucket()

    def book(self, write: bool) -> float:
        """Books this request's turn (a write takes a token); returns the seconds until it comes."""
        try:
            return (
                int(
                    self._reserve(
                        keys=self._keys, args=[self._spacing_ms, "1" if write else "0", self._burst]
                    )
                )
                / 1000
            )
        except RedisError:
            return self._local.book(write, self._spacing_ms / 1000, self._burst)

    def wait_turn(self, request: httpx.Request) -> float:
        """Sleeps until this request may go; returns the seconds waited.

        A write that wakes late (a busy machine overslept it) books a fresh
        turn, so lateness never squeezes it against the writes booked after it.
        """
        write = is_write(request)
        total = 0.0
        for _ in range(MAX_RESERVATIONS):
            waited = self.book(write)
            if waited > self._max_wait:
                raise InstallationPaused(f"rate limited for another {waited:.0f} s")
            if waited <= 0:
                return total
            woke_due = time.monotonic() + waited
            time.sleep(waited)
            total += waited
            if not write or time.monotonic() - woke_due <= self._spacing_ms * LATE_FRACTION / 1000:
                return total
        return total

    def pause(self, seconds: float) -> None:
        """Holds every worker's requests for this installation (GitHub said: rate limited)."""
        self._local.pause(seconds)
        try:
            self._pause(keys=self._keys[1:], args=[max(int(seconds * 1000), 1)])
        except RedisError:
            return

    def observe(self, response: httpx.Response) -> None:
        """httpx response hook: a rate-limit answer pauses the whole installation."""
        if response.status_code not in (403, 429):
            return
        retry_after = response.headers.get("retry-after", "")
        reset = response.headers.get("x-ratelimit-reset", "")
        if retry_after.isdigit():
            self.pause(float(retry_after))
        elif response.headers.get("x-ratelimit-remaining") == "0" and reset.isdigit():
            self.pause(max(float(reset) - time.time(), 0.0))

    @contextmanager
    def acquire(self, request: httpx.Request) -> Generator[None, None, None]:
        self.wait_turn(request)
        yield

    @asynccontextmanager
    async def async_acquire(self, request: httpx.Request) -> AsyncGenerator[None, None]:
        await anyio.to_thread.run_sync(self.wait_turn, request)
        yield
