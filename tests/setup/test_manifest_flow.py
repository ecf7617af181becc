"""`mldebt setup` against the simulator, end to end: the browser's trip, the code exchange, the .env.

The browser is played over real HTTP (tests/setup/browser.py); GitHub is ghsim,
whose App becomes the one the manifest describes, with a key pair and webhook
secret it generated. "Working" means what a user would do next works: compose's
receiver and worker, started from that .env, review a pull request.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis import Redis
from ruamel.yaml import YAML

from bot.setup.envfile import Destination
from bot.setup.flow import ManifestFlow, Outcome, SetupRequest
from bot.setup.manifest import SetupError, webhook_url
from core.settings import Settings
from ghsim import SimulatedGitHub, payloads
from harness.seed import REPO, seed_pull_request
from harness.system import WorkerProcess
from tests.deploy.test_compose import (
    compose,
    free_port,
    healthcheck,
    interpolate,
    local,
    service_env,
    wait_for,
)
from tests.setup.browser import create_app, follow, read_form, submit
from tests.setup.conftest import APP_ID_BEFORE, SECRET_BEFORE

ROOT = Path(__file__).resolve().parents[2]
APP_YML = ROOT / "app.yml"
WRITTEN = {
    "MLDEBT_APP_ID",
    "MLDEBT_WEBHOOK_SECRET",
    "MLDEBT_PRIVATE_KEY_PATH",
    "MLDEBT_PRIVATE_KEY_FILE",
    "GITHUB_API_URL",
}


def compose_dotenv(path: Path) -> dict[str, str]:
    """The .env as `docker compose` reads it: `NAME=value` lines, `#` comments, single quotes literal."""
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, value = line.partition("=")
        quoted = len(value) >= 2 and value[0] == value[-1] == "'"
        values[name.strip()] = value[1:-1] if quoted else value.strip()
    return values


def compose_mount(service: dict[str, Any], dotenv: dict[str, str], project: Path) -> Path:
    """The host file compose mounts as the key: a relative source is taken from the project folder, the
    one that holds compose.yaml and the .env compose reads."""
    source = interpolate(service["volumes"][0], dotenv).split(":")[0]
    assert source.startswith(("/", "./", "../")), f"compose would take {source!r} for a volume's name"
    return (project / source).resolve()


class Running:
    """A set-up waiting for GitHub's redirect in a thread, as `mldebt setup` waits in the terminal."""

    def __init__(self, flow: ManifestFlow) -> None:
        self.flow = flow
        self.result: Outcome | SetupError | None = None
        self.thread = threading.Thread(target=self._wait, daemon=True)
        self.thread.start()

    def _wait(self) -> None:
        try:
            self.result = self.flow.wait(timeout=60)
        except SetupError as error:
            self.result = error

    def finished(self) -> Outcome | SetupError:
        self.thread.join(60)
        assert self.result is not None, "the set-up never finished"
        return self.result


def setup_request(
    sim: SimulatedGitHub, folder: Path, public_url: str = "https://mldebt.example.com", force: bool = False
) -> SetupRequest:
    return SetupRequest(
        manifest_file=APP_YML,
        hook_url=webhook_url(public_url, None),
        github_url=sim.url,
        api_url=sim.url,
        org=None,
        destination=Destination(folder / ".env", folder / "secrets" / "mldebt.pem", force),
    )


def app_yml() -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load(APP_YML.read_text())
    return loaded


def test_the_browser_posts_app_yml_with_this_deployments_addresses_to_github(
    sim: SimulatedGitHub, tmp_path: Path
) -> None:
    running = Running(ManifestFlow(setup_request(sim, tmp_path, "https://mldebt.example.com/")))
    form, submits_on_load = read_form(running.flow.url)

    assert submits_on_load and form.method == "post"
    assert form.action == f"{sim.url}/settings/apps/new?state={running.flow.state}"
    assert form.manifest_json == {
        **app_yml(),
        "hook_attributes": {"url": "https://mldebt.example.com/webhook"},
        "redirect_url": f"{running.flow.url}/callback",
    }
    answer = follow(submit(form))
    assert answer.status_code == 200 and "mldebt is registered" in answer.text
    assert isinstance(running.finished(), Outcome)


