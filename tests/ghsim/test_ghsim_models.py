"""Every endpoint's answer parses with githubkit's strict response models."""

from __future__ import annotations

from typing import Any

from ghsim import Repo, SimulatedGitHub

from .conftest import REPO, open_pr


def test_remaining_endpoints_parse(sim: SimulatedGitHub, repo: Repo, gh: Any, app_gh: Any) -> None:
    pr = open_pr(repo, {"a.py": "a = 1\n"}, {"a.py": "a = 2\n"})
    owner, name = REPO.split("/")
    assert app_gh.rest.apps.get_installation(1).parsed_data.app_slug == "mldebt"
    assert [i.id for i in app_gh.rest.apps.list_installations().parsed_data] == [1]
    assert gh.rest.apps.list_repos_accessible_to_installation().parsed_data.total_count == 1
    assert [p.number for p in gh.rest.pulls.list(owner, name).parsed_data] == [1]
    assert gh.rest.pulls.list(owner, name, head="octo-org:feature").parsed_data[0].head.sha == pr.head_sha
    review = gh.rest.pulls.create_review(
        owner,
        name,
        1,
        data={
            "event": "REQUEST_CHANGES",
            "body": "fix",
            "comments": [{"path": "a.py", "line": 1, "body": "c"}],
        },
    ).parsed_data
    assert gh.rest.pulls.get_review(owner, name, 1, review.id).parsed_data.state == "CHANGES_REQUESTED"
    [comment] = gh.rest.pulls.list_comments_for_review(owner, name, 1, review.id).parsed_data
    assert gh.rest.pulls.get_review_comment(owner, name, comment.id).parsed_data.body == "c"
    reaction = gh.rest.reactions.create_for_pull_request_review_comment(
        owner, name, comment.id, data={"content": "+1"}
    )
    assert reaction.status_code == 201
    issue_comment = gh.rest.issues.create_comment(owner, name, 1, data={"body": "b"}).parsed_data
    assert gh.rest.issues.get_comment(owner, name, issue_comment.id).parsed_data.id == issue_comment.id
    gh.rest.reactions.create_for_issue_comment(owner, name, issue_comment.id, data={"content": "rocket"})
    assert [
        r.content for r in gh.rest.reactions.list_for_issue_comment(owner, name, issue_comment.id).parsed_data
    ] == ["rocket"]
    run = gh.rest.checks.create(owner, name, data={"name": "mldebt", "head_sha": pr.head_sha}).parsed_data
    assert run.check_suite is not None
    assert gh.rest.checks.get_suite(owner, name, run.check_suite.id).parsed_data.head_sha == pr.head_sha
    assert gh.rest.repos.get_content(owner, name, "", ref="feature").parsed_data[0].name == "a.py"
    assert gh.rest.rate_limit.get().parsed_data.resources.core.limit == 5000
