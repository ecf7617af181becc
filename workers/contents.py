"""The contents half of the gateway: files and folders at commits, read in as few calls as GitHub allows.

Many files and folders at once go as aliased objects of one GraphQL query
(`workers.graphql_queries`), a file GraphQL cut short comes whole over REST,
and a review's first read (`read_pull_snapshot`) carries the PR's own state,
its conversation and the organisation's settings with it, so a review of up
to 100 files reads everything in one call.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Sequence
from typing import Any

from githubkit import GitHub
from githubkit.exception import GraphQLFailed, RequestFailed
from githubkit.utils import UNSET
from redis import Redis
from redis.exceptions import RedisError

from core import keys
from workers import graphql_queries as gql
from workers.clients import owner_and_name
from workers.graphql_queries import Objects, Wanted
from workers.port import BLOB, TREE, Blob, IssueComment, PullRequestNotFound, PullSnapshot
from workers.tokens import InstallationAuth

log = logging.getLogger(__name__)


class ContentReads:
    """The half of `GitHubGateway` that reads file contents; its other half holds the client."""

    _gh: GitHub[InstallationAuth]
    _redis: Redis
    _installation_id: int

    def read_files(self, repo: str, wanted: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Blob]:
        """Contents of many (commit, path) pairs in as few GraphQL calls as GitHub allows."""
        found = self._objects(repo, [(sha, path, BLOB) for sha, path in wanted])
        self._read_truncated(repo, found)
        return found.blobs

    def list_folders(
        self, repo: str, wanted: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], frozenset[str]]:
        """The files directly inside many (commit, folder) pairs ("" is the root), batched like
        `read_files`."""
        return self._objects(repo, [(sha, folder, TREE) for sha, folder in wanted]).folders

    def _objects(self, repo: str, wanted: Sequence[Wanted], found: Objects | None = None) -> Objects:
        found = found if found is not None else Objects()
        for chunk in gql.query_chunks(list(dict.fromkeys(wanted))):
            if chunk:
                found.add(self._graphql_repository(repo, gql.object_fields(chunk)), chunk)
        return found

    def read_pull_snapshot(
        self,
        repo: str,
        number: int,
        head_sha: str,
        at_head: Sequence[tuple[str, str]],
        at_base: Sequence[tuple[str, str]],
        shared: tuple[str, str] | None,
    ) -> PullSnapshot:
        """The PR's state and SHAs, its oldest commit, its conversation, files and folders at its head and
        its base, and the `shared` settings file, in one query.

        `at_head` and `at_base` hold (path, BLOB or TREE).
        Base objects are read through the base branch in the same query; when
        the branch has moved past the PR's base commit (or is gone), they are
        read again at that commit. More queries follow only past the per-query bounds
        or the conversation's first 100 comments, and one REST call for each file
        GraphQL gave only in part.
        """
        query = gql.snapshot_query(repo, number, head_sha, at_head, at_base, shared)
        answer = self._snapshot_answer(repo, query.text)
        repository = answer.get("repository") or {}
        node = repository.get("pull")
        if not node:
            raise PullRequestNotFound(repo)
        pull = gql.pull_info(number, node)
        found = Objects()
        found.add(repository, query.first)
        self._objects(repo, query.rest, found)
        target = gql.base_commit(node)
        inline = [(pull.base_sha, path, kind) for _, path, kind in query.bases]
        if target.get("oid") == pull.base_sha:
            found.add(gql.base_objects(target, query.bases), inline)
        else:
            self._objects(repo, inline, found)
        self._objects(repo, [(pull.base_sha, path, kind) for _, path, kind in query.more_bases], found)
        self._read_truncated(repo, found)
        return PullSnapshot(
            pull,
            gql.oldest(node),
            found.blobs,
            found.folders,
            self._conversation(repo, number, node.get("comments") or {}),
            self._shared(shared, answer),
        )

    def _snapshot_answer(self, repo: str, text: str) -> dict[str, Any]:
        """The snapshot query's data. A shared repository that is missing or out of reach is a NOT_FOUND
        error at its alias beside an answer to the rest: no shared settings. Any other NOT_FOUND is the PR's
        own repository or the PR."""
        try:
            return self._gh.graphql(text)
        except GraphQLFailed as exc:
            errors = exc.response.errors or []
            if exc.response.data is not None and all(
                error.type == "NOT_FOUND" and (error.path or [])[:1] == [gql.SHARED] for error in errors
            ):
                return exc.response.data
            if any(error.type == "NOT_FOUND" for error in errors):
                raise PullRequestNotFound(repo) from None
            raise

    def read_conversation(self, repo: str, number: int) -> list[IssueComment]:
        pull = self._graphql_repository(repo, gql.conversation_fields(number, None)).get("pull") or {}
        return self._conversation(repo, number, pull.get("comments") or {})

    def _conversation(self, repo: str, number: int, first: dict[str, Any]) -> list[IssueComment]:
        """Every comment of the PR's conversation, oldest first: the first page as read and, past it, one
        query per 100 more."""
        comments = gql.issue_comments(first)
        after = gql.next_page(first)
        while after is not None:
            pull = self._graphql_repository(repo, gql.conversation_fields(number, after)).get("pull") or {}
            page = pull.get("comments") or {}
            comments += gql.issue_comments(page)
            after = gql.next_page(page)
        return comments

    def _shared(self, shared: tuple[str, str] | None, answer: dict[str, Any]) -> Blob:
        """The shared file as the snapshot read it; one GraphQL cut short is read whole over REST."""
        if shared is None:
            return Blob(None)
        blob = gql.shared_blob(answer)
        return blob if blob is not None else self._content(shared[0], shared[1], None)

    def _read_truncated(self, repo: str, found: Objects) -> None:
        """GraphQL cuts a blob's text short (GitHub: past about 512 KiB) while REST serves it whole, so a file
        up to MAX_BLOB_BYTES that GraphQL cut costs one REST call, and is read rather than skipped."""
        owner, name = owner_and_name(repo)
        read: dict[str, Blob] = {}
        for key, oid in found.truncated.items():
            if oid not in read:
                encoded = self._gh.rest.git.get_blob(owner, name, oid).parsed_data.content
                read[oid] = gql.decoded(base64.b64decode(encoded))
            found.blobs[key] = read[oid]
        found.truncated.clear()

    def _graphql_repository(self, repo: str, fields: str) -> dict[str, Any]:
        data = self._gh.graphql(gql.repository_query(repo, fields))
        return data.get("repository") or {}

    def read_file(self, repo: str, sha: str, path: str) -> Blob:
        return self._content(repo, path, sha)

    def read_shared_config(self, repo: str, path: str) -> Blob:
        """Cached per installation for `SHARED_CONFIG_TTL_SECONDS`: a file `_extends` names would otherwise
        cost every review of every repository naming it one more call (the organisation's own file comes
        with the snapshot query instead)."""
        key = keys.shared_config_key(self._installation_id, repo, path)
        try:
            cached = self._redis.get(key)
        except RedisError:
            cached = None
        if cached is not None:
            stored = json.loads(cached)
            return Blob(stored["data"], stored["skip"])
        blob = self._content(repo, path, None)
        try:
            self._redis.set(
                key,
                json.dumps({"data": blob.data, "skip": blob.skip_reason}),
                ex=keys.SHARED_CONFIG_TTL_SECONDS,
            )
        except RedisError:
            log.warning("could not cache shared settings of %s; the next review reads them again", repo)
        return blob

    def _content(self, repo: str, path: str, ref: str | None) -> Blob:
        """A file at `ref` (None: the default branch); `Blob(None)` when GitHub answers 404, as it does for
        a missing file and for a repository the installation cannot see. Anything else (a rate limit's
        403 too) raises, so that a passing fault is retried rather than cached as "no settings"."""
        owner, name = owner_and_name(repo)
        try:
            content = self._gh.rest.repos.get_content(owner, name, path, ref=UNSET if ref is None else ref)
        except RequestFailed as exc:
            if exc.response.status_code == 404:
                return Blob(None)
            raise
        encoded = getattr(content.parsed_data, "content", None)
        if not isinstance(encoded, str) or getattr(content.parsed_data, "encoding", "") != "base64":
            return Blob(None, "larger than 1 MB")
        return gql.decoded(base64.b64decode(encoded))
