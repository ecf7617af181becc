"""The findings a person reads in `mldebt scan`'s text report and the ones code scanning gets from SARIF.

Both are reduced to the same shape, so that a test can say they list the same
findings: a located finding as (rule, path, line, severity, new), one about the
pull request as a whole by its rule alone (the text report may print its
message as "same as above", and SARIF gives it no place).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

_LINE = re.compile(
    r"^(?P<where>.+?): (?P<severity>critical|high|medium|low) (?P<rule>[a-z0-9-]+): .*?(?P<new> \[new\])?$"
)
_LOCATED = re.compile(r"^(?P<path>.+):(?P<line>[0-9]+)$")

Located = tuple[str, str, int, str, bool]


def text_findings(text: str) -> tuple[Counter[Located], Counter[str]]:
    """Each finding line of a text report (`path:line: severity rule: message [new]`)."""
    located: Counter[Located] = Counter()
    whole: Counter[str] = Counter()
    for line in text.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        where = _LOCATED.match(match["where"])
        if where:
            located[
                (match["rule"], where["path"], int(where["line"]), match["severity"], bool(match["new"]))
            ] += 1
        else:
            whole[match["rule"]] += 1
    return located, whole


def sarif_findings(document: dict[str, Any]) -> tuple[Counter[Located], Counter[str]]:
    """Each SARIF result, and each tool notification that stands for a finding on the pull request."""
    [run] = document["runs"]
    located: Counter[Located] = Counter()
    for result in run["results"]:
        [place] = result["locations"]
        physical = place["physicalLocation"]
        located[
            (
                result["ruleId"],
                physical["artifactLocation"]["uri"],
                physical["region"]["startLine"],
                result["properties"]["severity"],
                result["baselineState"] == "new",
            )
        ] += 1
    whole: Counter[str] = Counter()
    for invocation in run["invocations"]:
        for notification in invocation["toolExecutionNotifications"]:
            if "descriptor" in notification:
                whole[notification["descriptor"]["id"]] += 1
    return located, whole
