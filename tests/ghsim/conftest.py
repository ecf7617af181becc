"""Fixtures for the simulator's own tests: a running sim with one installed repo."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse

from ghsim import PullRequest, Repo, SimulatedGitHub
from ghsim.server import ServerThread

warnings.filterwarnings("ignore", category=DeprecationWarning, module="githubkit")

REPO = "octo-org/ml-repo"


@pytest.fixture
def sim() -> Iterator[SimulatedGitHub]:
    with SimulatedGitHub(app_id=1, webhook_secret="s3cret") as simulator:
        simulator.add_installation(installation_id=1, account="octo-org")
        yield simulator
        assert simulator.internal_errors == []


@pytest.fixture
def repo(sim: SimulatedGitHub) -> Repo:
    return sim.add_repo(REPO, installation_id=1, default_branch="main")


@pytest.fixture
def gh(sim: SimulatedGitHub) -> Any:
    """Installation client without retries or client-side body checks, so tests see the sim's answers."""
    return sim.client(1, auto_retry=False, rest_api_validate_body=False)


@pytest.fixture
def app_gh(sim: SimulatedGitHub) -> Any:
    return sim.client(None, auto_retry=False)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A stand-in webhook endpoint that records what it gets and answers ``status``."""

    status: int = 200
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        request = Request(scope, receive)
        body = await request.body()
        with self.lock:
            self.received.append(Received(dict(request.headers), body))
        await PlainTextResponse("ok", self.status)(scope, receive, send)


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    target = Receiver()
    server = ServerThread(target)
    server.start()
    yield target, f"http://{server.host}:{server.port}/webhook"
    server.stop()


def open_pr(
    repo: Repo,
    base_files: dict[str, str | bytes],
    head_changes: dict[str, str | bytes | None],
    **pr_options: Any,
) -> PullRequest:
    base = repo.commit("main", base_files, message="init")
    repo.commit("feature", head_changes, parent=base, message="change")
    return repo.open_pull_request(head="feature", base="main", **pr_options)
