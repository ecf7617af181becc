"""Every GitHub read and write mldebt makes, behind one intent-named interface.

Jobs never hold a client: they ask the gateway to "start a check run" or
"post a review", so retries, pagination, batching and error handling live in
one place and the simulator is the one fake all tests share.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from githubkit import GitHub
from githubkit.exception import RequestFailed

from bot.metrics import GITHUB_CALLS, RATE_REMAINING
from bot.settings import Settings
from workers.retry import RETRY_POLICY
from workers.tokens import InstallationAuth, InstallationTokens

log = logging.getLogger(__name__)
MAX_PR_FILES = 3000
ANNOTATIONS_PER_REQUEST = 50
GRAPHQL_OBJECTS_PER_QUERY = 100
MAX_BLOB_BYTES = 1_000_000


@dataclass(frozen=True)
class PullInfo:
    number: int
    head_sha: str
    base_sha: str
    body: str
    state: str
    draft: bool


@dataclass(frozen=True)
class PrFile:
    path: str
    status: str
    previous_path: str | None
    patch: str | None


@dataclass(frozen=True)
class Blob:
    """A file's content at one commit, or why it was not read."""

    data: str | None
    skip_reason: str | None = None


@dataclass(frozen=True)
class PostedComment:
    id: int
    body: str
    path: str
    line: int | None


@dataclass(frozen=True)
class Annotation:
    path: str
    start_line: int
    end_line: int
    level: str
    title: str
    message: str

    def to_api(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "annotation_level": self.level,
            "title": self.title[:255],
            "message": self.message[:64_000],
        }


class ReviewRejected(Exception):
    """GitHub refused the review (422): usually a comment off the diff."""


def _split(owner_repo: str) -> tuple[str, str]:
    owner, _, name = owner_repo.partition("/")
    return owner, name


def _record(response: httpx.Response) -> None:
    GITHUB_CALLS.labels(method=response.request.method, status=str(response.status_code)).inc()
    remaining = response.headers.get("x-ratelimit-remaining")
    if remaining is not None and remaining.isdigit():
        RATE_REMAINING.labels(installation="current").set(int(remaining))


