"""`python -m workers`: one RQ worker on the review queue. Scale out by running more."""

from __future__ import annotations

import sys

from redis import Redis
from rq import Worker

from bot.logs import configure
from bot.settings import Settings, SettingsError


def main() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"mldebt worker: {exc}", file=sys.stderr)
        return 2
    configure(settings.log_level)
    worker = Worker([settings.queue_name], connection=Redis.from_url(settings.redis_url))
    worker.work(with_scheduler=True, logging_level=settings.log_level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
