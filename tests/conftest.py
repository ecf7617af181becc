"""Shared fixtures: a real Redis (from `make test`), never a fake."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings
from redis import Redis

# Every exchange the pipeline and reliability tests have with the simulator is checked against GitHub's
# published API descriptions (tests/conformance); the fixture is autouse.
from tests.conformance.plugin import github_conformance, session_failed_silently, summary  # noqa: F401

# A fixed sample keeps `make test` deterministic, so main never turns red on an unrelated change;
# `make fuzz` draws fresh examples to look for new failures.
settings.register_profile("fixed", derandomize=True, database=None)
settings.register_profile("fresh", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail(
            "REDIS_URL is not set: run the suite with `make test`, which starts a private redis-server"
        )
    return url


@pytest.fixture
def redis(redis_url: str) -> Iterator[Redis]:
    """A clean database per test. `make test` gives a private server; a REDIS_URL you set must be scratch."""
    connection = Redis.from_url(redis_url)
    connection.flushdb()
    yield connection
    connection.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "unchecked_traffic: the test's simulator traffic is not held to GitHub's "
        "descriptions (it breaks them on purpose)",
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    summary(terminalreporter)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if session_failed_silently(session):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print("\nGitHub conformance: tests that talk to the simulator ran, but no exchange was checked")
