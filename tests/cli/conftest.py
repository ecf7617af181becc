"""Throwaway git repositories with controlled commit dates, and `mldebt scan` run as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 1, 15, 12, tzinfo=UTC)


def _git_env(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        {
            "HOME": str(home),
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Ada",
            "GIT_AUTHOR_EMAIL": "ada@example.com",
            "GIT_COMMITTER_NAME": "Ada",
            "GIT_COMMITTER_EMAIL": "ada@example.com",
        }
    )
    return env


class Repo:
    """A repository under construction: write files, commit them at a chosen date."""

    def __init__(self, path: Path, home: Path) -> None:
        self.path = path
        self.env = _git_env(home)
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=self.path, env=self.env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def write(self, files: dict[str, str | bytes | None]) -> None:
        for name, content in files.items():
            target = self.path / name
            if content is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")

    def commit(
        self, files: dict[str, str | bytes | None], message: str, when: datetime = NOW - timedelta(days=1)
    ) -> str:
        self.write(files)
        self.git("add", "-A")
        stamp = when.isoformat()
        env = {**self.env, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        subprocess.run(
            ["git", "commit", "-q", "--allow-empty", "-m", message], cwd=self.path, env=env, check=True
        )
        return self.git("rev-parse", "HEAD")

    def scan(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "rules.cli", "scan", *args]
        if "--repo" not in args:
            command += ["--repo", str(self.path)]
        env = {**self.env, "PYTHONPATH": str(ROOT)}
        return subprocess.run(
            command, cwd=cwd or self.path, env=env, capture_output=True, text=True, timeout=120, check=False
        )

    def findings(
        self, *args: str, rules: frozenset[str] | None = None
    ) -> tuple[list[dict[str, object]], subprocess.CompletedProcess[str]]:
        done = self.scan("--format", "json", "--now", NOW.isoformat(), *args)
        assert done.returncode in (0, 1), done.stderr
        found = json.loads(done.stdout)
        return [item for item in found if rules is None or item["rule"] in rules], done


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo", tmp_path)
