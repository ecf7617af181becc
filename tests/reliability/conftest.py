"""Fixtures for the load and fault tests: whole systems with fast knobs, and a Redis a test may kill."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from harness.system import LocalSystem

# Short waits everywhere; a test that checks pacing or backoff overrides what it checks.
FAST: dict[str, Any] = {
    "retry_attempts": 2,
    "retry_base_delay_seconds": 0.02,
    "retry_max_delay_seconds": 0.1,
    "write_spacing_seconds": 0.0,
    "job_retry_intervals": (0,),
    "sweep_interval_seconds": 0,
    "reconcile_interval_seconds": 0,
    "log_level": "WARNING",
}


class PrivateRedis:
    """A redis-server of the test's own on a fixed port, to stop and start again (empty, as after a crash)."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._dir = tempfile.mkdtemp(prefix="mldebt-redis-")
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self._dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with Redis(port=self.port, socket_connect_timeout=0.2) as probe:
                    probe.ping()
                return
            except RedisConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server); `make test` installs it")
    server = PrivateRedis()
    server.start()
    yield server
    server.close()


SystemFactory = Callable[..., LocalSystem]


@pytest.fixture
def make_system(redis_url: str, redis: Redis) -> Iterator[SystemFactory]:
    """`make_system(**settings)`: a started system on the suite's Redis (or `redis_url=`), stopped after
    the test."""
    started: list[LocalSystem] = []

    def make(**settings: Any) -> LocalSystem:
        url = settings.pop("redis_url", redis_url)
        system = LocalSystem(url, **{**FAST, **settings}).start()
        started.append(system)
        return system

    yield make
    for system in started:
        system.stop()


BASE_FILE = (
    '"""Scores churn."""\n\nimport pandas as pd\n\n\n'
    'def load() -> pd.DataFrame:\n    return pd.read_csv("data/churn.csv")\n'
)


def head_file(salt: int) -> str:
    """A small change with debt a reviewer would flag: a machine-specific path, an unexplained threshold."""
    return (
        f'"""Scores churn."""\n\nimport pandas as pd\n\nTHRESHOLD = 0.7{salt}\n\n\n'
        f'def load() -> pd.DataFrame:\n    return pd.read_csv("/home/alice/churn-{salt}.csv")\n'
    )


def open_small_pr(sim: Any, repo_name: str, installation_id: int, branch: str, salt: int = 1) -> Any:
    """A repository (made on first use) with one small PR that carries two findings."""
    try:
        repo = sim.repo(repo_name)
    except KeyError:
        if installation_id not in sim.state.installations:
            sim.add_installation(installation_id, account=repo_name.split("/")[0])
        repo = sim.add_repo(repo_name, installation_id=installation_id)
        repo.commit("main", {"score.py": BASE_FILE, "README.md": "# churn\n"}, message="Initial")
        sim.set_permission(repo_name, "alice", "write")
    repo.commit(branch, {"score.py": head_file(salt)}, parent=repo.branches["main"], message="Tune")
    return repo.open_pull_request(branch, "main", title=f"Tune {branch}", body="Tuning.", user="alice")
