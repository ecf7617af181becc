"""The router on GitHub's real example payloads: which deliveries become jobs, and which are ignored."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bot.router import Decision, Delivery, PayloadError, route
from core.jobs import CommandJob, ReviewJob
from tests.payloads import load, on_pull_request

APP_ID = 29310


def _route(event: str, payload: dict[str, Any], app_id: int = APP_ID) -> Decision:
    return route(Delivery(event, "guid-1", json.dumps(payload).encode(), app_id))


@pytest.mark.parametrize(
    "name",
    [
        "opened.payload.json",
        "synchronize.payload.json",
        "reopened.payload.json",
        "ready_for_review.with-installation.payload.json",
    ],
)
def test_pull_request_pushes_become_one_review_job(name: str) -> None:
    payload = load("pull_request", name)
    payload.setdefault("installation", {"id": 1})
    payload["pull_request"]["draft"] = False
    decision = _route("pull_request", payload)
    [job] = decision.jobs
    assert isinstance(job, ReviewJob)
    assert job.head_sha == payload["pull_request"]["head"]["sha"]
    assert job.pr_number == payload["pull_request"]["number"]
    assert all(ch.isalnum() or ch in "_-" for ch in job.job_id)
    assert decision.latest_head == (payload["repository"]["full_name"], job.pr_number, job.head_sha)


@pytest.mark.parametrize("name", ["closed.payload.json", "converted_to_draft.payload.json"])
def test_pull_request_actions_without_new_code_are_ignored(name: str) -> None:
    assert _route("pull_request", load("pull_request", name)).jobs == ()


def test_draft_pull_request_waits_for_ready_for_review() -> None:
    payload = load("pull_request", "opened.payload.json")
    payload["pull_request"]["draft"] = True
    decision = _route("pull_request", payload)
    assert decision.jobs == () and "draft" in decision.reason


def test_rescore_comment_on_a_pull_request_becomes_a_command_job() -> None:
    payload = on_pull_request(load("issue_comment", "created.with-installation.payload.json"))
    payload["comment"]["body"] = "Thanks!\n/mldebt rescore"
    decision = _route("issue_comment", payload)
    [job] = decision.jobs
    assert isinstance(job, CommandJob)
    assert job.command == "rescore"
    assert job.association == payload["comment"]["author_association"]


def test_command_on_a_plain_issue_is_ignored() -> None:
    payload = load("issue_comment", "created.with-installation.payload.json")
    payload["comment"]["body"] = "/mldebt rescore"
    assert _route("issue_comment", payload).jobs == ()


def test_commands_from_bots_are_ignored() -> None:
    payload = on_pull_request(load("issue_comment", "created.with-installation.payload.json"))
    payload["comment"]["body"] = "/mldebt rescore"
    payload["comment"]["user"]["type"] = "Bot"
    assert _route("issue_comment", payload).jobs == ()


def test_typo_still_reaches_the_worker_to_be_answered_with_help() -> None:
    payload = on_pull_request(load("issue_comment", "created.with-installation.payload.json"))
    payload["comment"]["body"] = "/mldebt rescroe"
    decision = _route("issue_comment", payload)
    [job] = decision.jobs
    assert isinstance(job, CommandJob) and job.command == "rescroe"


def test_check_suite_rerequest_for_our_app_reviews_again() -> None:
    payload = load("check_suite", "rerequested.payload.json")
    decision = _route("check_suite", payload, app_id=payload["check_suite"]["app"]["id"])
    [job] = decision.jobs
    assert isinstance(job, ReviewJob) and job.head_sha == payload["check_suite"]["head_sha"]
    assert job.run.startswith("rerun-")


def test_check_suite_of_another_app_is_ignored() -> None:
    payload = load("check_suite", "rerequested.payload.json")
    assert _route("check_suite", payload, app_id=1).jobs == ()


def test_rescore_button_on_our_check_run_reviews_again() -> None:
    payload = load("check_run", "requested_action.payload.json")
    payload["requested_action"] = {"identifier": "rescore"}
    payload["check_run"]["pull_requests"] = copy.deepcopy(
        load("check_suite", "rerequested.payload.json")["check_suite"]["pull_requests"]
    )
    payload.setdefault("installation", {"id": 1})
    decision = _route("check_run", payload, app_id=payload["check_run"]["app"]["id"])
    [job] = decision.jobs
    assert isinstance(job, ReviewJob) and job.pr_number == payload["check_run"]["pull_requests"][0]["number"]


def test_unknown_events_are_ignored() -> None:
    assert _route("installation", load("installation", "created.payload.json")).jobs == ()


def test_payload_missing_fields_is_a_clear_error() -> None:
    payload = load("pull_request", "opened.payload.json")
    del payload["pull_request"]["head"]
    with pytest.raises(PayloadError, match=r"pull_request\.head"):
        _route("pull_request", payload)


def _edited(old_body: str, new_body: str) -> dict[str, Any]:
    """GitHub's `edited` delivery: the opened example with the new body and `changes.body.from` holding
    the old."""
    payload = load("pull_request", "opened.payload.json")
    payload.update(action="edited", changes={"body": {"from": old_body}}, installation={"id": 1})
    payload["pull_request"].update(body=new_body, draft=False)
    return payload


def test_writing_a_tuning_context_section_reviews_the_same_head_again() -> None:
    payload = _edited("Raise depth.", "Raise depth.\n\n## Tuning context\nmax_depth: 5-fold CV on data v12\n")
    [job] = _route("pull_request", payload).jobs
    assert isinstance(job, ReviewJob) and job.head_sha == payload["pull_request"]["head"]["sha"]
    assert job.run != "auto", "a fresh check run: annotations of the first cannot be cleared"


def test_description_edits_outside_the_tuning_context_section_review_nothing() -> None:
    context = "## Tuning context\nmax_depth: 5-fold CV on data v12\n"
    assert (
        _route("pull_request", _edited("Raise depth.\n\n" + context, "Raise the depth.\n\n" + context)).jobs
        == ()
    )
    title_only = _edited("", "")
    del title_only["changes"]["body"]
    title_only["changes"]["title"] = {"from": "old title"}
    assert _route("pull_request", title_only).jobs == ()


def test_each_edit_is_its_own_review_so_an_undone_edit_is_reviewed_too() -> None:
    with_context, without = "## Tuning context\nlr from an Optuna sweep\n", "Raise depth."
    first = route(
        Delivery("pull_request", "guid-a", json.dumps(_edited(without, with_context)).encode(), APP_ID)
    ).jobs[0]
    undo = route(
        Delivery("pull_request", "guid-b", json.dumps(_edited(with_context, without)).encode(), APP_ID)
    ).jobs[0]
    redo = route(
        Delivery("pull_request", "guid-c", json.dumps(_edited(without, with_context)).encode(), APP_ID)
    ).jobs[0]
    assert len({first.job_id, undo.job_id, redo.job_id}) == 3
