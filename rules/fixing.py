"""Offers a rule's fix only when it is sound: the mended file parses and the rule stops reporting it.

A suggestion that breaks the build, or trades one finding for another of the
same rule, costs the author more than no suggestion, so the proposals of
`Rule.fix_for` are applied to the file and their rules run again on the result
(the engine passes the `Rescan` that does so, with the file's real context).
Python is checked with `ast`, as the interpreter would read it.
"""

from __future__ import annotations

import ast
import logging
import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from rules.finding import Finding
from rules.fix import Fix, applied, apply_all
from rules.rule import Rule, all_rules
from rules.source import FileKind, SourceFile

log = logging.getLogger(__name__)

# Each proposal costs a little and each check a parse and a run of its rule: past this many a file's other
# findings go without a fix. The proposals are checked together first, each alone only if that fails.
MAX_FIXES_PER_FILE = 25
MAX_CHECKED_ALONE = 5
# Notebooks are left out: their lines are JSON strings, where deleting one can break the document.
FIXABLE = frozenset({FileKind.PYTHON, FileKind.YAML, FileKind.SHELL})

Rescan = Callable[[SourceFile, type[Rule]], list[Finding]]


def with_fixes(findings: Sequence[Finding], source: SourceFile, rescan: Rescan) -> list[Finding]:
    """The findings, the new ones that a rule can mend carrying their checked fix."""
    if source.kind not in FIXABLE:
        return list(findings)
    try:
        return _with_fixes(findings, source, rescan)
    except Exception:  # a bug in a fix must cost the fix, never the file's findings
        log.exception("fixes failed on %s", source.path)
        return list(findings)


def _with_fixes(findings: Sequence[Finding], source: SourceFile, rescan: Rescan) -> list[Finding]:
    rules = all_rules()
    proposed: dict[int, Fix] = {}
    for index, finding in enumerate(findings):
        if len(proposed) >= MAX_FIXES_PER_FILE:
            break
        rule = rules.get(finding.rule)
        fix = rule.fix_for(finding, source) if rule is not None and finding.new else None
        if fix is not None:
            proposed[index] = fix
    if not proposed or not parses(source):
        return list(findings)
    chosen = applied(source.text, list(proposed.values()))
    together = {index: fix for index, fix in proposed.items() if any(fix is each for each in chosen)}
    sound = together if _sound(together, findings, source, rescan) else {}
    settled = sound or (together if len(together) == 1 else {})
    alone = [index for index in proposed if index not in settled][:MAX_CHECKED_ALONE]
    sound.update(
        {
            index: proposed[index]
            for index in alone
            if _sound({index: proposed[index]}, findings, source, rescan)
        }
    )
    return [
        finding.with_(fix=sound[index]) if index in sound else finding
        for index, finding in enumerate(findings)
    ]


def parses(source: SourceFile) -> bool:
    """Whether the file still reads as what it is; a shell script has no parser here and is taken as is."""
    if source.kind is FileKind.PYTHON:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(source.text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
        return True
    if source.kind is FileKind.YAML:
        _ = source.data
        return source.parse_error is None
    return source.kind is FileKind.SHELL


def _sound(fixes: Mapping[int, Fix], findings: Sequence[Finding], source: SourceFile, rescan: Rescan) -> bool:
    """With these fixes applied the file parses, their findings are gone and their rules report nothing
    they did not before."""
    if not fixes:
        return False
    mended = SourceFile(source.path, apply_all(source.text, list(fixes.values())), source.kind)
    if not parses(mended):
        return False
    rules = all_rules()
    for rule_id in sorted({findings[index].rule for index in fixes}):
        expected = Counter(finding.identity() for finding in findings if finding.rule == rule_id)
        expected.subtract(findings[index].identity() for index in fixes if findings[index].rule == rule_id)
        after = Counter(finding.identity() for finding in rescan(mended, rules[rule_id]))
        if after - expected:
            return False
    return True