def test_the_env_it_leaves_runs_compose_receiver_and_worker_that_review_a_pull_request(
    sim: SimulatedGitHub, tmp_path: Path, redis_url: str
) -> None:
    port = free_port()
    running = Running(ManifestFlow(setup_request(sim, tmp_path, f"http://127.0.0.1:{port}")))
    assert create_app(running.flow.url).status_code == 200
    outcome = running.finished()
    assert isinstance(outcome, Outcome)

    env_file, key_file = tmp_path / ".env", tmp_path / "secrets" / "mldebt.pem"
    dotenv = compose_dotenv(env_file)
    assert set(dotenv) == WRITTEN and sorted(outcome.written) == sorted(WRITTEN)
    assert dotenv["MLDEBT_APP_ID"] == str(sim.app_id) != str(APP_ID_BEFORE), "the App the manifest created"
    assert dotenv["MLDEBT_WEBHOOK_SECRET"] == sim.webhook_secret != SECRET_BEFORE
    assert dotenv["GITHUB_API_URL"] == sim.url
    assert key_file.read_text() == sim.private_key_pem
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700

    services = compose()["services"]
    mounted = compose_mount(services["receiver"], dotenv, project=tmp_path)
    assert mounted == key_file.resolve(), "compose mounts the key the set-up wrote"
    dotenv["PORT"] = str(port)
    receiver_env = service_env(services["receiver"], dotenv, redis_url, mounted)
    worker_env = service_env(services["worker"], dotenv, redis_url, mounted)
    receiver = WorkerProcess(local(services["receiver"]["command"]), receiver_env)
    worker = WorkerProcess(local(services["worker"]["command"]), worker_env)
    try:

        def healthy(service: str, env: dict[str, str]) -> bool:
            command = healthcheck(services[service])
            return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=30).returncode == 0

        wait_for(lambda: healthy("receiver", receiver_env), "the receiver's health check")
        wait_for(lambda: healthy("worker", worker_env), "the worker's health check")
        _, pr = seed_pull_request(sim)
        # No url given: the simulator delivers to the hook URL the manifest registered.
        delivered = sim.deliver("pull_request", payloads.pull_request(sim, REPO, pr.number, "opened"))
        assert delivered.status_code == 202, delivered.text

        def completed() -> bool:
            runs = sim.check_runs(REPO, pr.head_sha)
            return bool(runs) and all(run["status"] == "completed" for run in runs)

        wait_for(completed, "a completed check run")
        assert [run["name"] for run in sim.check_runs(REPO, pr.head_sha)] == ["mldebt"]
        assert sim.check_runs(REPO, pr.head_sha)[0]["app"]["id"] == sim.app_id
    finally:
        output = receiver.output() + worker.output()
        receiver.close()
        worker.close()
    assert sim.private_key_pem not in output and sim.webhook_secret not in output


def beside_env(folder: Path, env_file: str, module: str) -> list[str]:
    """A shell that goes to `folder`, loads `env_file` into its environment and starts `python -m module`."""
    script = 'cd "$1" && set -a && . "$2" && set +a && exec "$0" -m "$3"'
    return ["bash", "-c", script, sys.executable, str(folder), env_file, module]


