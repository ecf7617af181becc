"""How the gateway retries GitHub: server errors and rate limits, with backoff and jitter.

Rate limits say when to come back (`retry-after`, else `x-ratelimit-reset`);
otherwise a minute. Server errors back off exponentially with full jitter so
that a fleet of workers does not retry in lockstep.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

from githubkit.exception import GitHubException, RequestFailed, RequestTimeout
from githubkit.typing import RetryOption

SERVER_RETRIES = 4
RATE_LIMIT_RETRIES = 2
BASE_DELAY_SECONDS = 0.5
MAX_DELAY_SECONDS = 30.0
DEFAULT_RATE_LIMIT_WAIT = 60.0


def _rate_limit_wait(response: object) -> float | None:
    headers = getattr(response, "headers", {})
    status = getattr(response, "status_code", 0)
    if status not in (403, 429):
        return None
    retry_after = headers.get("retry-after")
    if retry_after and retry_after.isdigit():
        return float(retry_after)
    if headers.get("x-ratelimit-remaining") == "0":
        reset = headers.get("x-ratelimit-reset", "")
        if reset.isdigit():
            return max(float(reset) - time.time(), 0.0) + 1.0
        return DEFAULT_RATE_LIMIT_WAIT
    if status == 429:
        return DEFAULT_RATE_LIMIT_WAIT
    return None


def RETRY_POLICY(exc: GitHubException, retry_count: int) -> RetryOption:  # noqa: N802 (githubkit calls it like a constant)
    response = getattr(exc, "response", None)
    wait = _rate_limit_wait(response) if response is not None else None
    if wait is not None:
        if retry_count >= RATE_LIMIT_RETRIES or wait > MAX_DELAY_SECONDS * 4:
            return RetryOption(False)
        return RetryOption(True, timedelta(seconds=wait))
    server_error = isinstance(exc, RequestFailed) and exc.response.status_code >= 500
    if (server_error or isinstance(exc, RequestTimeout)) and retry_count < SERVER_RETRIES:
        ceiling = min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2**retry_count)
        return RetryOption(True, timedelta(seconds=random.uniform(ceiling / 2, ceiling)))
    return RetryOption(False)
