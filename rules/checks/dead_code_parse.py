"""Whether the text under a `#` is code: parsed as Python, with English that happens to parse told apart.

The dead-code rule asks this of comment blocks in Python and notebooks; it is
kept apart because it is the part that decides precision, and its tests read it
directly.
"""

from __future__ import annotations

import ast
import re
import textwrap
import warnings

# Past this many lines a comment block is read in slices; no real snippet of code is longer.
MAX_RUN_LINES = 25
# Inspection and breakpoints: a commented-out `print(df)`
# is a leftover look at the data, not a parked code path.
_DEBUG_FUNCTIONS = frozenset({"print", "pprint", "display", "breakpoint"})
_DEBUG_METHODS = frozenset({"head", "tail", "info", "describe", "debug", "set_trace"})
_DEBUGGERS = frozenset({"pdb", "ipdb", "pudb"})
_TASK = re.compile(r"^(?:todo|fixme|xxx|hack|note|nb|bug|warning|warn)\b", re.IGNORECASE)
# A line that could start a statement: identifiers, decorators, brackets, strings.
_STARTS_CODE = re.compile(r"^(?:[A-Za-z_@(\[{'\"]|\*)")


def _strong(statement: ast.stmt) -> bool:
    """A statement that only code makes: more than a bare word, a name or a sentence that happens to parse."""
    if isinstance(statement, (ast.Assign, ast.AugAssign)):
        return not _looks_like_math(statement)
    if isinstance(statement, ast.AnnAssign):
        return statement.value is not None and _is_type(statement.annotation)
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom))
    if isinstance(statement, ast.Import):
        return len(statement.names) > 1 or any("." in alias.name or alias.asname for alias in statement.names)
    if isinstance(statement, (ast.Return, ast.Raise)):
        value = statement.value if isinstance(statement, ast.Return) else statement.exc
        # `return 1000` or `return a, b` is a value only code hands back; `return early` is English.
        literal = isinstance(statement, ast.Return) and isinstance(
            value, (ast.Constant, ast.Tuple, ast.List, ast.Dict)
        )
        return literal or isinstance(value, (ast.Call, ast.Attribute, ast.Subscript, ast.BinOp))
    if isinstance(statement, ast.Assert):
        return isinstance(statement.test, (ast.Compare, ast.Call))
    return isinstance(
        statement,
        (
            ast.ImportFrom,
            ast.If,
            ast.For,
            ast.AsyncFor,
            ast.While,
            ast.With,
            ast.AsyncWith,
            ast.Try,
            ast.FunctionDef,
            ast.AsyncFunctionDef,
            ast.ClassDef,
            ast.Delete,
        ),
    )


_BUILTIN_TYPES = frozenset(
    {"int", "float", "str", "bool", "bytes", "list", "dict", "tuple", "set", "frozenset", "object", "complex"}
)


def _is_type(annotation: ast.expr) -> bool:
    """`int`, `Path`, `np.ndarray`, `list[str]` are types; `disable` in `# pylint: disable=x` is not."""
    if isinstance(annotation, ast.Name):
        return annotation.id in _BUILTIN_TYPES or annotation.id[:1].isupper()
    return isinstance(annotation, (ast.Attribute, ast.Subscript, ast.BinOp, ast.Constant))


def _looks_like_math(statement: ast.Assign | ast.AugAssign) -> bool:
    """`# y = w * x + b` or `# loss = (y - t) ** 2` explains a formula;
    code calls, indexes or reads attributes."""
    if not isinstance(statement.value, (ast.BinOp, ast.UnaryOp)):
        return False
    for node in ast.walk(statement.value):
        if isinstance(node, (ast.Call, ast.Attribute, ast.Subscript)):
            return False
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            return False
    return True


def _parse(text: str) -> list[ast.stmt]:
    """The statements of a comment's text, or none when it is not Python; never raises on hostile input."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []


def parses_as_code(text: str) -> bool:
    return any(_strong(statement) for statement in _parse(text))


def parses_as_fragment(text: str) -> bool:
    """Lines cut out of a literal or a call: `"lr": 0.1,` entries of a params dict,
    `verbose=False,` arguments, `"income",` or `StandardScaler(),` entries of a list.

    Only a quoted key before a colon, or a keyword argument, quoted string or call with the
    trailing comma that separates elements, counts: prose in a comment has none of them.
    """
    body = text.strip()
    if not body.endswith(",") and not body.startswith(("'", '"')):
        return False
    wrapped = _parse("{\n" + text + "\n}")
    if len(wrapped) == 1 and isinstance(wrapped[0], ast.Expr) and isinstance(wrapped[0].value, ast.Dict):
        keys = wrapped[0].value.keys
        return bool(keys) and all(
            isinstance(key, ast.Constant) and isinstance(key.value, str) for key in keys
        )
    if not body.endswith(","):
        return False
    called = _parse("f(\n" + text + "\n)")
    if len(called) == 1 and isinstance(called[0], ast.Expr) and isinstance(called[0].value, ast.Call):
        call = called[0].value
        if call.keywords:
            return not call.args
        return bool(call.args) and all(_element(arg) for arg in call.args)
    return False


def _element(node: ast.expr) -> bool:
    """An entry of a list of columns, models or steps
    (`"income",`, `StandardScaler(),`); a bare word is prose."""
    return isinstance(node, ast.Call) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(node.value.strip())
    )


def _is_debug(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Import):
        return all(alias.name in _DEBUGGERS for alias in statement.names)
    if not isinstance(statement, ast.Expr):
        return False
    value = statement.value
    if isinstance(value, (ast.Name, ast.Attribute, ast.Subscript)):
        return True
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Name):
        return func.id in _DEBUG_FUNCTIONS and not (func.id == "print" and _reports(value))
    return isinstance(func, ast.Attribute) and func.attr in _DEBUG_METHODS


def _reports(call: ast.Call) -> bool:
    """A print with a message (`print("Test loss: {}".format(loss))`)
    is the program's output, not a peek at a value."""
    return any(
        isinstance(node, ast.JoinedStr)
        or (isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip())
        for arg in call.args
        for node in ast.walk(arg)
    )


def debug_only(text: str) -> bool:
    """Code that only looks at values or stops in a debugger; one line of real logic makes it a code path."""
    statements = _parse(textwrap.dedent(text))
    return bool(statements) and all(_is_debug(statement) for statement in statements)


def code_runs(lines: list[str]) -> list[tuple[int, int]]:
    """Maximal slices of the lines that parse as code, as (start, end) indexes, greedy from the top."""
    runs: list[tuple[int, int]] = []
    index = 0
    while index < len(lines):
        first = lines[index].lstrip()
        if not _STARTS_CODE.match(first) or _TASK.match(first):
            index += 1
            continue
        for end in range(min(len(lines), index + MAX_RUN_LINES), index, -1):
            chunk = textwrap.dedent("\n".join(lines[index:end]))
            if parses_as_code(chunk) or parses_as_fragment(chunk):
                while not lines[end - 1].strip():
                    end -= 1
                runs.append((index, end))
                index = end
                break
        else:
            index += 1
    return runs


def uncomment(text: str) -> str:
    """The text under every `#`: code commented out twice (`# # x = 1`) is still code."""
    body = text.strip()
    while body.startswith("#"):
        body = body[1:]
        body = body[1:] if body.startswith(" ") else body
    return body
