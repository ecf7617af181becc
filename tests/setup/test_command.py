"""`mldebt setup` as typed: its flags, what it prints, and what it refuses before GitHub is touched."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import httpx
import jwt
import pytest

from ghsim import SimulatedGitHub
from mldebt.cli import main
from tests.deploy.test_compose import free_port
from tests.setup.browser import create_app, read_form
from tests.setup.conftest import APP_ID_BEFORE

ROOT = Path(__file__).resolve().parents[2]


def setup_args(sim: SimulatedGitHub, folder: Path, *extra: str) -> list[str]:
    return [
        "setup",
        "--url",
        "https://mldebt.example.com",
        "--github-url",
        sim.url,
        "--api-url",
        sim.url,
        "--env-file",
        str(folder / ".env"),
        "--no-browser",
        *extra,
    ]


def test_setup_for_an_organization_prints_where_it_wrote_and_the_steps_left(
    sim: SimulatedGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    exits: list[int] = []
    command = threading.Thread(
        target=lambda: exits.append(main(setup_args(sim, tmp_path, "--org", "acme", "--port", str(port))))
    )
    command.start()
    page = f"http://127.0.0.1:{port}"
    form, _ = read_form(page)
    assert form.action.startswith(f"{sim.url}/organizations/acme/settings/apps/new?state=")
    assert create_app(page).status_code == 200
    command.join(60)

    out, err = capsys.readouterr()
    env_file, key_file = tmp_path / ".env", tmp_path / "secrets" / "mldebt.pem"
    assert exits == [0] and err == ""
    assert out == (
        f"Open {page}/ in a browser signed in to GitHub; it sends the App manifest there.\n"
        "Waiting for GitHub to send you back (Ctrl-C to stop)…\n"
        f"Created the GitHub App mldebt (id {sim.app_id}): https://github.com/apps/mldebt\n"
        f"Wrote {env_file} (MLDEBT_APP_ID, MLDEBT_WEBHOOK_SECRET, MLDEBT_PRIVATE_KEY_PATH, "
        f"MLDEBT_PRIVATE_KEY_FILE, GITHUB_API_URL) and the private key to {key_file}, both readable by you "
        "alone (mode 600). Keep them out of git.\n"
        "Next:\n"
        "  1. Install the App on the repositories to review: https://github.com/apps/mldebt/installations/new\n"
        "  2. Start mldebt beside that .env: docker compose up -d\n"
    )
    assert sim.webhook_secret not in out and "PRIVATE KEY" not in out

    # The key it wrote signs the App's JWT, and GitHub says the organization owns the App.
    issued = int(datetime.now(UTC).timestamp()) - 60
    token = jwt.encode(
        {"iat": issued, "exp": issued + 540, "iss": str(sim.app_id)}, key_file.read_text(), algorithm="RS256"
    )
    app = httpx.get(f"{sim.url}/app", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert app.status_code == 200 and app.json()["owner"]["login"] == "acme"


def test_an_existing_env_is_not_overwritten_without_force_and_no_app_is_created(
    sim: SimulatedGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=9000\n")

    assert main(setup_args(sim, tmp_path)) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"mldebt setup: {env_file} already exists; mldebt setup will not overwrite its settings "
        "(run it again with --force to replace them, keeping the .env's other lines)\n"
    )
    assert env_file.read_text() == "PORT=9000\n" and not (tmp_path / "secrets").exists()
    assert sim.app_id == APP_ID_BEFORE and sim.calls == []


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("mldebt.example.com", "--url must be a public http(s) address"),
        ("ftp://mldebt.example.com", "--url must be a public http(s) address"),
    ],
)
def test_a_url_that_is_not_a_web_address_is_refused(
    sim: SimulatedGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, complaint: str
) -> None:
    args = setup_args(sim, tmp_path)
    args[args.index("--url") + 1] = url
    assert main(args) == 2
    assert capsys.readouterr().err.startswith(f"mldebt setup: {complaint}")
    assert sim.calls == []


def test_an_organization_name_that_github_cannot_have_is_a_usage_error(
    sim: SimulatedGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(setup_args(sim, tmp_path, "--org", "acme/../../settings"))
    assert exited.value.code == 2
    assert "not a GitHub organization name: 'acme/../../settings'" in capsys.readouterr().err


def test_a_manifest_that_is_not_a_mapping_is_refused_before_github_is_asked(
    sim: SimulatedGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "app.yml"
    manifest.write_text("- just\n- a list\n")
    assert main(setup_args(sim, tmp_path, "--manifest", str(manifest))) == 2
    assert capsys.readouterr().err == (
        f"mldebt setup: the App manifest {manifest} must be a mapping (name, url, default_permissions, …)\n"
    )
    assert sim.calls == [] and not (tmp_path / ".env").exists()


def test_ctrl_c_while_waiting_for_github_stops_quietly(sim: SimulatedGitHub, tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "mldebt.cli", *setup_args(sim, tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("Open http://127.0.0.1:")
    assert process.stdout.readline() == "Waiting for GitHub to send you back (Ctrl-C to stop)…\n"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert (process.returncode, out, err) == (130, "", "mldebt setup: stopped\n")
    assert not (tmp_path / ".env").exists()
