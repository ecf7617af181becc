"""Everything the simulated GitHub knows: users, installations, repositories,
commits, pull requests and the things bots create on them.

All mutation goes through one re-entrant lock owned by :class:`State`,
because the HTTP server threads and the test thread touch the same objects.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from ghsim.diff import compute_patch, is_binary, similarity
from ghsim.errors import not_found
from ghsim.file_patch import FilePatch
from ghsim.git import CommitObject, ObjectStore, Signature, utc
from ghsim.util import now

FileChanges = Mapping[str, "str | bytes | None"]
PERMISSION_LEVELS = ("admin", "maintain", "write", "triage", "read", "none")
RENAME_THRESHOLD = 0.5
RENAME_PAIR_LIMIT = 1_000_000


@dataclass
class User:
    login: str
    id: int
    type: Literal["User", "Bot", "Organization"] = "User"


@dataclass
class Installation:
    id: int
    account: User
    app_id: int
    permissions: dict[str, str]
    events: list[str]
    created_at: datetime
    repository_selection: Literal["all", "selected"] = "selected"
    suspended_at: datetime | None = None


@dataclass
class FileChange:
    """One row of ``GET /pulls/{n}/files``."""

    filename: str
    status: Literal["added", "modified", "removed", "renamed"]
    old_blob: str | None
    new_blob: str | None
    patch: FilePatch
    previous_filename: str | None = None

    @property
    def changes(self) -> int:
        return self.patch.additions + self.patch.deletions


@dataclass
class PullRequest:
    repo: Repo
    number: int
    id: int
    title: str
    body: str | None
    user: User
    head_ref: str
    base_ref: str
    created_at: datetime
    updated_at: datetime
    draft: bool = False
    state: Literal["open", "closed"] = "open"
    merged: bool = False
    merged_at: datetime | None = None
    closed_at: datetime | None = None
    merge_commit_sha: str | None = None
    before_sha: str | None = None
    frozen_head: str | None = None
    frozen_base: str | None = None

    @property
    def head_sha(self) -> str:
        """The head branch tip while open; what it was when closed otherwise."""
        if self.frozen_head is not None:
            return self.frozen_head
        return self.repo.branches[self.head_ref]

    @property
    def base_sha(self) -> str:
        if self.frozen_base is not None:
            return self.frozen_base
        return self.repo.branches[self.base_ref]

    @property
    def merge_base(self) -> str:
        return self.repo.objects.merge_base(self.base_sha, self.head_sha) or self.base_sha

    def files(self) -> list[FileChange]:
        """Three-dot diff (merge-base...head), exactly what GitHub's PR files show."""
        return self.repo.diff(self.merge_base, self.head_sha)

    def commits(self) -> list[CommitObject]:
        return self.repo.objects.commits_between(self.base_sha, self.head_sha)


@dataclass
class CheckSuite:
    id: int
    repo_id: int
    head_sha: str
    head_branch: str | None
    app_id: int
    created_at: datetime


@dataclass
class Annotation:
    path: str
    start_line: int
    end_line: int
    annotation_level: str
    message: str
    start_column: int | None = None
    end_column: int | None = None
    title: str | None = None
    raw_details: str | None = None


@dataclass
class CheckRun:
    id: int
    repo_id: int
    name: str
    head_sha: str
    suite_id: int
    app_id: int
    status: str
    conclusion: str | None
    started_at: datetime | None
    completed_at: datetime | None
    details_url: str | None = None
    external_id: str | None = None
    title: str | None = None
    summary: str | None = None
    text: str | None = None
    annotations: list[Annotation] = field(default_factory=list)
    actions: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Review:
    id: int
    repo_id: int
    pr_number: int
    user: User
    body: str
    state: str
    commit_id: str
    submitted_at: datetime | None


@dataclass
class ReviewComment:
    id: int
    repo_id: int
    pr_number: int
    review_id: int | None
    user: User
    body: str
    path: str
    commit_id: str
    original_commit_id: str
    diff_hunk: str
    line: int | None
    original_line: int | None
    side: str | None
    start_line: int | None
    original_start_line: int | None
    start_side: str | None
    position: int | None
    original_position: int | None
    subject_type: str
    created_at: datetime
    updated_at: datetime
    in_reply_to_id: int | None = None


