"""dead-code: code the PR switches off (comments, `if False:`, parked strings) instead of deleting it."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

import libcst

from rules.checks import dead_code_examples as examples
from rules.checks.dead_code_files import disabled_blocks
from rules.checks.dead_code_fix import deletion
from rules.checks.dead_code_parse import code_runs, debug_only, parses_as_code, uncomment
from rules.cst import body_of, code_of, docstring_of, string_value
from rules.finding import Finding, Severity
from rules.fix import Fix
from rules.pyutil import PRAGMA, HybridRule, line_comment
from rules.rule import FileContext, register
from rules.source import FileKind, SourceFile

# Past this many lines a comment block is licence text or a banner, not parked code.
MAX_BLOCK_LINES = 200

SUGGESTION = (
    "Delete it; git keeps the old version. If it is a real alternative, describe it in prose "
    "(`# Alternative: ...`) or put it behind a config flag."
)

# Prose that turns the code next to it into an example, not a switched-off line.
_EXPLAINED = re.compile(
    r"\b(?:e\.g|i\.e|for example|example|examples|usage|alternative(?:ly)?|equivalent(?:ly)?|"
    r"for instance|such as|instead|you can|uncomment|optional(?:ly)?|to enable|to use|like so|like this|"
    r"see also|output|prints|returns|would be|same as|compare|vs|one of|choices|possible values|"
    r"valid values|supported)\b",
    re.IGNORECASE,
)
# Lead-ins of an opt-in usage note, read at the start of a comment:
# `# on macbook also add`, `# if you have a GPU:`, `# for multi-GPU training`.
# Anchored, because "on cpu" or "for GPU" in the middle of a sentence explains nothing.
_OPT_IN = re.compile(
    r"^(?:(?:on|for)\s+(?:an?\s+|the\s+)?"
    r"(?:mac\w*|osx|windows|linux|apple|m[1-4]|cpus?|gpus?|cuda|mps|tpus?|rocm|"
    r"multi[- ]?(?:gpu|node)s?|single[- ]?gpu|colab|kaggle|slurm)\b"
    r"|if\s+(?:you|running|using)\b)"
    r"|\balso\s+add\b",
    re.IGNORECASE,
)
# A line holding nothing but a comment, as libcst's tokenizer reads one (form feeds are whitespace to it).
_COMMENT_LINE = re.compile(r"[ \t\f]*(#[^\r\n]*)")
_DOCTEST = re.compile(r"^(?:>>>|\.\.\.\s)")
# One-line labels, not calls or settings: `# run_setup ()` headings, `# tls=True` above an overload.
_HEADING_CALL = re.compile(r"^(?:[A-Za-z_]\w*\s+\(\s*\)|[A-Za-z_]\w*=[\w.'\"-]+)$")


@dataclass(frozen=True)
class Comment:
    line: int
    text: str
    # Where the `#` sits: an editor comments out `if x:` and its body at different depths.
    column: int = 0


@register
class DeadCode(HybridRule):
    id = "dead-code"
    severity = Severity.LOW
    title = "Disabled code left in place"
    kinds = frozenset({FileKind.PYTHON, FileKind.NOTEBOOK, FileKind.YAML, FileKind.SHELL})

    VALID = examples.VALID
    INVALID = examples.INVALID

    @classmethod
    def fix_for(cls, finding: Finding, source: SourceFile) -> Fix | None:
        return deletion(finding, source)

    def check(self, ctx: FileContext) -> Iterable[Finding]:
        """YAML and shell: commented-out sections and commands, read line by line (see `dead_code_files`)."""
        source = ctx.file
        if source.kind not in (FileKind.YAML, FileKind.SHELL):
            return []
        what = "YAML section" if source.kind is FileKind.YAML else "command"
        return [
            self.make(
                source.path,
                block.start,
                f"{block.lines} line{'s' if block.lines > 1 else ''} of a commented-out {what}; "
                "disabled config goes stale and leaves readers guessing whether it still matters.",
                end_line=block.end,
                suggestion=SUGGESTION,
                key=block.key,
                context="\n".join(source.lines[block.start - 1 : block.end]).strip(),
            )
            for block in disabled_blocks(source.kind, source.lines)
        ]

    def visit_Module(self, node: libcst.Module) -> None:
        self._multiline_strings: list[libcst.SimpleString | libcst.FormattedString] = []
        self._docstrings: set[int] = set()
        self._note_docstring(node)

    def _note_docstring(self, node: libcst.Module | libcst.ClassDef | libcst.FunctionDef) -> None:
        doc = docstring_of(body_of(node))
        if doc is not None:
            self._docstrings.add(id(doc))

    def visit_ClassDef(self, node: libcst.ClassDef) -> None:
        self._note_docstring(node)

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        self._note_docstring(node)

    def visit_SimpleString(self, node: libcst.SimpleString) -> None:
        if "\n" in node.value:
            self._multiline_strings.append(node)

    def visit_FormattedString(self, node: libcst.FormattedString) -> None:
        if node.start.endswith(('"""', "'''")) or any(
            isinstance(part, libcst.FormattedStringText) and "\n" in part.value for part in node.parts
        ):
            self._multiline_strings.append(node)

    def _comment_lines(self) -> list[Comment]:
        """The lines that hold only a comment: libcst's commented `EmptyLine`s, found in the text,
        since hooking every whitespace node to reach them would double the cost of the walk."""
        inside: set[int] = set()
        for string in self._multiline_strings:
            first, last = self.position(string)
            inside.update(range(first + 1, last + 1))
        comments = []
        for number, raw in enumerate(self.ctx.file.python_lines, start=1):
            found = _COMMENT_LINE.match(raw)
            if found is not None and number not in inside:
                comments.append(Comment(number, found[1], len(raw[: found.start(1)].expandtabs())))
        return comments

    def visit_If(self, node: libcst.If) -> None:
        test = node.test
        disabled = (isinstance(test, libcst.Name) and test.value == "False") or (
            isinstance(test, libcst.Integer) and test.value == "0"
        )
        if not disabled or _only_imports(node.body):
            return
        start = self.first_line(node)
        end = self.position(node.body)[1]
        body = code_of(node.body)
        self._report(
            start,
            end,
            f"`if {_code(test)}:` switches off a block instead of deleting it",
            f"if-disabled:{_normal(body)}",
        )

    def visit_Expr(self, node: libcst.Expr) -> None:
        value = node.value
        if (
            not isinstance(value, (libcst.SimpleString, libcst.ConcatenatedString))
            or id(value) in self._docstrings
        ):
            return
        text = string_value(value) or ""
        if "\n" not in text.strip() and "(" not in text:
            return
        if parses_as_code(textwrap.dedent(text).strip()) and not _EXPLAINED.search(text):
            start, end = self.position(node)
            self._report(
                start,
                end,
                "A bare string literal parks old code where it never runs",
                f"string:{_normal(text)}",
            )

    def finish(self) -> None:
        for group in _groups(self._comment_lines()):
            self._check_group(group)

    def _check_group(self, group: list[Comment]) -> None:
        margin = min(comment.column for comment in group)
        kept = [
            ""
            if PRAGMA.match(comment.text.strip())
            else " " * (comment.column - margin) + uncomment(comment.text)
            for comment in group
        ]
        if any(_DOCTEST.match(text.strip()) for text in kept):
            return
        runs = code_runs(kept)
        if not runs:
            return
        covered = {index for start, end in runs for index in range(start, end)}
        notes = [text if index not in covered else line_comment(text) for index, text in enumerate(kept)]
        if any(_EXPLAINED.search(text) or _OPT_IN.search(text.lstrip("# \t")) for text in notes):
            return
        if all(debug_only("\n".join(kept[start:end])) for start, end in runs):
            return
        if len(covered) == 1 and _HEADING_CALL.match(kept[runs[0][0]].strip()):
            return
        first, last = runs[0][0], runs[-1][1] - 1
        code = "\n".join(kept[index] for index in sorted(covered))
        count = len(covered)
        self._report(
            group[first].line,
            group[last].line,
            f"{count} line{'s' if count > 1 else ''} of commented-out code",
            f"comment:{_normal(code)}",
        )

    def _report(self, start: int, end: int, what: str, key: str) -> None:
        source = self.ctx.file
        cell = source.cell_of(start)
        where = f" (notebook cell {cell})" if cell is not None else ""
        message = (
            f"{what}{where}; disabled code goes stale and leaves readers guessing whether it still matters."
        )
        context = "\n".join(source.python_lines[start - 1 : end]).strip()
        self.findings.append(
            self.make(
                source.path,
                source.raw_line(start),
                message,
                end_line=source.raw_line(end),
                suggestion=SUGGESTION,
                key=key,
                context=context,
            )
        )


def _groups(comments: list[Comment]) -> list[list[Comment]]:
    """Runs of comment-only lines on consecutive lines."""
    groups: list[list[Comment]] = []
    for comment in sorted(comments, key=lambda item: item.line):
        if groups and comment.line == groups[-1][-1].line + 1 and len(groups[-1]) < MAX_BLOCK_LINES:
            groups[-1].append(comment)
        else:
            groups.append([comment])
    return groups


def _only_imports(body: libcst.BaseSuite) -> bool:
    statements = body.body if isinstance(body, libcst.IndentedBlock) else [body]
    for statement in statements:
        small = (
            statement.body
            if isinstance(statement, (libcst.SimpleStatementLine, libcst.SimpleStatementSuite))
            else None
        )
        if small is None or not all(
            isinstance(item, (libcst.Import, libcst.ImportFrom, libcst.Pass)) for item in small
        ):
            return False
    return True


def _code(node: libcst.BaseExpression) -> str:
    return code_of(node)


def _normal(text: str) -> str:
    return " ".join(text.split())
