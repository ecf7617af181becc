"""`mldebt scan --fix`: writes the safe fixes of a scan into the working tree, like ruff's `--fix`.

Only `safe` fixes are written (those that change nothing the program does and
need no words from a person); a reason placeholder stays a suggestion. The
fixes of one file are applied together and the result is parsed once more
before anything is written, so a file is either mended whole or left as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rules.finding import Finding
from rules.fix import applied, apply_all
from rules.fixing import parses
from rules.source import SourceFile, kind_of


def fixable(findings: Sequence[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.fix is not None and finding.fix.safe]


def write_fixes(root: Path, findings: Sequence[Finding]) -> list[Finding]:
    """Applies the safe fixes to the files under `root`; the findings whose fix was written."""
    by_path: dict[str, list[Finding]] = {}
    for finding in fixable(findings):
        by_path.setdefault(finding.path, []).append(finding)
    written: list[Finding] = []
    for path, group in sorted(by_path.items()):
        written.extend(_fix_file(root, path, group))
    return written


def _fix_file(root: Path, path: str, group: list[Finding]) -> list[Finding]:
    target = root / path
    kind = kind_of(path)
    if kind is None or target.is_symlink() or not target.is_file():
        return []
    try:
        text = target.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    chosen = applied(text, [finding.fix for finding in group if finding.fix is not None])
    mended = apply_all(text, chosen)
    if not chosen or not parses(SourceFile(path, mended, kind)):
        return []
    target.write_bytes(mended.encode("utf-8"))
    return [finding for finding in group if any(finding.fix is fix for fix in chosen)]


def fixed_lines(written: Sequence[Finding]) -> list[str]:
    """`path:line: fixed rule` for each fix written, then the count."""
    lines = [f"{finding.path}:{finding.line}: fixed {finding.rule}" for finding in written]
    count = len(written)
    return [*lines, f"{count} {'fix' if count == 1 else 'fixes'} applied"]
