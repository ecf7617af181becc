"""dead-code's fix: delete the switched-off lines, as the rule's advice says (git keeps the old version).

Only the two shapes whose extent is certain are mended: a block of commented-out
code (every line a comment, no tool directive among them) and an `if False:` /
`if 0:` block with no `else`. A parked string is left to the author, who may
have meant it as a note.
"""

from __future__ import annotations

import ast
import warnings

from rules.checks.dead_code_files import DIRECTIVE
from rules.finding import Finding
from rules.fix import Fix
from rules.pyutil import PRAGMA
from rules.source import FileKind, SourceFile


def deletion(finding: Finding, source: SourceFile) -> Fix | None:
    if finding.key.startswith("if-disabled:") and source.kind is FileKind.PYTHON:
        return _disabled_if(finding, source)
    if finding.key.startswith("comment:") or source.kind in (FileKind.YAML, FileKind.SHELL):
        return _comment_block(finding, source)
    return None


def _comment_block(finding: Finding, source: SourceFile) -> Fix | None:
    """Every line of the span is a comment and none is a directive that a tool still reads."""
    span = source.lines[finding.line - 1 : finding.end_line]
    directive = PRAGMA if source.kind is FileKind.PYTHON else DIRECTIVE
    if not span or any(not line.lstrip().startswith("#") or directive.match(line.strip()) for line in span):
        return None
    return Fix(finding.line, finding.end_line, (), safe=True)


def _disabled_if(finding: Finding, source: SourceFile) -> Fix | None:
    """The `if` statement the finding starts on, deleted whole; an `else` or `elif` would have to stay."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source.text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and node.lineno == finding.line and not node.orelse:
            end = node.end_lineno or node.lineno
            if end != finding.end_line:
                return None
            # Deleting a `yield` turns a generator into a function; `global` changes what names mean.
            changes_meaning = any(
                isinstance(inner, (ast.Yield, ast.YieldFrom, ast.Await, ast.Global, ast.Nonlocal))
                for inner in ast.walk(node)
            )
            return Fix(finding.line, end, (), safe=not changes_meaning)
    return None
