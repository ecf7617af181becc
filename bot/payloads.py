"""Small, lenient models of only the webhook fields mldebt reads.

githubkit's strict webhook models reject half of GitHub's own example
payloads (fields missing in older deliveries), so the receiver reads what it
needs and ignores everything else.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# What reaches a job id, a Redis key or an API path is held to GitHub's own formats.
Sha = Annotated[str, Field(pattern=r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")]
RepoName = Annotated[str, Field(pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")]
Id = Annotated[int, Field(gt=0)]
# Managed (EMU) logins carry `_`; Apps act as `name[bot]`.
Login = Annotated[str, Field(pattern=r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\[bot\])?$")]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class JsonObject(_Lenient):
    """Any JSON object: the body of an event mldebt takes no action on must still be one."""


class Account(_Lenient):
    login: str
    type: str = "User"


class Commenter(Account):
    """The one login mldebt puts in an API path (the collaborator-permission check)."""

    login: Login


class Installation(_Lenient):
    id: Id


class Repository(_Lenient):
    full_name: RepoName


class Ref(_Lenient):
    sha: Sha
    ref: str = ""


class PullRequest(_Lenient):
    number: Id
    head: Ref
    base: Ref
    draft: bool = False
    state: str = "open"
    body: str | None = ""


class EarlierText(_Lenient):
    from_: str | None = Field(default="", alias="from")


class PullRequestChanges(_Lenient):
    """What an `edited` action changed; `body` is absent when only the title or base moved."""

    body: EarlierText | None = None


class PullRequestRef(_Lenient):
    number: Id
    head: Ref | None = None


class Comment(_Lenient):
    id: Id
    body: str | None = ""
    user: Commenter
    author_association: str = "NONE"


class ReviewComment(Comment):
    """A review comment; `in_reply_to_id` names the comment that opened its thread (absent on that one)."""

    in_reply_to_id: Id | None = None


class IssuePullRequestLink(_Lenient):
    url: str = ""


class Issue(_Lenient):
    number: Id
    pull_request: IssuePullRequestLink | None = None


class App(_Lenient):
    id: int


class CheckRun(_Lenient):
    id: Id
    head_sha: Sha
    name: str = ""
    app: App
    pull_requests: list[PullRequestRef] = Field(default_factory=list)


class CheckSuite(_Lenient):
    id: Id
    head_sha: Sha
    app: App
    pull_requests: list[PullRequestRef] = Field(default_factory=list)


class RequestedAction(_Lenient):
    identifier: str


class Event(_Lenient):
    action: str = ""
    installation: Installation | None = None
    repository: Repository | None = None
    sender: Account | None = None


class PullRequestEvent(Event):
    pull_request: PullRequest
    changes: PullRequestChanges | None = None


class IssueCommentEvent(Event):
    issue: Issue
    comment: Comment


class ReviewCommentEvent(Event):
    comment: ReviewComment
    pull_request: PullRequestRef


class CheckRunEvent(Event):
    check_run: CheckRun
    requested_action: RequestedAction | None = None


class CheckSuiteEvent(Event):
    check_suite: CheckSuite
