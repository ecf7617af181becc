"""GraphQL queries the gateway sends and the reading of their answers, with no I/O.

One query reads hundreds of files and folders as aliased `object` fields
(`f0`, `f1`, …), so a review's reads cost one call instead of one per file;
keeping the text building here lets the gateway read as the calls it makes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from workers.port import BLOB, TREE, Blob, IssueComment, PullInfo

# GitHub takes far larger queries; these bounds keep one answer well under its limits and timeouts.
GRAPHQL_OBJECTS_PER_QUERY = 250
GRAPHQL_QUERY_CHARS = 250_000
BLOB_FIELDS = "... on Blob { oid text isBinary byteSize isTruncated }"
TREE_FIELDS = "... on Tree { entries { name type } }"
# A PR's conversation comments, as much of them as the dismissals read (`workers.dismissals`).
COMMENT_FIELDS = (
    "pageInfo { hasNextPage endCursor } "
    "nodes { fullDatabaseId body authorAssociation author { __typename login } }"
)
# The alias of the other repository a snapshot query reads shared settings from.
SHARED = "shared"
# (commit, path, BLOB or TREE): one object a GraphQL query reads.
Wanted = tuple[str, str, str]
MAX_BLOB_BYTES = 1_000_000


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
            node: Any = answer.get(f"f{index}")
            if kind == BLOB and _cut_short(node):
                self.truncated[(sha, path)] = node["oid"]
            elif kind == BLOB:
                self.blobs[(sha, path)] = _blob(node)
            else:
                prefix = f"{path}/" if path else ""
                entries = (node or {}).get("entries") or []
                self.folders[(sha, path)] = frozenset(
                    prefix + entry["name"] for entry in entries if entry.get("type") == "blob"
                )
                self.subfolders[(sha, path)] = frozenset(
                    prefix + entry["name"] for entry in entries if entry.get("type") == "tree"
                )


@dataclass(frozen=True)
class SnapshotQuery:
    """A pull request snapshot's first query (`text`) and what is left for further ones.

    Base objects (`bases`, commit "") are read through the base branch in the
    first query; the gateway reads them again at the base commit when the
    branch has moved. Objects past the per-query bounds wait in `rest` (head)
    and `more_bases` (base, commit "").
    """

    text: str
    first: list[Wanted]
    rest: list[Wanted]
    bases: list[Wanted]
    more_bases: list[Wanted]


def repository_query(repo: str, fields: str, beside: str = "") -> str:
    """`fields` of one repository; `beside` is more root fields of the same query."""
    owner, _, name = repo.partition("/")
    return (
        f"query {{ repository(owner: {json.dumps(owner)}, name: {json.dumps(name)}) {{\n{fields}\n}}"
        f"{' ' + beside if beside else ''} }}"
    )


def shared_field(shared: tuple[str, str] | None) -> str:
    """A file on another repository's default branch (`HEAD`), aliased `shared`: GitHub answers null, with
    a NOT_FOUND error at that path, for a repository that is missing or out of the installation's reach."""
    if shared is None:
        return ""
    repo, path = shared
    owner, _, name = repo.partition("/")
    return (
        f"{SHARED}: repository(owner: {json.dumps(owner)}, name: {json.dumps(name)}) {{ "
        f"object(expression: {json.dumps(f'HEAD:{path}')}) {{ {BLOB_FIELDS} }} }}"
    )


def object_fields(chunk: Sequence[Wanted]) -> str:
    return "\n".join(
        f"f{index}: object(expression: {json.dumps(f'{sha}:{path}')}) {{ {_selection(kind)} }}"
        for index, (sha, path, kind) in enumerate(chunk)
    )


def query_chunks(items: list[Wanted], objects: int = 0, chars: int = 0) -> list[list[Wanted]]:
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


def snapshot_query(
    repo: str,
    number: int,
    head_sha: str,
    at_head: Sequence[tuple[str, str]],
    at_base: Sequence[tuple[str, str]],
    shared: tuple[str, str] | None,
) -> SnapshotQuery:
    """The PR's state and SHAs, its oldest commit, the first page of its conversation, the `shared` file,
    and as many head and base objects as one query holds."""
    heads = list(dict.fromkeys((head_sha, path, kind) for path, kind in at_head))
    held = 1 if shared is None else 2
    bases, *more_bases = query_chunks(list(dict.fromkeys(("", path, kind) for path, kind in at_base)), held)
    base_fields = " ".join(_base_field(index, path, kind) for index, (_, path, kind) in enumerate(bases))
    pull_fields = (
        f"pull: pullRequest(number: {int(number)}) {{ state headRefOid baseRefOid body isDraft "
        "commits(first: 1) { nodes { commit { committedDate authoredDate } } } "
        f"comments(first: 100) {{ {COMMENT_FIELDS} }} "
        f"baseRef {{ target {{ oid ... on Commit {{ {base_fields} }} }} }} }}"
    )
    beside = shared_field(shared)
    first, *rest = query_chunks(heads, len(bases) + held, len(pull_fields) + len(beside))
    return SnapshotQuery(
        repository_query(repo, pull_fields + "\n" + object_fields(first), beside),
        first,
        [item for chunk in rest for item in chunk],
        bases,
        [item for chunk in more_bases for item in chunk],
    )


