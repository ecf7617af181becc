"""What `mldebt scan`'s flags change before the engine runs: which rules run, and the errors users must fix.

Selecting rules rewrites the config rather than filtering the output, so a rule
left out costs nothing and a change-level rule left out never reads git history.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from dataclasses import replace

from rules.config import Config


class UsageError(Exception):
    """Something the user must fix before a scan can run."""


def rule_ids(values: Iterable[str], known: Collection[str], flag: str) -> frozenset[str]:
    """Comma-separated ids from repeated flags; an unknown id is a usage error naming the closest one."""
    ids = {part.strip() for value in values for part in value.split(",") if part.strip()}
    for rule_id in sorted(ids - set(known)):
        close = difflib.get_close_matches(rule_id, sorted(known), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UsageError(f"{flag}: unknown rule id {rule_id!r}{hint}")
    return frozenset(ids)


def choose_rules(
    config: Config, known: Collection[str], select: frozenset[str], ignore: frozenset[str]
) -> Config:
    """The config with only the chosen rules enabled.

    Like ruff's `--select`, a selected rule runs even when the config turns it
    off: the flag is the more specific request. Severity and options still come
    from the config.
    """
    if not select and not ignore:
        return config
    chosen = select or {rule_id for rule_id in known if config.settings(rule_id).enabled}
    chosen = set(chosen) - ignore
    settings = {rule_id: replace(config.settings(rule_id), enabled=rule_id in chosen) for rule_id in known}
    return replace(config, rules=settings)
