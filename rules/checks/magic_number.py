"""magic-number: an unexplained cut-off in the logic of model, training or feature code."""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst

from rules.checks import magic_number_examples as examples
from rules.checks.magic_number_excuses import (
    comment_explains,
    is_calendar_bound,
    is_self_explanatory,
)
from rules.checks.magic_number_sites import (
    FOLD_LOOP,
    NORMALISATION,
    clip_bounds,
    explain,
    fold_count,
    normalisation_literal,
)
from rules.cst import code_of, dotted
from rules.finding import Severity
from rules.pyutil import comment_block_above, is_ml_code, is_prose_comment, line_comment
from rules.rule import PythonRule, register
from rules.source import FileKind
from rules.tuning import normalise_number
from rules.tuning_sites import number_from_expr, sites_in

# Comparisons against these are about the program, the interpreter or the protocol, not the data.
_PLUMBING_SUBJECT = re.compile(
    r"sys\.argv|version_info|__version__|\bversion\b|\.ndim\b|\.dim\(\)|status(?:_code)?\b|returncode|exit_code|"
    r"\bverbos\w*|\bmajor\b|\bminor\b|\battempts?\b|\bretries\b|\bport\b|\bpid\b|\blevel\b|loglevel|log_level",
    re.IGNORECASE,
)
# `np.random.random((10, 5))`, `numpy.random.rand(10, 5)`: numbers made up on the spot.
_NUMPY_RANDOM = ("np.random.", "numpy.random.")
# Calls that build a generator rather than draw numbers from one.
_GENERATOR_FACTORIES = frozenset({"default_rng", "RandomState", "Generator"})
_ORDERING = (libcst.LessThan, libcst.LessThanEqual, libcst.GreaterThan, libcst.GreaterThanEqual)


@dataclass(frozen=True)
class Candidate:
    literal: libcst.BaseExpression
    # The comparison or clip call the literal bounds.
    comparison: libcst.CSTNode
    statement: int
    value: str
    scope: str
    # What the literal decides: a cut-off (comparison or clip), a fold count, normalisation statistics.
    kind: str = ""


