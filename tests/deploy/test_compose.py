"""compose.yaml brought up the way `docker compose up` would, without Docker.

Each service's command runs as a real process with the environment compose
would give it: Redis is the test session's, GitHub the simulator, the key
file a real file. Only what compose does for a container is translated
(the `redis` host name, the mounted key's path, the working directory
the image uses), so that a wrong command, variable or health check fails here.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from redis import Redis
from ruamel.yaml import YAML

from ghsim import payloads
from harness.seed import REPO, seed_pull_request
from harness.system import WEBHOOK_SECRET, LocalSystem, WorkerProcess

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
MOUNTED_KEY = "/run/secrets/mldebt.pem"
COMPOSE_REDIS = "redis://redis:6379/0"
VARIABLE = re.compile(r"\$\{(\w+)(?::([-?])([^}]*))?\}")


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load(COMPOSE.read_text())
    return loaded


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}`, as `docker compose` resolves them."""

    def resolve(match: re.Match[str]) -> str:
        name, kind, rest = match.group(1), match.group(2), match.group(3)
        if env.get(name):
            return env[name]
        if kind == "?":
            raise AssertionError(f"compose would refuse to start: {name}: {rest}")
        return rest if kind == "-" else ""

    return VARIABLE.sub(resolve, value)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def local(command: list[str]) -> list[str]:
    """The container's `python` is this test's interpreter."""
    return [sys.executable if part == "python" else part for part in command]


def healthcheck(service: dict[str, Any]) -> list[str]:
    test: list[str] = service["healthcheck"]["test"]
    assert test[0] == "CMD", "an exec-form check: no shell in between to misquote it"
    return local(test[1:])


def wait_for(check: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_compose_defines_three_roles_with_health_checks_and_no_yaml_aliases() -> None:
    text = COMPOSE.read_text()
    assert not re.search(r"(^|\s)[&*][\w-]+|<<:", text), "mldebt's own scan refuses YAML anchors and aliases"
    services = compose()["services"]
    assert set(services) == {"redis", "receiver", "worker"}
    assert services["redis"]["command"][-4:] == ["--appendonly", "yes", "--appendfsync", "everysec"]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert services["receiver"]["command"] == ["python", "-m", "bot"]
    assert services["worker"]["command"] == ["python", "-m", "workers"]
    assert services["worker"]["healthcheck"]["test"] == ["CMD", "python", "-m", "workers.health"]
    for role in ("receiver", "worker"):
        assert services[role]["depends_on"] == {"redis": {"condition": "service_healthy"}}
        assert services[role]["environment"]["MLDEBT_PRIVATE_KEY_FILE"] == MOUNTED_KEY
        assert services[role]["environment"]["REDIS_URL"] == COMPOSE_REDIS
    # `--scale worker=N` needs workers without a fixed name or host port.
    assert not {"container_name", "ports"} & set(services["worker"])


def test_env_example_documents_every_variable_compose_reads() -> None:
    documented = set(re.findall(r"^(\w+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert {match.group(1) for match in VARIABLE.finditer(COMPOSE.read_text())} <= documented


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="docker compose is not installed",
)
def test_docker_compose_accepts_the_file() -> None:
    env = {**os.environ, "MLDEBT_APP_ID": "1", "MLDEBT_WEBHOOK_SECRET": "x"}
    result = subprocess.run(
        ["docker", "compose", "config", "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def system(redis_url: str, redis: Redis) -> Iterator[LocalSystem]:
    with LocalSystem(redis_url) as running:
        yield running


def service_env(service: dict[str, Any], dotenv: dict[str, str], redis_url: str, key: Path) -> dict[str, str]:
    """What compose puts in the container's environment, with the container-only addresses translated."""
    env = {name: interpolate(str(value), dotenv) for name, value in service["environment"].items()}
    assert env["REDIS_URL"] == COMPOSE_REDIS and env["MLDEBT_PRIVATE_KEY_FILE"] == MOUNTED_KEY
    env["REDIS_URL"] = redis_url
    env["MLDEBT_PRIVATE_KEY_FILE"] = str(key)
    # On loopback there is no secondary rate limit to respect, and the reconciler's calls are not under test.
    return {
        "PATH": os.environ.get("PATH", ""),
        **env,
        "MLDEBT_WRITE_SPACING": "0",
        "MLDEBT_RECONCILE_INTERVAL": "0",
    }


def test_the_stack_reviews_a_pull_request_and_every_health_check_passes(
    system: LocalSystem, redis_url: str, tmp_path: Path
) -> None:
    services = compose()["services"]
    key = tmp_path / "mldebt.pem"
    key.write_text(system.sim.private_key_pem)
    port = free_port()
    dotenv = {
        "MLDEBT_APP_ID": str(system.settings.app_id),
        "MLDEBT_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "GITHUB_API_URL": system.sim.url,
        "PORT": str(port),
    }
    receiver_env = service_env(services["receiver"], dotenv, redis_url, key)
    worker_env = service_env(services["worker"], dotenv, redis_url, key)
    assert receiver_env["PORT"] == str(port)
    assert interpolate(services["receiver"]["ports"][0], dotenv) == f"{port}:{port}"

    def healthy(service: str, env: dict[str, str]) -> bool:
        command = healthcheck(services[service])
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=30).returncode == 0

    if shutil.which("redis-cli"):
        ping = subprocess.run(["redis-cli", "-u", redis_url, "ping"], capture_output=True, text=True)
        assert ping.stdout.strip() == "PONG"
    assert not healthy("worker", worker_env), "no worker runs yet"

    receiver = WorkerProcess(local(services["receiver"]["command"]), receiver_env)
    worker = WorkerProcess(local(services["worker"]["command"]), worker_env)
    try:
        wait_for(lambda: healthy("receiver", receiver_env), "the receiver's health check")
        wait_for(lambda: healthy("worker", worker_env), "the worker's health check")
        system.sim.webhook_url = f"http://127.0.0.1:{port}/webhook"
        _, pr = seed_pull_request(system.sim)
        delivered = system.sim.deliver(
            "pull_request", payloads.pull_request(system.sim, REPO, pr.number, "opened")
        )
        assert delivered.status_code == 202

        def completed() -> bool:
            runs = system.sim.check_runs(REPO, pr.head_sha)
            return bool(runs) and all(run["status"] == "completed" for run in runs)

        wait_for(completed, "a completed check run")
        assert [run["name"] for run in system.sim.check_runs(REPO, pr.head_sha)] == ["mldebt"]
        assert receiver.process.poll() is None and worker.process.poll() is None
    finally:
        received = receiver.output()
        output = received + worker.output()
        receiver.close()
        worker.close()
    assert system.sim.private_key_pem not in output and WEBHOOK_SECRET not in output
    # One line per delivery, the receiver's own, saying what became of it; no second access-log line.
    deliveries = [line for line in received.splitlines() if '"POST /webhook' in line or "delivery " in line]
    assert len(deliveries) == 1 and '"mldebt.receiver"' in deliveries[0], deliveries
