"""Renders scan results into what GitHub shows: check-run output, annotations, review comments.

Pure functions from findings to text, so every rendering has an
expected-output test and the job only decides what to send.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rules.engine import ScanResult
from rules.finding import Finding, Severity
from rules.fix import Fix
from rules.rule import DOCS_URL
from workers.markdown import code, safe
from workers.port import Annotation

# Our review comments end with this marker; the job finds its earlier comments by it.
MARKER_PREFIX = "<!-- mldebt:finding "
MARKER = MARKER_PREFIX + "{fingerprint} -->"
FIXED_MARKER = "<!-- mldebt:fixed -->"
MAX_OUTPUT_CHARS = 65_535
MAX_ANNOTATIONS = 500
RESCORE_ACTION = {"label": "Rescore", "description": "Run the mldebt review again", "identifier": "rescore"}
SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)


def fingerprint(finding: Finding) -> str:
    """Same rule, file and code → same fingerprint, across pushes and line moves."""
    identity = finding.key or " ".join(finding.context.split()) or f"{finding.line}:{finding.message}"
    return hashlib.sha256(f"{finding.rule}\x00{finding.path}\x00{identity}".encode()).hexdigest()[:20]


def marker(findings: Sequence[Finding]) -> str:
    return MARKER.format(fingerprint=",".join(fingerprint(finding) for finding in findings))


def fingerprints_in(body: str) -> frozenset[str]:
    """Our marker is the last one in the body: anything earlier came from the reviewed code. A comment on a
    run of neighbouring findings holds the fingerprint of each."""
    start = body.rfind(MARKER_PREFIX)
    end = body.find(" -->", start)
    if start < 0 or end < 0:
        return frozenset()
    return frozenset(part for part in body[start + len(MARKER_PREFIX) : end].split(",") if part)


def docs_link(rule: str) -> str:
    return DOCS_URL.format(rule=rule)


def comment_body(findings: Sequence[Finding], fix: Fix | None = None) -> str:
    """One finding, or a run of neighbouring findings of one rule said once: six untuned values in a new
    config are one remark to the author, not six. With `fix`, the comment must span exactly its lines:
    GitHub's suggestion replaces the lines the comment is on."""
    first = findings[0]
    severity = max((finding.severity for finding in findings), key=lambda level: level.rank)
    if len(findings) == 1:
        lines = [f"**mldebt · `{first.rule}`** ({severity.value})", "", safe(first.message)]
    else:
        lines = [f"**mldebt · `{first.rule}`** ({severity.value}) · {len(findings)} findings", ""]
        lines += [f"- Line {finding.line}: {safe(finding.message)}" for finding in findings]
    suggestions = {finding.suggestion for finding in findings}
    if len(suggestions) == 1 and first.suggestion:
        lines += ["", f"**Suggestion:** {safe(first.suggestion)}"]
    if fix is not None:
        lines += ["", *suggestion_block(fix)]
    lines += [
        "",
        f"[What this rule checks and why]({docs_link(first.rule)}) · reply `/mldebt rescore` to re-run",
        marker(findings),
    ]
    return "\n".join(lines)


