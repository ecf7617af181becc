"""What mldebt says back to `/mldebt help` and `/mldebt explain <rule-id>`: text only, no GitHub call.

Kept apart from the command handler so the replies have expected-output tests of their own, and so that
an answer about a rule comes from the rule itself (its id, severity, title, summary and doc page), never
from a second copy that could drift.
"""

from __future__ import annotations

import difflib
import sys

import rules.catalog  # noqa: F401  (registers every rule)
from rules.rule import Rule, all_rules
from workers.markdown import code

HELP = (
    "mldebt understands these commands:\n\n"
    "- `/mldebt rescore` — review the latest push again and post a fresh check run "
    "(needs write access to this repository).\n"
    "- `/mldebt ignore <reason>` in reply to an mldebt review comment — dismiss its finding in this pull "
    "request; `/mldebt unignore` there brings it back (needs write access).\n"
    "- `/mldebt ignore <rule-id> <reason>` — dismiss every finding of a rule in this pull request; "
    "`/mldebt unignore <rule-id>` brings them back (needs write access).\n"
    "- `/mldebt explain <rule-id>` — what a rule checks and why, with a link to its page.\n"
    "- `/mldebt help` — this list."
)
# The answer in a review thread to a command it cannot take: an `ignore` without a reason, or another word.
THREAD_HELP = (
    "To dismiss this finding in this pull request, reply `/mldebt ignore <reason>` here, saying why;"
    " `/mldebt ignore false-positive <reason>` or `/mldebt ignore wont-fix <reason>` also says what kind."
    " Reply `/mldebt unignore` to bring it back. Both need write access to this repository."
)
# The answer in the conversation to `/mldebt ignore` or `unignore` without a known rule, or without a reason.
RULE_HELP = (
    "To dismiss every finding of a rule in this pull request, comment `/mldebt ignore <rule-id> <reason>`,"
    " saying why (`/mldebt ignore <rule-id> false-positive <reason>` or `wont-fix` also says what kind);"
    " `/mldebt unignore <rule-id>` brings them back. To dismiss one finding, reply"
    " `/mldebt ignore <reason>` to its review comment instead."
)


def explain(rule_id: str) -> tuple[str, bool]:
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
        f"[What this rule checks and why]({rule.docs_url()}) · silence one place with "
        f"`# mldebt: ignore[{rule.id}] <reason>`"
    ), True


def summary_of(rule: type[Rule]) -> str:
    """The rule module's one-line summary (`rule-id: what it reports`), which every rule file opens with."""
    doc = (sys.modules[rule.__module__].__doc__ or "").strip().splitlines()
    first = doc[0] if doc else rule.title
    _, _, said = first.partition(":")
    text = (said or first).strip()
    return text[:1].upper() + text[1:]
