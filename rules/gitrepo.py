"""A local git repository as the engine's `RepoView`, for `mldebt scan`.

Everything is read through plumbing commands (`ls-tree`, `cat-file`, `diff
--name-status`, `log`) or from the working tree's files: the repository's own
code, hooks, external diff drivers and text conversions never run.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from rules.engine import ChangedFile
from rules.repo import RepoView, Side
from rules.source import MAX_FILE_BYTES, kind_of

# Git's plumbing plus the settings that could make it run something or prompt.
SAFE_CONFIG = (
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.quotepath=off",
    "-c",
    "diff.external=",
    "-c",
    "core.hooksPath=/dev/null",
)
STATUS = {
    "A": "added",
    "M": "modified",
    "T": "modified",
    "U": "modified",
    "D": "removed",
    "R": "renamed",
    "C": "copied",
}
# Tool output nobody means to commit even when .gitignore forgets it: a virtualenv or
# Jupyter's checkpoint copies would otherwise be reviewed as thousands of added files.
UNTRACKED_NOISE = frozenset(
    {
        ".ipynb_checkpoints",
        "__pycache__",
        "site-packages",
        "node_modules",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)
TOO_LARGE = f"larger than {MAX_FILE_BYTES // 1_000_000} MB"


class GitError(Exception):
    """A git command failed; the message is git's own, first line."""


def _environment() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GIT_") or key in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM")
    }
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "GIT_PAGER": "cat", "LC_ALL": "C"})
    return env


def run_git(root: Path | str, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *SAFE_CONFIG, *args],
            input=stdin,
            capture_output=True,
            env=_environment(),
            check=False,
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[0] if message else f"git {args[0]} failed")
    return done.stdout


def _shallow_hint(root: Path, revision: str) -> str:
    """In a shallow clone a missing revision is usually history not fetched: say what to fetch.

    CI checkouts (actions/checkout defaults to `fetch-depth: 1`) are where users
    meet this, so the hint names both the git command and the workflow setting.
    """
    try:
        shallow = run_git(root, "rev-parse", "--is-shallow-repository").decode().strip() == "true"
    except GitError:
        return ""
    if not shallow:
        return ""
    ancestor = re.fullmatch(r".*~(\d+)", revision)
    depth = f"--deepen={ancestor.group(1)}" if ancestor else "--unshallow"
    return (
        f": this is a shallow clone and {revision} is not in its history; "
        f"fetch it with `git fetch {depth}`, or in GitHub Actions check out with "
        "`fetch-depth: 0` (actions/checkout)"
    )


