"""The whole mldebt loop on one machine: simulator, receiver, Redis and workers, wired for real.

Tests and benchmarks run jobs with an in-process RQ worker (deterministic,
no fork); `make demo` runs `python -m workers` as a separate process, just as
production would.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from redis import Redis
from rq import Queue, SimpleWorker

from bot.app import create_app
from bot.settings import Secret, Settings
from ghsim import SimulatedGitHub
from harness.servers import ThreadedServer
from workers import context

APP_ID = 4242
WEBHOOK_SECRET = "local-webhook-secret"


class LocalSystem:
    def __init__(self, redis_url: str, *, latency: float = 0.0, **settings: Any) -> None:
        self.sim = SimulatedGitHub(app_id=APP_ID, webhook_secret=WEBHOOK_SECRET, latency=latency)
        self.redis = Redis.from_url(redis_url)
        self.settings = Settings(
            app_id=APP_ID,
            private_key=Secret(self.sim.private_key_pem),
            webhook_secret=Secret(WEBHOOK_SECRET),
            redis_url=redis_url,
            github_api_url=self.sim.url,
            **settings,
        )
        self.receiver = ThreadedServer(create_app(self.settings))

    def start(self) -> LocalSystem:
        self.sim.start()
        self.receiver.start()
        self.sim.webhook_url = f"{self.receiver.url}/webhook"
        context.install(self.settings, self.redis)
        return self

    def stop(self) -> None:
        self.receiver.stop()
        self.sim.stop()
        self.redis.close()

    def __enter__(self) -> LocalSystem:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def queue(self) -> Queue:
        return Queue(self.settings.queue_name, connection=self.redis)

    def run_jobs(self) -> None:
        """Drains the queue with a real RQ worker in this process."""
        SimpleWorker([self.queue], connection=self.redis).work(burst=True, logging_level="WARNING")

    def worker_command(self) -> tuple[list[str], dict[str, str]]:
        """How to start a separate `python -m workers` process against this system."""
        env = {
            **os.environ,
            "MLDEBT_APP_ID": str(self.settings.app_id),
            "MLDEBT_PRIVATE_KEY": self.settings.private_key.reveal(),
            "MLDEBT_WEBHOOK_SECRET": self.settings.webhook_secret.reveal(),
            "GITHUB_API_URL": self.settings.github_api_url,
            "REDIS_URL": self.settings.redis_url,
            "MLDEBT_LOG_LEVEL": "WARNING",
        }
        return [sys.executable, "-m", "workers"], env
