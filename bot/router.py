"""Maps a webhook (event, action) to the jobs it calls for, without touching GitHub.

Each handler reads its payload through a lenient model and returns a
`Decision`; the receiver only verifies, asks the router, and enqueues. The
models read the raw body themselves (pydantic's JSON parser): a 20 KB
pull_request payload is never built into Python objects the router would
throw away, which cost the receiver more than anything else it did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError

from bot.payloads import (
    CheckRunEvent,
    CheckSuiteEvent,
    IssueCommentEvent,
    JsonObject,
    PullRequestEvent,
    ReviewCommentEvent,
)
from core.jobs import COMMAND, CommandJob, PullRequestJob, ReviewJob, ThreadCommandJob, command_parts
from rules.pr_body import tuning_section

RESCORE_ACTION = "rescore"
# Every comment mldebt writes carries a hidden marker that starts so.
OUR_MARKER = "<!-- mldebt:"
REVIEW_ACTIONS = frozenset({"opened", "synchronize", "reopened", "ready_for_review"})


class PayloadError(ValueError):
    """The body is not a JSON object, or lacks what this event must carry."""


@dataclass(frozen=True)
class Decision:
    outcome: str
    reason: str
    jobs: tuple[PullRequestJob, ...] = ()
    latest_head: tuple[str, int, str] | None = None
    repo: str = ""
    pr: int | None = None
    sha: str = ""


@dataclass(frozen=True)
class Delivery:
    event: str
    guid: str
    body: bytes
    app_id: int


def _ignored(reason: str) -> Decision:
    return Decision("ignored", reason)


def _review(repo: str, installation: int, pr: int, sha: str, run: str, reason: str) -> Decision:
    job = ReviewJob(installation, repo, pr, sha, run)
    return Decision("enqueued", reason, (job,), repo=repo, pr=pr, sha=sha)


def on_pull_request(delivery: Delivery) -> Decision:
    event = PullRequestEvent.model_validate_json(delivery.body)
    if event.action == "edited":
        return _on_description_edited(event, delivery.guid)
    if event.action not in REVIEW_ACTIONS:
        return _ignored(f"pull_request.{event.action} needs no review")
    if event.installation is None or event.repository is None:
        return _ignored("delivery carries no installation")
    pr = event.pull_request
    if pr.draft:
        return _ignored("draft pull requests are reviewed when marked ready")
    if pr.state != "open":
        return _ignored("pull request is not open")
    decision = _review(
        event.repository.full_name,
        event.installation.id,
        pr.number,
        pr.head.sha,
        "auto",
        f"pull_request.{event.action}",
    )
    return Decision(
        decision.outcome,
        decision.reason,
        decision.jobs,
        latest_head=(event.repository.full_name, pr.number, pr.head.sha),
        repo=decision.repo,
        pr=decision.pr,
        sha=decision.sha,
    )


def _on_description_edited(event: PullRequestEvent, guid: str) -> Decision:
    """config-without-context accepts a `## Tuning context` section of the description, so an author
    who answers a finding by writing one is reviewed again; any other edit changes no finding and costs
    nothing."""
    pr = event.pull_request
    if event.changes is None or event.changes.body is None:
        return _ignored("pull_request.edited changed no description")
    section = tuning_section(pr.body or "")
    if section == tuning_section(event.changes.body.from_ or ""):
        return _ignored("pull_request.edited left the Tuning context section as it was")
    if event.installation is None or event.repository is None:
        return _ignored("delivery carries no installation")
    if pr.draft or pr.state != "open":
        return _ignored("pull request is a draft or not open")
    return _review(
        event.repository.full_name,
        event.installation.id,
        pr.number,
        pr.head.sha,
        f"edited-{guid}",
        "pull_request.edited (Tuning context)",
    )


def _is_bot(login: str, kind: str) -> bool:
    return kind == "Bot" or login.endswith("[bot]")


def on_issue_comment(delivery: Delivery) -> Decision:
    event = IssueCommentEvent.model_validate_json(delivery.body)
    if event.action != "created":
        return _ignored(f"issue_comment.{event.action} is not a command")
    match = COMMAND.search(event.comment.body or "")
    if match is None:
        return _ignored("comment holds no /mldebt command")
    if event.issue.pull_request is None:
        return _ignored("/mldebt works on pull requests, not issues")
    if _is_bot(event.comment.user.login, event.comment.user.type):
        return _ignored("commands from bots are not taken")
    if event.installation is None or event.repository is None:
        return _ignored("delivery carries no installation")
    repo = event.repository.full_name
    command, argument = command_parts(match)
    job = CommandJob(
        installation_id=event.installation.id,
        repo=repo,
        pr_number=event.issue.number,
        comment_id=event.comment.id,
        user=event.comment.user.login,
        association=event.comment.author_association,
        command=command,
        argument=argument,
    )
    return Decision("enqueued", f"/mldebt {match['word']}".strip(), (job,), repo=repo, pr=event.issue.number)


def on_review_comment(delivery: Delivery) -> Decision:
    """A reply in a review thread. A bot's command is passed on too, to be answered with 😕; our own
    comments (they carry our hidden marker) never are, so mldebt cannot answer itself."""
    event = ReviewCommentEvent.model_validate_json(delivery.body)
    if event.action != "created":
        return _ignored(f"pull_request_review_comment.{event.action} is not a command")
    body = event.comment.body or ""
    match = COMMAND.search(body)
    if match is None:
        return _ignored("comment holds no /mldebt command")
    if event.comment.in_reply_to_id is None:
        return _ignored("/mldebt in a review comment works as a reply to one of mldebt's")
    if OUR_MARKER in body:
        return _ignored("mldebt's own comment")
    if event.installation is None or event.repository is None:
        return _ignored("delivery carries no installation")
    repo = event.repository.full_name
    command, argument = command_parts(match)
    job = ThreadCommandJob(
        installation_id=event.installation.id,
        repo=repo,
        pr_number=event.pull_request.number,
        comment_id=event.comment.id,
        in_reply_to=event.comment.in_reply_to_id,
        user=event.comment.user.login,
        association=event.comment.author_association,
        command=command,
        argument=argument,
        by_bot=_is_bot(event.comment.user.login, event.comment.user.type),
    )
    reason = f"/mldebt {match['word']} (review thread)"
    return Decision("enqueued", reason, (job,), repo=repo, pr=event.pull_request.number)


def on_check_run(delivery: Delivery) -> Decision:
    event = CheckRunEvent.model_validate_json(delivery.body)
    if event.action not in ("rerequested", "requested_action"):
        return _ignored(f"check_run.{event.action} needs nothing")
    if event.check_run.app.id != delivery.app_id:
        return _ignored("check run belongs to another app")
    if event.action == "requested_action" and (
        event.requested_action is None or event.requested_action.identifier != RESCORE_ACTION
    ):
        return _ignored("unknown check run action")
    if event.installation is None or event.repository is None or not event.check_run.pull_requests:
        return _ignored("check run is not tied to a pull request of an installation")
    pr = event.check_run.pull_requests[0].number
    run = f"rerun-{delivery.guid}"
    return _review(
        event.repository.full_name,
        event.installation.id,
        pr,
        event.check_run.head_sha,
        run,
        f"check_run.{event.action}",
    )


def on_check_suite(delivery: Delivery) -> Decision:
    event = CheckSuiteEvent.model_validate_json(delivery.body)
    if event.action != "rerequested":
        return _ignored(f"check_suite.{event.action} needs nothing")
    if event.check_suite.app.id != delivery.app_id:
        return _ignored("check suite belongs to another app")
    if event.installation is None or event.repository is None or not event.check_suite.pull_requests:
        return _ignored("check suite is not tied to a pull request of an installation")
    pr = event.check_suite.pull_requests[0].number
    return _review(
        event.repository.full_name,
        event.installation.id,
        pr,
        event.check_suite.head_sha,
        f"rerun-{delivery.guid}",
        "check_suite.rerequested",
    )


HANDLERS: dict[str, Callable[[Delivery], Decision]] = {
    "pull_request": on_pull_request,
    "issue_comment": on_issue_comment,
    "pull_request_review_comment": on_review_comment,
    "check_run": on_check_run,
    "check_suite": on_check_suite,
}


def route(delivery: Delivery) -> Decision:
    """Raises PayloadError when the body is not a JSON object, or lacks what its event must carry; an
    event no handler takes is ignored, once its body is known to be a JSON object."""
    handler = HANDLERS.get(delivery.event)
    try:
        if handler is None:
            JsonObject.model_validate_json(delivery.body)
            return _ignored(f"event {delivery.event!r} is not handled")
        return handler(delivery)
    except ValidationError as exc:
        raise PayloadError(_what_is_wrong(delivery.event, exc)) from None


def _what_is_wrong(event: str, exc: ValidationError) -> str:
    errors = exc.errors()
    if any(error["type"] == "json_invalid" for error in errors):  # bad bytes or syntax, absurd nesting
        return "body is not valid JSON"
    if any(not error["loc"] for error in errors):
        return "body is not a JSON object"
    fields = sorted({".".join(str(part) for part in error["loc"]) for error in errors})
    return f"{event} payload lacks or mistypes: {', '.join(fields[:5])}"


__all__ = ["Decision", "Delivery", "PayloadError", "route"]
