"""`mldebt scan --fix`: writes the safe fixes of a scan into the working tree, like ruff's `--fix`.

Only `safe` fixes are written (those that change nothing the program does and
need no words from a person); a reason placeholder stays a suggestion. Each was
checked alone; together they are added one by one, each kept only if the file
still parses with it (two `if False:` blocks may be all a function holds), and
the file is written once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rules.finding import Finding
from rules.fix import Fix, applied, apply_all
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
    chosen: list[Fix] = []
    for fix in applied(text, [finding.fix for finding in group if finding.fix is not None]):
        if parses(SourceFile(path, apply_all(text, [*chosen, fix]), kind)):
            chosen.append(fix)
    if not chosen:
        return []
    target.write_bytes(apply_all(text, chosen).encode("utf-8"))
    return [finding for finding in group if any(finding.fix is fix for fix in chosen)]


def fixed_lines(written: Sequence[Finding]) -> list[str]:
    """`path:line: fixed rule` for each fix written, then the count."""
    lines = [f"{finding.path}:{finding.line}: fixed {finding.rule}" for finding in written]
    count = len(written)
    return [*lines, f"{count} {'fix' if count == 1 else 'fixes'} applied"]
