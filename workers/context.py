"""Per-process resources of a worker, built on first use and never at import."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from redis import Redis

from bot.settings import Settings
from workers.tokens import InstallationTokens


@dataclass(frozen=True)
class WorkerContext:
    settings: Settings
    redis: Redis
    tokens: InstallationTokens


@cache
def current() -> WorkerContext:
    settings = Settings.from_env()
    redis = Redis.from_url(settings.redis_url)
    return WorkerContext(settings, redis, InstallationTokens(settings, redis))
