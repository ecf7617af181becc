"""Check runs: GitHub's limits, the annotation quirk, and listing."""

from __future__ import annotations

from typing import Any

import pytest
from githubkit.exception import RequestFailed

from ghsim import Repo, SimulatedGitHub

from .conftest import REPO


@pytest.fixture
def head(repo: Repo) -> str:
    return repo.commit("main", {"train.py": "x = 1\n"})


def _note(i: int) -> dict[str, Any]:
    return {
        "path": "train.py",
        "start_line": i,
        "end_line": i,
        "annotation_level": "warning",
        "message": f"m{i}",
    }


def _create(gh: Any, head: str, **extra: Any) -> Any:
    return gh.rest.checks.create("octo-org", "ml-repo", data={"name": "mldebt", "head_sha": head, **extra})


def test_51_annotations_in_one_request_is_422(sim: SimulatedGitHub, head: str, gh: Any) -> None:
    run = _create(gh, head, status="in_progress").parsed_data
    with pytest.raises(RequestFailed) as failure:
        gh.rest.checks.update(
            "octo-org",
            "ml-repo",
            run.id,
            data={"output": {"title": "t", "summary": "s", "annotations": [_note(i) for i in range(1, 52)]}},
        )
    assert failure.value.response.status_code == 422
    assert sim.check_runs(REPO)[0]["output"]["annotations"] == []


def test_annotations_accumulate_across_patches(sim: SimulatedGitHub, head: str, gh: Any) -> None:
    run = _create(
        gh,
        head,
        status="in_progress",
        output={"title": "t", "summary": "s", "annotations": [_note(i) for i in range(1, 51)]},
    ).parsed_data
    updated = gh.rest.checks.update(
        "octo-org",
        "ml-repo",
        run.id,
        data={
            "status": "completed",
            "conclusion": "neutral",
            "output": {
                "title": "Done",
                "summary": "20 findings",
                "annotations": [_note(i) for i in range(51, 71)],
            },
        },
    ).parsed_data
    assert updated.output.annotations_count == 70 and updated.output.title == "Done"
    assert updated.status == "completed" and updated.completed_at is not None
    listed = list(
        gh.rest.paginate(
            gh.rest.checks.list_annotations,
            owner="octo-org",
            repo="ml-repo",
            check_run_id=run.id,
            per_page=50,
        )
    )
    assert [a.message for a in listed] == [f"m{i}" for i in range(1, 71)]
    assert len(sim.check_runs(REPO)[0]["output"]["annotations"]) == 70


@pytest.mark.parametrize(
    "data",
    [
        {"status": "completed"},
        {"status": "in_progress", "conclusion": "success"},
        {"output": {"summary": "no title"}},
        {"output": {"title": "t", "summary": "x" * 65536}},
        {
            "output": {
                "title": "t",
                "summary": "s",
                "annotations": [{**_note(1), "annotation_level": "error"}],
            }
        },
        {
            "output": {
                "title": "t",
                "summary": "s",
                "annotations": [{**_note(1), "end_line": 3, "start_column": 1}],
            }
        },
        {
            "output": {
                "title": "t",
                "summary": "s",
                "annotations": [{"path": "a.py", "start_line": 1, "end_line": 1}],
            }
        },
        {"actions": [{"label": "x" * 21, "description": "d", "identifier": "i"}]},
        {"actions": [{"label": "l", "description": "d", "identifier": f"i{n}"} for n in range(4)]},
    ],
)
def test_invalid_check_run_requests(head: str, gh: Any, data: dict[str, Any]) -> None:
    with pytest.raises(RequestFailed) as failure:
        _create(gh, head, **data)
    assert failure.value.response.status_code == 422


def test_conclusion_implies_completed_and_actions_are_kept(head: str, gh: Any) -> None:
    run = _create(
        gh,
        head,
        conclusion="action_required",
        actions=[{"label": "Re-run", "description": "Analyse this PR again", "identifier": "rerun"}],
    ).parsed_data
    assert run.status == "completed" and run.conclusion == "action_required"
    fetched = gh.rest.checks.get("octo-org", "ml-repo", run.id).parsed_data
    assert fetched.id == run.id and fetched.name == "mldebt"


def test_unknown_head_sha_is_422(gh: Any, head: str) -> None:
    with pytest.raises(RequestFailed) as failure:
        _create(gh, "f" * 40)
    assert failure.value.response.status_code == 422


def test_list_for_ref_filters_by_name_and_shows_prs(repo: Repo, head: str, gh: Any) -> None:
    feature = repo.commit("feature", {"b.py": "b = 1\n"}, parent=head)
    repo.open_pull_request(head="feature")
    _create(gh, feature)
    _create(gh, feature)
    other = gh.rest.checks.create(
        "octo-org", "ml-repo", data={"name": "other", "head_sha": feature}
    ).parsed_data
    everything = gh.rest.checks.list_for_ref("octo-org", "ml-repo", feature, filter_="all").parsed_data
    assert everything.total_count == 3
    latest = gh.rest.checks.list_for_ref("octo-org", "ml-repo", "feature", check_name="mldebt").parsed_data
    assert latest.total_count == 1 and latest.check_runs[0].name == "mldebt"
    assert other.pull_requests[0].number == 1
