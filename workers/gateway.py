"""Every GitHub read and write mldebt makes, behind one intent-named interface.

Jobs never hold a client: they ask the gateway to "start a check run" or
"post a review", so retries, pagination, batching, pacing and error handling
live in one place and the simulator is the one fake all tests share.

Reads and idempotent writes are resent by githubkit after a 5xx or a timeout.
A write that creates something (a check run, a review, a reply, a batch of
annotations) may have landed although GitHub answered 5xx or nothing, so it is
resent only after looking whether it did.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import httpx
from githubkit import GitHub
from githubkit.exception import GraphQLFailed, RequestFailed, RequestTimeout
from redis import Redis

from core.metrics import GITHUB_CALLS, RATE_REMAINING, record_github_call
from core.settings import Settings
from workers.retry import backoff, never_resend, retry_policy, safe_to_resend, transient
from workers.throttle import InstallationThrottle
from workers.tokens import InstallationAuth, InstallationTokens

T = TypeVar("T")

log = logging.getLogger(__name__)
MAX_PR_FILES = 3000
ANNOTATIONS_PER_REQUEST = 50
# GitHub takes far larger queries; these bounds keep one answer well under its limits and timeouts.
GRAPHQL_OBJECTS_PER_QUERY = 250
GRAPHQL_QUERY_CHARS = 250_000
BLOB_FIELDS = "... on Blob { oid text isBinary byteSize isTruncated }"
TREE_FIELDS = "... on Tree { entries { name type } }"
BLOB, TREE = "blob", "tree"
# (commit, path, BLOB or TREE): one object a GraphQL query reads.
Wanted = tuple[str, str, str]
MAX_BLOB_BYTES = 1_000_000
# Completing a recursive tree GitHub cut short: at most this many GraphQL queries of folders (250 each).
TREE_WALK_QUERIES = 40


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


@dataclass(frozen=True)
class PullSnapshot:
    """What a review reads before scanning, fetched together: the PR, its oldest commit and file contents."""

    pull: PullInfo
    oldest_commit: datetime | None
    blobs: dict[tuple[str, str], Blob]
    folders: dict[tuple[str, str], frozenset[str]]


@dataclass(frozen=True)
class PathListing:
    """Every file at a commit, unless listing them all would have cost more calls than a review may spend."""

    paths: list[str]
    complete: bool = True


@dataclass
class Objects:
    """Files and folders read by GraphQL, by (commit, path); a missing one is read as absent or empty.

    A blob whose text GraphQL cut short waits in `truncated` (by its object id) until it is read over REST.
    """

    blobs: dict[tuple[str, str], Blob] = field(default_factory=dict)
    folders: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    subfolders: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    truncated: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, answer: dict[str, Any], chunk: Sequence[Wanted]) -> None:
        for index, (sha, path, kind) in enumerate(chunk):
            node = answer.get(f"f{index}")
            if kind == BLOB and _cut_short(node):
                self.truncated[(sha, path)] = node["oid"]
            elif kind == BLOB:
                self.blobs[(sha, path)] = _blob(node)
            else:
                prefix = f"{path}/" if path else ""
                entries = (node or {}).get("entries") or []
                self.folders[(sha, path)] = frozenset(prefix + entry["name"] for entry in entries if entry.get("type") == "blob")
                self.subfolders[(sha, path)] = frozenset(prefix + entry["name"] for entry in entries if entry.get("type") == "tree")


class PullRequestNotFound(Exception):
    """GitHub no longer knows the PR (or its repository)."""


class ReviewRejected(Exception):
    """GitHub refused the review (422): usually a comment off the diff; nothing of it was stored."""


def _split(owner_repo: str) -> tuple[str, str]:
    owner, _, name = owner_repo.partition("/")
    return owner, name


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One per process: building it reads the CA bundle (tens of ms), too much for every job.
    `python -m workers` builds it before RQ forks, so every work horse inherits it."""
    return httpx.create_ssl_context()


def _recorder(redis: Redis, installation_id: int) -> Callable[[httpx.Response], None]:
    """Counts each call here and, for the fleet's /metrics, in Redis: a work horse's own counters die with it."""

    def record(response: httpx.Response) -> None:
        GITHUB_CALLS.labels(method=response.request.method, status=str(response.status_code)).inc()
        remaining = response.headers.get("x-ratelimit-remaining")
        if remaining is not None and remaining.isdigit():
            RATE_REMAINING.labels(installation=str(installation_id)).set(int(remaining))
        record_github_call(redis, response.request.method, response.status_code, installation_id, remaining)

    return record


