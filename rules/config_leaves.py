"""The settings of a YAML, TOML or JSON config, each with its dotted path, value, line and nearby comments.

A config is read as data (ruamel keeps YAML's line numbers; TOML and JSON keys
are found in the text in document order), so `True` and `true`, `1e-3` and
`0.001` are one value, and a re-indented or moved key is not a change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from rules.knobs import data_literal, is_number
from rules.pyutil import numbered_block_above
from rules.source import FileKind, SourceFile

# Keys a JSON config may carry its comments in, since JSON has no comments.
_JSON_COMMENT_KEYS = frozenset(
    {
        "_comment",
        "comment",
        "__comment__",
        "//",
        "_doc",
        "_note",
        "note",
        "notes",
        "description",
        "_description",
    }
)


@dataclass(frozen=True)
class ConfigLeaf:
    """One setting of a config document: its dotted path, spelled value and 1-based line."""

    path: tuple[str, ...]
    value: str
    line: int
    ancestors: tuple[int, ...]
    notes: str = ""

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def dotted(self) -> str:
        """`use-bnb-optimizer` and `use_bnb_optimizer` are one setting spelled two ways."""
        return ".".join(part.replace("-", "_").lower() for part in self.path)

    @property
    def numeric(self) -> bool:
        return is_number(self.value)


def comments_around(lines: Sequence[str], line: int) -> list[tuple[int, str]]:
    """The comment ending a config line and the comment lines directly above it, with their line numbers."""
    if not 1 <= line <= len(lines):
        return []
    found: list[tuple[int, str]] = []
    trailing = re.search(r"(?:^|\s)#(.*)$", lines[line - 1])
    if trailing:
        found.append((line, trailing.group(0)))
    found.extend(numbered_block_above(lines, line))
    return found


def header(lines: Sequence[str]) -> list[tuple[int, str]]:
    """The comment block a config file opens with, up to its first blank line."""
    found: list[tuple[int, str]] = []
    for number, text in enumerate(lines, start=1):
        stripped = text.strip()
        if stripped.startswith("#"):
            found.append((number, stripped))
        elif not found and (stripped in ("", "---") or stripped.startswith("%YAML")):
            continue
        else:
            break
    return found


def leaves(file: SourceFile, data: object) -> Iterator[ConfigLeaf]:
    if file.kind is FileKind.YAML:
        documents = data if type(data) is list else [data]
        for document in documents:
            yield from _yaml_leaves(file, document, (), ())
    else:
        locator = _TextLocator(file.text, json=file.kind is FileKind.JSON)
        yield from _plain_leaves(data, (), locator, "")


def _is_branch(value: object) -> bool:
    """A mapping, or a list holding mappings: walked into rather than read as one value."""
    if isinstance(value, Mapping):
        return True
    return isinstance(value, list) and any(isinstance(item, Mapping) for item in value)


def _yaml_leaves(
    file: SourceFile, node: object, path: tuple[str, ...], ancestors: tuple[int, ...]
) -> Iterator[ConfigLeaf]:
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            position = node.lc.data.get(key) if hasattr(node.lc, "data") else None
            if position is None:
                continue
            key_line, value_line = file.raw_line(position[0] + 1), file.raw_line(position[2] + 1)
            child = (*path, str(key))
            if isinstance(value, (CommentedMap, CommentedSeq)) and _is_branch(value):
                yield from _yaml_leaves(file, value, child, (*ancestors, key_line))
                continue
            spelled = data_literal(value)
            if spelled is not None:
                yield ConfigLeaf(child, spelled, value_line, ancestors)
    elif isinstance(node, CommentedSeq):
        for index, item in enumerate(node):
            if isinstance(item, CommentedMap):
                position = node.lc.data.get(index) if hasattr(node.lc, "data") else None
                line = file.raw_line(position[0] + 1) if position else 0
                yield from _yaml_leaves(file, item, path, (*ancestors, line) if line else ancestors)


class _TextLocator:
    """Finds the line of each key of a TOML or JSON file, walking keys in document order."""

    def __init__(self, text: str, *, json: bool) -> None:
        self.text = text
        self.json = json
        self.cursor = 0

    def line_of(self, name: str) -> int:
        escaped = re.escape(name)
        if self.json:
            pattern = rf'"{escaped}"\s*:\s*(?=[^\s{{])'
        else:
            pattern = rf"""(?m)(?:^|[\s.{{,])["']?{escaped}["']?[ \t]*=[ \t]*(?=[^\s{{])"""
        compiled = re.compile(pattern)
        match = compiled.search(self.text, self.cursor) or compiled.search(self.text)
        if match is None:
            return 0
        self.cursor = match.end()
        return self.text.count("\n", 0, match.end()) + 1


def _plain_leaves(
    node: object, path: tuple[str, ...], locator: _TextLocator, notes: str
) -> Iterator[ConfigLeaf]:
    if isinstance(node, Mapping):
        comments = " ".join(
            str(value)
            for key, value in node.items()
            if str(key).lower() in _JSON_COMMENT_KEYS and isinstance(value, str)
        )
        notes = f"{notes} {comments}".strip()
        for key, value in node.items():
            child = (*path, str(key))
            if _is_branch(value):
                yield from _plain_leaves(value, child, locator, notes)
                continue
            if str(key).lower() in _JSON_COMMENT_KEYS:
                continue
            spelled = data_literal(value)
            if spelled is not None:
                line = locator.line_of(str(key))
                if line:
                    yield ConfigLeaf(child, spelled, line, _table_lines(locator, line), notes)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, Mapping):
                yield from _plain_leaves(item, path, locator, notes)


def _table_lines(locator: _TextLocator, line: int) -> tuple[int, ...]:
    """The `[table]` header a TOML key sits under, whose comments speak for the whole table."""
    if locator.json:
        return ()
    lines = locator.text.splitlines()
    for number in range(line - 1, 0, -1):
        if lines[number - 1].lstrip().startswith("["):
            return (number,)
    return ()


def values_by_path(file: SourceFile | None) -> dict[str, set[str]]:
    """Every dotted path's values in a file version (a base side), for telling changed from added."""
    if file is None or file.data is None:
        return {}
    values: dict[str, set[str]] = {}
    for leaf in leaves(file, file.data):
        values.setdefault(leaf.dotted, set()).add(leaf.value)
    return values
