"""What a rule is: its base classes, what it may look at, its examples, and the set of all rules.

Three shapes of rule, chosen by what a rule needs to see:
- `PythonRule`: a libcst visitor; all of them run batched in one traversal.
- `FileRule`: one file version as text or parsed document (configs, scripts).
- `ChangeRule`: the pull request as a whole (commit ages, added files).
- `SuppressionRule`: a file's `# mldebt: ignore[...]` comments, after the other rules.

`FileContext` and `ChangeContext` are what they are given, `Case` is a VALID or
INVALID example, and `@register` adds a rule to the set that the engine and the
docs meta-test read (`all_rules`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Protocol

import libcst
from libcst.metadata import PositionProvider

from rules.anchors import StatementPositions
from rules.finding import Finding, Severity
from rules.fix import Fix
from rules.positions import Positions
from rules.repo import RepoView
from rules.source import FileKind, SourceFile
from rules.suppress import Suppression


@dataclass(frozen=True)
class Case:
    """A tiny pull request, used as a rule's VALID or INVALID example.

    ``head`` as a string is shorthand for one file at ``path``. ``base`` holds
    the files before the PR (absent means the file is new). ``lines`` on an
    INVALID case pins which head lines must be flagged.
    """

    head: str | Mapping[str, str | bytes | None]
    base: Mapping[str, str | bytes] = field(default_factory=dict)
    path: str = "train.py"
    lines: tuple[int, ...] = ()
    pr_body: str = ""
    oldest_commit: datetime | None = None
    now: datetime | None = None
    config: str = ""

    def head_files(self) -> dict[str, str | bytes | None]:
        if isinstance(self.head, str):
            return {self.path: self.head}
        return dict(self.head)


class ChangedContent(Protocol):
    """A changed file's contents on both sides, as the engine has them (`ChangedFile`, a frozen dataclass)."""

    @property
    def path(self) -> str: ...
    @property
    def base(self) -> str | bytes | None: ...
    @property
    def head(self) -> str | bytes | None: ...


@dataclass
class FileContext:
    """What a file-level rule may look at beyond the file itself."""

    file: SourceFile
    version: str
    counterpart: SourceFile | None
    repo: RepoView
    pr_body: str
    options: Mapping[str, object]
    added_paths: Collection[str] = ()
    # Every file the pull request touches, with its contents: where a moved line may have come from.
    changed: Sequence[ChangedContent] = ()
    # The head lines this pull request wrote (head side of a modified file only):
    # what a comment the PR did not touch can no longer vouch for.
    touched: frozenset[int] = frozenset()


@dataclass
class ChangeContext:
    """The pull request as a whole, for rules about the change rather than a file."""

    changed: Mapping[str, str]
    head_files: Mapping[str, SourceFile]
    repo: RepoView
    pr_body: str
    oldest_commit: datetime | None
    now: datetime
    options: Mapping[str, object]


class Rule:
    id: ClassVar[str]
    severity: ClassVar[Severity]
    title: ClassVar[str]
    kinds: ClassVar[frozenset[FileKind]] = frozenset()
    applies_to_tests: ClassVar[bool] = False
    # Production-hygiene rules set this False: docs and library examples are read as usage, not as a pipeline.
    applies_to_examples: ClassVar[bool] = True
    VALID: ClassVar[list[Case]] = []
    INVALID: ClassVar[list[Case]] = []

    @classmethod
    def fix_for(cls, finding: Finding, source: SourceFile) -> Fix | None:
        """A mechanical fix for one of this rule's findings in `source`, or None.

        Only a proposal: `rules.fixing` offers it once the mended file parses and
        the rule no longer reports the finding there.
        """
        return None

    @classmethod
    def make(
        cls,
        path: str,
        line: int,
        message: str,
        *,
        end_line: int | None = None,
        suggestion: str | None = None,
        key: str = "",
        context: str = "",
    ) -> Finding:
        return Finding(
            rule=cls.id,
            severity=cls.severity,
            path=path,
            line=line,
            end_line=max(line, end_line or line),
            message=message,
            suggestion=suggestion,
            key=key,
            context=context,
        )