def pull_info(number: int, node: dict[str, Any]) -> PullInfo:
    return PullInfo(
        number,
        node["headRefOid"],
        node["baseRefOid"],
        node.get("body") or "",
        str(node["state"]).lower(),
        bool(node.get("isDraft")),
    )


def base_commit(pull: dict[str, Any]) -> dict[str, Any]:
    """The base branch's head commit as the snapshot query read it (empty when the branch is gone)."""
    return (pull.get("baseRef") or {}).get("target") or {}


def base_objects(commit: dict[str, Any], bases: Sequence[Wanted]) -> dict[str, Any]:
    """The base objects read through the branch, aliased like `object` fields so `Objects.add` takes them."""
    return {f"f{index}": _base_node(commit, index, kind) for index, (_, _, kind) in enumerate(bases)}


def conversation_fields(number: int, after: str | None) -> str:
    """A page of a PR's conversation: past the snapshot's for the rare PR with more, or the first again."""
    cursor = f", after: {json.dumps(after)}" if after else ""
    return (
        f"pull: pullRequest(number: {int(number)}) {{ comments(first: 100{cursor}) {{ {COMMENT_FIELDS} }} }}"
    )


def next_page(connection: dict[str, Any]) -> str | None:
    """The cursor to read on from, when GitHub says there is more."""
    page = connection.get("pageInfo") or {}
    return str(page["endCursor"]) if page.get("hasNextPage") and page.get("endCursor") else None


def issue_comments(connection: dict[str, Any]) -> list[IssueComment]:
    """Conversation comments as REST would have listed them: a bot's login carries REST's `[bot]`, which
    GraphQL leaves off."""
    comments = []
    for node in connection.get("nodes") or []:
        if not node or node.get("fullDatabaseId") is None:
            continue
        author = node.get("author") or {}
        bot = author.get("__typename") == "Bot"
        login = author.get("login")
        comments.append(
            IssueComment(
                int(node["fullDatabaseId"]),
                node.get("body") or "",
                f"{login}[bot]" if bot and login else login,
                bot,
                str(node.get("authorAssociation") or "NONE"),
            )
        )
    return comments


def shared_blob(answer: dict[str, Any]) -> Blob | None:
    """The `shared` file as the snapshot query read it; None when GraphQL cut its text short."""
    node = (answer.get(SHARED) or {}).get("object")
    return None if _cut_short(node) else _blob(node)


def oldest(pull: dict[str, Any]) -> datetime | None:
    """GitHub lists a PR's commits oldest first; the earlier of its author and committer dates."""
    nodes = (pull.get("commits") or {}).get("nodes") or []
    commit = (nodes[0] or {}).get("commit") if nodes else None
    if not commit:
        return None
    dates = [
        datetime.fromisoformat(value.replace("Z", "+00:00"))
        for value in (commit.get("authoredDate"), commit.get("committedDate"))
        if value
    ]
    return min(dates) if dates else None


def decoded(raw: bytes) -> Blob:
    try:
        return Blob(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return Blob(None, "not UTF-8 text")


def _selection(kind: str) -> str:
    return BLOB_FIELDS if kind == BLOB else TREE_FIELDS


def _base_field(index: int, path: str, kind: str) -> str:
    """A path inside the base commit; the root folder is the commit's own tree."""
    if kind == TREE and not path:
        return f"f{index}: tree {{ {TREE_FIELDS} }}"
    return f"f{index}: file(path: {json.dumps(path)}) {{ object {{ {_selection(kind)} }} }}"


def _base_node(commit: dict[str, Any], index: int, kind: str) -> Any:
    node = commit.get(f"f{index}")
    return node if kind == TREE and node and "entries" in node else (node or {}).get("object")


def _cut_short(node: Any) -> bool:
    """A text file GraphQL did not give whole, yet small enough to read: its full text comes over REST."""
    return (
        bool(node)
        and bool(node.get("isTruncated"))
        and not node.get("isBinary")
        and (node.get("byteSize") or 0) <= MAX_BLOB_BYTES
    )


def _blob(node: Any) -> Blob:
    if not node:
        return Blob(None)
    if node.get("isBinary"):
        return Blob(None, "binary file")
    if (node.get("byteSize") or 0) > MAX_BLOB_BYTES:
        return Blob(None, "larger than 1 MB")
    text = node.get("text")
    return Blob(text) if text is not None else Blob(None, "not UTF-8 text")


def review_threads_fields(number: int, after: str | None) -> str:
    """One page of a PR's review threads, each with the id of the comment that opened it."""
    cursor = f", after: {json.dumps(after)}" if after else ""
    return (
        f"pull: pullRequest(number: {int(number)}) {{ reviewThreads(first: 100{cursor}) {{ "
        "pageInfo { hasNextPage endCursor } nodes { id comments(first: 1) { nodes { fullDatabaseId } } } } }"
    )


def thread_opened_by(threads: dict[str, Any], comment_id: int) -> str | None:
    """The id of the thread whose first comment is `comment_id`, on this page of threads."""
    for thread in threads.get("nodes") or []:
        first = ((thread or {}).get("comments") or {}).get("nodes") or []
        if first and first[0] and str(first[0].get("fullDatabaseId")) == str(comment_id):
            return str(thread["id"])
    return None


def mark_thread(resolved: bool) -> str:
    name = "resolveReviewThread" if resolved else "unresolveReviewThread"
    return f"mutation($id: ID!) {{ {name}(input: {{threadId: $id}}) {{ thread {{ id isResolved }} }} }}"
