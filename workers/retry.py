"""When and how long the gateway waits before asking GitHub again.

Rate limits say when to come back (`retry-after`, else `x-ratelimit-reset`,
else a minute, as GitHub asks); a rate limit that persists backs off further.
Server errors and timeouts back off exponentially with jitter, so that a fleet
of workers does not retry in lockstep — but only for requests that are safe to
send twice: a POST that timed out may have landed, so the gateway looks before
it resends one (see `GitHubGateway._write_once`).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from datetime import timedelta

import httpx
from githubkit.exception import GitHubException, RateLimitExceeded, RequestFailed, RequestTimeout
from githubkit.typing import RetryDecisionFunc, RetryOption

from core.settings import Settings

log = logging.getLogger("mldebt.retry")
DEFAULT_RATE_LIMIT_WAIT = 60.0
SAFE_METHODS = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE"})


def backoff(settings: Settings, attempt: int) -> float:
    """Exponential with equal jitter: half the ceiling fixed, half random."""
    ceiling = min(settings.retry_max_delay_seconds, settings.retry_base_delay_seconds * 2**attempt)
    return random.uniform(ceiling / 2, ceiling)


def transient(exc: BaseException) -> bool:
    """A failure worth asking again about: GitHub's 5xx or no answer in time."""
    if isinstance(exc, RequestTimeout):
        return True
    return (
        isinstance(exc, RequestFailed)
        and not isinstance(exc, RateLimitExceeded)
        and exc.response.status_code >= 500
    )


def rate_limit_wait(exc: GitHubException) -> float | None:
    """Seconds GitHub asks us to stay away, or None when this is no rate limit."""
    if isinstance(exc, RateLimitExceeded):
        return exc.retry_after.total_seconds()
    if not isinstance(exc, RequestFailed) or exc.response.status_code not in (403, 429):
        return None
    headers = exc.response.headers
    retry_after = headers.get("retry-after", "")
    if retry_after.isdigit():
        return float(retry_after)
    reset = headers.get("x-ratelimit-reset", "")
    if headers.get("x-ratelimit-remaining") == "0" and reset.isdigit():
        return max(float(reset) - time.time(), 0.0)
    if exc.response.status_code == 429 or "rate limit" in exc.response.text.lower():
        return DEFAULT_RATE_LIMIT_WAIT
    return None


def safe_to_resend(request: httpx.Request | None) -> bool:
    """Reads, GraphQL queries and the idempotent verbs; never a POST that creates something."""
    if request is None:
        return False
    return request.method in SAFE_METHODS or (
        request.method == "POST" and request.url.path.endswith("/graphql")
    )


def never_resend(request: httpx.Request | None) -> bool:
    """For writes whose caller looks whether they landed before sending them again."""
    return False


def always_resend(request: httpx.Request | None) -> bool:
    """For the App's own calls: a second installation token or redelivery request does no harm."""
    return True


def retry_policy(
    settings: Settings, resend: Callable[[httpx.Request | None], bool] = safe_to_resend
) -> RetryDecisionFunc:
    """githubkit's retry hook. A rate-limited request never reached GitHub, so it is always
    resent; after a 5xx or a timeout, only a request that `resend` says is safe to send twice."""

    def decide(exc: GitHubException, retry_count: int) -> RetryOption:
        wait = rate_limit_wait(exc)
        if wait is not None:
            wait = max(wait, backoff(settings, retry_count) if retry_count else 0.0)
            if retry_count >= settings.retry_attempts or wait > settings.rate_limit_max_wait_seconds:
                log.warning("rate limited for %.0f s; giving up on this request", wait)
                return RetryOption(False)
            log.warning("rate limited; waiting %.1f s", wait)
            return RetryOption(True, timedelta(seconds=wait))
        if not transient(exc) or retry_count >= settings.retry_attempts:
            return RetryOption(False)
        if not resend(getattr(exc, "request", None)):
            return RetryOption(False)
        delay = backoff(settings, retry_count)
        log.warning(
            "GitHub %s; retrying in %.2f s",
            "timed out" if isinstance(exc, RequestTimeout) else "failed",
            delay,
        )
        return RetryOption(True, timedelta(seconds=delay))

    return decide
