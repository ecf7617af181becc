"""What a rule sees of one file version: decoded text, its kind, and its parse.

Decoding and skipping live here, in one place, so the bot and `mldebt scan`
skip the same files for the same reasons.
"""

from __future__ import annotations

import ast
import enum
import fnmatch
import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import libcst

from rules.notebook import NotebookSource, notebook_to_python
from rules.parsing import parse_module

MAX_FILE_BYTES = 1_000_000
# Far beyond hand-written code, far below where libcst's native parser runs out of stack.
MAX_NESTING = 1000
# Python and YAML end a line at `\r\n`, `\r` or `\n` (universal newlines); git and GitHub only at `\n`.
_UNIVERSAL_NEWLINE = re.compile(r"\r\n|\r|\n")
_LONE_CR = re.compile(r"\r(?!\n)")


class FileKind(enum.StrEnum):
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

TEST_PATTERNS = (
    "tests/*",
    "test/*",
    "*/tests/*",
    "*/test/*",
    "test_*.py",
    "*/test_*.py",
    "*_test.py",
    "conftest.py",
    "*/conftest.py",
)
# Documentation and a library's usage examples, demos and tutorials, at any depth. They show how to call an
# API, so production hygiene (tracking, validation, tuning provenance, pins) would make them worse, not safer.
EXAMPLE_FOLDERS = frozenset({"docs", "doc", "examples", "example", "demo", "demos", "tutorials", "tutorial"})


def kind_of(path: str) -> FileKind | None:
    """Which parser a path gets; None for files no rule reads (data, images, docs)."""
    name = path.rsplit("/", 1)[-1].lower()
    if name == "dockerfile" or name.startswith("dockerfile.") or name.endswith(".dockerfile"):
        return FileKind.DOCKERFILE
    if (
        fnmatch.fnmatch(name, "requirements*.txt")
        or fnmatch.fnmatch(name, "requirements*.in")
        or ("requirements" in path.lower().split("/")[:-1] and name.endswith(".txt"))
    ):
        return FileKind.REQUIREMENTS
    dot = name.rfind(".")
    if dot < 0:
        return None
    return _BY_SUFFIX.get(name[dot:])


class TooDeep(Exception):
    """libcst would recurse past MAX_NESTING levels on this code."""


def python_syntax(code: str) -> ast.Module | None:
    """CPython's tree of the code (None where CPython cannot read it); raises TooDeep.

    libcst's native parser overflows the C stack on deep input and takes the
    whole worker process down, so CPython's parser, which refuses such input
    safely, measures first. libcst nests what CPython keeps flat (`a or b or …`,
    `import a.b.…`), so those count a level per part. The tree is kept: it
    anchors positions statement by statement (rules/anchors.py).
    """
    try:
        with warnings.catch_warnings():  # the reviewed code's own warnings (`"\d"`, `x is 1`) are not ours
            warnings.simplefilter("ignore")
            tree = ast.parse(code)
    except (RecursionError, MemoryError):
        raise TooDeep from None
    except SyntaxError as exc:
        if "too many nested" in str(exc.msg):
            raise TooDeep from None
        return None
    except ValueError:
        return None
    if _deeper_than(tree, MAX_NESTING, code):
        raise TooDeep
    return tree


# Simple statements: everything CPython hangs below one is an expression (or an import's names).
_SIMPLE_STATEMENTS = frozenset(
    {
        ast.Expr,
        ast.Assign,
        ast.AugAssign,
        ast.AnnAssign,
        ast.Return,
        ast.Raise,
        ast.Assert,
        ast.Delete,
        ast.Import,
        ast.ImportFrom,
        ast.Global,
        ast.Nonlocal,
        ast.Pass,
        ast.Break,
        ast.Continue,
    }
)
# How many levels (tree depth plus the bonuses below) one character of a statement can add at most, and
# how many it can add with no character at all: `[[x]]` adds two a bracket, `a or b` one per four
# characters, `Expr(Call(Attribute(...)))` a few for the same ones. tests/rules/test_source.py holds the
# statements that come closest.
_LEVELS_PER_CHARACTER = 4
_LEVELS_FOR_NOTHING = 10


