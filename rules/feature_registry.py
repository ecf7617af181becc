"""The repository's feature registry: which features are documented, what they mean and who owns them.

Teams write registries in many shapes, so reading is lenient about format (a
YAML mapping or list, nested groups, a Markdown table or a heading per
feature) and strict about content: an entry documents a feature only with a
real description and a real owner, not `TODO`.
"""

from __future__ import annotations

import fnmatch
import re
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rules.repo import RepoView, Side
from rules.source import FileKind
from rules.structured import parse_structured

NAME_KEYS = ("name", "feature", "feature_name", "column", "id")
DESCRIPTION_KEYS = ("description", "desc", "doc", "docs", "definition", "summary", "meaning")
OWNER_KEYS = ("owner", "owners", "team", "owning_team", "owned_by", "maintainer", "maintainers", "contact")
# Values that fill a field without documenting anything.
PLACEHOLDERS = frozenset(
    {
        "",
        "todo",
        "tbd",
        "tba",
        "n/a",
        "na",
        "none",
        "null",
        "-",
        "--",
        "?",
        "...",
        "…",
        "xxx",
        "fixme",
        "unknown",
        "wip",
    }
)
# Nested registries deeper than this are not feature registries; stop instead of walking a huge document.
MAX_DEPTH = 12
_PLACEHOLDER_PART = re.compile(r"\{[^}]*\}|<[^>]*>")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FIELD = re.compile(r"^\W*(?P<key>[A-Za-z ]+?)\W*\s*[:—–]\s*(?P<value>.+)$")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def meaningful(value: object) -> str:
    """The value as text if it documents something, else ''."""
    if isinstance(value, list):
        parts = [meaningful(item) for item in value]
        return ", ".join(part for part in parts if part)
    if not isinstance(value, str):
        return ""
    text = " ".join(value.split())
    return "" if text.lower().strip(" .:") in PLACEHOLDERS else text


def glob_of(name: str) -> str:
    """`lag_{n}`, `lag_<n>`, `lag_*` all mean the same family of features."""
    return _PLACEHOLDER_PART.sub("*", name).lower()


@dataclass(frozen=True)
class RegistryEntry:
    name: str
    description: str
    owner: str
    source: str

    @property
    def missing(self) -> list[str]:
        return [
            label for label, value in (("description", self.description), ("owner", self.owner)) if not value
        ]


@dataclass
class FeatureRegistry:
    entries: list[RegistryEntry] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def lookup(self, name: str, *, template: bool = False) -> RegistryEntry | None:
        """The best entry for a feature (or a family like `lag_*`), complete entries first."""
        wanted = glob_of(name)
        found = [entry for entry in self.entries if _matches(wanted, glob_of(entry.name), template=template)]
        found.sort(key=lambda entry: len(entry.missing))
        return found[0] if found else None


def _matches(wanted: str, entry: str, *, template: bool) -> bool:
    if wanted == entry:
        return True
    if "*" in entry and fnmatch.fnmatchcase(wanted, entry):
        return True
    return template and fnmatch.fnmatchcase(entry, wanted)


_READ: weakref.WeakKeyDictionary[RepoView, dict[tuple[tuple[str, ...], str], FeatureRegistry]] = (
    weakref.WeakKeyDictionary()
)


def read_registry(repo: RepoView, paths: Iterable[str], side: Side) -> FeatureRegistry:
    """The registry at one side of the pull request,
    read once per review however many feature files it has."""
    key = (tuple(paths), side)
    try:
        cache = _READ.setdefault(repo, {})
    except TypeError:  # a repo view without weak references is read every time
        cache = {}
    if key not in cache:
        cache[key] = _read(repo, key[0], side)
    return cache[key]


def _read(repo: RepoView, paths: Iterable[str], side: Side) -> FeatureRegistry:
    registry = FeatureRegistry()
    for path in paths:
        text = repo.read_text(path, side)
        if text is None:
            continue
        registry.sources.append(path)
        if path.lower().endswith((".md", ".markdown")):
            registry.entries.extend(parse_markdown(text, path))
        else:
            kind = FileKind.JSON if path.lower().endswith(".json") else FileKind.YAML
            document, _ = parse_structured(kind, text)
            registry.entries.extend(parse_document(document, path))
    return registry


# --- YAML / JSON -------------------------------------------------------------


def _pick(mapping: Mapping[str, Any], keys: Iterable[str]) -> str:
    for key in keys:
        if key in mapping:
            value = meaningful(mapping[key])
            if value:
                return value
    return ""


def parse_document(document: object, source: str) -> list[RegistryEntry]:
    entries: list[RegistryEntry] = []
    _walk(document, "", source, entries, 0)
    return entries