@dataclass
class IssueComment:
    id: int
    repo_id: int
    number: int
    user: User
    body: str
    created_at: datetime
    updated_at: datetime


@dataclass
class Reaction:
    id: int
    subject: tuple[str, int]
    user: User
    content: str
    created_at: datetime


class Repo:
    """A repository plus the Python API tests use to shape its history."""

    def __init__(
        self,
        state: State,
        ident: int,
        owner: User,
        name: str,
        installation_id: int,
        default_branch: str,
        private: bool,
    ) -> None:
        self._state = state
        self.id = ident
        self.owner = owner
        self.name = name
        self.installation_id = installation_id
        self.default_branch = default_branch
        self.private = private
        self.created_at = now()
        self.pushed_at = self.created_at
        self.objects = ObjectStore()
        self.branches: dict[str, str] = {}
        self.pulls: dict[int, PullRequest] = {}
        self.permissions: dict[str, str] = {}
        self._next_number = 1
        self._diff_cache: dict[tuple[str, str], list[FileChange]] = {}

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"

    def __repr__(self) -> str:
        return f"Repo({self.full_name!r})"

    def commit(
        self,
        branch: str,
        changes: FileChanges,
        *,
        message: str = "Update files",
        parent: str | None = None,
        date: datetime | None = None,
        author: str = "octocat",
    ) -> str:
        """Create a commit on ``branch`` and move the branch to it.

        ``changes`` is applied on top of ``parent``'s tree (default: the current
        tip of ``branch``; a new root commit when the branch does not exist):
        ``str``/``bytes`` values write a file, ``None`` deletes it.  Any open PR
        whose head is ``branch`` follows the branch, as on GitHub.
        """
        with self._state.lock:
            base = parent if parent is not None else self.branches.get(branch)
            if base is not None and base not in self.objects.commits:
                raise ValueError(f"unknown parent commit {base}")
            files = dict(self.objects.commits[base].files) if base else {}
            for path, content in changes.items():
                clean = path.strip("/")
                if content is None:
                    if clean not in files:
                        raise ValueError(f"cannot delete missing file {clean!r}")
                    del files[clean]
                else:
                    data = content.encode() if isinstance(content, str) else bytes(content)
                    files[clean] = self.objects.put_blob(data)
            user = self._state.user(author)
            signature = Signature(author, f"{user.id}+{author}@users.noreply.github.com", utc(date))
            created = self.objects.put_commit(files, (base,) if base else (), signature, message, author)
            self._move_branch(branch, created.sha)
            return created.sha

    def push(
        self,
        branch: str,
        changes: FileChanges,
        *,
        message: str = "Push changes",
        date: datetime | None = None,
        author: str = "octocat",
    ) -> str:
        """A new commit on top of an existing branch (a PR on it is synchronized)."""
        with self._state.lock:
            if branch not in self.branches:
                raise ValueError(f"branch {branch!r} does not exist; use commit() to create it")
            return self.commit(branch, changes, message=message, date=date, author=author)

    def set_branch(self, branch: str, sha: str) -> None:
        """Force-move (or create) a branch, e.g. to simulate a force push."""
        with self._state.lock:
            if sha not in self.objects.commits:
                raise ValueError(f"unknown commit {sha}")
            self._move_branch(branch, sha)

    def _move_branch(self, branch: str, sha: str) -> None:
        old = self.branches.get(branch)
        self.branches[branch] = sha
        self.pushed_at = now()
        for pr in self.pulls.values():
            if pr.state == "open" and pr.head_ref == branch and old != sha:
                pr.before_sha = old
                pr.updated_at = now()

    def open_pull_request(
        self,
        head: str,
        base: str | None = None,
        *,
        title: str = "Update",
        body: str | None = None,
        user: str = "alice",
        number: int | None = None,
        draft: bool = False,
    ) -> PullRequest:
        """Open a PR from branch ``head`` into ``base`` (default branch by default)."""
        with self._state.lock:
            base = base or self.default_branch
            for ref in (head, base):
                if ref not in self.branches:
                    raise ValueError(f"branch {ref!r} does not exist")
            if not self.objects.commits_between(self.branches[base], self.branches[head]):
                raise ValueError(f"no commits between {base} and {head}; GitHub would refuse this PR")
            if number is None:
                number = self._next_number
            if number in self.pulls:
                raise ValueError(f"PR #{number} already exists")
            self._next_number = max(self._next_number, number + 1)
            stamp = now()
            pr = PullRequest(
                self,
                number,
                self._state.next_id(),
                title,
                body,
                self._state.user(user),
                head,
                base,
                stamp,
                stamp,
                draft=draft,
            )
            self.pulls[number] = pr
            return pr

    def pull(self, number: int) -> PullRequest:
        with self._state.lock:
            if number not in self.pulls:
                raise KeyError(f"no PR #{number} in {self.full_name}")
            return self.pulls[number]

    def update_pull_request(
        self, number: int, *, title: str | None = None, body: str | None = None, draft: bool | None = None
    ) -> PullRequest:
        with self._state.lock:
            pr = self.pull(number)
            if title is not None:
                pr.title = title
            if body is not None:
                pr.body = body
            if draft is not None:
                pr.draft = draft
            pr.updated_at = now()
            return pr

    def close_pull_request(self, number: int) -> PullRequest:
        with self._state.lock:
            pr = self.pull(number)
            pr.frozen_head, pr.frozen_base = pr.head_sha, pr.base_sha
            pr.state = "closed"
            pr.closed_at = pr.updated_at = now()
            return pr

    def reopen_pull_request(self, number: int) -> PullRequest:
        with self._state.lock:
            pr = self.pull(number)
            pr.frozen_head = pr.frozen_base = None
            pr.state = "open"
            pr.closed_at = None
            pr.updated_at = now()
            return pr

    def merge_pull_request(self, number: int, *, date: datetime | None = None) -> str:
        """Squash-merge: one commit with the head tree on top of the base branch."""
        with self._state.lock:
            pr = self.pull(number)
            head_files = self.objects.commits[pr.head_sha].files
            base_files = self.objects.commits[pr.base_sha].files
            changes: dict[str, str | bytes | None] = {p: None for p in base_files if p not in head_files}
            changes.update(
                {p: self.objects.blobs[b] for p, b in head_files.items() if base_files.get(p) != b}
            )
            sha = self.commit(
                pr.base_ref, changes, message=f"{pr.title} (#{number})", date=date, author=pr.user.login
            )
            pr.frozen_head, pr.frozen_base = pr.head_sha, sha
            pr.merged, pr.merge_commit_sha = True, sha
            pr.state = "closed"
            pr.merged_at = pr.closed_at = pr.updated_at = now()
            return sha

    def resolve(self, ref: str) -> str | None:
        """Commit sha for a branch name, ``refs/heads/x``, ``HEAD``, or (abbreviated) sha."""
        with self._state.lock:
            name = ref.removeprefix("refs/heads/")
            if name == "HEAD":
                name = self.default_branch
            if name in self.branches:
                return self.branches[name]
            if ref in self.objects.commits:
                return ref
            if len(ref) >= 7 and all(c in "0123456789abcdef" for c in ref):
                hits = [s for s in self.objects.commits if s.startswith(ref)]
                if len(hits) == 1:
                    return hits[0]
            return None

    def file(self, ref: str, path: str) -> bytes | None:
        with self._state.lock:
            sha = self.resolve(ref)
            if sha is None:
                return None
            blob = self.objects.commits[sha].files.get(path.strip("/"))
            return None if blob is None else self.objects.blobs[blob]

    def diff(self, base_sha: str | None, head_sha: str) -> list[FileChange]:
        """Per-file changes between two commits (None: the empty tree), with rename detection."""
        key = (base_sha or "", head_sha)
        with self._state.lock:
            cached = self._diff_cache.get(key)
            if cached is not None:
                return cached
            old = self.objects.commits[base_sha].files if base_sha else {}
            new = self.objects.commits[head_sha].files
            blobs = self.objects.blobs
        removed = sorted(p for p in old if p not in new)
        added = sorted(p for p in new if p not in old)
        changes: list[FileChange] = [
            FileChange(p, "modified", old[p], new[p], compute_patch(blobs[old[p]], blobs[new[p]]))
            for p in old
            if p in new and old[p] != new[p]
        ]
        renames = _detect_renames(removed, added, old, new, blobs)
        for src, dst in renames.items():
            changes.append(
                FileChange(
                    dst,
                    "renamed",
                    old[src],
                    new[dst],
                    compute_patch(blobs[old[src]], blobs[new[dst]]),
                    previous_filename=src,
                )
            )
        taken_dst = set(renames.values())
        changes += [
            FileChange(p, "removed", old[p], None, compute_patch(blobs[old[p]], None))
            for p in removed
            if p not in renames
        ]
        changes += [
            FileChange(p, "added", None, new[p], compute_patch(None, blobs[new[p]]))
            for p in added
            if p not in taken_dst
        ]
        changes.sort(key=lambda c: c.filename.encode())
        with self._state.lock:
            self._diff_cache[key] = changes
        return changes


