"""Collecting a module's facts in the shared traversal, and the rule base that reads them.

Several rules ask the same questions of a module: is this `SS` sklearn's
`StandardScaler`, does this function load data, fit a model, save it, and
which functions does a training entry point reach. The answers are collected
during the engine's single batched traversal (`FactsCollector`, once per file
for every `FactsRule`), so asking them costs no extra walk of the tree. The
facts themselves are `rules.module_facts`; the library vocabulary and name
resolution they use, `rules.ml_names`; what one call does (load data, train a
model), `rules.ml_calls`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import libcst

from rules.cst import dotted, string_value
from rules.module_facts import MODULE_SCOPE, CallSite, CheckSite, ModuleFacts, Scope, mentions
from rules.rule import FileContext, PythonRule, Visitor
from rules.source import FileKind


def option_names(options: Mapping[str, object], name: str) -> tuple[str, ...]:
    """A list-of-names option from the repo config, as strings; anything else is no names."""
    value = options.get(name)
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(str(item) for item in value)
    return ()


class FactsCollector(Visitor):
    """Collects one module's `ModuleFacts` while the shared traversal passes by.

    The facts depend on the module alone, so the engine runs one collector per
    file for all its `FactsRule`s (`share_facts`) instead of each rule
    collecting the same facts again.
    """

    def __init__(self, *, notebook: bool) -> None:
        super().__init__()
        self.facts = ModuleFacts(notebook=notebook)
        self._scopes: list[Scope] = []
        self._classes: list[tuple[str, int]] = []

    def current_scope(self) -> Scope:
        # A method, not a property: the batched visitor reads
        # every attribute while collecting `visit_*` hooks.
        return self._scopes[-1]

    def visit_Module(self, node: libcst.Module) -> None:
        self.facts.module = Scope(MODULE_SCOPE, node)
        self._scopes.append(self.facts.module)

    def visit_Import(self, node: libcst.Import) -> None:
        self.facts.imports.add(node)

    def visit_ImportFrom(self, node: libcst.ImportFrom) -> None:
        self.facts.imports.add(node)

    def visit_ClassDef(self, node: libcst.ClassDef) -> None:
        bases = tuple(self.facts.imports.qualify(base.value) or "" for base in node.bases)
        self.facts.classes[node.name.value] = bases
        self._classes.append((node.name.value, len(self._scopes)))

    def leave_ClassDef(self, original_node: libcst.ClassDef) -> None:
        self._classes.pop()

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        class_name = (
            self._classes[-1][0] if self._classes and self._classes[-1][1] == len(self._scopes) else None
        )
        parent = self.current_scope() if self.current_scope().name != MODULE_SCOPE else None
        name = f"{class_name}.{node.name.value}" if class_name else node.name.value
        decorators = []
        for decorator in node.decorators:
            expr = (
                decorator.decorator.func
                if isinstance(decorator.decorator, libcst.Call)
                else decorator.decorator
            )
            decorators.append(self.facts.imports.qualify(expr) or "")
        scope = Scope(name, node, class_name=class_name, parent=parent, decorators=tuple(decorators))
        self.facts.functions.append(scope)
        self._scopes.append(scope)

    def leave_FunctionDef(self, original_node: libcst.FunctionDef) -> None:
        self._scopes.pop()

    def visit_If(self, node: libcst.If) -> None:
        if len(self._scopes) == 1 and _is_main_guard(node.test):
            self.facts.main_guard = node
        if _raises(node.body):
            self.current_scope().checks.append(_check_site(node, node.test))

    def visit_Assign(self, node: libcst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, libcst.Name):
                self.current_scope().values[target.target.value] = node.value
        if not isinstance(node.value, libcst.Call):
            return
        ctor = self.facts.imports.qualify(node.value.func)
        for target in node.targets:
            name = dotted(target.target)
            if name is not None and ctor is not None:
                self.current_scope().constructed[name] = ctor
                class_name = self.current_scope().class_name
                if class_name is not None and name.startswith("self."):
                    # `self.scaler = StandardScaler()` in `__init__` is what `self.scaler` is in every method.
                    self.facts.attributes[(class_name, name)] = ctor
            elements = (
                target.target.elements if isinstance(target.target, (libcst.Tuple, libcst.List)) else ()
            )
            for bound in [name, *(dotted(element.value) for element in elements)]:
                if bound is not None:
                    self.current_scope().assigned[bound] = node.value

    def visit_Call(self, node: libcst.Call) -> None:
        imports = self.facts.imports
        # Names along the chain, calls and subscripts passed over:
        # `spark.read.format("x").load` → spark, read, format, load.
        callee = dotted(node.func, loose=True)
        path = callee.replace("()", "").split(".") if callee else []
        name = imports.qualify(node.func) or ".".join(path)
        receiver_ctor = None
        receiver_is_import = False
        if isinstance(node.func, libcst.Attribute):
            receiver = node.func.value
            if isinstance(receiver, libcst.Call):
                receiver_ctor = imports.qualify(receiver.func)
            else:
                receiver_name = dotted(receiver)
                if receiver_name is not None:
                    receiver_ctor = self._constructor(receiver_name)
                    receiver_is_import = imports.is_bound(receiver_name.split(".", 1)[0])
        name_args = tuple(arg.value.value for arg in node.args if isinstance(arg.value, libcst.Name))
        site = CallSite(
            node,
            name,
            path[-1] if path else "",
            path,
            receiver_ctor,
            self.current_scope(),
            name_args,
            receiver_is_import,
        )
        self.current_scope().calls.append(site)

    def visit_Assert(self, node: libcst.Assert) -> None:
        self.current_scope().checks.append(_check_site(node, node.test))

    def _constructor(self, name: str) -> str | None:
        for scope in reversed(self._scopes):
            if name in scope.constructed:
                return scope.constructed[name]
        class_name = self.current_scope().class_name
        return self.facts.attributes.get((class_name, name)) if class_name is not None else None


class FactsRule(PythonRule):
    """A Python rule that reads the `ModuleFacts` of the module it visits.

    On its own the rule collects them itself; in the engine one shared
    `FactsCollector` does, visiting each node ahead of the rules. Either way a
    hook sees the facts as they stand once its node is collected. Subclasses
    overriding a `visit_*`/`leave_*` method defined here must call `super()`;
    decisions belong in `finish()`, when the facts are complete.
    """

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._collector = FactsCollector(notebook=self.ctx.file.kind is FileKind.NOTEBOOK)
        self._collects = True
        self.facts = self._collector.facts

    def share(self, collector: FactsCollector) -> None:
        """Reads `collector`'s facts instead of collecting:
        the collector must visit every node before this rule."""
        self._collector = collector
        self._collects = False
        self.facts = collector.facts

    def current_scope(self) -> Scope:
        # A method, not a property: the batched visitor reads
        # every attribute while collecting `visit_*` hooks.
        return self._collector.current_scope()

    def visit_Module(self, node: libcst.Module) -> None:
        if self._collects:
            self._collector.visit_Module(node)

    def visit_Import(self, node: libcst.Import) -> None:
        if self._collects:
            self._collector.visit_Import(node)

    def visit_ImportFrom(self, node: libcst.ImportFrom) -> None:
        if self._collects:
            self._collector.visit_ImportFrom(node)

    def visit_ClassDef(self, node: libcst.ClassDef) -> None:
        if self._collects:
            self._collector.visit_ClassDef(node)

    def leave_ClassDef(self, original_node: libcst.ClassDef) -> None:
        if self._collects:
            self._collector.leave_ClassDef(original_node)

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        if self._collects:
            self._collector.visit_FunctionDef(node)

    def leave_FunctionDef(self, original_node: libcst.FunctionDef) -> None:
        if self._collects:
            self._collector.leave_FunctionDef(original_node)

    def visit_If(self, node: libcst.If) -> None:
        if self._collects:
            self._collector.visit_If(node)

    def visit_Assign(self, node: libcst.Assign) -> None:
        if self._collects:
            self._collector.visit_Assign(node)

    def visit_Call(self, node: libcst.Call) -> None:
        if self._collects:
            self._collector.visit_Call(node)

    def visit_Assert(self, node: libcst.Assert) -> None:
        if self._collects:
            self._collector.visit_Assert(node)

    def flag_span(
        self, node: libcst.CSTNode, last: libcst.CSTNode | None, message: str, *, suggestion: str, key: str
    ) -> None:
        """Flags `node`, spanning down to `last` so that a change anywhere between them makes the finding new.

        Notebooks keep a single line: a span across cells would cover JSON, not code.
        """
        self.flag(node, message, suggestion=suggestion, key=key)
        if last is None or self.facts.notebook:
            return
        end = self.ctx.file.raw_line(self.first_line(last))
        finding = self.findings[-1]
        if end > finding.line:
            self.findings[-1] = finding.with_(end_line=end)

    def line_of(self, node: libcst.CSTNode) -> int:
        return self.first_line(node)

    def code(self, node: libcst.CSTNode, limit: int | None) -> str:
        """Source of a node on one line, cut to `limit` characters for messages (None: all of it)."""
        module = self.facts.module.node if self.facts.module else None
        text = self.facts.rendered.get(id(node))
        if not isinstance(module, libcst.Module):
            text = ""
        elif text is None:
            # Most annotations and receivers are plain names, which need no code generation.
            plain = (
                dotted(node) if isinstance(node, libcst.BaseExpression) and _written_plainly(node) else None
            )
            text = plain or " ".join(module.code_for_node(node).split()).replace("`", "'")
            self.facts.rendered[id(node)] = text
        return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def _written_plainly(node: libcst.CSTNode) -> bool:
    """A chain of names without parentheses or spaces anywhere: its dotted name is exactly its source."""
    while isinstance(node, libcst.Attribute):
        dot = node.dot
        if (
            node.lpar
            or node.attr.lpar
            or not _no_space(dot.whitespace_before)
            or not _no_space(dot.whitespace_after)
        ):
            return False
        node = node.value
    return isinstance(node, libcst.Name) and not node.lpar


def _no_space(whitespace: libcst.BaseParenthesizableWhitespace) -> bool:
    return isinstance(whitespace, libcst.SimpleWhitespace) and not whitespace.value


def share_facts(visitors: Sequence[libcst.BatchableCSTVisitor]) -> list[FactsCollector]:
    """One collector for all the `FactsRule`s among one file's visitors,
    to run ahead of them (none if there are none)."""
    rules = [visitor for visitor in visitors if isinstance(visitor, FactsRule)]
    if not rules:
        return []
    collector = FactsCollector(notebook=rules[0].facts.notebook)
    for rule in rules:
        rule.share(collector)
    return [collector]


def _check_site(node: libcst.Assert | libcst.If, test: libcst.BaseExpression) -> CheckSite:
    """Conditions are small, so walking one here costs less than watching every name in the module."""
    names, attributes = mentions(test)
    return CheckSite(node, names, attributes)


def _raises(body: libcst.BaseSuite) -> bool:
    statements = body.body if isinstance(body, libcst.IndentedBlock) else [body]
    for statement in statements:
        small = (
            statement.body
            if isinstance(statement, (libcst.SimpleStatementLine, libcst.SimpleStatementSuite))
            else ()
        )
        if any(isinstance(item, libcst.Raise) for item in small):
            return True
    return False


def _is_main_guard(test: libcst.BaseExpression) -> bool:
    if not isinstance(test, libcst.Comparison) or len(test.comparisons) != 1:
        return False
    left, right = test.left, test.comparisons[0].comparator
    names = {dotted(left), dotted(right)}
    values = {string_value(left), string_value(right)}
    return "__name__" in names and "__main__" in values
