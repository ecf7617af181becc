"""What the check run says about dismissed findings: which, by whom and why, and, when one rule is
dismissed in pull request after pull request, the `.github/mldebt.yml` line that would say it once.

Kept apart from `workers.report` so this text has expected-output tests of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rules.config import CONFIG_PATH
from rules.finding import Finding
from workers.dismissals import KINDS, Dismissal
from workers.markdown import code, safe

# A rule dismissed in this many pull requests of a repository earns the config suggestion.
OFTEN = 3
MAX_LISTED = 100


def dismissed_section(dismissed: Sequence[tuple[Finding, Dismissal]], docs: str) -> list[str]:
    """`docs` is the rule page's address, with `{rule}` in it."""
    if not dismissed:
        return []
    parts = ["", "### Dismissed", ""]
    for finding, dismissal in dismissed[:MAX_LISTED]:
        where = code(finding.path, limit=200) + (f" line {finding.line}" if finding.line else "")
        kind = KINDS.get(dismissal.kind, "ignored")
        scope = " with the whole rule" if dismissal.rule else ""
        parts.append(
            f"- **{finding.severity.value}** [`{finding.rule}`]({docs.format(rule=finding.rule)}) {where}:"
            f" {kind}{scope}, dismissed by {safe('@' + dismissal.by)}: {safe(dismissal.reason)}"
        )
    if len(dismissed) > MAX_LISTED:
        parts.append(f"- … and {len(dismissed) - MAX_LISTED} more")
    return parts


def often_section(often: Mapping[str, int]) -> list[str]:
    """`often`: rule → pull requests of this repository it was dismissed in, for rules at `OFTEN` or more."""
    rules = sorted(rule for rule, count in often.items() if count >= OFTEN)
    if not rules:
        return []
    said = "; ".join(f"`{rule}` in {often[rule]} pull requests" for rule in rules)
    return [
        "",
        "### Dismissed again and again",
        "",
        f"Dismissed across this repository: {said}. If a rule does not fit this repository, switch it off"
        f" once in `{CONFIG_PATH}` on the default branch instead of dismissing it in every pull request:",
        "",
        "```yaml",
        "rules:",
        *(f"  {rule}: false" for rule in rules),
        "```",
    ]
