"""What mldebt says back to `/mldebt help` and `/mldebt explain <rule-id>`: text only, no GitHub call.

Kept apart from the command handler so the replies have expected-output tests of their own, and so that
an answer about a rule comes from the rule itself (its id, severity, title, summary and doc page), never
from a second copy that could drift.
"""

from __future__ import annotations

import difflib
import sys

import rules.catalog  # noqa: F401  (registers every rule)
from rules.docs import DocsLinks
from rules.rule import Rule, all_rules
from workers.markdown import code

HELP = (
    "mldebt understands these commands:\n\n"
    "- `/mldebt rescore` — review the latest push again and post a fresh check run "
    "(needs write access to this repository).\n"
    "- `/mldebt explain <rule-id>` — what a rule checks and why, with a link to its page.\n"
    "- `/mldebt help` — this list."
)


def explain(rule_id: str, links: DocsLinks) -> tuple[str, bool]:
    """The reply to `/mldebt explain <rule_id>`, and whether the rule exists."""
    known = all_rules()
    wanted = rule_id.strip().strip("`").lower()
    rule = known.get(wanted)
    if rule is None:
        close = difflib.get_close_matches(wanted, sorted(known), n=1, cutoff=0.6)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        asked = f"{code(wanted, 40)} is not an mldebt rule." if wanted else "Name the rule to explain."
        listed = ", ".join(f"`{name}`" for name in sorted(known))
        return f"{asked}{hint}\n\nThe rules: {listed}.", False
    return (
        f"**`{rule.id}`** ({rule.severity.value}): {rule.title}.\n\n{summary_of(rule)}\n\n"
        f"[What this rule checks and why]({links.link(rule.id)}) · silence one place with "
        f"`# mldebt: ignore[{rule.id}] <reason>`"
    ), True


def summary_of(rule: type[Rule]) -> str:
    """The rule module's one-line summary (`rule-id: what it reports`), which every rule file opens with."""
    doc = (sys.modules[rule.__module__].__doc__ or "").strip().splitlines()
    first = doc[0] if doc else rule.title
    _, _, said = first.partition(":")
    text = (said or first).strip()
    return text[:1].upper() + text[1:]