class GitHubGateway:
    def __init__(self, settings: Settings, tokens: InstallationTokens, installation_id: int, redis: Redis) -> None:
        self._settings = settings
        self._installation_id = installation_id
        throttle = InstallationThrottle(redis, installation_id, settings.write_spacing_seconds, settings.rate_limit_max_wait_seconds)
        record = _recorder(redis, installation_id)

        def client(resend: Callable[[httpx.Request | None], bool]) -> GitHub:  # type: ignore[type-arg]
            return GitHub(
                InstallationAuth(tokens, installation_id),
                base_url=settings.github_api_url,
                http_cache=False,
                auto_retry=retry_policy(settings, resend),
                throttler=throttle,
                timeout=settings.http_timeout_seconds,
                ssl_verify=tls_context(),
                event_hooks={"response": [record, throttle.observe]},
            )

        self._gh = client(safe_to_resend)
        self._gh_once = client(never_resend)

    def __enter__(self) -> GitHubGateway:
        self._gh.__enter__()
        self._gh_once.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._gh_once.__exit__(*exc)
        self._gh.__exit__(*exc)

    def _write_once(self, send: Callable[[], T], landed: Callable[[], T | None]) -> T:
        """Sends a creating write; after a 5xx or a timeout, `landed` looks for it before it is sent again."""
        attempt = 0
        while True:
            try:
                return send()
            except (RequestFailed, RequestTimeout) as exc:
                if not transient(exc) or attempt >= self._settings.retry_attempts:
                    raise
                log.warning("write failed (%s); checking whether it landed", exc.__class__.__name__)
            time.sleep(backoff(self._settings, attempt))
            attempt += 1
            found = landed()
            if found is not None:
                return found

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

    def blobs(self, repo: str, wanted: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Blob]:
        """Contents of many (commit, path) pairs in as few GraphQL calls as GitHub allows."""
        found = self._objects(repo, [(sha, path, BLOB) for sha, path in wanted])
        self._read_truncated(repo, found)
        return found.blobs

    def folders(self, repo: str, wanted: Sequence[tuple[str, str]]) -> dict[tuple[str, str], frozenset[str]]:
        """The files directly inside many (commit, folder) pairs ("" is the root), batched like `blobs`."""
        return self._objects(repo, [(sha, folder, TREE) for sha, folder in wanted]).folders

    def _objects(self, repo: str, wanted: Sequence[Wanted], found: Objects | None = None) -> Objects:
        found = found if found is not None else Objects()
        for chunk in _query_chunks(list(dict.fromkeys(wanted))):
            if chunk:
                found.add(self._graphql_repository(repo, _object_fields(chunk)), chunk)
        return found

    def pull_snapshot(
        self, repo: str, number: int, head_sha: str, at_head: Sequence[tuple[str, str]], at_base: Sequence[tuple[str, str]]
    ) -> PullSnapshot:
        """The PR's state and SHAs, its oldest commit, and files and folders at its head and its base, in one query.

        `at_head` and `at_base` hold (path, BLOB or TREE).
        Base objects are read through the base branch in the same query; when
        the branch has moved past the PR's base commit (or is gone), they are
        read again at that commit. More queries follow only past the per-query bounds,
        and one REST call for each file GraphQL gave only in part.
        """
        heads = list(dict.fromkeys((head_sha, path, kind) for path, kind in at_head))
        bases, *more_bases = _query_chunks(list(dict.fromkeys(("", path, kind) for path, kind in at_base)), 1)
        base_fields = " ".join(_base_field(index, path, kind) for index, (_, path, kind) in enumerate(bases))
        pull_fields = (
            f"pull: pullRequest(number: {int(number)}) {{ state headRefOid baseRefOid body isDraft "
            "commits(first: 1) { nodes { commit { committedDate authoredDate } } } "
            f"baseRef {{ target {{ oid ... on Commit {{ {base_fields} }} }} }} }}"
        )
        first, *rest = _query_chunks(heads, len(bases) + 1, len(pull_fields))
        try:
            repository = self._graphql_repository(repo, pull_fields + "\n" + _object_fields(first))
        except GraphQLFailed as exc:
            if any(error.type == "NOT_FOUND" for error in exc.response.errors or ()):
                raise PullRequestNotFound(repo) from None
            raise
        node = repository.get("pull")
        if not node:
            raise PullRequestNotFound(repo)
        pull = PullInfo(number, node["headRefOid"], node["baseRefOid"], node.get("body") or "", str(node["state"]).lower(), bool(node.get("isDraft")))
        found = Objects()
        found.add(repository, first)
        self._objects(repo, [item for chunk in rest for item in chunk], found)
        target = (node.get("baseRef") or {}).get("target") or {}
        inline = [(pull.base_sha, path, kind) for _, path, kind in bases]
        if target.get("oid") == pull.base_sha:
            found.add({f"f{index}": _base_node(target, index, kind) for index, (_, _, kind) in enumerate(bases)}, inline)
        else:
            self._objects(repo, inline, found)
        self._objects(repo, [(pull.base_sha, path, kind) for chunk in more_bases for _, path, kind in chunk], found)
        self._read_truncated(repo, found)
        return PullSnapshot(pull, _oldest(node), found.blobs, found.folders)

    def _read_truncated(self, repo: str, found: Objects) -> None:
        """GraphQL cuts a blob's text short (GitHub: past about 512 KiB) while REST serves it whole, so a file
        up to MAX_BLOB_BYTES that GraphQL cut costs one REST call, and is read rather than skipped."""
        owner, name = _split(repo)
        read: dict[str, Blob] = {}
        for key, oid in found.truncated.items():
            if oid not in read:
                encoded = self._gh.rest.git.get_blob(owner, name, oid).parsed_data.content
                read[oid] = _decoded(base64.b64decode(encoded))
            found.blobs[key] = read[oid]
        found.truncated.clear()

    def _graphql_repository(self, repo: str, fields: str) -> dict[str, Any]:
        owner, name = _split(repo)
        data = self._gh.graphql(f"query {{ repository(owner: {json.dumps(owner)}, name: {json.dumps(name)}) {{\n{fields}\n}} }}")
        return data.get("repository") or {}

    def list_paths(self, repo: str, sha: str) -> PathListing:
        """One recursive tree call; only when GitHub cut it short (past 100,000 entries or 7 MB) does a walk follow."""
        owner, name = _split(repo)
        tree = self._gh.rest.git.get_tree(owner, name, sha, recursive="1").parsed_data
        paths = [entry.path for entry in tree.tree if entry.type == "blob" and entry.path]
        return self._walk_tree(repo, sha, paths) if tree.truncated else PathListing(paths)

    def _walk_tree(self, repo: str, sha: str, listed: Sequence[str]) -> PathListing:
        """Completes a listing GitHub cut short without saying where, folder by folder, batched in GraphQL queries.

        GitHub's advice is one REST call per folder, which a repository this
        large turns into thousands. Walking level by level from the root means
        that a walk stopped by TREE_WALK_QUERIES has seen the folders nearest
        the root, where lock files and `.dvc/` live; what it returns then also
        keeps whatever GitHub's cut listing held.
        """
        found = Objects()
        level = [""]
        queries = 0
        complete = True
        while level and complete:
            chunks = _query_chunks([(sha, folder, TREE) for folder in level])
            allowed = TREE_WALK_QUERIES - queries
            complete = len(chunks) <= allowed
            for chunk in chunks[:allowed]:
                found.add(self._graphql_repository(repo, _object_fields(chunk)), chunk)
                queries += 1
            level = sorted(sub for folder in level for sub in found.subfolders.get((sha, folder), ()))
        paths = set(listed).union(*found.folders.values())
        if not complete:
            log.warning("listed %d files of %s@%s; the tree walk stopped after %d queries", len(paths), repo, sha[:12], queries)
        return PathListing(sorted(paths), complete)

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
        return _decoded(base64.b64decode(encoded))

    def our_review_comments(self, repo: str, number: int, marker: str) -> list[PostedComment]:
        owner, name = _split(repo)
        return [
            PostedComment(comment.id, comment.body, comment.path, comment.line or None)
            for comment in self._gh.rest.paginate(
                self._gh.rest.pulls.list_review_comments, owner=owner, repo=name, pull_number=number, per_page=100
            )
            if marker in (comment.body or "") and comment.user is not None and comment.user.type == "Bot"
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

    def start_check_run(self, repo: str, sha: str, title: str, summary: str, external_id: str) -> int:
        """`external_id` names the job, so a create that timed out is found instead of made twice."""
        owner, name = _split(repo)

        def send() -> int:
            return self._gh_once.rest.checks.create(
                owner,
                name,
                name=self._settings.check_name,
                head_sha=sha,
                status="in_progress",
                external_id=external_id,
                started_at=datetime.now().astimezone(),
                output={"title": title, "summary": summary},
            ).parsed_data.id

        return self._write_once(send, lambda: self.find_check_run(repo, sha, external_id))

    def find_check_run(self, repo: str, sha: str, external_id: str) -> int | None:
        owner, name = _split(repo)
        runs = self._gh.rest.checks.list_for_ref(owner, name, sha, check_name=self._settings.check_name, filter_="all", per_page=100)
        return next((run.id for run in runs.parsed_data.check_runs if run.external_id == external_id), None)

    def annotation_count(self, repo: str, check_run_id: int) -> int:
        owner, name = _split(repo)
        return self._gh.rest.checks.get(owner, name, check_run_id).parsed_data.output.annotations_count

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
        annotations_present: int | None = None,
    ) -> None:
        """Appends the annotations 50 per request; the last request also completes the run.

        GitHub only ever appends annotations, so a run reused by a retried job
        skips the ones an earlier attempt already sent (`annotations_present`,
        read from GitHub when not known), and a request carrying annotations is
        resent only after GitHub's count shows it did not land. A completing
        request with none left to send is safe to resend as it is.
        """
        owner, name = _split(repo)
        if annotations and annotations_present is None:
            annotations_present = self.annotation_count(repo, check_run_id)
        sent = annotations_present or 0
        starts = list(range(sent, len(annotations), ANNOTATIONS_PER_REQUEST))
        completion: dict[str, Any] = {
            "status": "completed",
            "conclusion": conclusion,
            "completed_at": datetime.now().astimezone(),
            "actions": list(actions),
        }
        for start in starts:
            batch = [a.to_api() for a in annotations[start : start + ANNOTATIONS_PER_REQUEST]]
            expected = start + len(batch)
            last = start == starts[-1]
            output = {"title": title, "summary": summary, **({"text": text} if last else {}), "annotations": batch}
            self._write_once(
                lambda output=output, last=last: self._gh_once.rest.checks.update(
                    owner, name, check_run_id, output=output, **(completion if last else {})
                ),
                lambda expected=expected: True if self.annotation_count(repo, check_run_id) >= expected else None,
            )
        if not starts:
            self._gh.rest.checks.update(owner, name, check_run_id, output={"title": title, "summary": summary, "text": text}, **completion)

    def post_review(self, repo: str, number: int, sha: str, body: str, comments: Sequence[dict[str, Any]], marker: str) -> None:
        """One COMMENT review; a retry first looks for its comments (they carry `marker`) among ours."""
        owner, name = _split(repo)
        wanted = {str(comment["body"]) for comment in comments}

        def send() -> None:
            self._gh_once.rest.pulls.create_review(
                owner, name, number, commit_id=sha, body=body, event="COMMENT", comments=list(comments)
            )

        def landed() -> bool | None:
            posted = {comment.body for comment in self.our_review_comments(repo, number, marker)}
            return True if wanted <= posted else None

        try:
            self._write_once(send, landed)
        except RequestFailed as exc:
            if exc.response.status_code == 422:
                raise ReviewRejected(exc.response.text[:500]) from None
            raise

    def review_would_be_taken(self, repo: str, number: int, sha: str, comments: Sequence[dict[str, Any]]) -> bool:
        """Whether GitHub takes these comments, asked without publishing anything.

        A pending review (no `event`) is validated like a posted one but shown to
        no one else, and is deleted at once: GitHub allows one pending review per
        user and PR, and it would block every other review of ours. Both requests
        are paced writes; a refused probe stores nothing and costs one.
        """
        owner, name = _split(repo)

        def send() -> int:
            return self._gh_once.rest.pulls.create_review(owner, name, number, commit_id=sha, comments=list(comments)).parsed_data.id

        try:
            review_id = self._write_once(send, lambda: self.pending_review(repo, number))
        except RequestFailed as exc:
            if exc.response.status_code == 422:
                return False
            raise
        self.delete_pending_review(repo, number, review_id)
        return True

    def pending_review(self, repo: str, number: int) -> int | None:
        """Our pending review on the PR, if any: GitHub lists a pending review to its author alone."""
        owner, name = _split(repo)
        reviews = self._gh.rest.paginate(self._gh.rest.pulls.list_reviews, owner=owner, repo=name, pull_number=number, per_page=100)
        return next((review.id for review in reviews if review.state == "PENDING"), None)

    def delete_pending_review(self, repo: str, number: int, review_id: int) -> None:
        """Resent like any DELETE; a review already gone (an earlier answer was lost) is what was wanted."""
        owner, name = _split(repo)
        try:
            self._gh.rest.pulls.delete_pending_review(owner, name, number, review_id)
        except RequestFailed as exc:
            if exc.response.status_code != 404:
                raise

    def discard_pending_review(self, repo: str, number: int) -> bool:
        """Deletes a pending review of ours an interrupted job left behind; whether there was one."""
        review_id = self.pending_review(repo, number)
        if review_id is None:
            return False
        self.delete_pending_review(repo, number, review_id)
        return True

    def edit_review_comment(self, repo: str, comment_id: int, body: str) -> None:
        owner, name = _split(repo)
        self._gh.rest.pulls.update_review_comment(owner, name, comment_id, body=body)

    def react(self, repo: str, comment_id: int, content: str) -> None:
        """GitHub answers an existing reaction with 200, so sending one twice is harmless."""
        owner, name = _split(repo)
        self._write_once(
            lambda: self._gh_once.rest.reactions.create_for_issue_comment(owner, name, comment_id, content=content),  # type: ignore[arg-type]
            lambda: None,
        )

    def reply(self, repo: str, number: int, body: str, marker: str) -> None:
        """A PR conversation comment carrying a hidden `marker`: never posted twice, even by a retried job."""
        owner, name = _split(repo)

        def landed() -> bool | None:
            comments = self._gh.rest.paginate(self._gh.rest.issues.list_comments, owner=owner, repo=name, issue_number=number, per_page=100)
            return True if any(marker in (comment.body or "") for comment in comments) else None

        if landed():
            return
        self._write_once(lambda: self._gh_once.rest.issues.create_comment(owner, name, number, body=f"{body}\n\n{marker}"), landed)


