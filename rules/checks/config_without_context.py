"""config-without-context: a hyperparameter or threshold the PR sets with no word on how it was chosen."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import libcst

from rules.checks import config_without_context_examples as examples
from rules.cst import body_of, docstring_of, string_value
from rules.finding import Finding, Severity
from rules.knobs import (
    KnobSite,
    Status,
    assignment_sites,
    base_values,
    call_sites,
    dict_sites,
    function_identity,
    is_io_call,
    is_location,
    is_neutral,
    is_number,
    is_plumbing,
    is_switch,
    is_trivial_addition,
    own_params,
    owner_of,
    param_sites,
    status_of,
)
from rules.pr_body import section_names, tuning_section
from rules.pyutil import HybridRule, is_ml_code, line_comment, numbered_block_above, paragraph_comments
from rules.rule import FileContext, register
from rules.source import FileKind
from rules.tuning import is_default, normalise_name, strength_of
from rules.tuning_configs import is_config_path, unexplained_settings
from rules.tuning_sites import PySite, candidate_configs, is_throughput, is_tuning_call, sites_in
from rules.tuning_verdict import UNPLACED, Evidence, Unexplained, judge

RULE_ID = "config-without-context"
CONFIG_KINDS = frozenset({FileKind.YAML, FileKind.TOML, FileKind.JSON})
# Identifiers are echoed in messages; anything longer is cut so a hostile key cannot flood a comment.
MAX_NAME_IN_MESSAGE = 60
# A call such as `XGBClassifier(max_depth=6, n_estimators=800, ...)` is one finding;
# its message names this many.
MAX_VALUES_IN_MESSAGE = 4

SUGGESTION = (
    "Say how, when or on what data it was chosen, on the line or just above "
    "(`# Optuna study 42, 2024-03-01, data v3`), "
    "or name it under a `## Tuning context` heading in the PR description."
)

# In plotting code a variable called `alpha` is a transparency.
_PLOT_IMPORT = re.compile(
    r"^[ \t]*(?:import|from)[ \t]+(?:matplotlib|seaborn|plotly|bokeh|altair)\b", re.MULTILINE
)
# Constructors of estimators, optimizers, trainers and their option objects:
# a keyword added to one is a setting.
_CONSTRUCTOR = re.compile(r"^[A-Z]\w*$|^(?:train|fit|optimize|create_study|compile)$")


def _code(text: str) -> str:
    """An identifier or value, safe to show inside backticks."""
    clean = text.replace("`", "'").replace("\n", " ")
    return clean if len(clean) <= MAX_NAME_IN_MESSAGE else clean[: MAX_NAME_IN_MESSAGE - 1] + "…"


def _message(items: Sequence[Unexplained]) -> str:
    shown = [f"`{_code(item.name)}={_code(item.value)}`" for item in items[:MAX_VALUES_IN_MESSAGE]]
    if len(items) > MAX_VALUES_IN_MESSAGE:
        shown.append(f"{len(items) - MAX_VALUES_IN_MESSAGE} more")
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    verb = "is" if len(items) == 1 else "are"
    stale = [item for item in items if item.stale]
    if stale and len(stale) == len(items):
        return (
            f"{listed} {verb} set, but the comment beside it still describes the previous value; "
            "nothing records how the new one was chosen."
        )
    text = (
        f"{listed} {verb} set with no tuning context; a reader cannot tell how, "
        f"when or on what data {'it was' if len(items) == 1 else 'they were'} chosen."
    )
    if stale:
        text += f" The comment beside `{_code(stale[0].name)}` still describes its previous value."
    return text


def _key(items: Iterable[Unexplained]) -> str:
    """Name and parsed value: `1e-3` and `0.001` are the same setting, wherever the line moves."""
    return ";".join(sorted(f"{normalise_name(item.name)}={item.value}" for item in items))


@register
class ConfigWithoutContext(HybridRule):
    id = RULE_ID
    severity = Severity.HIGH
    title = "Tuned value without tuning context"
    kinds = frozenset({FileKind.PYTHON}) | CONFIG_KINDS
    # A library's usage example shows where a knob goes; its value is illustration, not a tuning decision.
    applies_to_examples = False

    VALID = examples.VALID
    INVALID = examples.INVALID

    # ------------------------------------------------------------------ Python

    def may_find(self) -> bool:
        """The initial values of a brand-new file are not a tuning
        change (a copy is pipeline-jungle's business)."""
        return not is_new_file(self.ctx)

    def visit_Module(self, node: libcst.Module) -> None:
        file = self.ctx.file
        self._ml = is_ml_code(file.path, file.text)
        self._config_module = is_config_path(file.path)
        self._plots = bool(_PLOT_IMPORT.search(file.text))
        self._docs: list[libcst.Module | libcst.ClassDef | libcst.FunctionDef] = [node]
        self._statements: list[int] = []
        self._section = tuning_section(self.ctx.pr_body)
        self._strong_seen = False
        self._docstrings: dict[int, tuple[int, str]] = {}
        self._unexplained: dict[int, dict[str, tuple[libcst.CSTNode, Unexplained]]] = {}
        self._pending: list[
            tuple[PySite, list[libcst.Module | libcst.ClassDef | libcst.FunctionDef], int | None]
        ] = []
        self._candidates: set[int] = set()
        self._in_candidate = 0
        self._owners: dict[int, str] = {}
        self._compared = self.ctx.version == "head" and self.ctx.counterpart is not None
        self._base: dict[str, set[str]] | None = None

    def visit_ClassDef(self, node: libcst.ClassDef) -> None:
        self._docs.append(node)

    def leave_ClassDef(self, original_node: libcst.ClassDef) -> None:
        self._docs.pop()

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        self._docs.append(node)
        self._check_params(node)

    def _check_params(self, node: libcst.FunctionDef) -> None:
        """Defaults of a function the base already had: a new function's are its initial values, as a new
        file's are, and its callers may not even use them yet."""
        if not self._compared:
            return
        qualified = ".".join(
            scope.name.value for scope in self._docs[1:] if not isinstance(scope, libcst.Module)
        )
        if function_identity(qualified) in self._base_values():
            self._check_changes(site for param in own_params(node) for site in param_sites(param, qualified))

    def leave_FunctionDef(self, original_node: libcst.FunctionDef) -> None:
        self._docs.pop()

    def visit_SimpleStatementLine(self, node: libcst.SimpleStatementLine) -> None:
        self._statements.append(self.first_line(node))

    def leave_SimpleStatementLine(self, original_node: libcst.SimpleStatementLine) -> None:
        self._statements.pop()

    def visit_Assign(self, node: libcst.Assign) -> None:
        self._assignment(node)

    def visit_AnnAssign(self, node: libcst.AnnAssign) -> None:
        self._assignment(node)

    def _assignment(self, node: libcst.Assign | libcst.AnnAssign) -> None:
        if node.value is not None:
            self._owners[id(node.value)] = owner_of(node)
        self._remember_candidates(node)
        self._check_sites(node)
        self._check_changes(assignment_sites(node))

    def visit_Call(self, node: libcst.Call) -> None:
        self._enter_candidate(node)
        self._check_sites(node)
        self._check_changes(call_sites(node, self._owners.get(id(node), "")))

    def leave_Call(self, original_node: libcst.Call) -> None:
        self._leave_candidate(original_node)

    def visit_Dict(self, node: libcst.Dict) -> None:
        self._enter_candidate(node)
        self._check_sites(node)
        self._check_changes(dict_sites(node))

    def leave_Dict(self, original_node: libcst.Dict) -> None:
        self._leave_candidate(original_node)

    def _remember_candidates(self, node: libcst.Assign | libcst.AnnAssign) -> None:
        """A grid of candidate configs is a search space:
        nothing inside one of its entries is a chosen value."""
        self._candidates.update(id(element) for element in candidate_configs(node))

    def _enter_candidate(self, node: libcst.CSTNode) -> None:
        if id(node) in self._candidates:
            self._in_candidate += 1

    def _leave_candidate(self, node: libcst.CSTNode) -> None:
        if id(node) in self._candidates:
            self._in_candidate -= 1

    def _check_sites(self, node: libcst.CSTNode) -> None:
        """Settings recognised by name: reported as debt wherever they lack context."""
        if self._in_candidate:
            return
        for site in sites_in(node):
            if self._plots and not isinstance(site.node, libcst.Arg) and normalise_name(site.name) == "alpha":
                continue
            if site.strength == "strong":
                self._strong_seen = True
            statement = self._statements[-1] if self._statements else None
            if site.strength == "weak" and not self._ml:
                self._pending.append((site, list(self._docs), statement))
            else:
                self._judge(site.node, site.name, site.value, site.note, site.callee, self._docs, statement)

    def _check_changes(self, sites: Iterable[KnobSite]) -> None:
        """Settings the PR changed or added, recognised by their place rather than their name."""
        if not self._compared or self._in_candidate:
            return
        for site in sites:
            status = self._status(site.identity, site.value)
            if status != "same" and self._is_knob(site, status):
                statement = self._statements[-1] if self._statements else None
                self._judge(
                    site.node,
                    site.name,
                    site.value,
                    site.note,
                    site.callee,
                    self._docs,
                    statement,
                    site.identity,
                )

    def _is_knob(self, site: KnobSite, status: Status) -> bool:
        name, value, where = site.name, site.value, site.where
        if (
            is_plumbing(name)
            or is_location(value)
            or (where == "kwarg" and not is_tuning_call(site.callee))
            or is_io_call(site.callee)
        ):
            return False
        if where == "kwarg" and is_throughput(site.callee, normalise_name(name)):
            return False
        if self._plots and where != "kwarg" and normalise_name(name) == "alpha":
            return False
        strength = strength_of(name, keyword=where in ("kwarg", "param"))
        switch = is_switch(name)
        if where == "param":
            # A helper's parameters are not all settings: only a hyperparameter's name or a switch says so.
            named = strength is not None or (switch and not is_neutral(value))
            return (
                named
                and (self._ml or switch)
                and not (status == "added" and is_trivial_addition(value, strength))
            )
        settings_level = len(self._docs) == 1 or isinstance(self._docs[-1], libcst.ClassDef)
        if where == "assign" and not settings_level and strength is None:
            return False
        if not (self._ml or self._config_module or switch):
            return False
        constructor = where == "kwarg" and bool(_CONSTRUCTOR.match(site.callee.rsplit(".", 1)[-1]))
        if status == "changed":
            if where == "assign":
                return strength is not None or switch or self._config_module or name.isupper()
            # A new string or flag is a setting where it picks a model,
            # a device or a mode, not how a frame is merged.
            return (
                is_number(value)
                or strength is not None
                or switch
                or where == "cli"
                or self._config_module
                or constructor
            )
        if not is_number(value):
            return switch and not is_neutral(value) and where in ("kwarg", "dict", "assign")
        if is_trivial_addition(value, strength) or where == "positional":
            return False
        if strength is not None or where == "dict":
            return True
        return constructor or (where == "assign" and self._config_module and settings_level)

    def _status(self, identity: str, value: str) -> Status:
        if not self._compared:
            return "same"
        return status_of(identity, value, self._base_values())

    def _base_values(self) -> dict[str, set[str]]:
        if self._base is None:
            counterpart = self.ctx.counterpart
            self._base = base_values(counterpart.module if counterpart is not None else None)
        return self._base

    def finish(self) -> None:
        """Ambiguous names count outside model code only beside
        an unmistakable hyperparameter (a `config.py`)."""
        if self._strong_seen:
            for site, docs, statement in self._pending:
                self._judge(site.node, site.name, site.value, site.note, site.callee, docs, statement)
        for line in sorted(self._unexplained):
            found = list(self._unexplained[line].values())
            items = [item for _, item in found]
            self.flag(found[0][0], _message(items), suggestion=SUGGESTION, key=_key(items))

    def _judge(
        self,
        node: libcst.CSTNode,
        name: str,
        value: str,
        note: str,
        callee: str,
        scopes: Sequence[libcst.Module | libcst.ClassDef | libcst.FunctionDef],
        statement: int | None,
        identity: str | None = None,
    ) -> None:
        if section_names(self._section, name) or is_default(name, value, callee):
            return
        start, end = self.position(node)
        if normalise_name(name) in self._unexplained.get(start, {}):
            return
        status = self._status(identity or normalise_name(name), value)
        old = (self._base or {}).get(identity or normalise_name(name), set())
        touched = self.ctx.touched if status != "same" else frozenset()
        verdict = judge(
            self._evidence(start, end, statement, note, scopes),
            value,
            old,
            status,
            touched,
            range(start, end + 1),
        )
        if not verdict.explained:
            self._unexplained.setdefault(start, {})[normalise_name(name)] = (
                node,
                Unexplained(name, value, verdict.stale),
            )

    def _evidence(
        self,
        start: int,
        end: int,
        statement: int | None,
        note: str,
        scopes: Sequence[libcst.Module | libcst.ClassDef | libcst.FunctionDef],
    ) -> Evidence:
        lines = self.ctx.file.python_lines
        near = [
            (start, line_comment(lines[start - 1])),
            (end, line_comment(lines[end - 1])),
            *numbered_block_above(lines, start),
        ]
        if note:
            near.append((UNPLACED, note))
        if statement is not None and statement != start:
            near.append((statement, line_comment(lines[statement - 1])))
            near.extend(numbered_block_above(lines, statement))
        near.extend(paragraph_comments(lines, statement or start))
        return Evidence(near=near, wider=[self._docstring(scope) for scope in scopes])

    def _docstring(self, scope: libcst.Module | libcst.ClassDef | libcst.FunctionDef) -> tuple[int, str]:
        key = id(scope)
        if key not in self._docstrings:
            doc = docstring_of(body_of(scope))
            self._docstrings[key] = (
                (self.first_line(doc), string_value(doc) or "") if doc is not None else (UNPLACED, "")
            )
        return self._docstrings[key]

    # ------------------------------------------------------------------ configs

    def check(self, ctx: FileContext) -> Iterable[Finding]:
        if ctx.file.kind not in CONFIG_KINDS or is_new_file(ctx):
            return []
        lines = ctx.file.lines
        return [
            self.make(
                ctx.file.path,
                line,
                _message(items),
                suggestion=SUGGESTION,
                key=_key(items),
                context=lines[line - 1].strip() if line <= len(lines) else "",
            )
            for line, items in sorted(unexplained_settings(ctx).items())
        ]


def is_new_file(ctx: FileContext) -> bool:
    return ctx.version == "head" and ctx.counterpart is None
