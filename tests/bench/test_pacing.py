"""The pacing rows count what GitHub counts: an installation's content writes, per window of a minute."""

from __future__ import annotations

from bench.pacing import peak_in_window, write_load
from ghsim.server import Call


def _call(method: str, path: str, at: float, installation: int | None = 1) -> Call:
    return Call(method, path, "", 200, at, 0.05, installation, "installation", False, "rid")


def test_only_an_installations_writes_count_and_graphql_queries_do_not() -> None:
    calls = [
        _call("POST", "/repos/o/r/check-runs", 0.0),
        _call("PATCH", "/repos/o/r/check-runs/1", 1.0),
        _call("POST", "/graphql", 1.5),
        _call("GET", "/repos/o/r/pulls/1/files", 2.0),
        _call("POST", "/app/installations/1/access_tokens", 2.5, installation=None),
        _call("POST", "/repos/o/r/pulls/1/reviews", 3.0),
    ]
    load = write_load(calls, reviews=1)
    assert (load.writes, load.per_review, load.peak_per_window, load.busiest_installation) == (3, 3.0, 3, 1)


def test_the_peak_is_the_busiest_minute_of_the_busiest_installation() -> None:
    calls = [_call("POST", "/repos/o/r/check-runs", second * 1.0) for second in range(0, 120, 2)]
    calls += [_call("POST", "/repos/o/s/check-runs", second / 2, installation=2) for second in range(70)]
    load = write_load(calls, reviews=10)
    assert (load.busiest_installation, load.peak_per_window) == (2, 70)
    assert peak_in_window([0.0, 59.9, 60.1, 61.0]) == 3
    assert peak_in_window([]) == 0
