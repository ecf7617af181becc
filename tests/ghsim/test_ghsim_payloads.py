"""Payload builders mirror the simulator state and GitHub's payload shapes."""

from __future__ import annotations

from typing import Any

from githubkit.webhooks import parse_obj

from ghsim import Repo, SimulatedGitHub, payloads

from .conftest import REPO, open_pr


def test_pull_request_opened_and_synchronize(sim: SimulatedGitHub, repo: Repo) -> None:
    pr = open_pr(
        repo, {"a.py": "a = 1\n"}, {"a.py": "a = 2\n"}, title="T", body=None, user="alice", draft=True
    )
    opened = payloads.pull_request(sim, REPO, 1)
    assert opened["action"] == "opened" and opened["number"] == 1
    assert opened["installation"]["id"] == 1
    assert opened["repository"]["full_name"] == REPO and opened["repository"]["default_branch"] == "main"
    assert opened["repository"]["owner"]["login"] == "octo-org"
    head, base = opened["pull_request"]["head"], opened["pull_request"]["base"]
    assert (head["sha"], head["ref"], base["sha"], base["ref"]) == (
        pr.head_sha,
        "feature",
        pr.base_sha,
        "main",
    )
    assert opened["pull_request"]["user"]["login"] == "alice" and opened["pull_request"]["draft"] is True
    assert opened["pull_request"]["body"] is None and opened["pull_request"]["state"] == "open"
    assert opened["sender"] == {**opened["sender"], "login": "alice", "type": "User"}
    old = pr.head_sha
    new = repo.push("feature", {"b.py": "b\n"})
    sync = payloads.pull_request(sim, REPO, 1, "synchronize")
    assert (sync["before"], sync["after"]) == (old, new)
    assert parse_obj("pull_request", sync).pull_request.head.sha == new


def test_issue_comment_on_a_pr(sim: SimulatedGitHub, repo: Repo) -> None:
    open_pr(repo, {"a.py": "a = 1\n"}, {"a.py": "a = 2\n"})
    sim.set_permission(REPO, "bob", "write")
    event = payloads.issue_comment(sim, REPO, 1, "/mldebt rescore", user="bob")
    assert event["action"] == "created" and event["issue"]["number"] == 1
    assert event["issue"]["pull_request"]["url"].endswith(f"/repos/{REPO}/pulls/1")
    comment = event["comment"]
    assert comment["body"] == "/mldebt rescore" and comment["user"]["login"] == "bob"
    assert comment["user"]["type"] == "User" and comment["author_association"] == "COLLABORATOR"
    assert [c["id"] for c in sim.issue_comments(REPO, 1)] == [comment["id"]]
    assert parse_obj("issue_comment", event).comment.id == comment["id"]


def test_check_run_and_suite_events(sim: SimulatedGitHub, repo: Repo, gh: Any) -> None:
    pr = open_pr(repo, {"a.py": "a = 1\n"}, {"a.py": "a = 2\n"})
    run = gh.rest.checks.create(
        "octo-org",
        "ml-repo",
        data={
            "name": "mldebt",
            "head_sha": pr.head_sha,
            "conclusion": "neutral",
            "actions": [{"label": "Re-run", "description": "Analyse again", "identifier": "rerun"}],
        },
    ).parsed_data
    requested = payloads.check_run(sim, REPO, run.id, "requested_action", identifier="rerun")
    assert requested["requested_action"] == {"identifier": "rerun"}
    check_run = requested["check_run"]
    assert (check_run["id"], check_run["head_sha"], check_run["name"]) == (run.id, pr.head_sha, "mldebt")
    assert check_run["app"]["id"] == 1 and check_run["pull_requests"][0]["number"] == 1
    rerequested = payloads.check_run(sim, REPO, run.id)
    assert rerequested["action"] == "rerequested" and "requested_action" not in rerequested
    suite = payloads.check_suite(sim, REPO, pr.head_sha)
    assert suite["check_suite"]["head_sha"] == pr.head_sha and suite["check_suite"]["app"]["id"] == 1
    assert suite["check_suite"]["pull_requests"][0]["number"] == 1
    assert suite["check_suite"]["id"] == check_run["check_suite"]["id"]


def test_installation_event(sim: SimulatedGitHub, repo: Repo) -> None:
    event = payloads.installation(sim, 1)
    assert event["installation"]["id"] == 1 and event["repositories"][0]["full_name"] == REPO
