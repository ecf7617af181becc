"""The session wiring: a pipeline test whose traffic leaves GitHub's description fails.

One whose traffic keeps to it passes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFTEST = """
from tests.conformance.plugin import github_conformance  # noqa: F401
"""
TESTS = """
from ghsim import SimulatedGitHub
from ghsim.shapes import Shapes


def _pull():
    with SimulatedGitHub() as sim:
        sim.add_installation(1, account="octo-org")
        repo = sim.add_repo("octo-org/ml-repo")
        base = repo.commit("main", {"train.py": "lr = 0.1\\n"})
        repo.commit("feature", {"train.py": "lr = 0.01\\n"}, parent=base)
        pr = repo.open_pull_request("feature", "main", title="Tune", body="", user="alice")
        gh = sim.client(1)
        gh.rest.pulls.get("octo-org", "ml-repo", pr.number)


def test_keeps_to_the_description():
    _pull()


def test_leaves_the_description(monkeypatch):
    original = Shapes.pull_request
    monkeypatch.setattr(Shapes, "pull_request", lambda self, pr: {**original(self, pr), "colour": "red"})
    _pull()
"""


@pytest.mark.unchecked_traffic
def test_a_test_whose_simulator_traffic_leaves_the_description_fails_and_says_why(tmp_path: Path) -> None:
    folder = tmp_path / "pipeline"
    folder.mkdir()
    (folder / "conftest.py").write_text(CONFTEST)
    (folder / "test_traffic.py").write_text(TESTS)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "--rootdir",
            str(tmp_path),
            str(folder),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "2 passed, 1 error" in output, output  # the call passes; its teardown is what fails
    assert "ERROR at teardown of test_leaves_the_description" in output, output
    assert (
        "pulls/get 200 body at (top): Additional properties are not allowed ('colour' was unexpected)"
        in output
    )
