"""Replies in review threads: which `pull_request_review_comment` deliveries become thread commands.

../shared/github-payloads holds no `pull_request_review_comment` example, so this delivery carries the
fields of GitHub's documented one that the router reads; the pipeline tests send the simulator's full
payloads.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bot.router import Decision, Delivery, PayloadError, route
from core.jobs import ThreadCommandJob

REPLY: dict[str, Any] = {
    "action": "created",
    "comment": {
        "id": 2002,
        "pull_request_review_id": 3003,
        "in_reply_to_id": 1001,
        "path": "train.py",
        "body": "/mldebt ignore false-positive the threshold comes from the paper",
        "user": {"login": "alice", "id": 7, "type": "User"},
        "author_association": "COLLABORATOR",
    },
    "pull_request": {"number": 12, "head": {"sha": "a" * 40, "ref": "feature"}},
    "repository": {"full_name": "octo-org/ml-repo"},
    "installation": {"id": 5},
    "sender": {"login": "alice", "type": "User"},
}


def _route(payload: dict[str, Any]) -> Decision:
    return route(Delivery("pull_request_review_comment", "guid-1", json.dumps(payload).encode(), 1))


def _reply(**comment: Any) -> dict[str, Any]:
    payload = copy.deepcopy(REPLY)
    payload["comment"].update(comment)
    return payload


def test_a_reply_with_a_command_becomes_a_thread_command_about_the_thread_it_answers() -> None:
    [job] = _route(_reply()).jobs
    assert job == ThreadCommandJob(
        installation_id=5,
        repo="octo-org/ml-repo",
        pr_number=12,
        comment_id=2002,
        in_reply_to=1001,
        user="alice",
        association="COLLABORATOR",
        command="ignore",
        argument="false-positive the threshold comes from the paper",
        by_bot=False,
    )


def test_a_bots_command_goes_on_to_be_answered_with_confusion_but_our_own_comment_does_not() -> None:
    [job] = _route(_reply(user={"login": "helper[bot]", "type": "Bot"})).jobs
    assert isinstance(job, ThreadCommandJob) and job.by_bot
    ours = _reply(
        user={"login": "mldebt[bot]", "type": "Bot"}, body="/mldebt ignore x\n<!-- mldebt:reply-to 9 -->"
    )
    assert _route(ours).jobs == ()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"body": "Looks fine to me"}, "no /mldebt command"),
        ({"in_reply_to_id": None}, "as a reply"),
    ],
)
def test_comments_that_are_no_reply_command_are_ignored(change: dict[str, Any], reason: str) -> None:
    decision = _route(_reply(**change))
    assert decision.jobs == () and reason in decision.reason


def test_edited_and_deleted_replies_are_no_commands() -> None:
    for action in ("edited", "deleted"):
        payload = _reply()
        payload["action"] = action
        assert _route(payload).jobs == ()


def test_a_reply_without_its_pull_request_is_refused_as_malformed() -> None:
    payload = _reply()
    del payload["pull_request"]
    with pytest.raises(PayloadError, match="pull_request"):
        _route(payload)
