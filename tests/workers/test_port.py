"""The port is the whole list of what the workers ask GitHub, and its implementations are exactly it.

The functions named `_*_is_*` are checked by mypy: an implementation that
drifts from its protocol stops type-checking. The tests check the same at run
time, and that no module outside the gateways calls GitHub's API itself.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from tests.fakes.github_port import RecordingGitHub
from workers.app_gateway import AppGateway
from workers.gateway import GitHubGateway
from workers.port import GitHubAppPort, GitHubPort

WORKERS = Path(__file__).resolve().parents[2] / "workers"
# The modules holding a githubkit client: the two gateways (contents, review threads and check runs are
# parts of one), the token exchange.
ADAPTERS = {
    "gateway.py",
    "contents.py",
    "review_threads.py",
    "check_run_calls.py",
    "app_gateway.py",
    "tokens.py",
}
API_CALL = re.compile(r"\.rest\.|\.graphql\(")


def _gateway_is_a_port(gateway: GitHubGateway) -> GitHubPort:
    return gateway


def _app_gateway_is_an_app_port(gateway: AppGateway) -> GitHubAppPort:
    return gateway


def _fake_is_a_port(fake: RecordingGitHub) -> GitHubPort:
    return fake


def _methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(value)
        for name, value in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


@pytest.mark.parametrize(
    ("port", "implementation"),
    [(GitHubPort, GitHubGateway), (GitHubAppPort, AppGateway), (GitHubPort, RecordingGitHub)],
)
def test_an_implementation_has_every_method_of_its_port_with_the_same_signature(
    port: type, implementation: type
) -> None:
    wanted = _methods(port)
    found = _methods(implementation)
    assert wanted, "the protocol names no methods?"
    assert {name: found.get(name) for name in wanted} == wanted


@pytest.mark.parametrize(("port", "gateway"), [(GitHubPort, GitHubGateway), (GitHubAppPort, AppGateway)])
def test_a_gateway_offers_nothing_beyond_its_port(port: type, gateway: type) -> None:
    assert set(_methods(gateway)) == set(_methods(port))


def test_only_the_gateways_call_githubs_api() -> None:
    calling = {path.name for path in WORKERS.glob("*.py") if API_CALL.search(path.read_text())}
    assert calling and calling <= ADAPTERS, sorted(calling - ADAPTERS)