def test_the_env_names_the_key_relatively_so_the_folder_still_starts_mldebt_once_moved(
    sim: SimulatedGitHub, tmp_path: Path, redis: Redis, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = tmp_path / "first"
    first.mkdir()
    running = Running(ManifestFlow(setup_request(sim, first)))
    assert create_app(running.flow.url).status_code == 200
    assert isinstance(running.finished(), Outcome)
    text = (first / ".env").read_text()
    dotenv = compose_dotenv(first / ".env")
    assert dotenv["MLDEBT_PRIVATE_KEY_PATH"] == dotenv["MLDEBT_PRIVATE_KEY_FILE"] == "./secrets/mldebt.pem"
    assert not [value for value in dotenv.values() if Path(value).is_absolute()], text
    assert str(tmp_path) not in text and str(tmp_path.resolve()) not in text

    # The folder moves (another disk, another user's home, a container's mount): nothing is left behind.
    moved = Path(shutil.move(first, tmp_path / "elsewhere" / "mldebt"))
    assert not first.exists()
    key_file = moved / "secrets" / "mldebt.pem"

    # compose, run beside the moved .env, mounts the moved key, and the containers' settings read it.
    services = compose()["services"]
    mounted = compose_mount(services["worker"], dotenv, project=moved)
    assert mounted == key_file.resolve()
    in_container = Settings.from_env(service_env(services["worker"], dotenv, redis_url, mounted))
    assert in_container.private_key.reveal() == sim.private_key_pem

    # Without compose: a relative MLDEBT_PRIVATE_KEY_FILE is read from the working directory.
    monkeypatch.chdir(moved)
    assert Settings.from_env(dotenv).private_key.reveal() == sim.private_key_pem

    # A worker started beside the moved .env (its settings loaded by the shell) starts and stays healthy.
    env = {"PATH": os.environ.get("PATH", ""), "REDIS_URL": redis_url, "MLDEBT_RECONCILE_INTERVAL": "0"}
    worker = WorkerProcess(beside_env(moved, "./.env", "workers"), env)
    try:

        def healthy() -> bool:
            check = beside_env(moved, "./.env", "workers.health")
            return subprocess.run(check, env=env, capture_output=True, timeout=30).returncode == 0

        wait_for(healthy, "the worker's health check")
        assert worker.process.poll() is None
    finally:
        output = worker.output()
        worker.close()
    assert sim.private_key_pem not in output and sim.webhook_secret not in output

    # Started from another folder, the worker says where it looked for the key, and quotes no secret.
    elsewhere = subprocess.run(
        beside_env(tmp_path, str(moved / ".env"), "workers"),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert elsewhere.returncode == 2, elsewhere.stdout + elsewhere.stderr
    assert elsewhere.stderr == (
        "mldebt worker: cannot read MLDEBT_PRIVATE_KEY_FILE (No such file or directory; "
        f"a relative path is read from the working directory, {tmp_path})\n"
    )
    assert sim.webhook_secret not in elsewhere.stdout + elsewhere.stderr


def test_a_redirect_with_another_state_is_refused_and_the_real_one_still_completes(
    sim: SimulatedGitHub, tmp_path: Path
) -> None:
    running = Running(ManifestFlow(setup_request(sim, tmp_path)))
    forged = httpx.get(f"{running.flow.url}/callback?code=planted&state=guessed", timeout=10)
    assert forged.status_code == 400 and "does not match" in forged.text
    assert sim.count_calls("POST", r"^/app-manifests/") == 0, "a forged code is never exchanged"
    assert running.thread.is_alive() and not (tmp_path / ".env").exists()

    assert create_app(running.flow.url).status_code == 200
    assert isinstance(running.finished(), Outcome)
    assert compose_dotenv(tmp_path / ".env")["MLDEBT_APP_ID"] == str(sim.app_id)


def test_a_code_past_its_hour_fails_the_set_up_and_writes_nothing(
    sim: SimulatedGitHub, tmp_path: Path
) -> None:
    sim.manifest_codes.lifetime = timedelta(0)
    running = Running(ManifestFlow(setup_request(sim, tmp_path)))
    answer = create_app(running.flow.url)
    message = "GitHub no longer knows this code (it works once, within an hour): run mldebt setup again"
    assert answer.status_code == 502 and message in answer.text
    failure = running.finished()
    assert isinstance(failure, SetupError) and str(failure) == message
    assert not (tmp_path / ".env").exists() and not (tmp_path / "secrets").exists()


def test_force_replaces_mldebts_settings_and_keeps_every_other_line(
    sim: SimulatedGitHub, tmp_path: Path
) -> None:
    env_file, key_file = tmp_path / ".env", tmp_path / "secrets" / "mldebt.pem"
    env_file.write_text("# team settings\nPORT=9000\nMLDEBT_APP_ID=1\nMLDEBT_LOG_LEVEL=DEBUG\n")
    env_file.chmod(0o644)
    key_file.parent.mkdir()
    key_file.write_text("an old key")
    running = Running(ManifestFlow(setup_request(sim, tmp_path, force=True)))
    assert create_app(running.flow.url).status_code == 200
    assert isinstance(running.finished(), Outcome)

    assert env_file.read_text() == (
        "# team settings\n"
        "PORT=9000\n"
        f"MLDEBT_APP_ID={sim.app_id}\n"
        "MLDEBT_LOG_LEVEL=DEBUG\n"
        "\n"
        "# Written by `mldebt setup`.\n"
        f"MLDEBT_WEBHOOK_SECRET={sim.webhook_secret}\n"
        "MLDEBT_PRIVATE_KEY_PATH=./secrets/mldebt.pem\n"
        "MLDEBT_PRIVATE_KEY_FILE=./secrets/mldebt.pem\n"
        f"GITHUB_API_URL={sim.url}\n"
    )
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert key_file.read_text() == sim.private_key_pem


def test_credentials_that_cannot_be_written_name_the_app_that_github_made(
    sim: SimulatedGitHub, tmp_path: Path
) -> None:
    (tmp_path / "secrets").write_text("a file where the key's folder should be")
    running = Running(ManifestFlow(setup_request(sim, tmp_path)))
    assert create_app(running.flow.url).status_code == 502
    failure = running.finished()
    assert isinstance(failure, SetupError)
    assert str(failure) == (
        f"cannot write {tmp_path / 'secrets'}: File exists. "
        f"The App mldebt (id {sim.app_id}) exists on GitHub: make a new private key "
        "and webhook secret at https://github.com/apps/mldebt, or delete it there"
    )
    assert not (tmp_path / ".env").exists()
