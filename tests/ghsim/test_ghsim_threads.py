"""Review threads over GraphQL: listed with their comments, resolved and reopened by node id."""

from __future__ import annotations

from typing import Any

import httpx

from ghsim import Repo, SimulatedGitHub, payloads

THREADS = """
query { repository(owner: "octo-org", name: "ml-repo") { pullRequest(number: %d) {
  reviewThreads(first: 10) { totalCount nodes { id isResolved resolvedBy { login } path
    comments(first: 10) { nodes { fullDatabaseId body } } } }
} } }
"""
RESOLVE = """
mutation($id: ID!) { %s(input: {threadId: $id, clientMutationId: "m1"}) {
  clientMutationId thread { id isResolved } } }
"""


def _pull_with_a_comment(repo: Repo, gh: Any) -> tuple[int, int]:
    repo.commit("main", {"train.py": "lr = 0.1\n"})
    repo.commit("tune", {"train.py": "lr = 0.01\n"}, parent=repo.branches["main"])
    pr = repo.open_pull_request("tune", "main", title="Tune", user="alice")
    review = gh.rest.pulls.create_review(
        "octo-org",
        "ml-repo",
        pr.number,
        event="COMMENT",
        body="review",
        comments=[{"path": "train.py", "line": 1, "side": "RIGHT", "body": "magic number"}],
    ).parsed_data
    [comment] = gh.rest.pulls.list_comments_for_review(
        "octo-org", "ml-repo", pr.number, review.id
    ).parsed_data
    return pr.number, comment.id


def test_a_reply_joins_the_thread_its_comment_opened(sim: SimulatedGitHub, repo: Repo, gh: Any) -> None:
    number, comment_id = _pull_with_a_comment(repo, gh)
    event = payloads.pull_request_review_comment(
        sim, repo, number, comment_id, "/mldebt ignore ok", user="bob"
    )
    assert event["comment"]["in_reply_to_id"] == comment_id
    assert event["comment"]["user"]["login"] == "bob" and event["pull_request"]["number"] == number

    [thread] = gh.graphql(THREADS % number)["repository"]["pullRequest"]["reviewThreads"]["nodes"]
    assert thread["isResolved"] is False and thread["resolvedBy"] is None and thread["path"] == "train.py"
    assert [c["fullDatabaseId"] for c in thread["comments"]["nodes"]] == [
        str(comment_id),
        str(event["comment"]["id"]),
    ]


def test_resolve_and_unresolve_by_thread_id(sim: SimulatedGitHub, repo: Repo, gh: Any) -> None:
    number, comment_id = _pull_with_a_comment(repo, gh)
    [thread] = gh.graphql(THREADS % number)["repository"]["pullRequest"]["reviewThreads"]["nodes"]

    for _ in range(2):
        answer = gh.graphql(RESOLVE % "resolveReviewThread", variables={"id": thread["id"]})
        assert answer["resolveReviewThread"] == {
            "clientMutationId": "m1",
            "thread": {"id": thread["id"], "isResolved": True},
        }
    assert sim.thread_resolved_by(comment_id) == sim.state.bot.login
    [listed] = gh.graphql(THREADS % number)["repository"]["pullRequest"]["reviewThreads"]["nodes"]
    assert listed["isResolved"] is True and listed["resolvedBy"] == {"login": sim.state.bot.login}

    answer = gh.graphql(RESOLVE % "unresolveReviewThread", variables={"id": thread["id"]})
    assert answer["unresolveReviewThread"]["thread"]["isResolved"] is False
    assert sim.thread_resolved_by(comment_id) is None


def test_an_unknown_thread_id_is_not_found(sim: SimulatedGitHub, repo: Repo) -> None:
    answer = httpx.post(
        f"{sim.url}/graphql",
        json={"query": RESOLVE % "resolveReviewThread", "variables": {"id": "UFJSVDo5OTk5"}},
        headers={"Authorization": f"token {_installation_token(sim)}"},
    ).json()
    assert answer["data"] == {"resolveReviewThread": None}
    assert answer["errors"][0]["type"] == "NOT_FOUND"


def _installation_token(sim: SimulatedGitHub) -> str:
    app = sim.client(None, auto_retry=False)
    token: str = app.rest.apps.create_installation_access_token(1).parsed_data.token
    return token