def _deeper_than(tree: ast.Module, limit: int, code: str) -> bool:
    # `ast.iter_child_nodes`, inlined: its generators cost more than the rest of the walk. Leaves (`Load`,
    # `Add`, …) have no fields and no depth bonus, so they are measured where they are found, not stacked.
    # A simple statement too short to reach the limit whatever it holds is not walked into: in real code
    # that is nearly all of them, so the walk costs a few nodes per statement instead of all of them.
    starts = [0, *(found.end() for found in _UNIVERSAL_NEWLINE.finditer(code))]
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    push, pop = stack.append, stack.pop
    while stack:
        node, depth = pop()
        kind = type(node)
        if kind in _SIMPLE_STATEMENTS:
            # Characters from the start of its first line to its end: `end_col_offset` counts UTF-8
            # bytes, never fewer than the characters, so this only ever overstates the length.
            span = starts[node.end_lineno - 1] + node.end_col_offset - starts[node.lineno - 1]  # type: ignore[attr-defined]
            if depth + _LEVELS_PER_CHARACTER * span + _LEVELS_FOR_NOTHING <= limit:
                continue
        if kind is ast.BoolOp:
            depth += len(node.values)  # type: ignore[attr-defined]
        elif kind is ast.alias:
            depth += node.name.count(".")  # type: ignore[attr-defined]
        elif kind is ast.ImportFrom:
            depth += (node.module or "").count(".")  # type: ignore[attr-defined]
        if depth > limit:
            return True
        depth += 1
        for name in node._fields:
            value = getattr(node, name, None)
            for child in value if isinstance(value, list) else (value,):
                if isinstance(child, ast.AST):
                    if child._fields:
                        push((child, depth))
                    elif depth > limit:
                        return True
    return False


def split_lines(text: str) -> list[str]:
    """Lines as git and GitHub number them: unlike `str.splitlines`,
    no form feed or Unicode separator ends one."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def is_test_path(path: str) -> bool:
    return any(fnmatch.fnmatch(path, pattern) for pattern in TEST_PATTERNS)


def is_example_path(path: str) -> bool:
    """A whole folder name must match: `src/examples_loader/`
    is production code that happens to mention examples."""
    return not EXAMPLE_FOLDERS.isdisjoint(path.lower().split("/")[:-1])


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
    # CPython's tree of `python_text`, read before libcst's (see `module`); None until then or if unreadable.
    syntax: ast.Module | None = field(default=None, init=False, repr=False, compare=False)

    @cached_property
    def lines(self) -> list[str]:
        return split_lines(self.text)

    @property
    def is_test(self) -> bool:
        return is_test_path(self.path)

    @property
    def is_example(self) -> bool:
        return is_example_path(self.path)

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
            self.syntax = python_syntax(code)
        except TooDeep:
            self.parse_error = f"nested more than {MAX_NESTING} levels deep; not read"
            return None
        try:
            return parse_module(code)
        except libcst.ParserSyntaxError as exc:
            # libcst's raw_line often points one line past the error; its message has the real one.
            stated = re.search(r"error at (\d+):", str(exc))
            line = min(int(stated[1]), len(self.python_lines)) if stated else exc.raw_line
            self.parse_error = f"Python syntax error at line {self.raw_line(max(line, 1))}"
            return None
        except libcst.CSTValidationError as exc:
            self.parse_error = f"not valid Python: {str(exc)[:120]}"
            return None
        except (RecursionError, ValueError) as exc:
            self.parse_error = f"could not be parsed ({type(exc).__name__})"
            return None

    @cached_property
    def python_lines(self) -> list[str]:
        """Lines as libcst numbers them."""
        lines = _UNIVERSAL_NEWLINE.split(self.python_text or "")
        if lines[-1] == "":
            lines.pop()
        return lines

    @cached_property
    def _git_line_of(self) -> list[int] | None:
        """Where a lone carriage return makes Python or YAML and git
        count lines differently, git's line for each of theirs."""
        if self.kind not in (FileKind.PYTHON, FileKind.YAML) or not _LONE_CR.search(self.text):
            return None
        mapping, line = [1], 1
        for match in _UNIVERSAL_NEWLINE.finditer(self.text):
            line += match[0].endswith("\n")
            mapping.append(line)
        return mapping

    def raw_line(self, python_line: int) -> int:
        """Maps a line of `python_text`, or a line as ruamel numbers
        a YAML file, to a line of the file as stored in git."""
        if self.notebook is not None:
            return self.notebook.raw_line(python_line)
        if self._git_line_of is not None:
            return self._git_line_of[min(max(python_line, 1), len(self._git_line_of)) - 1]
        return python_line

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
