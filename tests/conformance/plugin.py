"""Pytest wiring: every exchange of the pipeline and reliability tests is checked.

Each is checked against GitHub's OpenAPI and GraphQL descriptions. A test
whose traffic leaves the description fails at teardown with the list of what
left it, so the failure points at the test (and the request) that caused it.
At the session's end the summary says how much was checked, and the session
fails if tests that talk to the simulator ran but nothing was checked: a
recorder that silently stopped listening must not pass for a clean run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ghsim import exchanges
from tests.conformance.recorder import Recorder

# Test folders whose simulator traffic is held to GitHub's descriptions (the simulator's own tests send
# malformed requests on purpose).
CHECKED_FOLDERS = ("pipeline", "reliability", "conformance", "setup")
RECORDER = Recorder()
# Every pipeline test runs the whole system against a simulator: if one ran, exchanges must have been checked.
_ran_pipeline = False
_ran_checked = False


def in_scope(item: pytest.Item) -> bool:
    return item.path.parent.name in CHECKED_FOLDERS and item.get_closest_marker("unchecked_traffic") is None


@pytest.fixture(autouse=True)
def github_conformance(request: pytest.FixtureRequest) -> Iterator[None]:
    global _ran_checked, _ran_pipeline
    if not in_scope(request.node):
        yield
        return
    _ran_checked = True
    _ran_pipeline = _ran_pipeline or request.node.path.parent.name == "pipeline"
    RECORDER.take()
    stop = exchanges.observe(RECORDER)
    try:
        yield
    finally:
        stop()
    problems = RECORDER.take()
    if problems:
        shown = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        pytest.fail(
            f"{len(problems)} exchange(s) with the simulator left GitHub's description:\n{shown}{more}",
            pytrace=False,
        )


def summary(terminal: pytest.TerminalReporter) -> None:
    if not _ran_checked:
        return
    total = sum(RECORDER.checked.values())
    terminal.write_line(
        f"GitHub conformance: {total} exchanges checked, {len(RECORDER.checked)} operations "
        f"(by API version) seen"
    )


def session_failed_silently(session: pytest.Session) -> bool:
    """True when pipeline tests ran and yet no exchange reached the recorder."""
    return _ran_pipeline and sum(RECORDER.checked.values()) == 0 and session.testscollected > 0
