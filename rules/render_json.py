"""`mldebt scan --format json`: every finding, fixed ones included, each with a fingerprint and its doc.

A flat list, as before, so existing consumers keep working; `status` tells new,
existing and fixed apart, and `fingerprint` lets a CI job diff two runs without
relying on line numbers.
"""

from __future__ import annotations

from rules.docs import DocsLinks
from rules.engine import ScanResult
from rules.finding import Finding
from rules.rule import all_rules


def _item(finding: Finding, status: str, urls: dict[str, str]) -> dict[str, object]:
    return {
        **finding.to_json(),
        "new": status == "new",
        "status": status,
        "fingerprint": finding.fingerprint(),
        "url": urls.get(finding.rule),
    }


def findings_json(result: ScanResult, links: DocsLinks) -> list[dict[str, object]]:
    urls = {rule_id: links.link(rule_id) for rule_id in all_rules()}
    return [
        *(_item(finding, "new" if finding.new else "existing", urls) for finding in result.findings),
        *(_item(finding, "fixed", urls) for finding in result.fixed),
    ]