class GitRepo(RepoView):
    """Base is a commit; head is a commit or, when `head` is None, the working tree."""

    def __init__(self, root: Path, base: str, head: str | None) -> None:
        self.root = root
        self.base = base
        self.head = head
        self._text: dict[tuple[str, Side], str | None] = {}

    @staticmethod
    def toplevel(directory: str | os.PathLike[str]) -> Path:
        path = Path(directory)
        if not path.is_dir():
            raise GitError(f"{directory} is not a directory")
        return Path(run_git(path, "rev-parse", "--show-toplevel").decode().strip())

    @staticmethod
    def commit(root: Path, revision: str) -> str:
        if revision.startswith("-"):
            raise GitError(f"not a revision: {revision}")
        try:
            return (
                run_git(
                    root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"
                )
                .decode()
                .strip()
            )
        except GitError:
            raise GitError(f"unknown revision {revision!r}{_shallow_hint(root, revision)}") from None

    @staticmethod
    def default_branch(root: Path) -> str:
        """origin/HEAD if the clone knows it, else main or master."""
        try:
            return (
                run_git(root, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD")
                .decode()
                .strip()
            )
        except GitError:
            pass
        for name in ("main", "master", "origin/main", "origin/master"):
            try:
                GitRepo.commit(root, name)
            except GitError:
                continue
            return name
        raise GitError("cannot find the default branch (no origin/HEAD, main or master); pass --base")

    @staticmethod
    def merge_base(root: Path, left: str, right: str) -> str:
        try:
            return run_git(root, "merge-base", left, right).decode().strip()
        except GitError:
            hint = _shallow_hint(root, "the merge base")
            raise GitError(
                f"{left[:12]} and {right[:12]} share no history{hint or '; pass an explicit --base'}"
            ) from None

    def _tree_paths(self, commit: str) -> list[str]:
        output = run_git(self.root, "ls-tree", "-r", "-z", "--name-only", commit)
        return [path for path in output.decode("utf-8", "surrogateescape").split("\0") if path]

    @cached_property
    def _base_paths(self) -> frozenset[str]:
        return frozenset(self._tree_paths(self.base))

    @cached_property
    def _head_paths(self) -> frozenset[str]:
        if self.head is not None:
            return frozenset(self._tree_paths(self.head))
        listed = run_git(self.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        deleted = run_git(self.root, "ls-files", "-z", "--deleted")
        gone = set(deleted.decode("utf-8", "surrogateescape").split("\0"))
        return frozenset(
            path
            for path in listed.decode("utf-8", "surrogateescape").split("\0")
            if path and path not in gone
        )

    def list_paths(self, at: Side = "head") -> Collection[str]:
        return self._base_paths if at == "base" else self._head_paths

    def read_text(self, path: str, at: Side = "head") -> str | None:
        if (path, at) not in self._text:
            data = self.read_bytes(path, at)
            try:
                self._text[(path, at)] = data.decode("utf-8") if data is not None else None
            except UnicodeDecodeError:
                self._text[(path, at)] = None
        return self._text[(path, at)]

    def read_bytes(self, path: str, at: Side = "head") -> bytes | None:
        """The file's bytes, or None if absent, not a file, or over the size limit."""
        data, reason = self._read(path, at)
        return None if reason else data

    def _head_blobs(self) -> str | None:
        """Where head's contents come from: a commit, or None for the working tree's files."""
        return self.head

    def _diff_range(self) -> list[str]:
        """`git diff` arguments that compare base with head."""
        return [self.base] if self.head is None else [self.base, self.head]

    def _untracked(self) -> list[str]:
        """Files git does not track yet but a commit of the working tree would add (not tool noise)."""
        if self.head is not None:
            return []
        output = run_git(self.root, "ls-files", "-z", "--others", "--exclude-standard")
        return [
            path
            for path in output.decode("utf-8", "surrogateescape").split("\0")
            if path and not UNTRACKED_NOISE & set(path.split("/")[:-1])
        ]

    def _read(self, path: str, at: Side) -> tuple[bytes | None, str | None]:
        commit = self.base if at == "base" else self._head_blobs()
        if commit is None:
            return self._read_worktree(path)
        return self._read_blobs(commit, [path]).get(path, (None, None))

    def _read_worktree(self, path: str) -> tuple[bytes | None, str | None]:
        if path.startswith("/") or ".." in path.split("/"):
            return None, None
        full = self.root / path
        try:
            info = full.lstat()
        except OSError:
            return None, None
        if stat.S_ISLNK(info.st_mode):
            return os.fsencode(os.readlink(full)), None
        if not stat.S_ISREG(info.st_mode):
            return None, None
        if info.st_size > MAX_FILE_BYTES:
            return None, TOO_LARGE
        try:
            return full.read_bytes(), None
        except OSError:
            return None, None

    def _read_blobs(self, commit: str, paths: Iterable[str]) -> dict[str, tuple[bytes | None, str | None]]:
        """Many blobs in two git processes: sizes first, then only the contents under the limit."""
        wanted = [path for path in paths if "\n" not in path]
        if not wanted:
            return {}
        request = "".join(f"{commit}:{path}\n" for path in wanted).encode("utf-8", "surrogateescape")
        sizes = (
            run_git(self.root, "cat-file", "--batch-check=%(objecttype) %(objectsize)", stdin=request)
            .decode()
            .splitlines()
        )
        result: dict[str, tuple[bytes | None, str | None]] = {}
        readable = []
        for path, line in zip(wanted, sizes, strict=False):
            kind, _, size = line.partition(" ")
            if kind != "blob":
                result[path] = (None, None)
            elif int(size) > MAX_FILE_BYTES:
                result[path] = (None, TOO_LARGE)
            else:
                readable.append(path)
        if readable:
            request = "".join(f"{commit}:{path}\n" for path in readable).encode("utf-8", "surrogateescape")
            output = run_git(self.root, "cat-file", "--batch", stdin=request)
            position = 0
            for path in readable:
                header_end = output.index(b"\n", position)
                length = int(output[position:header_end].split()[2])
                start = header_end + 1
                result[path] = (output[start : start + length], None)
                position = start + length + 1
        return result

    def changed_files(self) -> list[ChangedFile]:
        """Files that differ between base and head, with contents for the files rules read."""
        output = run_git(
            self.root,
            "diff",
            "--name-status",
            "-z",
            "-M",
            "--no-ext-diff",
            "--no-textconv",
            *self._diff_range(),
            "--",
        )
        entries = _parse_name_status(output.decode("utf-8", "surrogateescape"))
        listed = {path for _, path, _ in entries}
        entries += [("added", path, None) for path in self._untracked() if path not in listed]
        readable_head = [
            path for status, path, _ in entries if status != "removed" and kind_of(path) is not None
        ]
        readable_base = [
            previous or path
            for status, path, previous in entries
            if status not in ("added", "copied") and kind_of(path) is not None
        ]
        heads = self._read_many("head", readable_head)
        bases = self._read_many("base", readable_base)
        changed = []
        for status, path, previous in sorted(entries, key=lambda entry: entry[1]):
            head, reason = heads.get(path, (None, None)) if status != "removed" else (None, None)
            base, _ = (
                bases.get(previous or path, (None, None))
                if status not in ("added", "copied")
                else (None, None)
            )
            changed.append(
                ChangedFile(path, status, head=head, base=base, previous_path=previous, skip_reason=reason)
            )
        return changed

    def current_files(self, prefixes: Collection[str]) -> list[ChangedFile]:
        """The working tree's files under `prefixes` (repository-relative, "" for all), each as if added.

        `mldebt scan PATH…` reviews files as they are: without a base side the
        engine reads each file whole, and the CLI marks every finding existing.
        """
        folders = [prefix.rstrip("/") + "/" for prefix in prefixes if prefix]

        def wanted(path: str) -> bool:
            under = "" in prefixes or path in prefixes or any(path.startswith(folder) for folder in folders)
            return under and not UNTRACKED_NOISE & set(path.split("/")[:-1])

        paths = sorted(path for path in self._head_paths if wanted(path))
        contents = self._read_many("head", [path for path in paths if kind_of(path) is not None])
        return [
            ChangedFile(path, "added", head=head, skip_reason=reason)
            for path in paths
            for head, reason in [contents.get(path, (None, None))]
        ]

    def _read_many(self, at: Side, paths: list[str]) -> dict[str, tuple[bytes | None, str | None]]:
        commit = self.base if at == "base" else self._head_blobs()
        if commit is None:
            return {path: self._read_worktree(path) for path in paths}
        return self._read_blobs(commit, paths)

    def oldest_commit(self) -> datetime | None:
        """Committer date of the oldest commit on head that is not on base."""
        output = run_git(self.root, "log", "--format=%ct", f"{self.base}..{self.head or 'HEAD'}", "--")
        stamps = [int(line) for line in output.decode().split()]
        return datetime.fromtimestamp(min(stamps), UTC) if stamps else None


def _parse_name_status(output: str) -> list[tuple[str, str, str | None]]:
    """(status, path, previous path) from `git diff --name-status -z`."""
    fields = output.split("\0")
    entries: list[tuple[str, str, str | None]] = []
    index = 0
    while index < len(fields) and fields[index]:
        letter = fields[index][0]
        status = STATUS.get(letter, "modified")
        if letter in ("R", "C"):
            previous, path = fields[index + 1], fields[index + 2]
            entries.append((status, path, previous))
            index += 3
        else:
            entries.append((status, fields[index + 1], None))
            index += 2
    return entries
