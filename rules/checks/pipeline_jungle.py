"""pipeline-jungle: a new file that is a copy or variant of an existing one, kept beside it.

`train_v2.py` next to `train.py` is how pipeline jungles grow: both are kept
"just in case", both drift, and soon nobody knows which one production runs.
"""

from __future__ import annotations

import heapq
import posixpath
import re
from collections.abc import Collection, Iterable, Iterator

from rules.checks import pipeline_jungle_examples as examples
from rules.checks.pipeline_jungle_lines import (
    LineMatcher,
    comparable_lines,
    meaningful_lines,
    share,
    similarity,
)
from rules.checks.pipeline_jungle_names import BACKUP_SUFFIX, name_variant, strip_tags
from rules.finding import Finding, Severity
from rules.rule import ChangeContext, ChangeRule, register
from rules.source import FileKind, SourceFile, is_test_path
from rules.suppress import find_suppressions

NAME_KINDS = frozenset(
    {
        FileKind.PYTHON,
        FileKind.NOTEBOOK,
        FileKind.YAML,
        FileKind.TOML,
        FileKind.SHELL,
        FileKind.TEXT,
        FileKind.DOCKERFILE,
    }
)
# Configs are left out on purpose: Hydra and experiment configs are near-copies by design.
CONTENT_KINDS = frozenset({FileKind.PYTHON, FileKind.NOTEBOOK})
CONTENT_EXEMPT_FOLDERS = frozenset(
    {"config", "configs", "conf", "experiments", "examples", "tutorials", "docs", "migrations", "versions"}
)
GENERATED = re.compile(r".*(_pb2|_pb2_grpc)\.py")
# Entry points every package or service has in the same shape; alike by convention, not by copying.
BOILERPLATE = frozenset(
    {
        "setup.py",
        "conf.py",
        "noxfile.py",
        "manage.py",
        "wsgi.py",
        "asgi.py",
        "__main__.py",
        "_version.py",
        "version.py",
    }
)
# Below ten real lines a file is boilerplate (an entry point, a tiny config); similarity means nothing.
MIN_MEANINGFUL_LINES = 10
# Four lines in five the same, once comments, blanks and imports are dropped: a copy, not a cousin.
CONTENT_SIMILARITY = 0.8
# A numbered name (`train2.py`) counts only if at least half its lines come from the original.
NUMBERED_SIMILARITY = 0.5
# Each comparison may cost the bot an API read; these bounds keep a big PR cheap.
CANDIDATES_PER_FILE = 12
READS_PER_PR = 60
# Longer files are generated or vendored; comparing them line by line is slow and says little.
MAX_COMPARED_LINES = 3000
MAX_SHOWN = 70


def _shown(path: str) -> str:
    path = path.replace("`", "'")
    return f"`{path if len(path) <= MAX_SHOWN else '…' + path[-(MAX_SHOWN - 1) :]}`"


def _exempt(path: str, source: SourceFile) -> bool:
    name = posixpath.basename(path)
    return (
        is_test_path(path)
        or name == "__init__.py"
        or bool(GENERATED.fullmatch(name))
        or name in BOILERPLATE
        or meaningful_lines(source.kind, source.text) < MIN_MEANINGFUL_LINES
    )


def _distance(left: str, right: str) -> tuple[int, int]:
    """Folders apart, then (negated) shared name prefix:
    `train_xgb.py` is nearer `train_gbm.py` than `serve.py`."""
    a, b = left.split("/"), right.split("/")
    shared = 0
    for x, y in zip(a[:-1], b[:-1], strict=False):
        if x != y:
            break
        shared += 1
    return len(a) + len(b) - 2 - 2 * shared, -len(posixpath.commonprefix([a[-1], b[-1]]))


