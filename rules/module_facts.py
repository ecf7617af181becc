"""What a module does, as the rules about ML code ask it: its scopes, calls, checks, imports and entry points.

`FactsCollector` (rules.dataflow) fills these in during the engine's single
traversal; rules read them once the module is complete, so a question such as
"which functions does `main` reach" costs no walk of the tree of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst

from rules.ml_names import ESTIMATOR_METHODS, Imports, within

MODULE_SCOPE = "<module>"

# Names a function may have to be the place a training run starts.
ENTRY_FUNCTION_NAMES = frozenset(
    {
        "main",
        "train",
        "run",
        "fit_model",
        "train_model",
        "run_training",
        "training",
        "run_train",
        "cli",
        "pipeline",
        "run_pipeline",
        "entrypoint",
    }
)
_ENTRY_PREFIXES = ("train_", "fit_model_", "run_train")
_CLI_LIBRARIES = ("click", "typer", "hydra", "fire", "sacred")
_CLI_DECORATORS = frozenset({"command", "main", "automain", "group"})


@dataclass(eq=False)
class CallSite:
    """One call, with what its callee and receiver resolve to."""

    node: libcst.Call
    name: str
    method: str
    path: list[str]
    receiver_ctor: str | None
    scope: Scope
    name_args: tuple[str, ...] = ()
    receiver_is_import: bool = False


@dataclass(eq=False)
class CheckSite:
    """An `assert` or an `if ...: raise`: the names and attributes its condition mentions."""

    node: libcst.Assert | libcst.If
    names: frozenset[str]
    attributes: frozenset[str]

    def widened(self, scope: Scope) -> tuple[frozenset[str], frozenset[str]]:
        """Names and attributes, looking one assignment back:
        `missing = [c for c in REQUIRED if c not in df.columns]`."""
        names, attributes = set(self.names), set(self.attributes)
        for name in self.names:
            value = scope.values.get(name)
            if value is not None:
                more_names, more_attributes = mentions(value)
                names |= more_names
                attributes |= more_attributes
        return frozenset(names), frozenset(attributes)


@dataclass(eq=False)
class Scope:
    """A function (or the module's top level) and what happens directly inside it."""

    name: str
    node: libcst.Module | libcst.FunctionDef
    class_name: str | None = None
    parent: Scope | None = None
    decorators: tuple[str, ...] = ()
    calls: list[CallSite] = field(default_factory=list)
    checks: list[CheckSite] = field(default_factory=list)
    constructed: dict[str, str] = field(default_factory=dict)
    assigned: dict[str, libcst.Call] = field(default_factory=dict)
    values: dict[str, libcst.BaseExpression] = field(default_factory=dict)

    @property
    def simple_name(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def label(self) -> str:
        return "this module" if self.name == MODULE_SCOPE else f"`{self.name}()`"


@dataclass(frozen=True)
class EntryPoint:
    scope: Scope
    kind: str

    @property
    def label(self) -> str:
        if self.kind == "notebook":
            return "this notebook"
        if self.scope.name == MODULE_SCOPE:
            return "this script"
        return self.scope.label


@dataclass
class ModuleFacts:
    imports: Imports = field(default_factory=Imports)
    module: Scope | None = None
    functions: list[Scope] = field(default_factory=list)
    classes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    main_guard: libcst.If | None = None
    notebook: bool = False
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)
    _by_name: dict[str, list[Scope]] | None = field(default=None, repr=False)
    _indexed: int = field(default=0, repr=False)
    _callees: dict[int, list[Scope]] = field(default_factory=dict, repr=False)
    # Each node's code on one line, by id: several rules and interpreter runs name the same calls.
    rendered: dict[int, str] = field(default_factory=dict, repr=False)

    def scopes(self) -> list[Scope]:
        return ([self.module] if self.module else []) + self.functions

    def _index(self) -> dict[str, list[Scope]]:
        """Functions by the name a call would use: `train` for functions, `Class.method` for methods."""
        if self._by_name is None or self._indexed != len(self.functions):
            self._by_name = {}
            for scope in self.functions:
                key = scope.simple_name if scope.class_name is None else scope.name
                self._by_name.setdefault(key, []).append(scope)
            self._indexed = len(self.functions)
            self._callees = {}
        return self._by_name

    def function(self, name: str, *, within: Scope | None = None) -> Scope | None:
        """The local function a bare name or `self.x` call refers to, preferring the innermost definition."""
        index = self._index()
        if name.startswith("self.") and within is not None and within.class_name:
            methods = index.get(f"{within.class_name}.{name[len('self.') :]}")
            return methods[0] if methods else None
        if "." in name:
            return None
        candidates = index.get(name, [])
        for candidate in candidates:
            if candidate.parent is within and within is not None:
                return candidate
        return next(
            (candidate for candidate in candidates if candidate.parent is None),
            candidates[0] if candidates else None,
        )

    def callees(self, scope: Scope) -> list[Scope]:
        """Local functions this scope calls or hands to someone who
        will (`fire.Fire(main)`, `executor.submit(train)`)."""
        self._index()
        cached = self._callees.get(id(scope))
        if cached is not None:
            return cached
        found: list[Scope] = []
        for site in scope.calls:
            for name in (site.name, *site.name_args):
                target = self.function(name, within=scope)
                if target is not None and target is not scope and target not in found:
                    found.append(target)
        self._callees[id(scope)] = found
        return found

    def reach(self, scope: Scope) -> list[Scope]:
        seen = [scope]
        index = 0
        while index < len(seen):
            for callee in self.callees(seen[index]):
                if callee not in seen:
                    seen.append(callee)
            index += 1
        return seen

    def entry_points(self) -> list[EntryPoint]:
        """Where a training run can start, outermost first: callers subsume the functions they reach."""
        candidates: list[EntryPoint] = []
        if self.module is not None:
            kind = "notebook" if self.notebook else "main-guard" if self.main_guard is not None else "script"
            candidates.append(EntryPoint(self.module, kind))
        for scope in self.functions:
            if self._is_cli(scope):
                candidates.append(EntryPoint(scope, "cli"))
            elif _entry_name(scope):
                candidates.append(EntryPoint(scope, "named"))
        reaches = {id(entry.scope): set(map(id, self.reach(entry.scope))) for entry in candidates}
        roots = []
        for entry in candidates:
            subsumed = any(
                other is not entry
                and id(entry.scope) in reaches[id(other.scope)]
                and id(other.scope) not in reaches[id(entry.scope)]
                for other in candidates
            )
            if not subsumed:
                roots.append(entry)
        return roots

    def _is_cli(self, scope: Scope) -> bool:
        for decorator in scope.decorators:
            last = decorator.rsplit(".", 1)[-1]
            if any(within(decorator, library) for library in _CLI_LIBRARIES):
                return True
            if last in _CLI_DECORATORS and "." in decorator and self.imports.uses(*_CLI_LIBRARIES):
                return True
        return False

    def all_calls(self) -> Iterator[CallSite]:
        for scope in self.scopes():
            yield from scope.calls


def _entry_name(scope: Scope) -> bool:
    name = scope.simple_name
    if scope.class_name is not None and name in ESTIMATOR_METHODS:
        return False
    return name in ENTRY_FUNCTION_NAMES or name.startswith(_ENTRY_PREFIXES)


def mentions(expression: libcst.CSTNode) -> tuple[frozenset[str], frozenset[str]]:
    """The names and attribute names in a small expression."""
    names: set[str] = set()
    attributes: set[str] = set()
    stack: list[libcst.CSTNode] = [expression]
    while stack:
        current = stack.pop()
        if isinstance(current, libcst.Name):
            names.add(current.value)
        elif isinstance(current, libcst.Attribute):
            attributes.add(current.attr.value)
        stack.extend(current.children)
    return frozenset(names), frozenset(attributes)
