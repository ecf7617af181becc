"""Notebooks as Python: code cells joined, with a way back to the raw file's lines.

Annotations and review comments must land on lines of the `.ipynb` file as
stored in git, so every line of the joined code remembers where it came from.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_MAGIC = re.compile(r"^\s*[%!?]")


@dataclass(frozen=True)
class NotebookSource:
    code: str
    raw_lines: tuple[int, ...]
    cells: tuple[int, ...]

    def raw_line(self, python_line: int) -> int:
        index = min(max(python_line, 1), len(self.raw_lines)) - 1
        return self.raw_lines[index] if self.raw_lines else 1

    def cell_of(self, python_line: int) -> int | None:
        index = python_line - 1
        return self.cells[index] + 1 if 0 <= index < len(self.cells) else None


def _cell_lines(source: object) -> list[str]:
    if isinstance(source, str):
        return source.splitlines()
    if isinstance(source, list):
        return "".join(str(part) for part in source).splitlines()
    return []


def notebook_to_python(raw: str) -> NotebookSource:
    """Joins code cells; magics and shell escapes become blank lines so the rest parses."""
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"line {exc.lineno}: {exc.msg}") from exc
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        raise ValueError("no cells list")
    raw_text_lines = raw.splitlines()
    cursor = 0
    code: list[str] = []
    raw_lines: list[int] = []
    cell_ids: list[int] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        for line in _cell_lines(cell.get("source")):
            cursor = _locate(raw_text_lines, line, cursor)
            code.append("" if _MAGIC.match(line) else line)
            raw_lines.append(cursor + 1)
            cell_ids.append(index)
        code.append("")
        raw_lines.append(cursor + 1)
        cell_ids.append(index)
    return NotebookSource("\n".join(code) + "\n", tuple(raw_lines), tuple(cell_ids))


def _locate(raw_lines: list[str], line: str, start: int) -> int:
    """Finds the raw line holding this source line's JSON string, searching forward."""
    needles = {json.dumps(line)[1:-1], json.dumps(line, ensure_ascii=False)[1:-1]}
    for number in range(start, len(raw_lines)):
        if any(needle in raw_lines[number] for needle in needles):
            return number
    return start
