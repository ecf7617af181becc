"""Per-repository settings from `.github/mldebt.yml`.

An invalid file never stops a review: its errors are reported in the check
run and the defaults apply, so a typo cannot silently disable mldebt.
"""

from __future__ import annotations

import fnmatch
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import AliasEvent

from rules.finding import Severity

CONFIG_PATH = ".github/mldebt.yml"
DEFAULT_REGISTRIES = ("features.yaml", "feature_registry.yaml", "docs/features.md")


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        resources.files("rules").joinpath("mldebt.schema.json").read_text("utf-8")
    )
    return loaded


@dataclass(frozen=True)
class RuleSettings:
    enabled: bool = True
    severity: Severity | None = None
    options: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    rules: Mapping[str, RuleSettings] = field(default_factory=dict)
    fail_on: frozenset[Severity] = frozenset({Severity.CRITICAL, Severity.HIGH})
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    feature_registry: tuple[str, ...] = DEFAULT_REGISTRIES
    stale_branch_days: int = 30
    trackers: tuple[str, ...] = ()

    def settings(self, rule_id: str) -> RuleSettings:
        return self.rules.get(rule_id, RuleSettings())

    def reviews(self, path: str) -> bool:
        if any(fnmatch.fnmatch(path, pattern) for pattern in self.exclude):
            return False
        return not self.include or any(fnmatch.fnmatch(path, pattern) for pattern in self.include)

    def options_for(self, rule_id: str) -> dict[str, object]:
        """Repo-wide settings a rule may need, plus its own options."""
        return {
            "feature_registry": self.feature_registry,
            "stale_branch_days": self.stale_branch_days,
            "trackers": self.trackers,
            **self.settings(rule_id).options,
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _has_alias(text: str) -> bool:
    """Aliases let a few lines expand to millions of nodes; a config file never needs them."""
    if "*" not in text:
        return False
    return any(isinstance(event, AliasEvent) for event in YAML(typ="safe").parse(io.StringIO(text)))


def load_config(text: str | None) -> tuple[Config, list[str]]:
    """The config and the problems found in it; defaults wherever it is wrong."""
    if not text or not text.strip():
        return Config(), []
    try:
        if _has_alias(text):
            return Config(), [
                f"{CONFIG_PATH}: YAML anchors and aliases are not supported (they can expand without bound)"
            ]
        data = _plain(YAML(typ="safe").load(io.StringIO(text)))
    except (YAMLError, RecursionError) as exc:
        return Config(), [f"{CONFIG_PATH} is not valid YAML: {str(exc).splitlines()[0]}"]
    if data is None:
        return Config(), []
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda error: list(error.absolute_path))
    if errors:
        return Config(), [
            f"{CONFIG_PATH}: {'/'.join(str(part) for part in error.absolute_path) or '(top)'}: "
            f"{error.message}"
            for error in errors
        ]
    from rules.rule import all_rules

    known = all_rules()
    unknown = [rule_id for rule_id in (data.get("rules") or {}) if rule_id not in known]
    problems = [f"{CONFIG_PATH}: rules: unknown rule id {rule_id!r}" for rule_id in unknown]
    return _build(data), problems


def _build(data: Mapping[str, Any]) -> Config:
    rules: dict[str, RuleSettings] = {}
    for rule_id, value in (data.get("rules") or {}).items():
        if isinstance(value, bool):
            rules[rule_id] = RuleSettings(enabled=value)
        else:
            options = {key: item for key, item in value.items() if key not in ("enabled", "severity")}
            severity = Severity(value["severity"]) if "severity" in value else None
            rules[rule_id] = RuleSettings(
                enabled=value.get("enabled", True), severity=severity, options=options
            )
    defaults = Config()
    return Config(
        rules=rules,
        fail_on=frozenset(
            Severity(level) for level in data.get("fail_on", [s.value for s in defaults.fail_on])
        ),
        include=tuple(data.get("include", ())),
        exclude=tuple(data.get("exclude", ())),
        feature_registry=tuple(data.get("feature_registry", defaults.feature_registry)),
        stale_branch_days=int(data.get("stale_branch_days", defaults.stale_branch_days)),
        trackers=tuple(data.get("trackers", ())),
    )
