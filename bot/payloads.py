"""Small, lenient models of only the webhook fields mldebt reads.

githubkit's strict webhook models reject half of GitHub's own example
payloads (fields missing in older deliveries), so the receiver reads what it
needs and ignores everything else.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Account(_Lenient):
    login: str
    type: str = "User"


class Installation(_Lenient):
    id: int


class Repository(_Lenient):
    full_name: str


class Ref(_Lenient):
    sha: str
    ref: str = ""


class PullRequest(_Lenient):
    number: int
    head: Ref
    base: Ref
    draft: bool = False
    state: str = "open"


class PullRequestRef(_Lenient):
    number: int
    head: Ref | None = None


class Comment(_Lenient):
    id: int
    body: str | None = ""
    user: Account
    author_association: str = "NONE"


class IssuePullRequestLink(_Lenient):
    url: str = ""


class Issue(_Lenient):
    number: int
    pull_request: IssuePullRequestLink | None = None


class App(_Lenient):
    id: int


class CheckRun(_Lenient):
    id: int
    head_sha: str
    name: str = ""
    app: App
    pull_requests: list[PullRequestRef] = Field(default_factory=list)


class CheckSuite(_Lenient):
    id: int
    head_sha: str
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


class IssueCommentEvent(Event):
    issue: Issue
    comment: Comment


class CheckRunEvent(Event):
    check_run: CheckRun
    requested_action: RequestedAction | None = None


class CheckSuiteEvent(Event):
    check_suite: CheckSuite
