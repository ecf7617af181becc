"""Injected faults, latency, rate limits and the headers on every response."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from githubkit.exception import PrimaryRateLimitExceeded, SecondaryRateLimitExceeded

from ghsim import Repo, SimulatedGitHub

from .conftest import REPO


@pytest.fixture
def token(sim: SimulatedGitHub, repo: Repo) -> str:
    repo.commit("main", {"a.py": "a = 1\n"})
    app = sim.client(None)
    minted: str = app.rest.apps.create_installation_access_token(1).parsed_data.token
    return minted


def _get(
    sim: SimulatedGitHub, token: str, path: str = f"/repos/{REPO}", timeout: float = 5.0
) -> httpx.Response:
    return httpx.get(f"{sim.url}{path}", headers={"Authorization": f"token {token}"}, timeout=timeout)


def test_an_applied_fault_answers_at_once_while_an_observer_watches(sim: SimulatedGitHub, token: str) -> None:
    """The conformance checker watches every exchange; a lost answer must not then wait for the client
    to hang up (the bot's 30 s timeout) before its 502 leaves."""
    seen: list[Any] = []
    sim.observers.append(seen.append)
    sim.faults.add(r"/check-runs$", method="POST", status=502, applied=True)
    head = sim.repo(REPO).branches["main"]
    lost = httpx.post(
        f"{sim.url}/repos/{REPO}/check-runs",
        json={"name": "first", "head_sha": head},
        headers={"Authorization": f"token {token}"},
        timeout=2.0,
    )
    assert lost.status_code == 502
    assert [(e.status, b'"first"' in e.request_body) for e in seen] == [(502, True)]


def test_502_twice_then_normal_service(sim: SimulatedGitHub, token: str) -> None:
    rule = sim.faults.add(method="GET", path_regex=rf"^/repos/{REPO}$", status=502, times=2)
    assert [_get(sim, token).status_code for _ in range(3)] == [502, 502, 200]
    assert rule.fired == 2
    assert [c.status for c in sim.calls[-3:]] == [502, 502, 200]
    assert [c.fault for c in sim.calls[-3:]] == [True, True, False]


def test_secondary_rate_limit_has_retry_after(sim: SimulatedGitHub, token: str, gh: Any) -> None:
    sim.faults.add(path_regex="/repos/", status=403, retry_after=7)
    response = _get(sim, token)
    assert response.status_code == 403 and response.headers["retry-after"] == "7"
    assert "secondary rate limit" in response.json()["message"]
    sim.faults.add(path_regex="/repos/", status=429, retry_after=1)
    with pytest.raises(SecondaryRateLimitExceeded) as failure:
        gh.rest.repos.get("octo-org", "ml-repo")
    assert failure.value.retry_after.total_seconds() == 1


def test_primary_rate_limit_fault(sim: SimulatedGitHub, token: str, gh: Any) -> None:
    sim.faults.add(path_regex="/repos/", status=403, ratelimit_reset=60)
    with pytest.raises(PrimaryRateLimitExceeded) as failure:
        gh.rest.repos.get("octo-org", "ml-repo")
    assert failure.value.response.headers["x-ratelimit-remaining"] == "0"
    assert 55 <= failure.value.retry_after.total_seconds() <= 61


def test_real_rate_limit_counts_down_per_installation(sim: SimulatedGitHub, token: str) -> None:
    first, second = _get(sim, token), _get(sim, token)
    assert int(first.headers["x-ratelimit-remaining"]) - 1 == int(second.headers["x-ratelimit-remaining"])
    assert second.headers["x-ratelimit-limit"] == "5000" and second.headers["x-ratelimit-resource"] == "core"
    assert int(second.headers["x-ratelimit-used"]) == 5000 - int(second.headers["x-ratelimit-remaining"])
    assert int(second.headers["x-ratelimit-reset"]) > time.time()
    assert second.headers["x-github-request-id"] != first.headers["x-github-request-id"]
    sim.set_rate_limit(1, remaining=1)
    assert _get(sim, token).status_code == 200
    exhausted = _get(sim, token)
    assert exhausted.status_code == 403 and exhausted.headers["x-ratelimit-remaining"] == "0"
    assert exhausted.json()["message"] == "API rate limit exceeded for installation ID 1."


def test_delay_makes_client_time_out_and_latency_slows_every_call(sim: SimulatedGitHub, token: str) -> None:
    sim.faults.add(path_regex=rf"^/repos/{REPO}$", delay=0.5)
    with pytest.raises(httpx.ReadTimeout):
        _get(sim, token, timeout=0.1)
    assert _get(sim, token).status_code == 200
    sim.latency = 0.05
    started = time.monotonic()
    _get(sim, token)
    assert time.monotonic() - started >= 0.05


def test_skip_lets_early_requests_through(sim: SimulatedGitHub, token: str) -> None:
    rule = sim.faults.add(path_regex="/pulls", status=500, skip=1, times=1)
    sim.repo(REPO).commit("feature", {"b.py": "b\n"})
    sim.repo(REPO).open_pull_request(head="feature")
    codes = [_get(sim, token, f"/repos/{REPO}/pulls/1").status_code for _ in range(3)]
    assert codes == [200, 500, 200] and rule.matched == 3


def test_unauthorised_fault(sim: SimulatedGitHub, token: str) -> None:
    sim.faults.add(path_regex=".*", status=401)
    response = _get(sim, token)
    assert response.status_code == 401 and response.json()["message"] == "Bad credentials"


def test_concurrent_clients_are_served_consistently(sim: SimulatedGitHub, token: str) -> None:
    import concurrent.futures

    client = httpx.Client(headers={"Authorization": f"token {token}"})

    def post(i: int) -> int:
        return client.post(
            f"{sim.url}/repos/{REPO}/check-runs",
            json={"name": f"run{i}", "head_sha": sim.repo(REPO).branches["main"]},
        ).status_code

    with client, concurrent.futures.ThreadPoolExecutor(8) as pool:
        assert set(pool.map(post, range(40))) == {201}
    assert len(sim.check_runs(REPO)) == 40
    assert len({run["id"] for run in sim.check_runs(REPO)}) == 40


def test_an_applied_fault_lands_the_write_and_loses_its_answer(sim: SimulatedGitHub, token: str) -> None:
    head = sim.repo(REPO).branches["main"]
    runs = f"{sim.url}/repos/{REPO}/check-runs"
    auth = {"Authorization": f"token {token}"}
    rule = sim.faults.add(r"/check-runs$", method="POST", status=502, applied=True)
    lost = httpx.post(runs, json={"name": "first", "head_sha": head}, headers=auth)
    assert lost.status_code == 502 and lost.json()["message"] == "Server Error"
    assert [run["name"] for run in sim.check_runs(REPO)] == ["first"], "the 502 came after the write"
    assert rule.fired == 1 and (sim.calls[-1].status, sim.calls[-1].fault) == (502, True)

    sim.faults.add(r"/check-runs$", method="POST", delay=0.5, applied=True)
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(runs, json={"name": "second", "head_sha": head}, headers=auth, timeout=0.1)
    assert [run["name"] for run in sim.check_runs(REPO)] == ["first", "second"], (
        "landed before the answer stalled"
    )