@register
class PipelineJungle(ChangeRule):
    id = "pipeline-jungle"
    severity = Severity.MEDIUM
    title = "Copied pipeline step kept beside the original"
    kinds = NAME_KINDS

    VALID = examples.VALID
    INVALID = examples.INVALID

    def check_change(self, ctx: ChangeContext) -> Iterable[Finding]:
        added = [
            (path, source)
            for path in sorted(ctx.changed)
            if ctx.changed[path] in ("added", "copied")
            and (source := ctx.head_files.get(path)) is not None
            and source.kind in NAME_KINDS
            and not _exempt(path, source)
            and not _suppressed(source)
        ]
        backups = [
            (path, match["original"])
            for path in sorted(ctx.changed)
            if ctx.changed[path] in ("added", "copied")
            and path not in ctx.head_files
            and (match := BACKUP_SUFFIX.fullmatch(path))
        ]
        if not added and not backups:
            return []
        existing = _Existing(ctx, [path for path, _ in added] + [path for path, _ in backups])
        reads = _Reads(ctx, READS_PER_PR)
        findings: list[Finding] = []
        copied_folders: set[str] = set()
        sources = dict(added)
        for path, source in added:
            finding = self._by_name(path, source, existing, reads, copied_folders) or self._beside_new(
                path, source, sources
            )
            if finding is None and source.kind in CONTENT_KINDS:
                finding = self._by_content(path, source, existing, reads)
            if finding is not None:
                findings.append(finding)
        findings.extend(
            self.make(
                path,
                1,
                f"{_shown(path)} is a backup of {_shown(original)}, which stays beside it; "
                "a second version kept by hand "
                "drifts from the one that runs and leaves readers guessing which is current.",
                suggestion="Delete it: git keeps every earlier version of the file.",
                key=f"copy-of:{original}",
            )
            for path, original in backups
            if original in existing and not is_test_path(original)
        )
        return findings

    def _by_name(
        self, path: str, source: SourceFile, existing: _Existing, reads: _Reads, copied: set[str]
    ) -> Finding | None:
        variant = name_variant(path, existing)
        if variant is None:
            return None
        if not variant.strong:
            theirs = reads.matcher(variant.original, source.kind)
            if share(comparable_lines(source.kind, source.text), theirs, NUMBERED_SIMILARITY) is None:
                return None
        if variant.folder:
            if variant.folder in copied:
                return None
            copied.add(variant.folder)
            return self.make(
                path,
                1,
                f"Folder {_shown(variant.folder + '/')} copies {_shown(variant.original_folder + '/')}, "
                "which stays in use; "
                "two versions of one pipeline drift apart and nobody knows which one production runs.",
                suggestion="Change the original folder in place (git keeps the old version), "
                "or share its code and pass what differs as config.",
                key=f"copy-of:{variant.original_folder}",
            )
        return self.make(
            path,
            1,
            f"{_shown(path)} is a variant of {_shown(variant.original)}, which stays beside it; "
            "two versions of one pipeline step drift apart and nobody knows which one production runs.",
            suggestion=f"Change {_shown(variant.original)} in place (git keeps the old version), "
            "or move the shared code into one module and pass what differs as a parameter or config.",
            key=f"copy-of:{variant.original}",
        )

    def _beside_new(self, path: str, source: SourceFile, added: dict[str, SourceFile]) -> Finding | None:
        """A tagged copy of a file the same PR adds (`data.py` and `data2.py`):
        a name is not enough, the lines must come from it."""
        others = {other for other in added if other != path}
        variant = name_variant(path, others)
        if variant is None or variant.folder:
            return None
        original = added[variant.original]
        theirs = LineMatcher(None, [], comparable_lines(original.kind, original.text), autojunk=False)
        score = share(comparable_lines(source.kind, source.text), theirs, NUMBERED_SIMILARITY)
        if score is None:
            return None
        return self.make(
            path,
            1,
            f"{_shown(path)} repeats {round(score * 100)}% of its lines from {_shown(variant.original)}, "
            "added beside it in the same change; "
            "two versions of one pipeline step drift apart and nobody knows which one production runs.",
            suggestion=f"Keep one of the two, or move the shared code into {_shown(variant.original)} and "
            "pass what differs as a parameter or config.",
            key=f"copy-of:{variant.original}",
        )

    def _by_content(
        self, path: str, source: SourceFile, existing: _Existing, reads: _Reads
    ) -> Finding | None:
        folders = path.split("/")[:-1]
        if {folder.lower() for folder in folders} & CONTENT_EXEMPT_FOLDERS:
            return None
        ours = comparable_lines(source.kind, source.text)
        if len(ours) > MAX_COMPARED_LINES:
            return None
        pool = reads.pool(existing.near(path), posixpath.splitext(path)[1], folders[0] if folders else None)
        candidates = heapq.nsmallest(CANDIDATES_PER_FILE, pool, key=lambda other: _distance(path, other))
        for other in candidates:
            theirs = reads.matcher(other, source.kind)
            if len(theirs.b) > MAX_COMPARED_LINES:
                continue
            score = similarity(ours, theirs, CONTENT_SIMILARITY)
            if score is not None:
                return self.make(
                    path,
                    1,
                    f"{_shown(path)} repeats {round(score * 100)}% of {_shown(other)}, "
                    "which stays beside it; "
                    "copied pipeline code drifts apart and every fix has to be made twice.",
                    suggestion="Move what the two share into one module and pass what differs as a "
                    f"parameter or config, or change {_shown(other)} in place.",
                    key=f"copy-of:{other}",
                )
        return None