_VISITOR_NAMES: dict[type, tuple[str, ...]] = {}


class Visitor(libcst.BatchableCSTVisitor):
    """A batchable visitor whose hooks are looked up once per class: libcst inspects every instance on
    every file, and the names depend only on the class."""

    def get_visitors(self) -> Mapping[str, Callable[[libcst.CSTNode], None]]:
        names = _VISITOR_NAMES.get(type(self))
        if names is None:
            names = _VISITOR_NAMES[type(self)] = tuple(libcst.BatchableCSTVisitor.get_visitors(self))
        return {name: getattr(self, name) for name in names}


class PythonRule(Rule, Visitor):
    """A visitor over one module. Subclasses call `self.flag(node, ...)`."""

    kinds = frozenset({FileKind.PYTHON, FileKind.NOTEBOOK})
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.findings: list[Finding] = []

    def may_find(self) -> bool:
        """Whether this file could give the rule anything to report;
        the engine leaves it out of the traversal if not."""
        return True

    def position(self, node: libcst.CSTNode) -> tuple[int, int]:
        """First and last line of the node."""
        positions = self.metadata.get(PositionProvider)
        if isinstance(positions, Positions | StatementPositions):  # the engine's tables: no `CodeRange`
            return positions.lines(node)
        where = self.get_metadata(PositionProvider, node)
        return where.start.line, where.end.line

    def first_line(self, node: libcst.CSTNode) -> int:
        """The node's first line: cheaper than `position`, whose last line may take generating code."""
        positions = self.metadata.get(PositionProvider)
        if isinstance(positions, StatementPositions):
            return positions.first_line(node)
        return self.position(node)[0]

    def flag(
        self,
        node: libcst.CSTNode,
        message: str,
        *,
        suggestion: str | None = None,
        key: str = "",
        whole_node: bool = False,
    ) -> None:
        """Reports at the node's first line (or its whole span), in the file's own line numbers."""
        start, end = self.position(node) if whole_node else (self.first_line(node), 0)
        source = self.ctx.file
        line = source.raw_line(start)
        end_line = source.raw_line(end) if whole_node else line
        cell = source.cell_of(start)
        if cell is not None:
            message = f"{message} (notebook cell {cell})"
        text = "\n".join(source.python_lines[start - 1 : (end if whole_node else start)])
        self.findings.append(
            self.make(
                source.path,
                line,
                message,
                end_line=end_line,
                suggestion=suggestion,
                key=key,
                context=text.strip(),
            )
        )

    def leave_Module(self, original_node: libcst.Module) -> None:
        self.finish()

    def finish(self) -> None:
        """Hook for rules that decide only after seeing the whole module."""


class FileRule(Rule):
    def check(self, ctx: FileContext) -> Iterable[Finding]:
        raise NotImplementedError


class SuppressionRule(Rule):
    """Judges a file's suppression comments once the other rules have reported: what each one silenced."""

    kinds = frozenset(FileKind)
    applies_to_tests = True

    def check_suppressions(
        self, ctx: FileContext, suppressions: list[Suppression], used: set[Suppression], ran: frozenset[str]
    ) -> Iterable[Finding]:
        raise NotImplementedError


class ChangeRule(Rule):
    def check_change(self, ctx: ChangeContext) -> Iterable[Finding]:
        raise NotImplementedError


_RULES: dict[str, type[Rule]] = {}


def register(rule: type[Rule]) -> type[Rule]:
    """Class decorator: rule ids are stable public names, so clashes are bugs."""
    if rule.id in _RULES and _RULES[rule.id] is not rule:
        raise ValueError(f"duplicate rule id {rule.id}")
    _RULES[rule.id] = rule
    return rule


def all_rules() -> dict[str, type[Rule]]:
    import rules.catalog  # noqa: F401  (registers every rule)

    return dict(_RULES)


def iter_rules(kind: type[Rule]) -> Iterator[type[Rule]]:
    return (rule for rule in all_rules().values() if issubclass(rule, kind))
