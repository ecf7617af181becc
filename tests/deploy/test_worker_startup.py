"""A worker without a usable private key must stop at start-up, not fail every job it takes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

ROOT = Path(__file__).resolve().parents[2]
WEBHOOK_SECRET = "startup-test-webhook-secret"


def start_worker(redis_url: str, **key: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "MLDEBT_APP_ID": "4242",
        "MLDEBT_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "REDIS_URL": redis_url,
        **key,
    }
    return subprocess.run(
        [sys.executable, "-m", "workers"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def ec_pem() -> str:
    """A real private key, but not RSA: GitHub Apps sign with RS256."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def unreadable(tmp_path: Path) -> Path:
    path = tmp_path / "locked.pem"
    path.write_text(ec_pem())
    path.chmod(0)
    return path


@pytest.mark.parametrize(
    ("case", "setting"),
    [
        ("no key", "MLDEBT_PRIVATE_KEY_FILE"),
        ("missing file", "MLDEBT_PRIVATE_KEY_FILE"),
        ("unreadable file", "MLDEBT_PRIVATE_KEY_FILE"),
        ("a directory", "MLDEBT_PRIVATE_KEY_FILE"),
        ("binary file", "MLDEBT_PRIVATE_KEY_FILE"),
        ("not a PEM", "MLDEBT_PRIVATE_KEY_FILE"),
        ("not RSA", "MLDEBT_PRIVATE_KEY_FILE"),
        ("a key pasted for its path", "MLDEBT_PRIVATE_KEY_FILE"),
        ("not RSA, inline", "MLDEBT_PRIVATE_KEY"),
    ],
)
def test_a_worker_without_a_usable_key_exits_naming_the_setting(
    redis_url: str, tmp_path: Path, case: str, setting: str
) -> None:
    secret_text = "s3cret-key-material-that-must-not-leak"
    key: dict[str, str] = {}
    if case == "missing file":
        key = {setting: str(tmp_path / "absent.pem")}
    elif case == "unreadable file":
        if os.geteuid() == 0:
            pytest.skip("root reads any file")
        key = {setting: str(unreadable(tmp_path))}
    elif case == "a directory":
        key = {setting: str(tmp_path)}
    elif case == "binary file":
        (tmp_path / "key.der").write_bytes(b"\xff\xfe" + secret_text.encode())
        key = {setting: str(tmp_path / "key.der")}
    elif case == "not a PEM":
        (tmp_path / "key.pem").write_text(f"-----BEGIN RSA PRIVATE KEY-----\n{secret_text}\n")
        key = {setting: str(tmp_path / "key.pem")}
    elif case == "not RSA":
        (tmp_path / "key.pem").write_text(ec_pem())
        key = {setting: str(tmp_path / "key.pem")}
    elif case == "a key pasted for its path":
        key = {setting: f"-----BEGIN RSA PRIVATE KEY-----\n{secret_text}\n-----END RSA PRIVATE KEY-----\n"}
    elif case == "not RSA, inline":
        key = {setting: ec_pem()}
    result = start_worker(redis_url, **key)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert setting in result.stderr, output
    assert result.stderr.startswith("mldebt worker: "), output
    assert secret_text not in output
    assert "PRIVATE KEY-----" not in output
    assert WEBHOOK_SECRET not in output
    assert "Traceback" not in output
