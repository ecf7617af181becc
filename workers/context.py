"""Per-process resources of a worker, built on first use and never at import."""

from __future__ import annotations

from dataclasses import dataclass

from redis import Redis

from core.settings import Settings
from workers.tokens import InstallationTokens


@dataclass(frozen=True)
class WorkerContext:
    settings: Settings
    redis: Redis
    tokens: InstallationTokens


_installed: list[WorkerContext] = []


def install(settings: Settings, redis: Redis) -> WorkerContext:
    """Lets an in-process worker (tests, demo, bench) hand over settings instead of the environment."""
    context = WorkerContext(settings, redis, InstallationTokens(settings, redis))
    _installed[:] = [context]
    return context


def current() -> WorkerContext:
    if not _installed:
        settings = Settings.from_env()
        install(settings, Redis.from_url(settings.redis_url))
    return _installed[0]