def _selection(kind: str) -> str:
    return BLOB_FIELDS if kind == BLOB else TREE_FIELDS


def _object_fields(chunk: Sequence[Wanted]) -> str:
    return "\n".join(
        f"f{index}: object(expression: {json.dumps(f'{sha}:{path}')}) {{ {_selection(kind)} }}" for index, (sha, path, kind) in enumerate(chunk)
    )


def _base_field(index: int, path: str, kind: str) -> str:
    """A path inside the base commit; the root folder is the commit's own tree."""
    if kind == TREE and not path:
        return f"f{index}: tree {{ {TREE_FIELDS} }}"
    return f"f{index}: file(path: {json.dumps(path)}) {{ object {{ {_selection(kind)} }} }}"


def _base_node(commit: dict[str, Any], index: int, kind: str) -> Any:
    node = commit.get(f"f{index}")
    return node if kind == TREE and node and "entries" in node else (node or {}).get("object")


def _query_chunks(items: list[Wanted], objects: int = 0, chars: int = 0) -> list[list[Wanted]]:
    """Objects cut into queries under both bounds, the first one already holding `objects` and `chars`.

    There is always a first chunk, possibly empty, so a caller can add its own fields to it.
    """
    chunks: list[list[Wanted]] = [[]]
    for sha, path, kind in items:
        size = len(sha) + len(json.dumps(path)) + len(_selection(kind)) + 32
        if chunks[-1] and (objects >= GRAPHQL_OBJECTS_PER_QUERY or chars + size > GRAPHQL_QUERY_CHARS):
            chunks.append([])
            objects, chars = 0, 0
        chunks[-1].append((sha, path, kind))
        objects += 1
        chars += size
    return chunks