class _Existing(Collection[str]):
    """Files the PR found in place and kept: in the head tree and not added by it, read by folder.

    Only the folders a copy could sit beside are listed (the new file's folder
    and its parent, and the folders its tags point at), all in one batch, so
    what this costs follows the pull request, not the size of the repository.
    """

    def __init__(self, ctx: ChangeContext, added: Iterable[str]) -> None:
        self._ctx = ctx
        folders = {folder for path in added for folder in _folders_to_list(path)}
        self._listed = {
            folder: frozenset(paths) for folder, paths in ctx.repo.list_dirs(sorted(folders), "head").items()
        }

    def _folder(self, folder: str) -> frozenset[str]:
        if folder not in self._listed:
            self._listed[folder] = frozenset(self._ctx.repo.list_dir(folder, "head"))
        return self._listed[folder]

    def _kept(self, path: str) -> bool:
        return self._ctx.changed.get(path) not in ("added", "copied", "renamed")

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and path in self._folder(posixpath.dirname(path)) and self._kept(path)

    def __iter__(self) -> Iterator[str]:
        return (path for folder in list(self._listed) for path in self._listed[folder] if self._kept(path))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def near(self, path: str) -> list[str]:
        """Kept files in the new file's folder and its parent: where a copy is made and looked for."""
        folder = posixpath.dirname(path)
        return [
            other
            for near in dict.fromkeys((folder, posixpath.dirname(folder)))
            for other in self._folder(near)
            if self._kept(other)
        ]


def _folders_to_list(path: str) -> set[str]:
    """The new file's folder, its parent, and the folder of every original its tags name."""
    folder = posixpath.dirname(path)
    folders = {folder, posixpath.dirname(folder)}
    parts = path.split("/")
    for index, part in enumerate(parts[:-1]):
        for base, _ in strip_tags(part):
            folders.add("/".join([*parts[:index], base, *parts[index + 1 : -1]]))
    return folders


class _Reads:
    """Existing files read for comparison, each at most once, and no more than the PR's budget."""

    def __init__(self, ctx: ChangeContext, budget: int) -> None:
        self._ctx = ctx
        self._budget = budget
        self._cache: dict[str, LineMatcher] = {}

    @staticmethod
    def pool(existing: Collection[str], suffix: str, top: str | None) -> list[str]:
        """Existing files that may have been copied: same type, same top-level folder, not tests."""
        return [
            other
            for other in existing
            if other.endswith(suffix)
            and (other.split("/", 1)[0] == top if top else "/" not in other)
            and posixpath.basename(other) not in BOILERPLATE | {"__init__.py"}
            and not is_test_path(other)
        ]

    def matcher(self, path: str, kind: FileKind) -> LineMatcher:
        """A matcher holding the file's comparable lines as its second sequence; empty once over budget."""
        if path not in self._cache:
            if self._budget <= 0:
                return LineMatcher(None, [], [], autojunk=False)
            self._budget -= 1
            text = self._ctx.repo.read_text(path, "head")
            self._cache[path] = LineMatcher(
                None, [], comparable_lines(kind, text) if text else [], autojunk=False
            )
        return self._cache[path]


def _suppressed(source: SourceFile) -> bool:
    """A reasoned `# mldebt: ignore[pipeline-jungle]` anywhere in the new file keeps it."""
    return any(PipelineJungle.id in item.rules or "all" in item.rules for item in find_suppressions(source))
