"""Runs every rule over a pull request's changed files and sorts debt into new, existing and fixed.

Each file version is parsed once and walked once: all Python rules ride a
single batched libcst traversal. Both sides of a modified file are scanned,
so a finding is *new* only if the base did not already carry it (matched by
rule and key, not line number) and the PR touched its lines.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime

from libcst import BatchableCSTVisitor, CSTNode, Module
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from rules.anchors import StatementPositions
from rules.collector import ScanCollector
from rules.config import Config
from rules.dataflow import share_facts
from rules.diff import changed_lines
from rules.finding import Finding, Severity
from rules.fixing import with_fixes
from rules.positions import Positions
from rules.repo import RepoView
from rules.rule import (
    ChangeContext,
    ChangeRule,
    FileContext,
    FileRule,
    PythonRule,
    Rule,
    SuppressionRule,
    all_rules,
)
from rules.source import FileKind, SourceFile, decode, kind_of
from rules.suppress import apply as apply_suppressions
from rules.suppress import find_suppressions
from rules.walk import Walk, visitor_hooks, walkable

log = logging.getLogger(__name__)

_STRUCTURED = frozenset({FileKind.YAML, FileKind.TOML, FileKind.JSON})
SEVERITY_WEIGHT = {Severity.CRITICAL: 10, Severity.HIGH: 5, Severity.MEDIUM: 2, Severity.LOW: 1}


@dataclass(frozen=True)
class ChangedFile:
    """One file of the PR. Content is raw bytes (or text); None where that side has no file."""

    path: str
    status: str
    head: bytes | str | None = None
    base: bytes | str | None = None
    previous_path: str | None = None
    skip_reason: str | None = None


@dataclass
class ReviewInput:
    changed: list[ChangedFile]
    repo: RepoView
    config: Config = field(default_factory=Config)
    pr_body: str = ""
    oldest_commit: datetime | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class FileNote:
    path: str
    reason: str


@dataclass(frozen=True)
class ConfigNote:
    """What a reader should know about the settings a review ran with; `details` are listed beneath it."""

    text: str
    details: tuple[str, ...] = ()


@dataclass
class ScanResult:
    findings: list[Finding]
    fixed: list[Finding]
    notes: list[FileNote]
    config_errors: list[str] = field(default_factory=list)
    config_notes: list[ConfigNote] = field(default_factory=list)
    fail_on: frozenset[Severity] = frozenset({Severity.CRITICAL, Severity.HIGH})
    files_scanned: int = 0

    @property
    def new(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.new]

    @property
    def existing(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.new]

    @property
    def blocking(self) -> list[Finding]:
        return [finding for finding in self.new if finding.severity in self.fail_on]

    @property
    def score(self) -> int:
        """Debt carried by the touched files at head, weighted by severity."""
        return sum(SEVERITY_WEIGHT[finding.severity] for finding in self.findings)

    @property
    def delta(self) -> int:
        added = sum(SEVERITY_WEIGHT[finding.severity] for finding in self.new)
        return added - sum(SEVERITY_WEIGHT[finding.severity] for finding in self.fixed)


def _active(config: Config) -> list[type[Rule]]:
    return [rule for rule_id, rule in sorted(all_rules().items()) if config.settings(rule_id).enabled]


def _wrapper(module: Module, positions: Mapping[CSTNode, CodeRange]) -> MetadataWrapper:
    """A wrapper with positions already resolved, by rules.anchors rather than libcst's slower provider.

    Filling the slot up front also spares the empty batched pass libcst runs after
    every non-batchable provider. If libcst's internals move, its own provider
    takes over, and tests/rules/test_libcst_internals.py fails to say so.
    """
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    resolved = getattr(wrapper, "_metadata", None)
    if isinstance(resolved, dict):
        resolved[PositionProvider] = positions
    return wrapper


def _visit(source: SourceFile, module: Module, visitors: list[BatchableCSTVisitor]) -> None:
    """One traversal for all Python rules (and the collectors they share).

    Where every hook can ride it, the traversal is rules.walk's: libcst's own
    visit rebuilds and revalidates each node it passes, which costs more than the
    rules themselves.
    """
    hooks = visitor_hooks(visitors)
    if not walkable(hooks):
        _wrapper(module, Positions(module)).visit_batched(visitors)
        return
    walk = Walk(module)
    wrapper = _wrapper(module, StatementPositions(module, source.syntax, walk))
    with ExitStack() as stack:
        for visitor in visitors:
            stack.enter_context(visitor.resolve(wrapper))
        walk.run(hooks)


def _run_file_rules(
    source: SourceFile, ctx_base: FileContext, rules: list[type[Rule]], config: Config
) -> list[Finding]:
    findings: list[Finding] = []
    applicable = [
        rule
        for rule in rules
        if source.kind in rule.kinds
        and (rule.applies_to_tests or not source.is_test)
        and (rule.applies_to_examples or not source.is_example)
        and not config.ignores(rule.id, source.path)
    ]
    python_rules = [rule for rule in applicable if issubclass(rule, PythonRule)]
    if python_rules and source.module is not None:
        visitors = [
            rule(FileContext(**{**ctx_base.__dict__, "options": config.options_for(rule.id)}))
            for rule in python_rules
        ]
        visitors = [visitor for visitor in visitors if visitor.may_find()]
        if visitors:
            _visit(source, source.module, [*share_facts(visitors), *visitors])
        for visitor in visitors:
            findings.extend(visitor.findings)
    for rule in applicable:
        if issubclass(rule, FileRule):
            ctx = FileContext(**{**ctx_base.__dict__, "options": config.options_for(rule.id)})
            findings.extend(rule().check(ctx))
    suppressions = find_suppressions(source)
    kept, used = apply_suppressions(findings, suppressions)
    ran = frozenset(rule.id for rule in applicable if issubclass(rule, (PythonRule, FileRule)))
    for rule in applicable:
        if issubclass(rule, SuppressionRule):
            ctx = FileContext(**{**ctx_base.__dict__, "options": config.options_for(rule.id)})
            kept.extend(rule().check_suppressions(ctx, suppressions, used, ran))
    return kept


def _source(path: str, data: bytes | str | None) -> tuple[SourceFile | None, str | None]:
    kind = kind_of(path)
    if data is None or kind is None:
        return None, None
    text, reason = decode(data)
    if text is None:
        return None, reason
    return SourceFile(path=path, text=text, kind=kind), None


def _classify(
    head: list[Finding], base: list[Finding], touched: frozenset[int]
) -> tuple[list[Finding], list[Finding]]:
    remaining = Counter(finding.identity() for finding in base)

    def was_touched(finding: Finding) -> bool:
        return bool(set(range(finding.line, finding.end_line + 1)) & touched)

    # Base debt is matched to untouched findings first, so a pasted duplicate of an
    # existing finding is the new one, wherever the diff aligned the copy.
    classified = list(head)
    for index in sorted(range(len(head)), key=lambda index: was_touched(head[index])):
        finding = head[index]
        identity = finding.identity()
        if remaining[identity] > 0:
            remaining[identity] -= 1
            classified[index] = finding.with_(new=False)
        else:
            classified[index] = finding.with_(new=was_touched(finding))
    present = Counter(finding.identity() for finding in head)
    fixed = []
    for finding in base:
        identity = finding.identity()
        if present[identity] > 0:
            present[identity] -= 1
        else:
            fixed.append(finding.with_(new=False))
    return classified, fixed


def _override(findings: Iterable[Finding], config: Config) -> list[Finding]:
    result = []
    for finding in findings:
        severity = config.settings(finding.rule).severity
        result.append(finding.with_(severity=severity) if severity else finding)
    return result


def scan(review: ReviewInput) -> ScanResult:
    """Findings for the touched files at head, the debt the PR fixed, and what could not be read."""
    with ScanCollector() as collector:
        return _scan(review, collector)


def _scan(review: ReviewInput, collector: ScanCollector) -> ScanResult:
    config = review.config
    rules = _active(config)
    notes: list[FileNote] = []
    findings: list[Finding] = []
    fixed: list[Finding] = []
    head_files: dict[str, SourceFile] = {}
    statuses = {item.path: item.status for item in review.changed}
    scanned = 0
    for item in review.changed:
        if item.status == "removed" or not config.reviews(item.path):
            continue
        if item.skip_reason:
            notes.append(FileNote(item.path, item.skip_reason))
            continue
        head, reason = _source(item.path, item.head)
        if reason:
            notes.append(FileNote(item.path, reason))
        if head is None:
            continue
        head_files[item.path] = head
        base, _ = _source(item.path, item.base)
        if base is not None and item.previous_path:
            base.path = item.path
        try:
            with collector.paused():
                if head.module is not None:  # parsed now, the tree the change rules keep to the end
                    collector.keep()
                file_findings, file_fixed = _scan_pair(head, base, review, rules, statuses)
        except RecursionError:  # deep but parseable code outruns the recursive visitors: a limit, not a bug
            notes.append(FileNote(item.path, "nested too deeply for mldebt's rules to read; it was skipped"))
            continue
        except Exception:  # a rule bug must cost one file, never the review
            log.exception("rule engine failed on %s", item.path)
            notes.append(FileNote(item.path, "mldebt hit an internal error on this file; it was skipped"))
            continue
        # CPython's tree only anchored this file's positions: the change rules keep the file, not that tree.
        head.syntax = None
        if head.parse_error is None and head.kind in _STRUCTURED:
            _ = head.data  # a config that no rule needed to read still gets its "does not parse" note
        if head.parse_error:
            notes.append(FileNote(item.path, head.parse_error))
        scanned += 1
        findings.extend(file_findings)
        fixed.extend(file_fixed)
    change_ctx = ChangeContext(
        changed={path: status for path, status in statuses.items() if config.reviews(path)},
        head_files=head_files,
        repo=review.repo,
        pr_body=review.pr_body,
        oldest_commit=review.oldest_commit,
        now=review.now,
        options={},
    )
    for rule in rules:
        if issubclass(rule, ChangeRule):
            change_ctx.options = config.options_for(rule.id)
            findings.extend(
                finding.with_(new=True)
                for finding in rule().check_change(change_ctx)
                if not (finding.path and config.ignores(finding.rule, finding.path))
            )
    findings = _override(findings, config)
    findings.sort(key=lambda f: (-f.severity.rank, f.path, f.line, f.rule))
    return ScanResult(
        findings=findings,
        fixed=_override(fixed, config),
        notes=notes,
        fail_on=config.fail_on,
        files_scanned=scanned,
    )


def _scan_pair(
    head: SourceFile,
    base: SourceFile | None,
    review: ReviewInput,
    rules: list[type[Rule]],
    statuses: Mapping[str, str],
) -> tuple[list[Finding], list[Finding]]:
    touched = changed_lines(base.text, head.text) if base is not None else frozenset()

    def context(
        file: SourceFile, version: str, counterpart: SourceFile | None, lines: frozenset[int]
    ) -> FileContext:
        return FileContext(
            file=file,
            version=version,
            counterpart=counterpart,
            repo=review.repo,
            pr_body=review.pr_body,
            options={},
            added_paths=[path for path, status in statuses.items() if status == "added"],
            changed=review.changed,
            touched=lines,
        )

    def rescan(mended: SourceFile, rule: type[Rule]) -> list[Finding]:
        """The head as a fix would leave it, read by the one rule, as the PR would have written it."""
        lines = changed_lines(base.text, mended.text) if base is not None else frozenset()
        return _run_file_rules(mended, context(mended, "head", base, lines), [rule], review.config)

    head_findings = _run_file_rules(head, context(head, "head", base, touched), rules, review.config)
    if base is None:
        return with_fixes([finding.with_(new=True) for finding in head_findings], head, rescan), []
    base_findings = _run_file_rules(base, context(base, "base", head, frozenset()), rules, review.config)
    classified, fixed = _classify(head_findings, base_findings, touched)
    return with_fixes(classified, head, rescan), fixed


__all__ = ["ChangedFile", "ConfigNote", "FileKind", "FileNote", "ReviewInput", "ScanResult", "scan"]