def _oldest(pull: dict[str, Any]) -> datetime | None:
    """GitHub lists a PR's commits oldest first; the earlier of its author and committer dates."""
    nodes = (pull.get("commits") or {}).get("nodes") or []
    commit = (nodes[0] or {}).get("commit") if nodes else None
    if not commit:
        return None
    dates = [datetime.fromisoformat(value.replace("Z", "+00:00")) for value in (commit.get("authoredDate"), commit.get("committedDate")) if value]
    return min(dates) if dates else None


def _cut_short(node: Any) -> bool:
    """A text file GraphQL did not give whole, yet small enough to read: its full text comes over REST."""
    return bool(node) and bool(node.get("isTruncated")) and not node.get("isBinary") and (node.get("byteSize") or 0) <= MAX_BLOB_BYTES


def _blob(node: Any) -> Blob:
    if not node:
        return Blob(None)
    if node.get("isBinary"):
        return Blob(None, "binary file")
    if (node.get("byteSize") or 0) > MAX_BLOB_BYTES:
        return Blob(None, "larger than 1 MB")
    text = node.get("text")
    return Blob(text) if text is not None else Blob(None, "not UTF-8 text")


def _decoded(raw: bytes) -> Blob:
    try:
        return Blob(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return Blob(None, "not UTF-8 text")
