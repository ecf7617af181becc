"""A repository's history and pull requests, and the Python API tests use to shape them.

Tests build each scenario by committing, pushing, force-moving branches and
opening, closing or merging pull requests, and the API answers from what that
history holds; keeping the history API in one class apart from the world's
other records keeps what a push means (a PR follows its branch) in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from ghsim.diff import compute_patch
from ghsim.git import CommitObject, ObjectStore, Signature, utc
from ghsim.models import FileChange, User
from ghsim.renames import detect_renames
from ghsim.util import now

if TYPE_CHECKING:
    from ghsim.state import State

FileChanges = Mapping[str, "str | bytes | None"]


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
        renames = detect_renames(removed, added, old, new, blobs)
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
