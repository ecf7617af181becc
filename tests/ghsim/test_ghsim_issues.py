"""Issue comments on PRs, reactions and collaborator permissions."""

from __future__ import annotations

from typing import Any

import pytest
from githubkit.exception import RequestFailed

from ghsim import PullRequest, Repo, SimulatedGitHub

from .conftest import REPO, open_pr


@pytest.fixture
def pr(repo: Repo) -> PullRequest:
    return open_pr(repo, {"a.py": "a = 1\n"}, {"a.py": "a = 2\n"})


def test_comment_lifecycle(sim: SimulatedGitHub, pr: PullRequest, gh: Any) -> None:
    created = gh.rest.issues.create_comment("octo-org", "ml-repo", 1, data={"body": "summary v1"}).parsed_data
    assert created.user.login == "mldebt[bot]"
    gh.rest.issues.update_comment("octo-org", "ml-repo", created.id, data={"body": "summary v2"})
    listed = gh.rest.issues.list_comments("octo-org", "ml-repo", 1).parsed_data
    assert [c.body for c in listed] == ["summary v2"]
    assert [c["body"] for c in sim.issue_comments(REPO, 1)] == ["summary v2"]
    with pytest.raises(RequestFailed) as failure:
        gh.rest.issues.create_comment("octo-org", "ml-repo", 1, data={"body": "x" * 65537})
    assert failure.value.response.status_code == 422
    with pytest.raises(RequestFailed) as missing:
        gh.rest.issues.create_comment("octo-org", "ml-repo", 99, data={"body": "no such PR"})
    assert missing.value.response.status_code == 404


def test_reaction_is_201_then_200(sim: SimulatedGitHub, pr: PullRequest, gh: Any) -> None:
    human = sim.add_issue_comment(REPO, 1, "/mldebt rescore", user="alice")
    first = gh.rest.reactions.create_for_issue_comment(
        "octo-org", "ml-repo", human.id, data={"content": "eyes"}
    )
    again = gh.rest.reactions.create_for_issue_comment(
        "octo-org", "ml-repo", human.id, data={"content": "eyes"}
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.parsed_data.id == again.parsed_data.id and first.parsed_data.content == "eyes"
    assert [r["content"] for r in sim.reactions(human.id)] == ["eyes"]
    with pytest.raises(RequestFailed) as failure:
        gh.rest.reactions.create_for_issue_comment("octo-org", "ml-repo", human.id, data={"content": "party"})
    assert failure.value.response.status_code == 422


@pytest.mark.parametrize(
    "role,permission",
    [
        ("admin", "admin"),
        ("maintain", "write"),
        ("write", "write"),
        ("triage", "read"),
        ("read", "read"),
        ("none", "none"),
    ],
)
def test_collaborator_permission_levels(
    sim: SimulatedGitHub, repo: Repo, gh: Any, role: str, permission: str
) -> None:
    sim.set_permission(REPO, "alice", role)
    answer = gh.rest.repos.get_collaborator_permission_level("octo-org", "ml-repo", "alice").parsed_data
    assert (answer.permission, answer.role_name, answer.user.login) == (permission, role, "alice")


def test_owner_is_admin_and_unknown_user_is_404(sim: SimulatedGitHub, repo: Repo, gh: Any) -> None:
    owner = gh.rest.repos.get_collaborator_permission_level("octo-org", "ml-repo", "octo-org").parsed_data
    assert owner.permission == "admin"
    with pytest.raises(RequestFailed) as failure:
        gh.rest.repos.get_collaborator_permission_level("octo-org", "ml-repo", "ghost-user")
    assert failure.value.response.status_code == 404