def _walk(node: object, owner: str, source: str, out: list[RegistryEntry], depth: int) -> None:
    """Entries anywhere in the document; a group's owner is
    inherited by its features, its description is not."""
    if depth > MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            if isinstance(item, str):
                out.append(RegistryEntry(item, "", owner, source))
            else:
                _walk(item, owner, source, out, depth + 1)
        return
    if not isinstance(node, Mapping):
        return
    mapping = {str(key).lower(): value for key, value in node.items()}
    owner = _pick(mapping, OWNER_KEYS) or owner
    name = next((mapping[key] for key in NAME_KEYS if isinstance(mapping.get(key), str)), None)
    if name is not None:
        out.append(RegistryEntry(name, _pick(mapping, DESCRIPTION_KEYS), owner, source))
        return
    metadata = set(DESCRIPTION_KEYS) | set(OWNER_KEYS)
    for key, value in node.items():
        if str(key).lower() in metadata:
            continue
        if isinstance(value, Mapping):
            fields = {str(k).lower(): v for k, v in value.items()}
            nested = any(isinstance(v, (Mapping, list)) and k not in OWNER_KEYS for k, v in fields.items())
            if (set(fields) & metadata) and not nested:
                out.append(
                    RegistryEntry(
                        str(key), _pick(fields, DESCRIPTION_KEYS), _pick(fields, OWNER_KEYS) or owner, source
                    )
                )
            else:
                _walk(value, owner, source, out, depth + 1)
        elif isinstance(value, list):
            _walk(value, owner, source, out, depth + 1)
        elif isinstance(value, str):
            out.append(RegistryEntry(str(key), meaningful(value), owner, source))


# --- Markdown ----------------------------------------------------------------


def _clean(text: str) -> str:
    """Cell or line text without links, code spans and bold;
    underscores and `*` stay (they are in feature names)."""
    return _LINK.sub(r"\1", text).replace("`", "").replace("**", "").strip()


def _cells(line: str) -> list[str]:
    return [_clean(cell) for cell in line.strip().strip("|").split("|")]


def _column(header: list[str], keys: Iterable[str]) -> int | None:
    lowered = [cell.lower() for cell in header]
    for key in keys:
        for index, cell in enumerate(lowered):
            if cell == key or cell.startswith(key):
                return index
    return None


def parse_markdown(text: str, source: str) -> list[RegistryEntry]:
    lines = text.splitlines()
    return _tables(lines, source) + _sections(lines, source)


def _tables(lines: list[str], source: str) -> list[RegistryEntry]:
    entries = []
    index = 0
    while index + 1 < len(lines):
        header, separator = lines[index], lines[index + 1]
        if "|" not in header or not _TABLE_SEPARATOR.match(separator.strip()):
            index += 1
            continue
        columns = _cells(header)
        name_at = _column(columns, NAME_KEYS)
        description_at = _column(columns, DESCRIPTION_KEYS)
        owner_at = _column(columns, OWNER_KEYS)
        index += 2
        while index < len(lines) and "|" in lines[index]:
            row = _cells(lines[index])
            index += 1
            if name_at is None or name_at >= len(row) or not row[name_at]:
                continue
            description = (
                meaningful(row[description_at])
                if description_at is not None and description_at < len(row)
                else ""
            )
            owner = meaningful(row[owner_at]) if owner_at is not None and owner_at < len(row) else ""
            entries.append(RegistryEntry(row[name_at], description, owner, source))
    return entries


def _sections(lines: list[str], source: str) -> list[RegistryEntry]:
    """A heading per feature, with `Description:`/`Owner:` lines or a first paragraph as its description."""
    entries = []
    headings = [(number, match) for number, line in enumerate(lines) if (match := _HEADING.match(line))]
    for position, (number, match) in enumerate(headings):
        level = len(match[1])
        end = next((other for other, later in headings[position + 1 :] if len(later[1]) <= level), len(lines))
        following = next((other for other, _ in headings[position + 1 :]), len(lines))
        body = lines[number + 1 : min(end, following)]
        description = owner = ""
        prose = ""
        for raw in body:
            line = _clean(raw)
            if not line or line.startswith("|"):
                continue
            found = _FIELD.match(line)
            if found is None:
                prose = prose or meaningful(line)
                continue
            key = found["key"].strip().lower()
            if key in DESCRIPTION_KEYS:
                description = description or meaningful(found["value"])
            elif key in OWNER_KEYS:
                owner = owner or meaningful(found["value"])
        name = _clean(match[2]).removeprefix("Feature:").strip()
        if description or owner or prose:
            entries.append(RegistryEntry(name, description or prose, owner, source))
    return entries
