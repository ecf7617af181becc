"""Safe parsing of YAML, TOML and JSON files, with line numbers kept for YAML.

YAML goes through ruamel's round-trip loader so comments survive (tuning
context lives in comments). Aliases are refused outright: a "billion laughs"
document is an attack, not a config.
"""

from __future__ import annotations

import io
import json
import re
import tomllib
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from rules.source import FileKind

MAX_DEPTH = 64


class AliasRefused(ValueError):
    pass


class TooDeep(Exception):
    pass


# A TOML key or table header (where keys start: a line, an inline table) of more dotted parts than MAX_DEPTH.
_DEEP_KEY = re.compile(
    r"""(?:^|[{,])[ \t]*(?:\[+[ \t]*)?(?:(?:[\w-]+|"[^"\n]*"|'[^'\n]*')[ \t]*\.[ \t]*)"""
    + f"{{{MAX_DEPTH + 1}}}",  # the dotted part, repeated MAX_DEPTH + 1 times
    re.MULTILINE,
)
# Brackets outside one-line quoted strings and comments: enough to see how deep flow nesting goes.
_FLOW_TOKEN = re.compile(
    r"""[\[\]{}]|"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|(?:^|(?<=\s))#[^\n]*""", re.MULTILINE
)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = True
    return yaml


def _depth(value: Any, limit: int = MAX_DEPTH) -> int:
    stack: list[tuple[Any, int]] = [(value, 1)]
    deepest = 0
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > limit:
            return depth
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return deepest


def parse_structured(kind: FileKind, text: str) -> tuple[Any, str | None]:
    """The parsed document, or None and why not. Never raises."""
    try:
        if kind is FileKind.JSON:
            value = json.loads(text)
        elif kind is FileKind.TOML:
            if _DEEP_KEY.search(text):  # tomllib is quadratic or worse in the parts of one key
                raise TooDeep
            value = tomllib.loads(text)
        elif kind is FileKind.YAML:
            _refuse_deep_flow(text)
            if "*" in text and "&" in text:
                _refuse_aliases(text)
            documents = list(_yaml().load_all(io.StringIO(text)))
            value = documents[0] if len(documents) == 1 else documents
        else:
            return None, None
    except AliasRefused:
        return None, "YAML anchors and aliases are not read (they can expand without bound)"
    except TooDeep:
        return None, f"nested deeper than {MAX_DEPTH} levels"
    except (ValueError, YAMLError, RecursionError, tomllib.TOMLDecodeError) as exc:
        return (
            None,
            f"does not parse as {kind.value.upper()}: "
            f"{str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}",
        )
    if _depth(value) > MAX_DEPTH:
        return None, f"nested deeper than {MAX_DEPTH} levels"
    return value, None


def _refuse_deep_flow(text: str) -> None:
    """ruamel's scanner is quadratic in unclosed `[`/`{`
    (a 1 MB `[[[[…` would never finish); this look is linear."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for token in _FLOW_TOKEN.finditer(text):
        if token[0] in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                raise TooDeep
        elif token[0] in ("]", "}"):
            depth = max(depth - 1, 0)


def _refuse_aliases(text: str) -> None:
    from ruamel.yaml import YAML as _Y
    from ruamel.yaml.events import AliasEvent

    try:
        for event in _Y(typ="safe").parse(io.StringIO(text)):
            if isinstance(event, AliasEvent):
                raise AliasRefused
    except YAMLError:
        return
