"""Per-repository settings from `.github/mldebt.yml`.

An invalid file never stops a review: its errors are reported in the check
run and the defaults apply, so a typo cannot silently disable mldebt.
"""

from __future__ import annotations

import fnmatch
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
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
    # (glob, rule ids not run on paths it matches), as ruff's per-file-ignores.
    per_path: tuple[tuple[str, frozenset[str]], ...] = ()

    def settings(self, rule_id: str) -> RuleSettings:
        return self.rules.get(rule_id, RuleSettings())

    def reviews(self, path: str) -> bool:
        if any(fnmatch.fnmatch(path, pattern) for pattern in self.exclude):
            return False
        return not self.include or any(fnmatch.fnmatch(path, pattern) for pattern in self.include)

    def ignores(self, rule_id: str, path: str) -> bool:
        """Whether a `per_path` entry whose glob matches `path` turns `rule_id` off there."""
        return any(
            rule_id in ignored and fnmatch.fnmatch(path, pattern) for pattern, ignored in self.per_path
        )

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


def _line_of(text: str, path: Sequence[object]) -> int | None:
    """The 1-based line of the deepest key or item on `path` that exists, from ruamel's round-trip positions.

    Schema errors come as paths into plain data; users fix lines, so each error
    names the one it is about. None where the document gives no position.
    """
    try:
        # typ="rt" because only ruamel's round-trip loader records where each key and item sits.
        node: Any = YAML(typ="rt").load(io.StringIO(text))
    except (YAMLError, RecursionError):
        return None
    line: int | None = 0 if path else None
    for part in path:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lc.item(part)[0]
        else:
            break
        node = node[part]
    return None if line is None else line + 1


def _located(error: jsonschema.ValidationError) -> list[object]:
    """The path whose line an error is about: an unexpected key's own line, not its parent's."""
    path: list[object] = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
        extra = [key for key in error.instance if key not in allowed]
        if extra:
            path.append(extra[0])
    return path


def _where(name: str, line: int | None) -> str:
    return f"{name}:{line}" if line else name


@dataclass(frozen=True)
class ConfigFile:
    """One config file read and checked: its settings as plain data, or None when all of it is ignored
    (not YAML, or off the schema), and its problems, each naming `name` and a line where known."""

    name: str
    data: Mapping[str, Any] | None
    problems: tuple[str, ...] = ()


def parse_config(text: str | None, name: str = CONFIG_PATH) -> ConfigFile:
    """The file's settings and problems; an empty file is valid and sets nothing."""
    if not text or not text.strip():
        return ConfigFile(name, {})
    try:
        if _has_alias(text):
            return ConfigFile(
                name,
                None,
                (f"{name}: YAML anchors and aliases are not supported (they can expand without bound)",),
            )
        data = _plain(YAML(typ="safe").load(io.StringIO(text)))
    except (YAMLError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return ConfigFile(name, None, (f"{_where(name, line)} is not valid YAML: {problem}",))
    if data is None:
        return ConfigFile(name, {})
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda error: list(error.absolute_path))
    if errors:
        return ConfigFile(
            name,
            None,
            tuple(
                f"{_where(name, _line_of(text, _located(error)))}: "
                f"{'/'.join(str(part) for part in error.absolute_path) or '(top)'}: {error.message}"
                for error in errors
            ),
        )
    return ConfigFile(name, data, tuple(_unknown_rule_ids(data, text, name)))


def _unknown_rule_ids(data: Mapping[str, Any], text: str, name: str) -> list[str]:
    """Rule ids the engine does not know, under `rules` and in `per_path` ignores; the rest still applies."""
    from rules.rule import all_rules

    known = all_rules()
    named: list[tuple[list[object], str, str]] = [
        (["rules", rule_id], "rules", rule_id) for rule_id in (data.get("rules") or {})
    ]
    for pattern, settings in (data.get("per_path") or {}).items():
        named += [
            (["per_path", pattern, "ignore", index], f"per_path/{pattern}/ignore", rule_id)
            for index, rule_id in enumerate(settings.get("ignore", ()))
        ]
    return [
        f"{_where(name, _line_of(text, path))}: {where}: unknown rule id {rule_id!r}"
        for path, where, rule_id in named
        if rule_id not in known
    ]


def load_config(text: str | None, name: str = CONFIG_PATH) -> tuple[Config, list[str]]:
    """The config and its problems, each naming `name` and a line where known; defaults where it is wrong."""
    parsed = parse_config(text, name)
    return build_config(parsed.data or {}), list(parsed.problems)


def build_config(data: Mapping[str, Any]) -> Config:
    """The settings of checked data (`parse_config`, or several files merged)."""
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
        per_path=tuple(
            (pattern, frozenset(settings.get("ignore", ())))
            for pattern, settings in (data.get("per_path") or {}).items()
        ),
    )