def suggestion_block(fix: Fix) -> list[str]:
    """GitHub's one-click change, its fence longer than any backtick run in the code so none can close it."""
    longest = max((len(run) for line in fix.lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    lead = (
        "**One-click fix** (`mldebt scan --fix` applies it too):"
        if fix.safe
        else "**One-click fix**, a starting point: finish the placeholder before you commit it"
        " (`mldebt scan --fix` leaves it to you):"
    )
    return [lead, f"{fence}suggestion", *fix.lines, fence]


def review_body(new: int, check_name: str) -> str:
    """The review's own text: its comments speak for themselves, the check run holds the rest."""
    return (
        f"**mldebt** found {new} new ML-debt finding(s) in this push;"
        f" details are in the `{check_name}` check run."
    )


def fixed_body(original: str, sha: str) -> str:
    """Keeps the original for the record, marked fixed, with our markers intact."""
    return (
        f"✅ **Fixed in {sha[:7]}.**\n\n"
        f"<details><summary>Original comment</summary>\n\n{original}\n\n</details>\n"
        f"{FIXED_MARKER}"
    )


@dataclass(frozen=True)
class CheckOutput:
    conclusion: str
    title: str
    summary: str
    text: str
    annotations: list[Annotation]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def verdict(result: ScanResult) -> tuple[str, str]:
    """The conclusion and the one line that says why."""
    levels = ", ".join(level.value for level in SEVERITIES if level in result.fail_on) or "none"
    blocking = result.blocking
    if blocking:
        return (
            "failure",
            f"Fails: this PR adds {_plural(len(blocking), 'finding')} at a blocking severity ({levels}).",
        )
    new = result.new
    if new:
        return (
            "success",
            f"Passes: {_plural(len(new), 'new finding')}, none at a blocking severity ({levels}).",
        )
    return "success", "Passes: this PR adds no ML debt that mldebt can see."


def title_for(result: ScanResult) -> str:
    new, blocking = len(result.new), len(result.blocking)
    if not new:
        return "No new ML debt" + (
            f" · {_plural(len(result.fixed), 'finding')} fixed" if result.fixed else ""
        )
    return f"{_plural(new, 'new finding')}" + (f" ({blocking} blocking)" if blocking else "")


def summary(result: ScanResult, sha: str) -> str:
    _, why = verdict(result)
    new = Counter(f.severity for f in result.new)
    existing = Counter(f.severity for f in result.existing)
    fixed = Counter(f.severity for f in result.fixed)
    parts = [
        f"**{why}**",
        "",
        "| Severity | New | Existing | Fixed |",
        "|---|---:|---:|---:|",
    ]
    for level in SEVERITIES:
        parts.append(f"| {level.value} | {new[level]} | {existing[level]} | {fixed[level]} |")
    parts.append(
        f"| **total** | **{len(result.new)}** | **{len(result.existing)}** | **{len(result.fixed)}** |"
    )
    delta = f"{result.delta:+d}"
    parts += [
        "",
        f"Debt score of the touched files at `{sha[:7]}`: **{result.score}** (this PR: {delta})."
        f" {_plural(result.files_scanned, 'file')} analysed.",
    ]
    by_rule = Counter((f.rule, f.severity) for f in result.new)
    if by_rule:
        parts += ["", "### New findings by rule", "", "| Rule | Severity | New |", "|---|---|---:|"]
        for (rule, level), count in sorted(by_rule.items(), key=lambda item: (-item[0][1].rank, item[0][0])):
            parts.append(f"| [`{rule}`]({docs_link(rule)}) | {level.value} | {count} |")
    if result.notes:
        parts += ["", "### Files not analysed", ""]
        parts += [f"- {safe_path(note.path)}: {safe(note.reason)}" for note in result.notes[:100]]
        if len(result.notes) > 100:
            parts.append(f"- … and {len(result.notes) - 100} more")
    if result.config_errors:
        parts += ["", "### Configuration problems (defaults applied)", ""]
        parts += [f"- {safe(error)}" for error in result.config_errors[:20]]
    return capped("\n".join(parts))


def safe_path(path: str) -> str:
    """A file name as a code span: backticks, `|`, markup or line breaks in it change nothing."""
    return code(path, limit=200)


def details(result: ScanResult, unanchored: Sequence[Finding]) -> str:
    """The full list, for the check run's details page: everything lands somewhere."""
    parts: list[str] = []
    for heading, findings in (
        ("New findings", result.new),
        ("Debt already in the touched files", result.existing),
        ("Fixed by this PR", result.fixed),
    ):
        if not findings:
            continue
        parts += [f"### {heading}", ""]
        for finding in findings[:300]:
            where = safe_path(finding.path) + (f" line {finding.line}" if finding.line else "")
            parts.append(
                f"- **{finding.severity.value}** [`{finding.rule}`]({docs_link(finding.rule)})"
                f" {where}: {safe(finding.message)}"
            )
        parts.append("")
    if unanchored:
        parts += [
            "### Not commented inline",
            "",
            "These new findings sit outside the diff's lines,"
            " so GitHub cannot take a review comment on them:",
            "",
        ]
        parts += [f"- {safe_path(f.path)} line {f.line}: `{f.rule}`" for f in unanchored[:200]]
    return capped("\n".join(parts))


def capped(text: str) -> str:
    if len(text) <= MAX_OUTPUT_CHARS:
        return text
    cut = "\n\n… (truncated: GitHub allows 65,535 characters here)"
    return text[: MAX_OUTPUT_CHARS - len(cut)] + cut


def _annotation_level(finding: Finding, result: ScanResult) -> str:
    if not finding.new:
        return "notice"
    return "failure" if finding.severity in result.fail_on else "warning"


def annotations_for(result: ScanResult) -> list[Annotation]:
    """The check run's marks on the files: a blocking new finding fails, another new one warns, and
    debt already there is a notice."""
    chosen = result.new + result.existing
    notes = []
    for finding in chosen[:MAX_ANNOTATIONS]:
        if finding.line < 1:
            continue
        level = _annotation_level(finding, result)
        prefix = "" if finding.new else "(already there) "
        message = (
            prefix
            + finding.message
            + (f"\n\nSuggestion: {finding.suggestion}" if finding.suggestion else "")
            + f"\n\n{docs_link(finding.rule)}"
        )
        notes.append(
            Annotation(
                finding.path,
                finding.line,
                finding.end_line,
                level,
                f"{finding.rule} ({finding.severity.value})",
                message,
            )
        )
    return notes


def check_output(result: ScanResult, sha: str, unanchored: Sequence[Finding]) -> CheckOutput:
    conclusion, _ = verdict(result)
    return CheckOutput(
        conclusion,
        title_for(result),
        summary(result, sha),
        details(result, unanchored),
        annotations_for(result),
    )
