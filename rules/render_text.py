"""`mldebt scan`'s terminal output: one line per finding, each rule's doc once, then a summary.

A rule that fires many times with the same message prints that message once;
later lines point back to it, so a long explanation does not bury the locations.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rules.cli_fix import fixable
from rules.engine import ScanResult
from rules.finding import Finding
from rules.rule import all_rules

PR_LEVEL = "(pull request)"
SAME_MESSAGE = "(same message as above)"


def finding_line(finding: Finding, repeated: bool = False) -> str:
    """`path:line: severity rule: message [new]`; pull-request-level findings have no line."""
    where = (
        f"{finding.path}:{finding.line}" if finding.path and finding.line > 0 else finding.path or PR_LEVEL
    )
    suffix = " [new]" if finding.new else ""
    message = SAME_MESSAGE if repeated else finding.message
    return f"{where}: {finding.severity.value} {finding.rule}: {message}{suffix}"


def finding_lines(findings: list[Finding]) -> list[str]:
    """Each finding, its message only the first time the rule says it, then where each rule is explained."""
    said: set[tuple[str, str]] = set()
    lines = []
    for finding in findings:
        lines.append(finding_line(finding, repeated=(finding.rule, finding.message) in said))
        said.add((finding.rule, finding.message))
    known = all_rules()
    fired = sorted({finding.rule for finding in findings} & set(known))
    if fired:
        lines += ["", *(f"{rule}: {known[rule].docs_url()}" for rule in fired)]
    return lines


@dataclass(frozen=True)
class Comparison:
    """The two sides of a scan, as the user named them, with the commit the base resolved to.

    With `paths` there is no diff: the files were scanned as they are.
    """

    base: str = ""
    base_sha: str = ""
    merge_base: bool = False
    head: str = ""
    nothing_changed: bool = False
    paths: tuple[str, ...] = ()

    def line(self) -> str:
        if self.paths:
            return (
                f"scanned {' '.join(self.paths)} as in the working tree, without a diff "
                "(every finding is existing; rules about a change were skipped)"
            )
        base = (
            self.base_sha[:7] if self.base_sha.startswith(self.base) else f"{self.base} ({self.base_sha[:7]})"
        )
        if self.merge_base:
            base = f"the merge base of {self.base} and the head ({self.base_sha[:7]})"
        return f"compared {base} → {self.head}"


def summary_lines(result: ScanResult, compared: Comparison | None = None) -> list[str]:
    """What was compared, the counts, then the files that could not be read."""
    heading = [compared.line()] if compared else []
    if compared and compared.nothing_changed:
        return [
            *heading,
            "nothing to review: no file differs between the two sides. On the default branch, "
            "review recent commits with --base (e.g. --base HEAD~1).",
        ]
    blocking = len(result.blocking)
    summary = (
        f"{len(result.new)} new, {len(result.existing)} existing, {len(result.fixed)} fixed"
        f" in {result.files_scanned} {'file' if result.files_scanned == 1 else 'files'}"
    )
    if result.notes:
        summary += f"; {len(result.notes)} {'note' if len(result.notes) == 1 else 'notes'}"
    if blocking:
        failing = ", ".join(sorted(severity.value for severity in result.fail_on))
        summary += f"; {blocking} new at a failing severity ({failing})"
    if fixable(result.findings):
        summary += f"; {len(fixable(result.findings))} fixable with --fix"
    return [
        *heading,
        summary,
        *(f"note: {note.path}: {note.reason}" for note in result.notes),
    ]


def render(result: ScanResult, compared: Comparison | None = None) -> str:
    lines = finding_lines(result.findings)
    if lines:
        lines.append("")
    return "\n".join([*lines, *summary_lines(result, compared)]) + "\n"


def _counts(result: ScanResult) -> list[tuple[str, int, int]]:
    """(rule, findings, new ones), most frequent first, as ruff's --statistics orders them."""
    totals: Counter[str] = Counter(finding.rule for finding in result.findings)
    new: Counter[str] = Counter(finding.rule for finding in result.new)
    return [
        (rule, count, new[rule]) for rule, count in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def statistics(result: ScanResult) -> list[str]:
    """One line per rule: how often it fired, how many of those are new, and what it is about."""
    known = all_rules()
    width = max((len(rule) for rule, _, _ in _counts(result)), default=0)
    return [
        f"{count:>5}  {rule:<{width}}  {fresh} new  {known[rule].title if rule in known else ''}".rstrip()
        for rule, count, fresh in _counts(result)
    ]


def statistics_json(result: ScanResult) -> list[dict[str, object]]:
    known = all_rules()
    return [
        {
            "rule": rule,
            "count": count,
            "new": fresh,
            "title": known[rule].title if rule in known else None,
            "url": known[rule].docs_url() if rule in known else None,
        }
        for rule, count, fresh in _counts(result)
    ]
