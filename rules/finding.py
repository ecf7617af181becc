"""The unit of output every rule produces and every reporter consumes."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

from rules.fix import Fix


class Severity(enum.StrEnum):
    """Ordered so that a repo can say "fail at high and above"."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.CRITICAL: 4, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}


@dataclass(frozen=True)
class Finding:
    """One piece of debt at one place.

    ``key`` identifies the finding across versions of a file: two findings with
    the same rule, path and key are the same debt, even if lines moved. Rules
    that know what "the same" means (a parameter name and its parsed value)
    set it; otherwise the engine uses the flagged source text.

    ``line`` 0 means the finding is about the pull request as a whole, not a line
    (``stale-branch`` also has an empty ``path``): reporters show it in the summary,
    never as an annotation.

    ``fix``, when a rule can mend the finding mechanically, has been checked to
    parse and to make the finding go away (see `rules.fixing`).
    """

    rule: str
    severity: Severity
    path: str
    line: int
    end_line: int
    message: str
    suggestion: str | None = None
    key: str = ""
    new: bool = True
    context: str = field(default="", compare=False)
    fix: Fix | None = field(default=None, compare=False)

    def identity(self) -> tuple[str, str, str]:
        """What makes two findings the same debt, wherever their lines moved."""
        return self.rule, self.path, self.key or " ".join(self.context.split())

    def fingerprint(self) -> str:
        """Stable across line moves and runs: the rule, the path and what the finding is about.

        SARIF's partialFingerprints and the CLI's JSON share it, so a baseline kept
        from either matches the other.
        """
        identity = "\0".join(
            (self.rule, self.path, self.key or " ".join(self.context.split()) or self.message)
        )
        return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]

    def with_(self, **changes: Any) -> Finding:
        return replace(self, **changes)

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "end_line": self.end_line,
            "message": self.message,
            "suggestion": self.suggestion,
            "new": self.new,
            "fix": self.fix.to_json() if self.fix is not None else None,
        }
