"""The check itself: it passes GitHub's shapes, and catches each drift of the simulator and each bad request.

These tests break answers on purpose, so the session's recorder does not
watch them (`unchecked_traffic`); each has its own recorder on its own simulator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from githubkit.exception import GraphQLFailed, RequestFailed

from ghsim import Repo, SimulatedGitHub, shapes_commits, versions
from ghsim.graphql import GraphQLService
from ghsim.shapes import Shapes
from tests.conformance.recorder import Recorder

pytestmark = pytest.mark.unchecked_traffic
OWNER, NAME = "octo-org", "ml-repo"
ODD_PATH = "docs/read me (v2).md"
OLD = {"X-GitHub-Api-Version": "2022-11-28"}


@dataclass
class World:
    sim: SimulatedGitHub
    repo: Repo
    number: int
    head: str
    recorder: Recorder
    gh: Any

    def problems(self) -> list[str]:
        return self.recorder.take()


@pytest.fixture
def world() -> Iterator[World]:
    with SimulatedGitHub() as sim:
        sim.add_installation(1, account=OWNER)
        repo = sim.add_repo(f"{OWNER}/{NAME}")
        base = repo.commit("main", {"train.py": "lr = 0.1\n", ODD_PATH: "# Notes\n"}, message="init")
        repo.commit("feature", {"train.py": "lr = 0.01\n", ODD_PATH: "# Notes, revised\n"}, parent=base)
        pr = repo.open_pull_request("feature", "main", title="Tune", body="Tunes.", user="alice")
        recorder = Recorder()
        sim.observers.append(recorder)
        yield World(sim, repo, pr.number, pr.head_sha, recorder, sim.client(1, auto_retry=False))
        assert sim.internal_errors == []


def _reads(world: World, headers: dict[str, str] | None = None) -> None:
    gh = world.gh
    gh.rest.pulls.get(OWNER, NAME, world.number, headers=headers)
    gh.rest.pulls.list(OWNER, NAME, headers=headers)
    gh.rest.pulls.list_files(OWNER, NAME, world.number, headers=headers)
    gh.rest.repos.get(OWNER, NAME, headers=headers)
    gh.rest.rate_limit.get(headers=headers)
    gh.rest.repos.get_content(OWNER, NAME, ODD_PATH, ref="feature", headers=headers)


def _check_run(world: World) -> None:
    run = world.gh.rest.checks.create(
        OWNER,
        NAME,
        name="mldebt",
        head_sha=world.head,
        status="in_progress",
        output={"title": "t", "summary": "s"},
    ).parsed_data
    world.gh.rest.checks.update(
        OWNER,
        NAME,
        run.id,
        status="completed",
        conclusion="neutral",
        actions=[{"label": "Rescore", "description": "Analyse again", "identifier": "rescore"}],
    )
    world.gh.rest.checks.get(OWNER, NAME, run.id)


def test_the_answers_the_bot_reads_are_githubs_shapes_in_both_api_versions(world: World) -> None:
    _reads(world)
    _reads(world, OLD)
    _check_run(world)
    assert world.problems() == []
    assert world.recorder.checked["pulls/list-files @2026-03-10"] == 1
    assert world.recorder.checked["pulls/list-files @2022-11-28"] == 1


def _unescaped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shapes_commits, "quote", lambda text, safe="/": text)


def _actions(monkeypatch: pytest.MonkeyPatch) -> None:
    original = Shapes.check_run
    monkeypatch.setattr(Shapes, "check_run", lambda self, run: {**original(self, run), "actions": []})


def _old_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Shapes, "latest", property(lambda self: False))


def _version_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(versions, "select", lambda requested: versions.DEFAULT)


def _full_repo_in_pr(monkeypatch: pytest.MonkeyPatch) -> None:
    original = Shapes._pr_ref
    monkeypatch.setattr(
        Shapes,
        "_pr_ref",
        lambda self, pr, ref, sha: {**original(self, pr, ref, sha), "repo": self.full_repository(pr.repo)},
    )


def _full_prs_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Shapes, "pull_request_simple", Shapes.pull_request)


def _no_number(monkeypatch: pytest.MonkeyPatch) -> None:
    original = Shapes.pull_request
    monkeypatch.setattr(
        Shapes,
        "pull_request",
        lambda self, pr: {k: v for k, v in original(self, pr).items() if k != "number"},
    )


DRIFTS: dict[str, tuple[Callable[[pytest.MonkeyPatch], None], str]] = {
    "file URLs not percent-escaped": (_unescaped, "is not a 'uri'"),
    "actions on a check run": (_actions, "'actions' was unexpected"),
    "2022-11-28 shapes to a 2026-03-10 request": (_old_shapes, "'merge_commit_sha'"),
    "X-GitHub-Api-Version ignored": (_version_ignored, "answered in version 2022-11-28, not the 2026-03-10"),
    "full repositories as a PR's base and head": (_full_repo_in_pr, "'network_count'"),
    "full PRs in the PR list": (_full_prs_listed, "'mergeable'"),
    "a required field missing": (_no_number, "'number' is a required property"),
}


@pytest.mark.parametrize("drift", DRIFTS)
def test_each_drift_of_the_simulator_from_github_is_caught(
    world: World, monkeypatch: pytest.MonkeyPatch, drift: str
) -> None:
    breaking, expected = DRIFTS[drift]
    breaking(monkeypatch)
    _reads(world)
    _check_run(world)
    found = world.problems()
    assert any(expected in problem for problem in found), found


def _raw(world: World, method: str, path: str, **options: Any) -> httpx.Response:
    try:
        return world.gh.request(method, path, **options).raw_response  # type: ignore[no-any-return]
    except RequestFailed as exc:
        return exc.response.raw_response


@pytest.mark.parametrize(
    ("method", "path", "options", "expected"),
    [
        (
            "GET",
            f"/repos/{OWNER}/{NAME}/pulls",
            {"params": {"colour": "red"}},
            "query parameter 'colour' is not in",
        ),
        (
            "GET",
            f"/repos/{OWNER}/{NAME}/pulls",
            {"params": {"per_page": "many"}},
            "'many' is not of type 'integer'",
        ),
        ("GET", f"/repos/{OWNER}/{NAME}/pulls", {"params": {"state": "merged"}}, "'merged' is not one of"),
        (
            "POST",
            f"/repos/{OWNER}/{NAME}/check-runs",
            {"json": {"name": "x", "head_sha": "0" * 40, "colour": "red"}},
            "'colour' was unexpected",
        ),
        ("GET", f"/repos/{OWNER}/{NAME}/nonsense", {}, "no such operation in GitHub's description"),
        (
            "GET",
            f"/repos/{OWNER}/{NAME}",
            {"headers": {"X-GitHub-Api-Version": "2021-01-01"}},
            "'2021-01-01' is not a version GitHub supports",
        ),
    ],
)
def test_a_request_that_leaves_githubs_description_is_caught(
    world: World, method: str, path: str, options: dict[str, Any], expected: str
) -> None:
    _raw(world, method, path, **options)
    found = world.problems()
    assert any(expected in problem for problem in found), found


def test_an_unsupported_api_version_is_refused_with_400_and_nothing_is_done(world: World) -> None:
    answer = _raw(
        world,
        "POST",
        f"/repos/{OWNER}/{NAME}/check-runs",
        headers={"X-GitHub-Api-Version": "2021-01-01"},
        json={"name": "x", "head_sha": world.head},
    )
    assert answer.status_code == 400
    assert '"2021-01-01", is not a supported version' in answer.json()["message"]
    assert world.sim.check_runs(world.repo) == []


QUERY = f'query {{ repository(owner: "{OWNER}", name: "{NAME}") {{ pullRequest(number: 1) {{ state }} }} }}'


def test_a_graphql_query_github_would_refuse_is_caught(world: World) -> None:
    world.gh.graphql.request(QUERY)
    assert world.problems() == []
    with pytest.raises(GraphQLFailed):
        world.gh.graphql.request(
            f'query {{ repository(owner: "{OWNER}", name: "{NAME}") {{ stargazerCount }} }}'
        )
    assert any("Cannot query field 'stargazerCount'" in problem for problem in world.problems())


def test_a_graphql_answer_outside_githubs_schema_is_caught(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = {"data": {"repository": {"pullRequest": {"state": "Open"}}}}
    monkeypatch.setattr(GraphQLService, "execute", lambda self, *args: broken)
    world.gh.graphql.request(QUERY)
    assert any("'Open' is not a PullRequestState" in problem for problem in world.problems())
