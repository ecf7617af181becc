"""Review rules: comments must anchor inside the diff or the whole review is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from githubkit.exception import RequestFailed

from ghsim import PullRequest, Repo, SimulatedGitHub

from .conftest import REPO, open_pr

BASE = "".join(f"line {i}\n" for i in range(1, 31))
HEAD = BASE.replace("line 10\n", "line 10 changed\n").replace("line 25\n", "")


@pytest.fixture
def pr(repo: Repo) -> PullRequest:
    return open_pr(repo, {"train.py": BASE}, {"train.py": HEAD})


def _review(gh: Any, **data: Any) -> Any:
    return gh.rest.pulls.create_review("octo-org", "ml-repo", 1, data=data)


def test_review_with_line_comments_is_stored(sim: SimulatedGitHub, pr: PullRequest, gh: Any) -> None:
    review = _review(
        gh,
        event="COMMENT",
        body="Found debt",
        commit_id=pr.head_sha,
        comments=[
            {"path": "train.py", "line": 10, "body": "magic number"},
            {"path": "train.py", "line": 25, "side": "LEFT", "body": "why removed?"},
            {"path": "train.py", "start_line": 8, "line": 12, "body": "multi-line"},
        ],
    ).parsed_data
    assert review.state == "COMMENTED" and review.user.login == "mldebt[bot]" and review.user.type == "Bot"
    comments = gh.rest.pulls.list_review_comments("octo-org", "ml-repo", 1).parsed_data
    assert [(c.line, c.side, c.start_line) for c in comments] == [
        (10, "RIGHT", None),
        (25, "LEFT", None),
        (12, "RIGHT", 8),
    ]
    assert all(c.pull_request_review_id == review.id and c.commit_id == pr.head_sha for c in comments)
    assert (
        comments[0].diff_hunk
        == "@@ -7,7 +7,7 @@ line 6\n line 7\n line 8\n line 9\n-line 10\n+line 10 changed"
    )
    assert sim.reviews(REPO, 1)[0]["body"] == "Found debt"


def test_off_diff_comment_rejects_whole_review(sim: SimulatedGitHub, pr: PullRequest, gh: Any) -> None:
    with pytest.raises(RequestFailed) as failure:
        _review(
            gh,
            event="COMMENT",
            body="x",
            comments=[
                {"path": "train.py", "line": 10, "body": "fine"},
                {"path": "train.py", "line": 2, "body": "outside any hunk"},
            ],
        )
    response = failure.value.response
    assert response.status_code == 422
    assert response.json()["message"] == "Unprocessable Entity"
    assert response.json()["errors"] == ["Line could not be resolved"]
    assert sim.reviews(REPO, 1) == [] and sim.review_comments(REPO, 1) == []


@pytest.mark.parametrize(
    "comment,reason",
    [
        ({"path": "other.py", "line": 10}, "Path could not be resolved"),
        ({"path": "train.py", "line": 3, "side": "LEFT"}, "Line could not be resolved"),
        (
            {"path": "train.py", "start_line": 8, "line": 23},
            "Pull request review thread start line must be part of the same hunk as the line.",
        ),
    ],
)
def test_each_anchoring_rule(pr: PullRequest, gh: Any, comment: dict[str, Any], reason: str) -> None:
    with pytest.raises(RequestFailed) as failure:
        _review(gh, event="COMMENT", body="x", comments=[{**comment, "body": "c"}])
    assert failure.value.response.json()["errors"] == [reason]


def test_comment_review_needs_body_or_comments(pr: PullRequest, gh: Any) -> None:
    with pytest.raises(RequestFailed) as failure:
        _review(gh, event="COMMENT")
    assert failure.value.response.status_code == 422


def test_body_length_limit(pr: PullRequest, gh: Any) -> None:
    with pytest.raises(RequestFailed) as failure:
        _review(gh, event="COMMENT", body="x" * 65537)
    assert failure.value.response.status_code == 422
    assert _review(gh, event="COMMENT", body="x" * 65536).status_code == 200


def test_edit_and_delete_review_comment(sim: SimulatedGitHub, pr: PullRequest, gh: Any) -> None:
    _review(gh, event="COMMENT", body="x", comments=[{"path": "train.py", "line": 10, "body": "old"}])
    [comment] = gh.rest.pulls.list_review_comments("octo-org", "ml-repo", 1).parsed_data
    edited = gh.rest.pulls.update_review_comment("octo-org", "ml-repo", comment.id, data={"body": "new"})
    assert edited.parsed_data.body == "new"
    assert gh.rest.pulls.delete_review_comment("octo-org", "ml-repo", comment.id).status_code == 204
    with pytest.raises(RequestFailed) as failure:
        gh.rest.pulls.update_review_comment("octo-org", "ml-repo", comment.id, data={"body": "again"})
    assert failure.value.response.status_code == 404


def test_single_comment_endpoint_uses_validation_failed_shape(pr: PullRequest, gh: Any) -> None:
    created = gh.rest.pulls.create_review_comment(
        "octo-org",
        "ml-repo",
        1,
        data={"body": "ok", "commit_id": pr.head_sha, "path": "train.py", "line": 10},
    ).parsed_data
    assert created.line == 10
    with pytest.raises(RequestFailed) as failure:
        gh.rest.pulls.create_review_comment(
            "octo-org",
            "ml-repo",
            1,
            data={"body": "bad", "commit_id": pr.head_sha, "path": "train.py", "line": 1},
        )
    error = failure.value.response.json()
    assert error["message"] == "Validation Failed"
    assert error["errors"][0]["field"] == "pull_request_review_thread.line"


def test_comment_becomes_outdated_after_push_touching_its_hunk(
    sim: SimulatedGitHub, repo: Repo, pr: PullRequest, gh: Any
) -> None:
    _review(
        gh,
        event="COMMENT",
        body="x",
        comments=[
            {"path": "train.py", "line": 10, "body": "c"},
            {"path": "train.py", "line": 26, "body": "d"},
        ],
    )
    new_head = repo.push("feature", {"train.py": HEAD.replace("line 9\n", "line 9 edited\n")})
    comments = gh.rest.pulls.list_review_comments("octo-org", "ml-repo", 1).parsed_data
    assert comments[0].line is None and comments[0].original_line == 10
    assert comments[1].line == 26 and comments[1].commit_id == new_head


def test_review_on_stale_commit_validates_against_that_commit(repo: Repo, pr: PullRequest, gh: Any) -> None:
    old_head = pr.head_sha
    repo.push("feature", {"extra.py": "x = 1\n"})
    review = _review(
        gh,
        event="COMMENT",
        body="x",
        commit_id=old_head,
        comments=[{"path": "train.py", "line": 10, "body": "c"}],
    ).parsed_data
    assert review.commit_id == old_head
    with pytest.raises(RequestFailed):
        _review(
            gh,
            event="COMMENT",
            body="x",
            commit_id=old_head,
            comments=[{"path": "extra.py", "line": 1, "body": "not in that commit"}],
        )


def test_pending_review_then_submit(pr: PullRequest, gh: Any) -> None:
    created = _review(gh, body="draft", comments=[{"path": "train.py", "line": 10, "body": "c"}])
    pending = created.parsed_data
    assert pending.state == "PENDING" and "submitted_at" not in created.json()
    [mine] = gh.rest.pulls.list_review_comments("octo-org", "ml-repo", 1).json()
    assert mine["pull_request_review_id"] == pending.id and "line" not in mine and mine["position"] == 5, (
        "its author sees a pending comment, placed only by its diff position"
    )
    submitted = gh.rest.pulls.submit_review("octo-org", "ml-repo", 1, pending.id, data={"event": "COMMENT"})
    assert submitted.parsed_data.state == "COMMENTED"
    [posted] = gh.rest.pulls.list_review_comments("octo-org", "ml-repo", 1).parsed_data
    assert posted.line == 10 and posted.id == mine["id"]


def test_a_pending_review_blocks_every_other_review_of_its_author_until_deleted(
    sim: SimulatedGitHub, pr: PullRequest, gh: Any
) -> None:
    pending = _review(gh, comments=[{"path": "train.py", "line": 10, "body": "probe"}]).parsed_data
    with pytest.raises(RequestFailed) as failure:
        _review(gh, event="COMMENT", body="x", comments=[{"path": "train.py", "line": 10, "body": "real"}])
    assert failure.value.response.json()["errors"] == [
        "User can only have one pending review per pull request"
    ]
    with pytest.raises(RequestFailed) as failure:
        gh.rest.pulls.create_review_comment(
            "octo-org",
            "ml-repo",
            1,
            data={"body": "single", "commit_id": pr.head_sha, "path": "train.py", "line": 10},
        )
    assert (
        failure.value.response.json()["errors"][0]["message"]
        == "user_id can only have one pending review per pull request"
    )
    with pytest.raises(RequestFailed) as failure:
        _review(gh, event="PENDING")
    assert failure.value.response.status_code == 422, (
        "PENDING is no event: leaving it out makes a pending review"
    )

    deleted = gh.rest.pulls.delete_pending_review("octo-org", "ml-repo", 1, pending.id).parsed_data
    assert deleted.id == pending.id and deleted.state == "PENDING"
    assert sim.reviews(REPO, 1) == [] and sim.review_comments(REPO, 1) == []
    posted = _review(
        gh, event="COMMENT", body="x", comments=[{"path": "train.py", "line": 10, "body": "real"}]
    )
    with pytest.raises(RequestFailed) as failure:
        gh.rest.pulls.delete_pending_review("octo-org", "ml-repo", 1, posted.parsed_data.id)
    assert failure.value.response.status_code == 422
    with pytest.raises(RequestFailed) as failure:
        gh.rest.pulls.delete_pending_review("octo-org", "ml-repo", 1, pending.id)
    assert failure.value.response.status_code == 404


def test_a_pending_comment_answers_404_one_by_one_but_can_be_deleted(pr: PullRequest, gh: Any) -> None:
    pending = _review(
        gh,
        comments=[
            {"path": "train.py", "line": 10, "body": "a"},
            {"path": "train.py", "line": 26, "body": "b"},
        ],
    ).parsed_data
    first, second = gh.rest.pulls.list_comments_for_review("octo-org", "ml-repo", 1, pending.id).json()
    assert "line" not in first and "side" not in first
    calls: list[Callable[[], Any]] = [
        lambda: gh.rest.pulls.get_review_comment("octo-org", "ml-repo", first["id"]),
        lambda: gh.rest.pulls.update_review_comment("octo-org", "ml-repo", first["id"], data={"body": "z"}),
    ]
    for call in calls:
        with pytest.raises(RequestFailed) as failure:
            call()
        assert failure.value.response.status_code == 404
    assert gh.rest.pulls.delete_review_comment("octo-org", "ml-repo", first["id"]).status_code == 204
    assert [c["id"] for c in gh.rest.pulls.list_review_comments("octo-org", "ml-repo", 1).json()] == [
        second["id"]
    ]
