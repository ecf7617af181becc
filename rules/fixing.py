"""Offers a rule's fix only when it is sound: the mended file parses and the rule stops reporting it.

A suggestion that breaks the build, or trades one finding for another of the
same rule, costs the author more than no suggestion, so each proposal from
`Rule.fix_for` is applied to the file and the rule is run again on the result
(the engine passes the `Rescan` that does so, with the file's real context).
"""

from __future__ import annotations

import ast
import warnings
from collections import Counter
from collections.abc import Callable, Sequence

from rules.finding import Finding
from rules.fix import Fix
from rules.rule import Rule, all_rules
from rules.source import FileKind, SourceFile

# Each offer costs a parse and a run of the rule; past this many a file's other findings go without one.
MAX_FIXES_PER_FILE = 25
# Notebooks are left out: their lines are JSON strings, where deleting one can break the document.
FIXABLE = frozenset({FileKind.PYTHON, FileKind.YAML, FileKind.SHELL})

Rescan = Callable[[SourceFile, type[Rule]], list[Finding]]


def with_fixes(findings: Sequence[Finding], source: SourceFile, rescan: Rescan) -> list[Finding]:
    """The findings, the new ones that a rule can mend carrying their checked fix."""
    if source.kind not in FIXABLE or not parses(source):
        return list(findings)
    rules = all_rules()
    offered = 0
    result = []
    for finding in findings:
        rule = rules.get(finding.rule)
        fix = rule.fix_for(finding, source) if rule and finding.new and offered < MAX_FIXES_PER_FILE else None
        if rule is not None and fix is not None:
            offered += 1
            if _sound(fix, finding, source, rule, findings, rescan):
                finding = finding.with_(fix=fix)
        result.append(finding)
    return result


def parses(source: SourceFile) -> bool:
    """Whether the file still reads as what it is; a shell script has no parser here and is taken as is."""
    if source.kind is FileKind.PYTHON:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(source.text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
        return source.module is not None
    if source.kind is FileKind.YAML:
        _ = source.data
        return source.parse_error is None
    return source.kind is FileKind.SHELL


def _sound(
    fix: Fix,
    finding: Finding,
    source: SourceFile,
    rule: type[Rule],
    before: Sequence[Finding],
    rescan: Rescan,
) -> bool:
    """The mended file parses, this finding is gone and the rule reports nothing it did not before."""
    mended = SourceFile(source.path, fix.apply(source.text), source.kind)
    if not parses(mended):
        return False
    expected = Counter(other.identity() for other in before if other.rule == rule.id)
    expected[finding.identity()] -= 1
    after = Counter(other.identity() for other in rescan(mended, rule))
    return not after - expected
