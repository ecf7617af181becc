"""Small helpers shared by the Python-facing rules:
ML-code detection, comments, and the rule shape for code and configs.

They work on raw source lines only (reading libcst nodes is `rules.cst`);
nothing here imports or runs the code under review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rules.finding import Finding
from rules.rule import FileContext, FileRule, PythonRule

# Libraries whose import marks a file as model, training or feature code.
ML_LIBRARIES = (
    "sklearn",
    "torch",
    "pandas",
    "numpy",
    "xgboost",
    "lightgbm",
    "catboost",
    "polars",
    "tensorflow",
    "keras",
    "jax",
    "flax",
    "transformers",
    "pytorch_lightning",
    "lightning",
    "optuna",
    "statsmodels",
    "scipy",
    "peft",
    "sentence_transformers",
)
_ML_IMPORT = re.compile(r"^[ \t]*(?:import|from)[ \t]+(?:" + "|".join(ML_LIBRARIES) + r")\b", re.MULTILINE)
# Folders and script names that mark model code even without
# a telling import (a pure-Python scorer, a config module).
_ML_FOLDER = re.compile(
    r"^(?:ml|models?|modell?ing|train\w*|features?|feature_\w+|pipelines?)$", re.IGNORECASE
)
_ML_SCRIPT = re.compile(
    r"^(?:train|training|trainer|model|models|features|pipeline|predict|inference|tune|sweep)$|^(?:train|model)_\w+$",
    re.IGNORECASE,
)

# Comment prefixes that are tool directives, never prose nor code.
PRAGMA = re.compile(
    r"^#\s*(?:type:|noqa|pragma|mldebt:|pylint:|pyright:|mypy:|flake8:|isort:|fmt:|ruff:|pyre-|nosec|-\*-|"
    r"coding[:=]|vim?:|!|%%|In\s*\[)",
    re.IGNORECASE,
)


class HybridRule(PythonRule, FileRule):
    """A rule that reads Python through the shared batched traversal and other files through `check`.

    The engine builds Python visitors with a context and file rules without
    one; accepting both lets one rule id cover code and configs without a
    second traversal of every Python file.
    """

    def __init__(self, ctx: FileContext | None = None) -> None:
        super().__init__(ctx)  # type: ignore[arg-type]  # None as a file rule, which only runs `check`

    def check(self, ctx: FileContext) -> Iterable[Finding]:
        return ()


# Web and ORM code under a `models/` directory is not model code.
_NOT_ML_IMPORT = re.compile(
    r"^[ \t]*(?:import|from)[ \t]+(?:django|sqlalchemy|peewee|tortoise|flask|fastapi|sqlmodel)\b",
    re.MULTILINE,
)


def is_ml_code(path: str, text: str) -> bool:
    """Model, training or feature code: decided by imports, falling back to the path."""
    if _ML_IMPORT.search(text):
        return True
    *folders, name = path.split("/")
    by_path = any(_ML_FOLDER.match(folder) for folder in folders) or bool(
        _ML_SCRIPT.match(name.rsplit(".", 1)[0])
    )
    return by_path and not _NOT_ML_IMPORT.search(text)


def line_comment(line: str) -> str:
    """The `#` comment ending a source line, if any, skipping `#` inside string literals."""
    quote = ""
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\":
                index += 2
                continue
            if line.startswith(quote, index):
                index += len(quote)
                quote = ""
                continue
        elif char in "'\"":
            quote = char * 3 if line.startswith(char * 3, index) else char
            index += len(quote)
            continue
        elif char == "#":
            return line[index:]
        index += 1
    return ""


def comment_block_above(lines: Sequence[str], line: int) -> list[str]:
    """The run of comment-only lines directly above 1-based `line`, top to bottom."""
    block: list[str] = []
    index = line - 2
    while index >= 0 and lines[index].lstrip().startswith("#"):
        block.append(lines[index].strip())
        index -= 1
    return block[::-1]


def numbered_block_above(lines: Sequence[str], line: int) -> list[tuple[int, str]]:
    """`comment_block_above` with each comment's 1-based line, for rules that ask whether the PR wrote it."""
    block = comment_block_above(lines, line)
    return [(line - len(block) + index, text) for index, text in enumerate(block)]


# A comment heading a group of settings speaks for the group, but only this far up.
PARAGRAPH_REACH = 40


def paragraph_comments(lines: Sequence[str], line: int) -> list[tuple[int, str]]:
    """Comment lines above `line` in its paragraph (up to a blank line):
    a note that heads a group of settings."""
    found: list[tuple[int, str]] = []
    index = line - 1
    while index >= 1 and line - index <= PARAGRAPH_REACH and lines[index - 1].strip():
        text = lines[index - 1].strip()
        if text.startswith("#"):
            found.append((index, text))
        index -= 1
    return found[::-1]


def is_prose_comment(comment: str) -> bool:
    """A comment a human wrote for humans, not a tool directive."""
    return bool(comment.strip("# \t")) and not PRAGMA.match(comment.strip())
