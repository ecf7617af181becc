"""The githubkit clients behind the gateway: auth, retries, the installation's throttle and call metrics.

An installation's gateway holds two clients that share one throttle: one
resends what is safe to resend, one never resends (a create that may have
landed is looked for first, by the gateway).
"""

from __future__ import annotations

import functools
import ssl
from collections.abc import Callable

import httpx
from githubkit import GitHub
from redis import Redis

from core.metrics import GITHUB_CALLS, RATE_REMAINING, record_github_call
from core.settings import Settings
from workers.retry import never_resend, retry_policy, safe_to_resend
from workers.throttle import InstallationThrottle
from workers.tokens import InstallationAuth, InstallationTokens


def owner_and_name(repo: str) -> tuple[str, str]:
    """What githubkit's REST calls take for "owner/name"."""
    owner, _, name = repo.partition("/")
    return owner, name


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One per process: building it reads the CA bundle (tens of ms), too much for every job.
    `python -m workers` builds it before RQ forks, so every work horse inherits it."""
    return httpx.create_ssl_context()


def _recorder(redis: Redis, installation_id: int) -> Callable[[httpx.Response], None]:
    """Counts each call here and, for the fleet's /metrics, in Redis: a work horse's own counters die
    with it."""

    def record(response: httpx.Response) -> None:
        GITHUB_CALLS.labels(method=response.request.method, status=str(response.status_code)).inc()
        remaining = response.headers.get("x-ratelimit-remaining")
        if remaining is not None and remaining.isdigit():
            RATE_REMAINING.labels(installation=str(installation_id)).set(int(remaining))
        record_github_call(redis, response.request.method, response.status_code, installation_id, remaining)

    return record


def installation_clients(
    settings: Settings, tokens: InstallationTokens, installation_id: int, redis: Redis
) -> tuple[GitHub[InstallationAuth], GitHub[InstallationAuth]]:
    """(resending, never resending) clients of one installation."""
    throttle = InstallationThrottle(
        redis, installation_id, settings.write_spacing_seconds, settings.rate_limit_max_wait_seconds
    )
    record = _recorder(redis, installation_id)

    def client(resend: Callable[[httpx.Request | None], bool]) -> GitHub[InstallationAuth]:
        return GitHub(
            InstallationAuth(tokens, installation_id),
            base_url=settings.github_api_url,
            http_cache=False,
            auto_retry=retry_policy(settings, resend),
            throttler=throttle,
            timeout=settings.http_timeout_seconds,
            ssl_verify=tls_context(),
            event_hooks={"response": [record, throttle.observe]},
        )

    return client(safe_to_resend), client(never_resend)
