"""What a rule sees of one file version: decoded text, its kind, and its parse.

Decoding and skipping live here, in one place, so the bot and `mldebt scan`
skip the same files for the same reasons.
"""

from __future__ import annotations

import enum
import fnmatch
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import libcst

from rules.notebook import NotebookSource, notebook_to_python

MAX_FILE_BYTES = 1_000_000


class FileKind(str, enum.Enum):
    PYTHON = "python"
    NOTEBOOK = "notebook"
    YAML = "yaml"
    TOML = "toml"
    JSON = "json"
    REQUIREMENTS = "requirements"
    SHELL = "shell"
    DOCKERFILE = "dockerfile"
    TEXT = "text"


_BY_SUFFIX = {
    ".py": FileKind.PYTHON,
    ".pyi": FileKind.PYTHON,
    ".ipynb": FileKind.NOTEBOOK,
    ".yaml": FileKind.YAML,
    ".yml": FileKind.YAML,
    ".toml": FileKind.TOML,
    ".json": FileKind.JSON,
    ".sh": FileKind.SHELL,
    ".bash": FileKind.SHELL,
    ".slurm": FileKind.SHELL,
    ".sbatch": FileKind.SHELL,
    ".cfg": FileKind.TEXT,
    ".ini": FileKind.TEXT,
    ".env": FileKind.TEXT,
    ".r": FileKind.TEXT,
    ".sql": FileKind.TEXT,
}

TEST_PATTERNS = ("tests/*", "test/*", "*/tests/*", "*/test/*", "test_*.py", "*/test_*.py", "*_test.py", "conftest.py", "*/conftest.py")


def kind_of(path: str) -> FileKind | None:
    """Which parser a path gets; None for files no rule reads (data, images, docs)."""
    name = path.rsplit("/", 1)[-1].lower()
    if name == "dockerfile" or name.startswith("dockerfile.") or name.endswith(".dockerfile"):
        return FileKind.DOCKERFILE
    if fnmatch.fnmatch(name, "requirements*.txt") or fnmatch.fnmatch(name, "requirements*.in") or (
        "requirements" in path.lower().split("/")[:-1] and name.endswith(".txt")
    ):
        return FileKind.REQUIREMENTS
    dot = name.rfind(".")
    if dot < 0:
        return None
    return _BY_SUFFIX.get(name[dot:])


def is_test_path(path: str) -> bool:
    return any(fnmatch.fnmatch(path, pattern) for pattern in TEST_PATTERNS)


def decode(data: bytes | str) -> tuple[str | None, str | None]:
    """Text of a file, or why it cannot be read as text. Never raises."""
    if isinstance(data, str):
        if len(data.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
            return None, f"larger than {MAX_FILE_BYTES // 1_000_000} MB"
        return data, None
    if len(data) > MAX_FILE_BYTES:
        return None, f"larger than {MAX_FILE_BYTES // 1_000_000} MB"
    if b"\x00" in data[:8192]:
        return None, "binary file"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return None, "not UTF-8 text"


@dataclass
class SourceFile:
    """One version of one file, parsed lazily and at most once."""

    path: str
    text: str
    kind: FileKind
    parse_error: str | None = field(default=None, init=False)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @property
    def is_test(self) -> bool:
        return is_test_path(self.path)

    @cached_property
    def notebook(self) -> NotebookSource | None:
        if self.kind is not FileKind.NOTEBOOK:
            return None
        try:
            return notebook_to_python(self.text)
        except ValueError as exc:
            self.parse_error = f"notebook is not valid JSON: {exc}"
            return None

    @cached_property
    def python_text(self) -> str | None:
        """The Python a rule walks: the file itself, or a notebook's code cells."""
        if self.kind is FileKind.PYTHON:
            return self.text
        if self.kind is FileKind.NOTEBOOK and self.notebook is not None:
            return self.notebook.code
        return None

    @cached_property
    def module(self) -> libcst.Module | None:
        code = self.python_text
        if code is None:
            return None
        try:
            return libcst.parse_module(code)
        except libcst.ParserSyntaxError as exc:
            # libcst's raw_line often points one line past the error; its message has the real one.
            stated = re.search(r"error at (\d+):", str(exc))
            line = min(int(stated[1]), len(self.python_lines)) if stated else exc.raw_line
            self.parse_error = f"Python syntax error at line {self.raw_line(max(line, 1))}"
            return None
        except (RecursionError, ValueError) as exc:
            self.parse_error = f"could not be parsed ({type(exc).__name__})"
            return None

    @cached_property
    def python_lines(self) -> list[str]:
        return (self.python_text or "").splitlines()

    def raw_line(self, python_line: int) -> int:
        """Maps a line of `python_text` to a line of the file as stored in git."""
        if self.notebook is None:
            return python_line
        return self.notebook.raw_line(python_line)

    def cell_of(self, python_line: int) -> int | None:
        return None if self.notebook is None else self.notebook.cell_of(python_line)

    @cached_property
    def data(self) -> Any:
        """The parsed document of a YAML, TOML or JSON file; None if it does not parse."""
        from rules.structured import parse_structured

        value, error = parse_structured(self.kind, self.text)
        if error:
            self.parse_error = error
        return value