class GitHubGateway:
    def __init__(self, settings: Settings, tokens: InstallationTokens, installation_id: int) -> None:
        self._settings = settings
        self._installation_id = installation_id
        self._gh = GitHub(
            InstallationAuth(tokens, installation_id),
            base_url=settings.github_api_url,
            http_cache=False,
            auto_retry=RETRY_POLICY,
            timeout=30.0,
            event_hooks={"response": [_record]},
        )

    def close(self) -> None:
        self._gh.__exit__(None, None, None)

    def __enter__(self) -> GitHubGateway:
        self._gh.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._gh.__exit__(*exc)

    # reads

    def pull_request(self, repo: str, number: int) -> PullInfo:
        owner, name = _split(repo)
        pr = self._gh.rest.pulls.get(owner, name, number).parsed_data
        return PullInfo(number, pr.head.sha, pr.base.sha, pr.body or "", pr.state, bool(pr.draft))

    def changed_files(self, repo: str, number: int) -> list[PrFile]:
        owner, name = _split(repo)
        files: list[PrFile] = []
        for entry in self._gh.rest.paginate(self._gh.rest.pulls.list_files, owner=owner, repo=name, pull_number=number, per_page=100):
            files.append(
                PrFile(
                    path=entry.filename,
                    status=entry.status,
                    previous_path=entry.previous_filename or None,
                    patch=entry.patch or None,
                )
            )
            if len(files) >= MAX_PR_FILES:
                break
        return files

    def oldest_commit_date(self, repo: str, number: int) -> datetime | None:
        """GitHub lists a PR's commits oldest first, so one page is enough."""
        owner, name = _split(repo)
        commits = self._gh.rest.pulls.list_commits(owner, name, number, per_page=1).parsed_data
        if not commits:
            return None
        info = commits[0].commit
        dates = [person.date for person in (info.author, info.committer) if person and person.date]
        return min(dates) if dates else None

    def blobs(self, repo: str, wanted: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Blob]:
        """Contents of many (commit, path) pairs in as few GraphQL calls as GitHub allows."""
        owner, name = _split(repo)
        unique = list(dict.fromkeys(wanted))
        found: dict[tuple[str, str], Blob] = {}
        for start in range(0, len(unique), GRAPHQL_OBJECTS_PER_QUERY):
            chunk = unique[start : start + GRAPHQL_OBJECTS_PER_QUERY]
            fields = "\n".join(
                f"f{index}: object(expression: {json.dumps(f'{sha}:{path}')}) "
                "{ ... on Blob { text isBinary byteSize isTruncated } }"
                for index, (sha, path) in enumerate(chunk)
            )
            query = f"query {{ repository(owner: {json.dumps(owner)}, name: {json.dumps(name)}) {{\n{fields}\n}} }}"
            data = self._gh.graphql(query)
            repository = data.get("repository") or {}
            for index, pair in enumerate(chunk):
                found[pair] = _blob(repository.get(f"f{index}"))
        return found

    def list_paths(self, repo: str, sha: str) -> list[str]:
        owner, name = _split(repo)
        tree = self._gh.rest.git.get_tree(owner, name, sha, recursive="1").parsed_data
        return [entry.path for entry in tree.tree if entry.type == "blob" and entry.path]

    def read_file(self, repo: str, sha: str, path: str) -> Blob:
        owner, name = _split(repo)
        try:
            content = self._gh.rest.repos.get_content(owner, name, path, ref=sha).parsed_data
        except RequestFailed as exc:
            if exc.response.status_code == 404:
                return Blob(None)
            raise
        encoded = getattr(content, "content", None)
        if not isinstance(encoded, str) or getattr(content, "encoding", "") != "base64":
            return Blob(None, "larger than 1 MB")
        raw = base64.b64decode(encoded)
        try:
            return Blob(raw.decode("utf-8"))
        except UnicodeDecodeError:
            return Blob(None, "not UTF-8 text")

    def our_review_comments(self, repo: str, number: int, marker: str) -> list[PostedComment]:
        owner, name = _split(repo)
        return [
            PostedComment(comment.id, comment.body, comment.path, comment.line or None)
            for comment in self._gh.rest.paginate(
                self._gh.rest.pulls.list_review_comments, owner=owner, repo=name, pull_number=number, per_page=100
            )
            if marker in (comment.body or "")
        ]

    def permission(self, repo: str, user: str) -> str:
        owner, name = _split(repo)
        try:
            return self._gh.rest.repos.get_collaborator_permission_level(owner, name, user).parsed_data.permission
        except RequestFailed as exc:
            if exc.response.status_code == 404:
                return "none"
            raise

    # writes

    def start_check_run(self, repo: str, sha: str, title: str, summary: str) -> int:
        owner, name = _split(repo)
        run = self._gh.rest.checks.create(
            owner,
            name,
            name=self._settings.check_name,
            head_sha=sha,
            status="in_progress",
            started_at=datetime.now().astimezone(),
            output={"title": title, "summary": summary},
        ).parsed_data
        return run.id

    def finish_check_run(
        self,
        repo: str,
        check_run_id: int,
        *,
        conclusion: str,
        title: str,
        summary: str,
        text: str,
        annotations: Sequence[Annotation],
        actions: Sequence[dict[str, str]] = (),
    ) -> None:
        """Completes the run; annotations go 50 per request, appended as GitHub requires."""
        owner, name = _split(repo)
        batches = [list(annotations[i : i + ANNOTATIONS_PER_REQUEST]) for i in range(0, len(annotations), ANNOTATIONS_PER_REQUEST)]
        first, rest = (batches[0], batches[1:]) if batches else ([], [])
        for batch in rest:
            self._gh.rest.checks.update(
                owner, name, check_run_id, output={"title": title, "summary": summary, "annotations": [a.to_api() for a in batch]}
            )
        self._gh.rest.checks.update(
            owner,
            name,
            check_run_id,
            status="completed",
            conclusion=conclusion,
            completed_at=datetime.now().astimezone(),
            output={"title": title, "summary": summary, "text": text, "annotations": [a.to_api() for a in first]},
            actions=list(actions),
        )

    def post_review(self, repo: str, number: int, sha: str, body: str, comments: Sequence[dict[str, Any]]) -> int:
        owner, name = _split(repo)
        try:
            review = self._gh.rest.pulls.create_review(
                owner, name, number, commit_id=sha, body=body, event="COMMENT", comments=list(comments)
            ).parsed_data
        except RequestFailed as exc:
            if exc.response.status_code == 422:
                raise ReviewRejected(exc.response.text[:500]) from None
            raise
        return review.id

    def edit_review_comment(self, repo: str, comment_id: int, body: str) -> None:
        owner, name = _split(repo)
        self._gh.rest.pulls.update_review_comment(owner, name, comment_id, body=body)

    def react(self, repo: str, comment_id: int, content: str) -> None:
        owner, name = _split(repo)
        self._gh.rest.reactions.create_for_issue_comment(owner, name, comment_id, content=content)  # type: ignore[arg-type]

    def reply(self, repo: str, number: int, body: str) -> None:
        owner, name = _split(repo)
        self._gh.rest.issues.create_comment(owner, name, number, body=body)


def _blob(node: Any) -> Blob:
    if not node:
        return Blob(None)
    if node.get("isBinary"):
        return Blob(None, "binary file")
    if (node.get("byteSize") or 0) > MAX_BLOB_BYTES or node.get("isTruncated"):
        return Blob(None, "larger than 1 MB")
    text = node.get("text")
    return Blob(text) if text is not None else Blob(None, "not UTF-8 text")


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
