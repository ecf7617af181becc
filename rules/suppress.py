"""`# mldebt: ignore[rule-id] reason` comments: what each one covers, and the ones that lie.

A trailing suppression covers its own line; one on a line of its own covers the
next statement (all its lines in Python, the next line of code elsewhere) and the
comment lines before it (a commented-out block is what dead-code reports), so a
comment never silences more than the code it sits on. A suppression must say why,
name rules that exist, and still silence something: otherwise it is debt of its
own and reported as such.
"""

from __future__ import annotations

import ast
import difflib
import io
import re
import tokenize
import warnings
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from rules.finding import Finding, Severity
from rules.source import FileKind, SourceFile

PATTERN = re.compile(r"#\s*mldebt:\s*ignore\[(?P<ids>[A-Za-z0-9_,\s-]+)\](?P<reason>[^\n]*)")
RULE_ID = "suppression-without-reason"
UNKNOWN_RULE_ID = "suppression-unknown-rule"
UNUSED_RULE_ID = "unused-suppression"
EVERY_RULE = "all"
# What may open a line before a comment and leave it a line of its own:
# indentation, or a notebook's JSON quote.
_OWN_LINE = re.compile(r'\s*"?\s*#')
_NOT_CODE = re.compile(r'\s*"?\s*(#|$)')


@dataclass(frozen=True)
class Suppression:
    line: int
    rules: frozenset[str]
    reason: str
    covers: frozenset[int]

    def silences(self, finding: Finding) -> bool:
        return finding.line in self.covers and (finding.rule in self.rules or EVERY_RULE in self.rules)

    @property
    def label(self) -> str:
        return f"mldebt: ignore[{', '.join(sorted(self.rules))}]"


def find_suppressions(source: SourceFile) -> list[Suppression]:
    """Each one is a match of PATTERN in the text, so a text without one has none: most files skip the
    tokenizer and CPython's parser."""
    if PATTERN.search(source.text) is None:
        return []
    lines = source.lines
    python = source.kind is FileKind.PYTHON
    extents = _statement_extents(source.text) if python else {}
    comments = _python_comments(source.text) if python else None
    found = []
    for number, text in enumerate(lines, start=1):
        if comments is not None and number not in comments:
            continue
        match = PATTERN.search(comments[number] if comments is not None else text)
        if not match:
            continue
        ids = frozenset(part.strip() for part in match["ids"].split(",") if part.strip())
        covers = {number}
        if _OWN_LINE.match(text):
            following = next(
                (n for n in range(number + 1, len(lines) + 1) if not _NOT_CODE.match(lines[n - 1])), None
            )
            last = len(lines) if following is None else extents.get(following, following)
            covers = set(range(number, last + 1))
        found.append(Suppression(number, ids, match["reason"].strip(" -:—\"',"), frozenset(covers)))
    return found


def _python_comments(text: str) -> dict[int, str] | None:
    """Line → comment of a Python file, so that a suppression quoted in a string is not one;
    None if it does not tokenize."""
    try:
        return {
            token.start[0]: token.string
            for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type == tokenize.COMMENT
        }
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None


def _statement_extents(text: str) -> dict[int, int]:
    """First line → last line of each Python statement; a compound statement's extent is its header."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    extents: dict[int, int] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        body = getattr(node, "body", None)
        decorators = getattr(node, "decorator_list", [])
        first = min([node.lineno, *(decorator.lineno for decorator in decorators)])
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            last = max(first, body[0].lineno - 1)
        else:
            last = node.end_lineno or node.lineno
        extents.setdefault(first, last)
    return extents


def apply(
    findings: Iterable[Finding], suppressions: list[Suppression]
) -> tuple[list[Finding], set[Suppression]]:
    """The findings no suppression covers, and the suppressions that silenced at least one."""
    kept = []
    used: set[Suppression] = set()
    for finding in findings:
        silencing = [item for item in suppressions if item.silences(finding)]
        used.update(silencing)
        if not silencing:
            kept.append(finding)
    return kept, used


def _about(rule: str, path: str, item: Suppression, message: str, suggestion: str, key: str) -> Finding:
    """A low-severity finding on the suppression's own line: all three suppression rules report this way."""
    return Finding(
        rule=rule,
        severity=Severity.LOW,
        path=path,
        line=item.line,
        end_line=item.line,
        message=message,
        suggestion=suggestion,
        key=key,
    )


def unexplained(path: str, suppressions: list[Suppression], lines: list[str]) -> list[Finding]:
    return [
        _about(
            RULE_ID,
            path,
            item,
            f"`{item.label}` gives no reason; the next reader cannot tell whether it still applies.",
            "Say why after the bracket: `# mldebt: ignore[rule-id] calibrated threshold, see EXP-42`.",
            lines[item.line - 1].strip(),
        )
        for item in suppressions
        if len(item.reason) < 3
    ]


def unknown_rules(
    path: str, suppressions: list[Suppression], lines: list[str], known: Collection[str]
) -> list[Finding]:
    """Suppressions naming a rule mldebt does not have: a misspelt id silences nothing, silently."""
    findings = []
    for item in suppressions:
        for rule in sorted(item.rules - set(known) - {EVERY_RULE}):
            close = difflib.get_close_matches(rule, sorted(known), n=1, cutoff=0.6)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            findings.append(
                _about(
                    UNKNOWN_RULE_ID,
                    path,
                    item,
                    f"`{item.label}` names `{rule}`, which is not an mldebt rule, "
                    f"so it suppresses nothing.{hint}",
                    f"Use the id of the rule to silence (`{close[0] if close else 'rule-id'}`), "
                    "or delete the comment.",
                    f"{rule}:{lines[item.line - 1].strip()}",
                )
            )
    return findings


def unused(
    path: str, suppressions: list[Suppression], used: set[Suppression], ran: Collection[str], lines: list[str]
) -> list[Finding]:
    """Suppressions that silenced nothing although every rule
    they name ran on the file: stale, like ruff's RUF100.

    A suppression naming a rule that did not run here (switched off, a change-level
    rule, or one that does not read this kind of file) cannot be judged and is left alone.
    """
    findings = []
    for item in suppressions:
        named = item.rules - {EVERY_RULE}
        if item in used or not named or not named <= set(ran):
            continue
        findings.append(
            _about(
                UNUSED_RULE_ID,
                path,
                item,
                f"`{item.label}` no longer suppresses anything here; "
                "a stale suppression hides the next real finding on this code.",
                "Delete the comment.",
                lines[item.line - 1].strip(),
            )
        )
    return findings
