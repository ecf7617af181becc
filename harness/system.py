"""The whole mldebt loop on one machine: simulator, receiver, Redis and workers, wired for real.

Tests and benchmarks run jobs with an in-process RQ worker (deterministic,
no fork) or with real `python -m workers` processes on the same Redis, just
as production would (`make demo` does the latter).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from redis import Redis
from rq import Queue, SimpleWorker, Worker
from rq.registry import StartedJobRegistry

from bot.app import create_app
from core.settings import Secret, Settings
from ghsim import SimulatedGitHub
from harness.servers import ThreadedServer
from workers import context

APP_ID = 4242
WEBHOOK_SECRET = "local-webhook-secret"
# On loopback against the simulator there is no secondary rate limit to respect and no reason to
# wait seconds between retries; tests that check pacing or backoff set these themselves. The
# reconciler's calls would blur the per-review call counts, so it runs only where a test asks for it.
FAST = {
    "write_spacing_seconds": 0.0,
    "retry_base_delay_seconds": 0.02,
    "retry_max_delay_seconds": 0.2,
    "reconcile_interval_seconds": 0,
    "reconcile_spacing_seconds": 0.0,
}


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (an RQ worker forks a work horse and a scheduler)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found += [child, *descendants(child)]
    return found


class WorkerProcess:
    """One `python -m workers` process, its log kept in a file (a pipe could fill and stall it)."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.log = Path(tempfile.mkstemp(prefix="mldebt-worker-", suffix=".log")[1])
        with self.log.open("wb") as sink:
            self.process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL to the worker, its work horse and its scheduler: a machine that died mid-job."""
        for pid in [self.pid, *descendants(self.pid)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
        self.process.wait(timeout=10)

    def close(self) -> None:
        """Kills what is left (a test's end needs no warm shutdown) and drops the log."""
        if self.process.poll() is None:
            self.kill()
        self.log.unlink(missing_ok=True)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class BurstWorker(SimpleWorker):
    """An in-process worker without RQ's command channel: a burst run never receives
    `rq` commands, and tearing the channel down costs up to a second per run."""

    def subscribe(self) -> None:
        return None

    def unsubscribe(self) -> None:
        return None


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
            **{**FAST, **settings},
        )
        self.receiver = ThreadedServer(create_app(self.settings))
        self.workers: list[WorkerProcess] = []

    def start(self) -> LocalSystem:
        self.sim.start()
        self.receiver.start()
        self.sim.webhook_url = f"{self.receiver.url}/webhook"
        context.install(self.settings, self.redis)
        return self

    def stop(self) -> None:
        for worker in self.workers:
            worker.close()
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
        BurstWorker([self.queue], connection=self.redis).work(burst=True, logging_level="WARNING")

    def worker_command(self) -> tuple[list[str], dict[str, str]]:
        """How to start a separate `python -m workers` process against this system."""
        return [sys.executable, "-m", "workers"], {**os.environ, **self.settings.to_env()}

    def start_worker(self) -> WorkerProcess:
        command, env = self.worker_command()
        worker = WorkerProcess(command, env)
        self.workers.append(worker)
        return worker

    def wait_for_workers(self, count: int, timeout: float = 30.0) -> None:
        """Until `count` live workers listen on the queue (they take a moment to import and register)."""
        deadline = time.monotonic() + timeout
        while len(Worker.all(queue=self.queue)) < count:
            crashed = [w for w in self.workers if w.process.poll() is not None]
            if crashed or time.monotonic() > deadline:
                raise RuntimeError(
                    "workers did not start:\n" + "\n".join(w.output()[-2000:] for w in self.workers)
                )
            time.sleep(0.05)

    def wait_until_idle(
        self, timeout: float = 60.0, *, ignore: tuple[str, ...] = ("sweeper-", "reconcile-")
    ) -> None:
        """Until no job is queued, running or scheduled (the sweeper's and reconciler's own schedules
        aside), twice in a row."""
        deadline = time.monotonic() + timeout
        calm = 0
        while calm < 2:
            scheduled = [
                job for job in self.queue.scheduled_job_registry.get_job_ids() if not job.startswith(ignore)
            ]
            taken = self.redis.llen(self.queue.intermediate_queue_key)
            busy = self.queue.count or taken or StartedJobRegistry(queue=self.queue).count or scheduled
            calm = 0 if busy else calm + 1
            if time.monotonic() > deadline:
                raise TimeoutError(
                    "jobs still pending:\n" + "\n".join(w.output()[-3000:] for w in self.workers)
                )
            time.sleep(0.1)