@register
class MagicNumber(PythonRule):
    id = "magic-number"
    severity = Severity.MEDIUM
    title = "Unexplained magic number"
    kinds = frozenset({FileKind.PYTHON})

    VALID = examples.VALID
    INVALID = examples.INVALID

    def visit_Module(self, node: libcst.Module) -> None:
        file = self.ctx.file
        self._active = is_ml_code(file.path, file.text)
        self._scopes: list[str] = []
        self._candidates: list[Candidate] = []
        self._setters: list[libcst.CSTNode] = []
        self._statements: list[int] = []
        # Per scope, each name's latest assignment: "array" for random demo data, "generator" for a numpy RNG.
        self._random: dict[str, dict[str, str]] = {}
        self._demo_masks: set[int] = set()

    def _enter(self, node: libcst.CSTNode) -> None:
        if self._active:
            self._statements.append(self.first_line(node))

    def _leave(self) -> None:
        if self._active:
            self._statements.pop()

    def visit_SimpleStatementLine(self, node: libcst.SimpleStatementLine) -> None:
        self._enter(node)

    def leave_SimpleStatementLine(self, original_node: libcst.SimpleStatementLine) -> None:
        self._leave()

    def visit_If(self, node: libcst.If) -> None:
        self._enter(node)

    def leave_If(self, original_node: libcst.If) -> None:
        self._leave()

    def visit_While(self, node: libcst.While) -> None:
        self._enter(node)

    def leave_While(self, original_node: libcst.While) -> None:
        self._leave()

    def visit_ClassDef(self, node: libcst.ClassDef) -> None:
        self._scopes.append(node.name.value)

    def leave_ClassDef(self, original_node: libcst.ClassDef) -> None:
        self._scopes.pop()

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        self._scopes.append(node.name.value)

    def leave_FunctionDef(self, original_node: libcst.FunctionDef) -> None:
        self._scopes.pop()

    def visit_Assign(self, node: libcst.Assign) -> None:
        self._remember_setter(node)
        if self._active:
            self._track_random(node)

    def _track_random(self, node: libcst.Assign | libcst.AnnAssign) -> None:
        """Remember which names hold random numbers; any other assignment to a name forgets it."""
        kind = self._random_kind(node.value) if node.value is not None else None
        names = self._random.setdefault(self._scope(), {})
        targets = [item.target for item in node.targets] if isinstance(node, libcst.Assign) else [node.target]
        for target in targets:
            if isinstance(target, libcst.Name):
                if kind:
                    names[target.value] = kind
                else:
                    names.pop(target.value, None)

    def _random_kind(self, value: libcst.BaseExpression) -> str | None:
        if not isinstance(value, libcst.Call):
            return None
        callee = dotted(value.func, loose=True) or ""
        last = callee.rsplit(".", 1)[-1]
        if callee.startswith(_NUMPY_RANDOM):
            if last in _GENERATOR_FACTORIES:
                return "generator"
            # Without a shape numpy draws one scalar, which is
            # a probability gate (`rand() < 0.3`), not demo data.
            return "array" if value.args else None
        head = callee.rsplit(".", 1)[0] if "." in callee else ""
        if head and self._random.get(self._scope(), {}).get(head) == "generator" and value.args:
            return "array"
        return None

    def visit_Subscript(self, node: libcst.Subscript) -> None:
        """`X[X < 0.7] = 0` on `X = np.random.random((10, 5))` shapes made-up demo data;
        its cut-off decides nothing."""
        if not self._active or not isinstance(node.value, libcst.Name) or len(node.slice) != 1:
            return
        index = node.slice[0].slice
        if not isinstance(index, libcst.Index) or not isinstance(index.value, libcst.Comparison):
            return
        name = node.value.value
        if self._random.get(self._scope(), {}).get(name) != "array":
            return
        comparison = index.value
        operands = [comparison.left, *(target.comparator for target in comparison.comparisons)]
        if any(isinstance(operand, libcst.Name) and operand.value == name for operand in operands):
            self._demo_masks.add(id(comparison))

    def _scope(self) -> str:
        return ".".join(self._scopes) or "<module>"

    def visit_AnnAssign(self, node: libcst.AnnAssign) -> None:
        self._remember_setter(node)
        if self._active:
            self._track_random(node)

    def visit_Call(self, node: libcst.Call) -> None:
        self._remember_setter(node)
        if self._active:
            self._clip_bounds(node)
            literal = normalisation_literal(node)
            if literal is not None:
                self._add(literal, node, NORMALISATION)

    def visit_For(self, node: libcst.For) -> None:
        literal = fold_count(node) if self._active else None
        if literal is not None:
            self._add(literal, node.iter, FOLD_LOOP)

    def _add(self, literal: libcst.BaseExpression, site: libcst.CSTNode, kind: str) -> None:
        statement = self.first_line(site)
        if isinstance(site, libcst.Call) and kind == NORMALISATION:
            # Both statistics are shown: a std reads as wrong only next to its mean.
            value = ", ".join(_code_of(arg.value) for arg in site.args[:2])
        else:
            value = normalise_number(number_from_expr(literal) or 0)
        self._candidates.append(Candidate(literal, site, statement, value, self._scope(), kind))

    def _clip_bounds(self, node: libcst.Call) -> None:
        """The bounds of a clip: where outliers are cut, as much a cut-off as a comparison is."""
        for literal, value in clip_bounds(node):
            statement = self._statements[-1] if self._statements else self.first_line(node)
            self._candidates.append(
                Candidate(literal, node, statement, normalise_number(value), self._scope())
            )

    def visit_Dict(self, node: libcst.Dict) -> None:
        self._remember_setter(node)

    def _remember_setter(self, node: libcst.CSTNode) -> None:
        if self._active:
            self._setters.append(node)

    def visit_Comparison(self, node: libcst.Comparison) -> None:
        if not self._active or id(node) in self._demo_masks:
            return
        operands = [node.left, *(target.comparator for target in node.comparisons)]
        for index, target in enumerate(node.comparisons):
            if not isinstance(target.operator, _ORDERING):
                continue
            pair = (operands[index], operands[index + 1])
            for side, other in (pair, pair[::-1]):
                self._consider(side, other, node)

    def _consider(
        self, side: libcst.BaseExpression, other: libcst.BaseExpression, comparison: libcst.Comparison
    ) -> None:
        value = number_from_expr(side)
        if value is None or isinstance(value, complex) or number_from_expr(other) is not None:
            return
        if (
            is_self_explanatory(value)
            or _PLUMBING_SUBJECT.search(_code_of(other))
            or is_calendar_bound(value, other)
        ):
            return
        scope = self._scope()
        statement = self._statements[-1] if self._statements else self.first_line(comparison)
        self._candidates.append(Candidate(side, comparison, statement, normalise_number(value), scope))

    def finish(self) -> None:
        if not self._candidates:
            return
        lines = self.ctx.file.python_lines
        tuned = self._tuned_lines()
        for candidate in self._candidates:
            line = self.first_line(candidate.literal)
            start = self.first_line(candidate.comparison)
            if line in tuned or start in tuned:
                continue
            at_value = [line_comment(lines[line - 1]), line_comment(lines[start - 1])]
            above = [*comment_block_above(lines, start)]
            for other in {line, candidate.statement} - {start}:
                above.extend(comment_block_above(lines, other))
            if any(is_prose_comment(comment) for comment in at_value if comment) or comment_explains(
                above, candidate.value
            ):
                continue
            message, suggestion = explain(
                candidate.kind, candidate.value, clip=isinstance(candidate.comparison, libcst.Call)
            )
            self.flag(
                candidate.literal, message, suggestion=suggestion, key=f"{candidate.scope}:{candidate.value}"
            )

    def _tuned_lines(self) -> set[int]:
        """Lines where config-without-context has jurisdiction, so one line never gets both findings."""
        lines: set[int] = set()
        for node in self._setters:
            for site in sites_in(node):
                lines.add(self.first_line(site.node))
        return lines


def _code_of(node: libcst.BaseExpression) -> str:
    name = dotted(node, loose=True) if isinstance(node, (libcst.Name, libcst.Attribute)) else None
    return name or code_of(node)
