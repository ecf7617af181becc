"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Code scanning rejects a result without a location, so findings about the pull
request as a whole (`line` 0) are reported as tool notifications instead. Each
rule carries its page from `docs/rules/` as description and help, which code
scanning shows beside the alert; `automationDetails` names the analysis so that
a new upload replaces mldebt's previous one rather than another tool's.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any

from rules.docs import DocsLinks
from rules.engine import ScanResult
from rules.finding import Finding, Severity
from rules.rule import all_rules
from rules.rule_docs import plain, rule_doc

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/mldebt/mldebt"
# Code scanning's category is everything before the last "/": every mldebt run is one analysis.
AUTOMATION_ID = "mldebt/"
LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}


def _version() -> str:
    try:
        return metadata.version("mldebt")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def _descriptor(rule_id: str, severity: Severity, links: DocsLinks) -> dict[str, Any]:
    rule = all_rules().get(rule_id)
    title = rule.title if rule else rule_id
    descriptor: dict[str, Any] = {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.split("-")),
        "shortDescription": {"text": title},
        "defaultConfiguration": {"level": LEVEL[rule.severity if rule else severity]},
        "properties": {"tags": ["ml-technical-debt"]},
    }
    if rule:
        descriptor["helpUri"] = links.link(rule_id)
    doc = rule_doc(rule_id)
    if doc:
        descriptor["fullDescription"] = {"text": plain(doc.description), "markdown": doc.description}
        descriptor["help"] = {"text": plain(doc.page), "markdown": doc.page}
    return descriptor


def _result(finding: Finding, index: int) -> dict[str, Any]:
    text = finding.message if not finding.suggestion else f"{finding.message} {finding.suggestion}"
    return {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": LEVEL[finding.severity],
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": finding.line, "endLine": max(finding.line, finding.end_line)},
                }
            }
        ],
        "partialFingerprints": {"mldebt/v1": finding.fingerprint()},
        "baselineState": "new" if finding.new else "unchanged",
        "properties": {"severity": finding.severity.value},
    }


def to_sarif(result: ScanResult, links: DocsLinks, root: Path | None = None) -> dict[str, Any]:
    """One run; paths are relative to the repository root (`%SRCROOT%`, given when known)."""
    located = [finding for finding in result.findings if finding.path and finding.line > 0]
    pull_request_level = [finding for finding in result.findings if not (finding.path and finding.line > 0)]
    rule_ids = sorted({finding.rule for finding in result.findings})
    severities = {finding.rule: finding.severity for finding in result.findings}
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    notifications: list[dict[str, Any]] = [
        {
            "level": LEVEL[finding.severity],
            "message": {"text": f"{finding.rule}: {finding.message}"},
            "descriptor": {"id": finding.rule},
        }
        for finding in pull_request_level
    ]
    notifications += [
        {
            "level": "note",
            "message": {"text": f"{note.path}: {note.reason}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": note.path}}}],
        }
        for note in result.notes
    ]
    notifications += [{"level": "warning", "message": {"text": error}} for error in result.config_errors]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mldebt",
                        "version": _version(),
                        "informationUri": INFORMATION_URI,
                        "rules": [_descriptor(rule_id, severities[rule_id], links) for rule_id in rule_ids],
                    }
                },
                "automationDetails": {"id": AUTOMATION_ID},
                "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
                **(
                    {"originalUriBaseIds": {"%SRCROOT%": {"uri": root.resolve().as_uri() + "/"}}}
                    if root
                    else {}
                ),
                "results": [_result(finding, index[finding.rule]) for finding in located],
            }
        ],
    }