def _detect_renames(
    removed: list[str], added: list[str], old: dict[str, str], new: dict[str, str], blobs: dict[str, bytes]
) -> dict[str, str]:
    """Exact-content renames first, then the most similar text pair above 50%."""
    pairs: dict[str, str] = {}
    by_blob: dict[str, list[str]] = {}
    for path in added:
        by_blob.setdefault(new[path], []).append(path)
    for path in removed:
        candidates = by_blob.get(old[path])
        if candidates:
            pairs[path] = candidates.pop(0)
    rest_old = [p for p in removed if p not in pairs]
    taken = set(pairs.values())
    rest_new = [p for p in added if p not in taken]
    if len(rest_old) * len(rest_new) > RENAME_PAIR_LIMIT:
        return pairs
    scored: list[tuple[float, str, str]] = []
    for src in rest_old:
        src_data = blobs[old[src]]
        if is_binary(src_data):
            continue
        for dst in rest_new:
            dst_data = blobs[new[dst]]
            if is_binary(dst_data):
                continue
            score = similarity(src_data, dst_data)
            if score >= RENAME_THRESHOLD:
                scored.append((score, src, dst))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    for _, src, dst in scored:
        if src not in pairs and dst not in taken:
            pairs[src] = dst
            taken.add(dst)
    return pairs


