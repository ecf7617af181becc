"""Notebooks as Python: code cells joined, with a way back to the raw file's lines.

Annotations and review comments must land on lines of the `.ipynb` file as
stored in git, so every line of the joined code remembers where it came from.
Positions come from a scan of the JSON text itself, not from searching for the
code: a cell's outputs come before its source in nbformat, and an output that
echoes the code must not capture its line.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

_MAGIC = re.compile(r"^(?P<indent>\s*)[%!]")
_ASSIGNED_MAGIC = re.compile(r"^(?P<indent>\s*)[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[%!]")
_HELP = re.compile(r"^(?P<indent>\s*)(\?{1,2}[\w.]+|[\w.]+\?{1,2})\s*$")
_CELL_MAGIC = re.compile(r"^\s*%%(?P<name>\w+)")
# Cell magics whose body is still Python; any other (`%%bash`, `%%sql`, `%%writefile`) is not.
PYTHON_CELL_MAGICS = frozenset(
    {"time", "timeit", "capture", "prun", "debug", "python", "python3", "memit", "tensorflow"}
)
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


@dataclass(frozen=True)
class NotebookSource:
    code: str
    raw_lines: tuple[int, ...]
    cells: tuple[int, ...]

    def raw_line(self, python_line: int) -> int:
        index = min(max(python_line, 1), len(self.raw_lines)) - 1
        return self.raw_lines[index] if self.raw_lines else 1

    def cell_of(self, python_line: int) -> int | None:
        """1-based position of the cell among all cells, as a reader counts them scrolling down."""
        index = python_line - 1
        return self.cells[index] + 1 if 0 <= index < len(self.cells) else None


def _parts(source: object) -> list[str]:
    if isinstance(source, str):
        return [source]
    if isinstance(source, list):
        return [str(part) for part in source]
    return []


@dataclass
class _Frame:
    """One open JSON object or array: where the scanner is inside it."""

    is_object: bool
    position: str | int | None
    expecting_key: bool


def _source_offsets(raw: str) -> dict[int, list[int]]:
    """Character offset of every string of `cells[i].source`, by cell index."""
    found: dict[int, list[int]] = {}
    stack: list[_Frame] = []
    for token in _TOKEN.finditer(raw):
        text = token.group()
        top = stack[-1] if stack else None
        if text in ("{", "["):
            stack.append(_Frame(text == "{", None if text == "{" else 0, text == "{"))
        elif text in ("}", "]"):
            if stack:
                stack.pop()
        elif top is None:
            continue
        elif text == ":":
            top.expecting_key = False
        elif text == ",":
            if top.is_object:
                top.expecting_key = True
            elif isinstance(top.position, int):
                top.position += 1
        elif text.startswith('"'):
            if top.is_object and top.expecting_key:
                top.position = json.loads(text)
                continue
            path = [frame.position for frame in stack]
            if (
                len(path) in (3, 4)
                and path[0] == "cells"
                and path[2] == "source"
                and isinstance(path[1], int)
            ):
                found.setdefault(path[1], []).append(token.start())
    return found


def _lines_of(parts: list[str], raw_lines_of_parts: list[int]) -> Iterator[tuple[str, int]]:
    """Each source line with the raw line of the JSON string that holds its start."""
    starts = []
    offset = 0
    for part in parts:
        starts.append(offset)
        offset += len(part)
    joined = "".join(parts)
    position = 0
    for line in joined.splitlines(keepends=True):
        owner = bisect.bisect_right(starts, position) - 1
        yield line.rstrip("\r\n"), raw_lines_of_parts[max(owner, 0)]
        position += len(line)


def _as_python(line: str, cell_is_python: bool) -> str:
    """Magics, shell escapes and help lookups become blank (or `pass` inside a block) so the rest parses."""
    if not cell_is_python:
        return ""
    match = _MAGIC.match(line) or _ASSIGNED_MAGIC.match(line) or _HELP.match(line)
    if not match:
        return line
    return f"{match['indent']}pass" if match["indent"] else ""


def notebook_to_python(raw: str) -> NotebookSource:
    """Joins code cells into one module, every line mapped to its line in the raw file."""
    try:
        document = json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as exc:
        where = (
            f"line {exc.lineno}: {exc.msg}" if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        )
        raise ValueError(where) from exc
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        raise ValueError("no cells list")
    offsets = _source_offsets(raw)
    newlines = [match.start() for match in re.finditer("\n", raw)]
    raw_text_lines = raw.splitlines()
    cursor = 0
    code: list[str] = []
    raw_lines: list[int] = []
    cell_ids: list[int] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        parts = _parts(cell.get("source"))
        positions = offsets.get(index, [])
        if len(positions) == len(parts):
            part_lines = [bisect.bisect_left(newlines, offset) + 1 for offset in positions]
        else:
            part_lines = []
            for part in parts:
                cursor = _locate(raw_text_lines, part, cursor)
                part_lines.append(cursor + 1)
        first = "".join(parts).lstrip().splitlines()[:1]
        magic = _CELL_MAGIC.match(first[0]) if first else None
        cell_is_python = magic is None or magic["name"] in PYTHON_CELL_MAGICS
        last = part_lines[-1] if part_lines else (raw_lines[-1] if raw_lines else 1)
        for line, raw_line in _lines_of(parts, part_lines or [last]):
            code.append(_as_python(line, cell_is_python))
            raw_lines.append(raw_line)
            cell_ids.append(index)
            last = raw_line
        code.append("")
        raw_lines.append(last)
        cell_ids.append(index)
    return NotebookSource("\n".join(code) + "\n", tuple(raw_lines), tuple(cell_ids))


def _locate(raw_lines: list[str], part: str, start: int) -> int:
    """Fallback for JSON the scanner could not follow: the next raw line holding this string."""
    line = part.splitlines()[0] if part.strip() else part
    needles = {json.dumps(line)[1:-1], json.dumps(line, ensure_ascii=False)[1:-1]} - {""}
    for number in range(start, len(raw_lines)):
        if any(needle in raw_lines[number] for needle in needles):
            return number
    return start