class State:
    """The whole simulated world, guarded by ``lock``."""

    def __init__(
        self, app_id: int, app_slug: str, app_name: str, permissions: dict[str, str], events: list[str]
    ) -> None:
        self.lock = threading.RLock()
        self.app_id = app_id
        self.app_slug = app_slug
        self.app_name = app_name
        self.app_created_at = now()
        # Who owns the App and how it describes itself; a manifest registration sets them.
        self.app_owner: str | None = None
        self.app_description = "Reviews ML pull requests"
        self.app_url = "https://example.invalid/mldebt"
        self.permissions = permissions
        self.events = events
        self._ids = itertools.count(1001)
        self.users: dict[str, User] = {}
        self.installations: dict[int, Installation] = {}
        self.repos: dict[str, Repo] = {}
        self.check_suites: dict[tuple[int, str], CheckSuite] = {}
        self.check_runs: dict[int, CheckRun] = {}
        self.reviews: dict[int, Review] = {}
        self.review_comments: dict[int, ReviewComment] = {}
        self.issue_comments: dict[int, IssueComment] = {}
        self.reactions: list[Reaction] = []
        # Review threads marked resolved, by the id of the comment that opened the thread, and who did it.
        self.resolved_threads: dict[int, User] = {}
        self.bot = self.user(f"{app_slug}[bot]", "Bot")

    def next_id(self) -> int:
        with self.lock:
            return next(self._ids)

    def user(self, login: str, kind: Literal["User", "Bot", "Organization"] = "User") -> User:
        """Users spring into existence when first mentioned, like fixtures would."""
        with self.lock:
            found = self.users.get(login.lower())
            if found is None:
                found = User(login, self.next_id(), kind)
                self.users[login.lower()] = found
            return found

    def repo(self, full_name: str) -> Repo | None:
        with self.lock:
            return self.repos.get(full_name.lower())

    def repo_by_id(self, repo_id: int) -> Repo | None:
        with self.lock:
            return next((r for r in self.repos.values() if r.id == repo_id), None)

    def add_installation(
        self,
        installation_id: int,
        account: str,
        account_type: Literal["User", "Organization"] = "Organization",
        permissions: dict[str, str] | None = None,
    ) -> Installation:
        with self.lock:
            if installation_id in self.installations:
                raise ValueError(f"installation {installation_id} already exists")
            inst = Installation(
                installation_id,
                self.user(account, account_type),
                self.app_id,
                dict(permissions or self.permissions),
                list(self.events),
                now(),
            )
            self.installations[installation_id] = inst
            return inst

    def add_repo(self, full_name: str, installation_id: int, default_branch: str, private: bool) -> Repo:
        with self.lock:
            owner_login, _, name = full_name.partition("/")
            if not name or "/" in name:
                raise ValueError(f"repository name must be owner/name, got {full_name!r}")
            if installation_id not in self.installations:
                raise ValueError(f"unknown installation {installation_id}")
            if full_name.lower() in self.repos:
                raise ValueError(f"repository {full_name} already exists")
            owner = self.user(
                owner_login,
                self.installations[installation_id].account.type
                if self.installations[installation_id].account.login.lower() == owner_login.lower()
                else "User",
            )
            repo = Repo(self, self.next_id(), owner, name, installation_id, default_branch, private)
            self.repos[full_name.lower()] = repo
            return repo

    def permission(self, repo: Repo, login: str) -> str:
        """Effective permission; the owner is admin and strangers can read public repos."""
        with self.lock:
            explicit = repo.permissions.get(login.lower())
            if explicit is not None:
                return explicit
            if login.lower() == repo.owner.login.lower():
                return "admin"
            return "none" if repo.private else "read"

    def association(self, repo: Repo, user: User) -> str:
        """``author_association`` as GitHub derives it, minus org membership."""
        with self.lock:
            if user.login.lower() == repo.owner.login.lower():
                return "OWNER"
            if repo.permissions.get(user.login.lower(), "none") != "none":
                return "COLLABORATOR"
            merged_authors = {pr.user.login.lower() for pr in repo.pulls.values() if pr.merged}
            if user.login.lower() in merged_authors:
                return "CONTRIBUTOR"
            return "NONE"

    def in_pending_review(self, comment: ReviewComment) -> bool:
        """Whether the comment belongs to a review not yet submitted, which only its author sees."""
        with self.lock:
            review = self.reviews.get(comment.review_id) if comment.review_id is not None else None
            return review is not None and review.state == "PENDING"

    def add_review_reply(self, repo: Repo, parent: ReviewComment, body: str, user: User) -> ReviewComment:
        """A person's reply in a review thread: GitHub points every reply at the thread's first comment and
        wraps it in a review of its own."""
        with self.lock:
            root = self.review_comments.get(parent.in_reply_to_id or parent.id, parent)
            stamp = now()
            review = Review(
                self.next_id(), repo.id, root.pr_number, user, "", "COMMENTED", root.commit_id, stamp
            )
            self.reviews[review.id] = review
            reply = ReviewComment(
                self.next_id(),
                repo.id,
                root.pr_number,
                review.id,
                user,
                body,
                root.path,
                root.commit_id,
                root.original_commit_id,
                root.diff_hunk,
                root.line,
                root.original_line,
                root.side,
                root.start_line,
                root.original_start_line,
                root.start_side,
                root.position,
                root.original_position,
                root.subject_type,
                stamp,
                stamp,
                root.id,
            )
            self.review_comments[reply.id] = reply
            return reply

    def suite_for(self, repo: Repo, head_sha: str) -> CheckSuite:
        with self.lock:
            key = (repo.id, head_sha)
            suite = self.check_suites.get(key)
            if suite is None:
                branch = next((b for b, s in sorted(repo.branches.items()) if s == head_sha), None)
                suite = CheckSuite(self.next_id(), repo.id, head_sha, branch, self.app_id, now())
                self.check_suites[key] = suite
            return suite

    def add_issue_comment(self, repo: Repo, number: int, body: str, user: User) -> IssueComment:
        with self.lock:
            if number not in repo.pulls:
                raise not_found()
            stamp = now()
            comment = IssueComment(self.next_id(), repo.id, number, user, body, stamp, stamp)
            self.issue_comments[comment.id] = comment
            return comment
