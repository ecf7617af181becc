"""split-leakage: a scaler, encoder, imputer or selector fitted on rows that include the evaluation data.

The check follows values rather than lines. A small abstract interpreter runs the
module from its top level (and every function nobody in the file calls), inlining
calls to the file's own functions, and records three kinds of event in execution
order: a transformer is fitted on some data, data is split into train and
evaluation rows, a fitted transformer is applied to some data. Every value
remembers which rows it holds (the dataset it came from, or the split output it
is part of) and which transformers produced it. A fit leaks when its rows include
an evaluation split, or when it happens on the full data before that data is
split and its output (or the transformer itself) reaches the split.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import libcst

from rules.dataflow import (
    COMPOSITE_LIBRARIES,
    COMPOSITES,
    CV_FUNCTIONS,
    ESTIMATOR_METHODS,
    LABEL_ENCODERS,
    SEARCH_CV,
    STATEFUL_TRANSFORMERS,
    STATELESS_TRANSFORMERS,
    FactsRule,
    Imports,
    ModuleFacts,
    Scope,
    dotted,
    is_library_name,
    is_transformer_ctor,
    reads_data,
    string_value,
)
from rules.finding import Severity
from rules.registry import Case, register

TRAIN, TEST = "train", "test"
# Interpretation stops after this many steps: a pathological module costs a bounded time, and
# a cut-short run only loses findings (every leak needs events that were seen).
MAX_STEPS = 50_000
# Nested inlining depth of the file's own functions; deeper chains are treated as opaque calls.
MAX_INLINE_DEPTH = 8
# Source shown in a message (`df[num_cols]`), cut so that one finding stays one readable line.
MAX_SHOWN = 40

_TOKEN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# Name tokens that mark a variable as holding evaluation or training rows (`X_test`, `valid_df`, `y_tr`).
TEST_TOKENS = frozenset({"test", "testing", "holdout", "val", "valid", "validation", "eval", "evaluation", "te", "tst", "oot"})
TRAIN_TOKENS = frozenset({"train", "training", "tr", "trn"})
# Tokens that mean "test/train" only next to another word: a bare `val` is usually a value.
WEAK_TOKENS = frozenset({"val", "valid", "eval", "te", "tr", "tst", "trn", "oot"})
# Keys of a dataset dict (Hugging Face `DatasetDict`) that name a split; `val`/`valid` are as often ordinary columns.
SPLIT_KEYS = {"train": TRAIN, "test": TEST, "validation": TEST, "holdout": TEST}
CONFIG_NAMES = re.compile(r"^(?:cfg|config|conf|args|opts?|options|params|hparams|hp|settings|flags|kwargs)$|_(?:cfg|config|args|params)$")
TARGET_LABEL = re.compile(r"(?:^|\W)(?:y|y_\w+|\w*labels?|\w*targets?|\w*class(?:es)?)(?:$|\W)|['\"](?:label|target|class)['\"]", re.IGNORECASE)
# Attributes that describe a frame rather than carry its rows.
META_ATTRIBUTES = frozenset({"shape", "columns", "dtypes", "dtype", "ndim", "size", "index", "name", "names", "empty", "schema"})
META_FUNCTIONS = frozenset({"len", "print", "isinstance", "int", "float", "str", "bool", "type", "range", "repr", "hash", "id", "round", "format", "getattr", "hasattr", "callable"})
PASS_THROUGH_FUNCTIONS = frozenset({"list", "tuple", "sorted", "reversed", "set", "iter", "next", "enumerate", "zip", "dict"})
FIT_METHODS = frozenset({"fit", "adapt"})
APPLY_METHODS = frozenset({"transform", "inverse_transform"})
SELF_RETURNING = frozenset({"set_params", "set_output"})
SPLIT_FUNCTION = "train_test_split"
# Transformers whose fit decides the model's input columns or codes: refitted on evaluation data, they do not
# merely leak statistics, they hand the model features it was never trained on.
FEATURE_SPACE_BUILDERS = frozenset(
    {
        "DictVectorizer", "OneHotEncoder", "OrdinalEncoder", "CountVectorizer", "TfidfVectorizer", "LabelEncoder",
        "LabelBinarizer", "MultiLabelBinarizer", "StringIndexer", "TextVectorization", "StringLookup", "IntegerLookup",
    }
)
# Calls that read a dataset of their own: its rows are new, whatever path or session they were given.
LOADER_CALL = re.compile(r"^(?:read\w*|load\w*|scan_\w+|csv|parquet|json|orc|table|sql|fetch\w*)$")
# Community aliases that are modules even when the import is missing from the snippet.
MODULE_ALIASES = frozenset({"pd", "np", "pl", "dd", "tf", "torch", "sk"})
SPLIT_LIBRARIES = ("sklearn",)
CV_LIBRARIES = ("sklearn", "skopt")


def _tokens(name: str) -> list[str]:
    return [token.lower() for token in _TOKEN.findall(name)]


def role_of_name(name: str, *, strong: bool = False) -> str | None:
    """`X_test` → test, `train_df` → train; a bare weak token (`val`, `tr`) says nothing.

    With `strong`, weak tokens never count: a helper's parameter `x_val` may well mean "x values".
    """
    tokens = _tokens(name.rsplit(".", 1)[-1])
    found = []
    for role, vocabulary in ((TEST, TEST_TOKENS), (TRAIN, TRAIN_TOKENS)):
        hits = [token for token in tokens if token in vocabulary and not (strong and token in WEAK_TOKENS)]
        if hits and (len(tokens) > 1 or hits[0] not in WEAK_TOKENS):
            found.append(role)
    # `X_train_val` is training and validation rows together: neither side.
    return found[0] if len(found) == 1 else None


@dataclass(eq=False)
class Transformer:
    cls: str
    stateful: bool


@dataclass(eq=False)
class Split:
    inputs: tuple[Val, ...]
    node: libcst.CSTNode
    label: str
    seq: int
    holdout: bool
    # The inlined calls the split ran under, outermost first: which function activation it belongs to.
    callers: tuple[libcst.Call, ...] = ()
    model: Val | None = None


@dataclass(eq=False)
class Val:
    """An abstract value: where its rows come from and what shaped it."""

    parents: tuple[Val, ...] = ()
    const: bool = False
    role: str | None = None
    split: Split | None = None
    items: tuple[Val, ...] | None = None
    transformer: Transformer | None = None
    search_cv: bool = False
    function: libcst.FunctionDef | None = None
    via: frozenset[int] = frozenset()
    label: str = ""


CONST = Val(const=True)


@dataclass(eq=False)
class Fit:
    transformer: Transformer
    data: Val
    node: libcst.Call
    label: str
    seq: int
    callers: tuple[libcst.Call, ...]
    destination: str


@dataclass(eq=False)
class Apply:
    transformer: Transformer
    data: Val
    node: libcst.Call
    seq: int


@dataclass
class Run:
    """The events of one interpretation, from the module's top level or from one uncalled function."""

    fits: list[Fit] = field(default_factory=list)
    splits: list[Split] = field(default_factory=list)
    applies: list[Apply] = field(default_factory=list)


class _OutOfSteps(Exception):
    pass


def derive(*values: Val) -> Val:
    """A value computed from others: their rows, and every transformer that shaped them or is built into it."""
    live = tuple(value for value in values if not value.const and value.transformer is None and not value.search_cv)
    via: frozenset[int] = frozenset(id(value.transformer) for value in values if value.transformer is not None)
    for value in live:
        via |= value.via
    if not live:
        return Val(via=via) if via else CONST
    return Val(parents=live, via=via)


class Interpreter:
    def __init__(self, facts: ModuleFacts, code_of: Callable[[libcst.CSTNode, int | None], str]) -> None:
        self.facts = facts
        self.imports: Imports = facts.imports
        self.code_of = code_of
        self.steps = 0
        self.seq = 0
        self.run = Run()
        self.globals: dict[str, Val] = {}
        self.attributes: dict[str, Val] = {}
        self.functions: dict[str, libcst.FunctionDef] = {}
        self.methods: dict[str, libcst.FunctionDef] = {}
        self.executed: set[int] = set()
        self.stack: list[libcst.FunctionDef] = []
        self.callers: list[libcst.Call] = []
        self.returns: list[list[Val]] = []
        self.cache: dict[tuple[object, ...], Val] = {}
        self.destination: libcst.CSTNode | None = None
        self._rows: dict[int, frozenset[int]] = {}
        self.by_id: dict[int, Val] = {}
        for scope in facts.functions:
            node = scope.node
            if not isinstance(node, libcst.FunctionDef):
                continue
            if scope.class_name is None and scope.parent is None:
                self.functions[scope.simple_name] = node
            elif scope.class_name is not None:
                self.methods[scope.name] = node

    # --- running -----------------------------------------------------------

    def run_module(self, module: libcst.Module) -> Run:
        self._guard(lambda: self.block(module.body, self.globals))
        return self._take()

    def run_function(self, node: libcst.FunctionDef, class_name: str | None) -> Run:
        env: dict[str, Val] = {}
        self.stack.append(node)
        self.returns.append([])
        params = [param.name.value for param in self._params(node)]
        # `def prepare(X_train, X_val)` names its evaluation set; a lone `x_val` parameter may be "x values".
        paired = any(role_of_name(name) == TRAIN for name in params)
        for name in params:
            if class_name is not None and name in ("self", "cls"):
                continue
            if CONFIG_NAMES.search(name):
                env[name] = CONST
            else:
                role = role_of_name(name, strong=not paired)
                env[name] = Val(parents=(Val(label=name),), role=role, label=name) if role else Val(label=name)
        self._guard(lambda: self.block(node.body.body if isinstance(node.body, libcst.IndentedBlock) else [], env, class_name))
        self.stack.pop()
        self.returns.pop()
        return self._take()

    def _guard(self, action: Callable[[], None]) -> None:
        try:
            action()
        except (_OutOfSteps, RecursionError):
            return

    def _take(self) -> Run:
        run, self.run = self.run, Run()
        return run

    def _tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _OutOfSteps

    def _next(self) -> int:
        self.seq += 1
        return self.seq

    # --- statements --------------------------------------------------------

    def block(self, statements: Sequence[libcst.BaseStatement | libcst.BaseSmallStatement], env: dict[str, Val], cls: str | None = None) -> None:
        for statement in statements:
            self.statement(statement, env, cls)

    def suite(self, body: libcst.BaseSuite, env: dict[str, Val], cls: str | None) -> None:
        self.block(body.body, env, cls)

    def statement(self, node: libcst.CSTNode, env: dict[str, Val], cls: str | None) -> None:
        self._tick()
        if isinstance(node, (libcst.SimpleStatementLine, libcst.SimpleStatementSuite)):
            for small in node.body:
                self.small(small, env, cls)
        elif isinstance(node, libcst.If):
            self.expr(node.test, env, cls)
            before = dict(env)
            self.suite(node.body, env, cls)
            after_body = dict(env)
            env.clear()
            env.update(before)
            if isinstance(node.orelse, libcst.If):
                self.statement(node.orelse, env, cls)
            elif isinstance(node.orelse, libcst.Else):
                self.suite(node.orelse.body, env, cls)
            self._merge(env, after_body)
        elif isinstance(node, libcst.For):
            self._for(node, env, cls)
        elif isinstance(node, libcst.While):
            self.expr(node.test, env, cls)
            self.suite(node.body, env, cls)
            if node.orelse is not None:
                self.suite(node.orelse.body, env, cls)
        elif isinstance(node, (libcst.Try, libcst.TryStar)):
            self.suite(node.body, env, cls)
            for handler in node.handlers:
                self.suite(handler.body, env, cls)
            if node.orelse is not None:
                self.suite(node.orelse.body, env, cls)
            if node.finalbody is not None:
                self.suite(node.finalbody.body, env, cls)
        elif isinstance(node, libcst.With):
            for item in node.items:
                value = self.expr(item.item, env, cls)
                if item.asname is not None:
                    self.bind(item.asname.name, value, env, cls)
            self.suite(node.body, env, cls)
        elif isinstance(node, libcst.FunctionDef):
            if env is not self.globals:
                env[node.name.value] = Val(function=node)
        elif isinstance(node, libcst.Match):
            self.expr(node.subject, env, cls)
            for case in node.cases:
                self.suite(case.body, env, cls)

    def _merge(self, env: dict[str, Val], other: dict[str, Val]) -> None:
        for name, value in other.items():
            mine = env.get(name)
            if mine is None:
                env[name] = value
            elif mine is not value:
                env[name] = self._join(mine, value)

    def _join(self, left: Val, right: Val) -> Val:
        if left.items is not None and right.items is not None and len(left.items) == len(right.items):
            items = tuple(self._join(a, b) for a, b in zip(left.items, right.items, strict=True))
            return Val(parents=items, items=items)
        if left.transformer is not None or right.transformer is not None:
            return left if left.transformer is not None else right
        return derive(left, right)

    def small(self, node: libcst.BaseSmallStatement, env: dict[str, Val], cls: str | None) -> None:
        if isinstance(node, libcst.Assign):
            outer, self.destination = self.destination, node.targets[0].target
            value = self.expr(node.value, env, cls)
            self.destination = outer
            if len(node.targets) == 1 and isinstance(node.targets[0].target, libcst.Name):
                value = self._row_split(node.targets[0].target.value, node.value, value, env, cls)
            for target in node.targets:
                self.bind(target.target, value, env, cls, source=node.value)
        elif isinstance(node, libcst.AnnAssign) and node.value is not None:
            self.bind(node.target, self.expr(node.value, env, cls), env, cls, source=node.value)
        elif isinstance(node, libcst.AugAssign):
            value = derive(self.expr(node.target, env, cls), self.expr(node.value, env, cls))
            self.bind(node.target, value, env, cls)
        elif isinstance(node, libcst.Expr):
            self.expr(node.value, env, cls)
        elif isinstance(node, libcst.Return) and self.returns:
            self.returns[-1].append(self.expr(node.value, env, cls) if node.value is not None else CONST)

    def _row_split(self, name: str, source: libcst.BaseExpression, value: Val, env: dict[str, Val], cls: str | None) -> Val:
        """`test = df[df.date >= cutoff]`, `X_val = X.iloc[n:]`: a row filter into a train/test-named variable is a split."""
        role = role_of_name(name)
        base_expr = _row_filter(source)
        if role is None or base_expr is None or value.const or self.roles(value):
            return value
        base = self.expr(base_expr, env, cls)
        if base.const or base.transformer is not None:
            return value
        split = self._split((base,), source, f"`{name} = {self._short(source)}`", holdout=True)
        return Val(parents=(value,), role=role, split=split, label=name, via=value.via)

    def _for(self, node: libcst.For, env: dict[str, Val], cls: str | None) -> None:
        iterable = node.iter
        target: libcst.BaseExpression = node.target
        if isinstance(iterable, libcst.Call) and dotted(iterable.func) == "enumerate" and iterable.args:
            iterable = iterable.args[0].value
            if isinstance(target, libcst.Tuple) and len(target.elements) == 2:
                target = target.elements[1].value
        names = _target_names(target)
        roles = [role_of_name(name) for name in names]
        if _is_cv_split(iterable) and isinstance(target, libcst.Tuple) and len(names) == 2:
            # sklearn splitters yield (train indices, test indices), whatever the loop calls them.
            roles = [TRAIN, TEST]
        if isinstance(iterable, libcst.Call) and TEST in roles and TRAIN in roles:
            inputs = tuple(self.expr(arg.value, env, cls) for arg in iterable.args if arg.keyword is None)
            if isinstance(iterable.func, libcst.Attribute):
                self.expr(iterable.func.value, env, cls)
            split = self._split(inputs, iterable, f"`{self._short(iterable.func)}`", holdout=False)
            for name in _target_names(node.target):
                env[name] = CONST
            for name, role in zip(names, roles, strict=True):
                if role is not None:
                    env[name] = Val(role=role, split=split, label=name)
        else:
            value = self.expr(node.iter, env, cls)
            self.bind(node.target, derive(value), env, cls)
        self.suite(node.body, env, cls)
        if node.orelse is not None:
            self.suite(node.orelse.body, env, cls)

    # --- binding -----------------------------------------------------------

    def bind(self, target: libcst.BaseExpression, value: Val, env: dict[str, Val], cls: str | None, source: libcst.BaseExpression | None = None) -> None:
        if isinstance(target, libcst.Name):
            env[target.value] = self._named(target.value, value)
        elif isinstance(target, libcst.Attribute):
            name = dotted(target)
            if name is not None and name.startswith(("self.", "cls.")):
                self.attributes[name] = self._named(name, value)
        elif isinstance(target, libcst.Subscript):
            self._mutate(target.value, value, env, cls)
        elif isinstance(target, (libcst.Tuple, libcst.List)):
            self._unpack(target, value, env, cls, source)
        elif isinstance(target, libcst.StarredElement):
            self.bind(target.value, derive(value), env, cls)

    def _named(self, name: str, value: Val) -> Val:
        """A dataset loaded into `test_df` is the evaluation set, even without a split in this file."""
        if value.parents or value.const or value.role or value.items is not None or value.transformer or value.search_cv or value.function:
            return value
        role = role_of_name(name)
        return Val(parents=(value,), role=role, label=name) if role else value

    def _mutate(self, target: libcst.BaseExpression, value: Val, env: dict[str, Val], cls: str | None) -> None:
        """`df["x"] = ...` / `df.loc[...] = ...`: the frame keeps its rows and takes on what shaped the new column."""
        while isinstance(target, libcst.Attribute) and target.attr.value in ("loc", "iloc", "at", "iat"):
            target = target.value
        name = dotted(target)
        if name is None:
            return
        old = self.expr(target, env, cls)
        if old.const or old.transformer is not None:
            return
        merged = Val(parents=(old, value) if not value.const else (old,), via=old.via | value.via)
        if isinstance(target, libcst.Name):
            env[name] = merged
        elif name.startswith(("self.", "cls.")):
            self.attributes[name] = merged

    def _unpack(self, target: libcst.Tuple | libcst.List, value: Val, env: dict[str, Val], cls: str | None, source: libcst.BaseExpression | None) -> None:
        elements = [element.value for element in target.elements]
        starred = any(isinstance(element, libcst.StarredElement) for element in target.elements)
        if value.items is not None and len(value.items) == len(elements) and not starred:
            parts = list(value.items)
        else:
            parts = [derive(value) for _ in elements]
        names = [dotted(element) or "" for element in elements]
        roles = [role_of_name(name) for name in names]
        has_roles = any(part.role for part in parts)
        if not has_roles and TEST in roles and TRAIN in roles and not value.const:
            where = source.func if isinstance(source, libcst.Call) else target
            split = self._split((value,), source or target, f"`{self._short(where)}`", holdout=True)
            parts = [Val(parents=(part,), role=role, split=split, label=name) if role else part for part, role, name in zip(parts, roles, names, strict=True)]
        for element, part in zip(elements, parts, strict=True):
            self.bind(element, part, env, cls)

    # --- expressions -------------------------------------------------------

    def expr(self, node: libcst.BaseExpression | None, env: dict[str, Val], cls: str | None) -> Val:
        self._tick()
        if node is None:
            return CONST
        if isinstance(node, libcst.Name):
            return self.lookup(node.value, env)
        if isinstance(node, libcst.Attribute):
            return self._attribute(node, env, cls)
        if isinstance(node, libcst.Subscript):
            return self._subscript(node, env, cls)
        if isinstance(node, libcst.Call):
            return self.call(node, env, cls)
        if isinstance(node, (libcst.Tuple, libcst.List, libcst.Set)):
            items = tuple(self.expr(element.value, env, cls) for element in node.elements)
            return Val(parents=tuple(item for item in items if not item.const), items=items, via=_union_via(items))
        if isinstance(node, libcst.BinaryOperation):
            return derive(self.expr(node.left, env, cls), self.expr(node.right, env, cls))
        if isinstance(node, libcst.BooleanOperation):
            return derive(self.expr(node.left, env, cls), self.expr(node.right, env, cls))
        if isinstance(node, libcst.UnaryOperation):
            return self.expr(node.expression, env, cls)
        if isinstance(node, libcst.Comparison):
            values = [self.expr(node.left, env, cls)] + [self.expr(item.comparator, env, cls) for item in node.comparisons]
            return derive(*values)
        if isinstance(node, libcst.IfExp):
            self.expr(node.test, env, cls)
            return self._join(self.expr(node.body, env, cls), self.expr(node.orelse, env, cls))
        if isinstance(node, libcst.Dict):
            return derive(*(self.expr(element.value, env, cls) for element in node.elements))
        if isinstance(node, (libcst.ListComp, libcst.SetComp, libcst.GeneratorExp, libcst.DictComp)):
            return self._comprehension(node.for_in, env, cls)
        if isinstance(node, libcst.NamedExpr):
            value = self.expr(node.value, env, cls)
            self.bind(node.target, value, env, cls)
            return value
        if isinstance(node, (libcst.Await, libcst.StarredElement)):
            inner = node.expression if isinstance(node, libcst.Await) else node.value
            return self.expr(inner, env, cls)
        return CONST

    def _comprehension(self, for_in: libcst.CompFor | None, env: dict[str, Val], cls: str | None) -> Val:
        values = []
        while for_in is not None:
            values.append(self.expr(for_in.iter, env, cls))
            for_in = for_in.inner_for_in
        return derive(*values)

    def lookup(self, name: str, env: dict[str, Val]) -> Val:
        if name in env:
            return env[name]
        if name in self.globals:
            return self.globals[name]
        if name in ("True", "False", "None", "self", "cls") or self._is_module(name) or name in self.functions:
            return CONST
        value = self._root(name)
        self.globals[name] = value
        return value

    def _is_module(self, name: str, env: dict[str, Val] | None = None) -> bool:
        if env is not None and name in env:
            return False
        return self.imports.is_bound(name) or (name in MODULE_ALIASES and name not in self.globals)

    def _root(self, name: str) -> Val:
        if CONFIG_NAMES.search(name):
            return CONST
        return self._named(name, Val(label=name))

    def _attribute(self, node: libcst.Attribute, env: dict[str, Val], cls: str | None) -> Val:
        name = dotted(node)
        if name is not None and name.startswith(("self.", "cls.")) and name.count(".") == 1:
            if name not in self.attributes:
                self.attributes[name] = self._root(name)
            return self.attributes[name]
        base = self.expr(node.value, env, cls)
        if base.const or node.attr.value in META_ATTRIBUTES:
            return CONST
        if base.transformer is not None or base.search_cv:
            return CONST
        return derive(base)

    def _subscript(self, node: libcst.Subscript, env: dict[str, Val], cls: str | None) -> Val:
        base = self.expr(node.value, env, cls)
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, libcst.Index):
            for element in node.slice:
                if isinstance(element.slice, libcst.Index):
                    self.expr(element.slice.value, env, cls)
            return derive(base)
        index = node.slice[0].slice.value
        if base.items is not None:
            position = _integer(index)
            if position is not None and -len(base.items) <= position < len(base.items):
                return base.items[position]
        key = string_value(index)
        if key is not None and key.lower() in SPLIT_KEYS and not base.const:
            return self._cached(("key", id(base), key.lower()), lambda: Val(parents=(base,), role=SPLIT_KEYS[key.lower()], label=key))
        selector = self.expr(index, env, cls)
        if selector.role is not None and not base.const:
            return self._cached(
                ("rows", id(base), id(selector)),
                lambda: Val(parents=(base,), role=selector.role, split=selector.split, label=selector.label, via=base.via),
            )
        if base.const:
            return CONST
        return derive(base)

    def _dataset(self, node: libcst.Call) -> Val:
        """Rows read from somewhere: the same call text twice is the same dataset, anything else is a new one."""
        return self._cached(("load", self.code_of(node, None)), lambda: Val(label=self._short(node)))

    def _cached(self, key: tuple[object, ...], make: Callable[[], Val]) -> Val:
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    # --- calls -------------------------------------------------------------

    def call(self, node: libcst.Call, env: dict[str, Val], cls: str | None) -> Val:
        func = node.func
        name = dotted(func)
        head = name.split(".", 1)[0] if name else ""
        if isinstance(func, libcst.Attribute) and not self._is_module(head, env) and not (name and name.startswith(("self.", "cls."))):
            receiver = self.expr(func.value, env, cls)
            return self._method(node, func.attr.value, receiver, env, cls)
        local = self._local_function(name, env, cls)
        if local is not None:
            return self._inline(node, local[0], local[1], env, cls)
        if isinstance(func, libcst.Attribute) and name and name.startswith(("self.", "cls.")):
            receiver = self.expr(func.value, env, cls)
            return self._method(node, func.attr.value, receiver, env, cls)
        qualified = self.imports.qualify(func) if name else None
        return self._function(node, qualified, env, cls)

    def _local_function(self, name: str | None, env: dict[str, Val], cls: str | None) -> tuple[libcst.FunctionDef, str | None] | None:
        if name is None:
            return None
        if name.startswith("self.") and cls is not None and name.count(".") == 1:
            method = name.split(".", 1)[1]
            node = self.methods.get(f"{cls}.{method}")
            if node is not None and method not in ESTIMATOR_METHODS:
                return node, cls
            return None
        if "." in name:
            return None
        bound = env.get(name)
        if bound is not None and bound.function is not None:
            return bound.function, None
        if bound is None and name not in self.globals and name in self.functions:
            return self.functions[name], None
        return None

    def _args(self, node: libcst.Call, env: dict[str, Val], cls: str | None) -> tuple[list[Val], dict[str, Val]]:
        positional: list[Val] = []
        named: dict[str, Val] = {}
        for arg in node.args:
            value = self.expr(arg.value, env, cls)
            if arg.keyword is not None:
                named[arg.keyword.value] = value
            elif arg.star == "*" and value.items is not None:
                positional.extend(value.items)
            elif not arg.star:
                positional.append(value)
        return positional, named

    def _method(self, node: libcst.Call, method: str, receiver: Val, env: dict[str, Val], cls: str | None) -> Val:
        positional, named = self._args(node, env, cls)
        transformer = receiver.transformer
        if transformer is not None:
            data = positional[0] if positional else named.get("X", CONST)
            if method in FIT_METHODS:
                self._fit(transformer, data, node)
                return receiver
            if method == "fit_transform":
                self._fit(transformer, data, node)
                return Val(parents=(data,) if not data.const else (), via=data.via | {id(transformer)})
            if method in APPLY_METHODS:
                self.run.applies.append(Apply(transformer, data, node, self._next()))
                return Val(parents=(data,) if not data.const else (), via=data.via | {id(transformer)})
            return receiver if method in SELF_RETURNING else CONST
        if method == "fit" and (receiver.search_cv or "validation_split" in named):
            inputs = tuple(positional[:2]) or tuple(value for key, value in named.items() if key in ("X", "y", "x"))
            label = "the search's cross-validation" if receiver.search_cv else "`validation_split`"
            self._split(inputs, node, label, holdout=False).model = receiver
            return receiver
        constant_args = all(value.const for value in (*positional, *named.values()))
        if receiver.const and constant_args:
            return CONST
        if LOADER_CALL.match(method) or (constant_args and method.startswith("from_")):
            return self._dataset(node)
        return derive(receiver, *positional, *named.values())

    def _function(self, node: libcst.Call, qualified: str | None, env: dict[str, Val], cls: str | None) -> Val:
        last = qualified.rsplit(".", 1)[-1] if qualified else ""
        local_class = qualified in self.facts.classes
        ctor = None if local_class else is_transformer_ctor(qualified, self.imports, STATEFUL_TRANSFORMERS | STATELESS_TRANSFORMERS | LABEL_ENCODERS)
        if ctor is not None:
            self._args(node, env, cls)
            return Val(transformer=Transformer(ctor, ctor in STATEFUL_TRANSFORMERS or ctor in LABEL_ENCODERS), label=ctor)
        if is_library_name(qualified, self.imports, COMPOSITES, COMPOSITE_LIBRARIES):
            return self._composite(node, last, env, cls)
        if is_library_name(qualified, self.imports, SEARCH_CV, CV_LIBRARIES):
            self._args(node, env, cls)
            return Val(search_cv=True, label=last)
        positional, named = self._args(node, env, cls)
        if is_library_name(qualified, self.imports, {SPLIT_FUNCTION}, SPLIT_LIBRARIES):
            return self._train_test_split(node, positional)
        if is_library_name(qualified, self.imports, CV_FUNCTIONS, SPLIT_LIBRARIES):
            inputs = tuple(positional[1:3]) + tuple(value for key, value in named.items() if key in ("X", "y"))
            self._split(inputs, node, f"`{last}`", holdout=False)
            return CONST
        if last in META_FUNCTIONS and qualified == last:
            return CONST
        if last in PASS_THROUGH_FUNCTIONS and qualified == last:
            return positional[0] if len(positional) == 1 and positional[0].items is not None else derive(*positional, *named.values())
        live = [value for value in (*positional, *named.values()) if not value.const]
        if live and not (reads_data(qualified or "") or LOADER_CALL.match(last)):
            return derive(*live)
        return self._dataset(node)

    def _composite(self, node: libcst.Call, kind: str, env: dict[str, Val], cls: str | None) -> Val:
        positional, named = self._args(node, env, cls)
        if kind in ("make_pipeline", "make_union"):
            steps = positional
        elif kind == "make_column_transformer":
            steps = [value.items[0] for value in positional if value.items]
        else:
            listed = positional[0] if positional else named.get("steps") or named.get("transformers") or named.get("transformer_list")
            position = 1
            steps = [value.items[position] for value in (listed.items or ()) if value.items and len(value.items) > position] if listed else []
        transformers = [step.transformer for step in steps if step.transformer is not None]
        others = [step for step in steps if step.transformer is None and not step.const]
        if not transformers or others or not any(t.stateful for t in transformers):
            return derive(*(step for step in steps if step.transformer is None))
        return Val(transformer=Transformer(kind, stateful=True), label=kind)

    def _train_test_split(self, node: libcst.Call, arrays: list[Val]) -> Val:
        split = self._split(tuple(arrays), node, f"`{SPLIT_FUNCTION}`", holdout=True)
        outputs: list[Val] = []
        for array in arrays:
            parents = (array,) if not array.const else ()
            outputs.append(Val(parents=parents, role=TRAIN, split=split, via=array.via))
            outputs.append(Val(parents=parents, role=TEST, split=split, via=array.via))
        return Val(items=tuple(outputs), parents=tuple(outputs))

    def _split(self, inputs: tuple[Val, ...], node: libcst.CSTNode, label: str, *, holdout: bool) -> Split:
        split = Split(tuple(value for value in inputs if not value.const), node, label, self._next(), holdout, tuple(self.callers))
        self.run.splits.append(split)
        return split

    def _fit(self, transformer: Transformer, data: Val, node: libcst.Call) -> None:
        argument = node.args[0].value if node.args else None
        label = self._short(argument) if argument is not None else ""
        # Only a label encoder's verdict depends on where its output goes (`y = le.fit_transform(...)`).
        destination = self._short(self.destination) if self.destination is not None and transformer.cls in LABEL_ENCODERS else ""
        self.run.fits.append(Fit(transformer, data, node, label, self._next(), tuple(self.callers), destination))

    def _inline(self, node: libcst.Call, function: libcst.FunctionDef, cls: str | None, env: dict[str, Val], caller_cls: str | None) -> Val:
        positional, named = self._args(node, env, caller_cls)
        self.executed.add(id(function))
        if function in self.stack or len(self.stack) >= MAX_INLINE_DEPTH:
            return derive(*positional, *named.values())
        local: dict[str, Val] = {}
        params = self._params(function)
        if cls is not None and params and params[0].name.value in ("self", "cls"):
            params = params[1:]
        remaining = list(positional)
        for param in params:
            name = param.name.value
            if param.star == "*":
                local[name] = Val(items=tuple(remaining), parents=tuple(v for v in remaining if not v.const))
                remaining = []
            elif param.star == "**":
                local[name] = derive(*named.values())
            elif name in named:
                local[name] = named.pop(name)
            elif remaining:
                local[name] = remaining.pop(0)
            else:
                local[name] = CONST if param.default is not None else self._root(name)
        self.stack.append(function)
        self.callers.append(node)
        self.returns.append([])
        try:
            self.block(function.body.body if isinstance(function.body, libcst.IndentedBlock) else [], local, cls)
        finally:
            self.stack.pop()
            self.callers.pop()
            returned = self.returns.pop()
        if not returned:
            return CONST
        result = returned[0]
        for value in returned[1:]:
            result = self._join(result, value)
        return result

    @staticmethod
    def _params(function: libcst.FunctionDef) -> list[libcst.Param]:
        params = function.params
        listed = [*params.posonly_params, *params.params]
        if isinstance(params.star_arg, libcst.Param):
            listed.append(params.star_arg)
        listed.extend(params.kwonly_params)
        if params.star_kwarg is not None:
            listed.append(params.star_kwarg)
        return listed

    def _short(self, node: libcst.CSTNode) -> str:
        return self.code_of(node, MAX_SHOWN)

    # --- rows --------------------------------------------------------------

    def rows(self, value: Val) -> frozenset[int]:
        """Identities of the datasets and split outputs whose rows `value` holds.

        Iterative: a long notebook builds derivation chains far deeper than Python's recursion limit.
        """
        stack: list[tuple[Val, bool]] = [(value, False)]
        while stack:
            current, expanded = stack.pop()
            key = id(current)
            if key in self._rows:
                continue
            self.by_id[key] = current
            live = [parent for parent in current.parents if not parent.const]
            if current.const or current.transformer is not None or current.search_cv:
                self._rows[key] = frozenset()
            elif current.role is not None:
                self._rows[key] = frozenset({key})
            elif not live:
                self._rows[key] = frozenset({key}) if current.items is None else frozenset()
            elif expanded:
                self._rows[key] = frozenset().union(*(self._rows[id(parent)] for parent in live))
            else:
                stack.append((current, True))
                stack.extend((parent, False) for parent in live if id(parent) not in self._rows)
        return self._rows[id(value)]

    def roles(self, value: Val) -> list[Val]:
        return [self.by_id[key] for key in self.rows(value) if self.by_id[key].role is not None]


def _union_via(values: Iterable[Val]) -> frozenset[int]:
    via: frozenset[int] = frozenset()
    for value in values:
        via |= value.via | ({id(value.transformer)} if value.transformer is not None else set())
    return via


def _integer(node: libcst.BaseExpression) -> int | None:
    if isinstance(node, libcst.Integer):
        return int(node.value)
    if isinstance(node, libcst.UnaryOperation) and isinstance(node.operator, libcst.Minus) and isinstance(node.expression, libcst.Integer):
        return -int(node.expression.value)
    return None


ROW_FILTER_METHODS = frozenset({"query", "head", "tail", "sample", "filter", "where"})


def _row_filter(node: libcst.BaseExpression) -> libcst.BaseExpression | None:
    """The frame a row-selecting expression selects from, if it plainly selects rows."""
    if isinstance(node, libcst.Call) and isinstance(node.func, libcst.Attribute) and node.func.attr.value in ROW_FILTER_METHODS:
        base: libcst.BaseExpression = node.func.value
    elif isinstance(node, libcst.Subscript) and len(node.slice) >= 1:
        first = node.slice[0].slice
        rows = isinstance(first, libcst.Slice) or (
            isinstance(first, libcst.Index) and isinstance(first.value, (libcst.Comparison, libcst.BooleanOperation, libcst.UnaryOperation))
        )
        if not rows:
            return None
        base = node.value
    else:
        return None
    while isinstance(base, libcst.Attribute) and base.attr.value in ("loc", "iloc"):
        base = base.value
    return base if isinstance(base, (libcst.Name, libcst.Attribute)) else None


def _is_cv_split(node: libcst.BaseExpression) -> bool:
    return (
        isinstance(node, libcst.Call)
        and isinstance(node.func, libcst.Attribute)
        and node.func.attr.value == "split"
        and not isinstance(node.func.value, (libcst.SimpleString, libcst.FormattedString, libcst.ConcatenatedString))
    )


def _target_names(target: libcst.BaseExpression) -> list[str]:
    if isinstance(target, libcst.Name):
        return [target.value]
    if isinstance(target, (libcst.Tuple, libcst.List)):
        return [name for element in target.elements for name in _target_names(element.value)]
    return []


@dataclass(frozen=True)
class Leak:
    fit: Fit
    kind: str
    split: Split | None = None
    held: Val | None = None
    applied: Apply | None = None
    # The fitted rows are evaluation rows only, so the model was trained on some other fit.
    evaluation_only: bool = False

    @property
    def evidence(self) -> libcst.CSTNode | None:
        if self.applied is not None:
            return self.applied.node
        return self.split.node if self.split is not None else None


def find_leaks(interpreter: Interpreter, run: Run) -> list[Leak]:
    leaks = []
    for fit in run.fits:
        leak = _leak(interpreter, run, fit)
        if leak is not None:
            leaks.append(leak)
    return leaks


def _leak(interpreter: Interpreter, run: Run, fit: Fit) -> Leak | None:
    transformer = fit.transformer
    if not transformer.stateful:
        return None
    label_encoder = transformer.cls in LABEL_ENCODERS
    if label_encoder and (TARGET_LABEL.search(fit.label) or TARGET_LABEL.search(fit.destination)):
        return None
    roles = interpreter.roles(fit.data)
    training = any(value.role == TRAIN for value in roles)
    evaluation = [value for value in roles if value.role == TEST]
    # A LabelEncoder fitted on train and test together only fixes the code of each category: the Kaggle idiom, harmless.
    if evaluation and not (label_encoder and training):
        return Leak(fit, "test", split=evaluation[0].split, held=evaluation[0], evaluation_only=not training)
    if label_encoder or training or evaluation:
        return None
    data_rows = interpreter.rows(fit.data)
    # A later fit of the same transformer replaces what this one learned: only applications before it count.
    refit = min((other.seq for other in run.fits if other.transformer is transformer and other.seq > fit.seq), default=run_end(run))
    for split in run.splits:
        split_rows: frozenset[int] = frozenset()
        for value in split.inputs:
            split_rows |= interpreter.rows(value)
        if not data_rows & split_rows:
            continue
        shaped = any(id(transformer) in value.via for value in (*split.inputs, *([split.model] if split.model else [])))
        after = fit.seq > split.seq
        applied = [
            apply
            for apply in run.applies
            if apply.transformer is transformer
            and max(split.seq, fit.seq) < apply.seq < refit
            and _holds_output(interpreter, apply.data, split, TEST if after else None)
        ]
        if not after and (shaped or applied):
            return Leak(fit, "before-split", split=split)
        if after and split.holdout and applied:
            return Leak(fit, "full-after-split", split=split, applied=applied[0])
    return None


def _call_toward_fit(fit: Fit, split: Split) -> libcst.Call | None:
    """The call through which the fit's data left the innermost function that runs both the fit and the split.

    That is the helper call next to the split (`X = scale(df)`); None when the fit sits in that function itself.
    An outer call (`main()` at module level) would point the reader away from both lines.
    """
    shared = 0
    for fit_caller, split_caller in zip(fit.callers, split.callers):
        if fit_caller is not split_caller:
            break
        shared += 1
    return fit.callers[shared] if len(fit.callers) > shared else None


def run_end(run: Run) -> int:
    return 1 + max((event.seq for event in (*run.fits, *run.splits, *run.applies)), default=0)


def _holds_output(interpreter: Interpreter, data: Val, split: Split, role: str | None) -> bool:
    return any(value.split is split and (role is None or value.role == role) for value in interpreter.roles(data))


@register
class SplitLeakage(FactsRule):
    id = "split-leakage"
    severity = Severity.CRITICAL
    title = "Preprocessing fitted on evaluation data"

    VALID = [
        # The hard negative: fit on the training split after the split, transform both.
        Case(
            "import pandas as pd\nfrom sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n"
            "from sklearn.linear_model import LogisticRegression\n\n"
            "df = pd.read_csv('data/churn.csv')\nX, y = df.drop(columns='churned'), df['churned']\n"
            "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)\n"
            "scaler = StandardScaler()\nX_train = scaler.fit_transform(X_train)\nX_test = scaler.transform(X_test)\n"
            "model = LogisticRegression().fit(X_train, y_train)\nprint(model.score(X_test, y_test))\n"
        ),
        # A Pipeline under cross-validation and grid search refits the scaler inside every fold.
        Case(
            "from sklearn.pipeline import make_pipeline, Pipeline\nfrom sklearn.preprocessing import StandardScaler\n"
            "from sklearn.impute import SimpleImputer\nfrom sklearn.svm import SVC\n"
            "from sklearn.model_selection import GridSearchCV, cross_val_score\n\n"
            "def main(X, y):\n    pipe = make_pipeline(SimpleImputer(), StandardScaler(), SVC())\n"
            "    print(cross_val_score(pipe, X, y, cv=5).mean())\n"
            "    search = GridSearchCV(Pipeline([('scale', StandardScaler()), ('svc', SVC())]), {'svc__C': [0.1, 1, 10]})\n"
            "    search.fit(X, y)\n"
        ),
        # A transformer's own fit method: whatever it is given is, by contract, training data.
        Case(
            "from sklearn.base import BaseEstimator, TransformerMixin\nfrom sklearn.preprocessing import StandardScaler\n\n"
            "class ScaledLog(BaseEstimator, TransformerMixin):\n    def fit(self, X, y=None):\n"
            "        self.scaler_ = StandardScaler().fit(np.log1p(X))\n        return self\n\n"
            "    def transform(self, X):\n        return self.scaler_.transform(np.log1p(X))\n",
            path="src/features/transformers.py",
        ),
        # pandas imputation with the full-data mean is out of scope; a LabelEncoder on the target is harmless.
        Case(
            "import pandas as pd\nfrom sklearn.preprocessing import LabelEncoder\nfrom sklearn.model_selection import train_test_split\n\n"
            "df = pd.read_csv('loans.csv')\ndf = df.fillna(df.mean(numeric_only=True))\n"
            "y = LabelEncoder().fit_transform(df['grade'])\nX = df.drop(columns='grade')\n"
            "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
        ),
        # Refit on all rows after evaluation, for the model that ships: nothing is evaluated afterwards.
        Case(
            "import joblib\nfrom sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import RobustScaler\n\n"
            "def main(X, y):\n    X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
            "    scaler = RobustScaler().fit(X_train)\n    model.fit(scaler.transform(X_train), y_train)\n"
            "    print(model.score(scaler.transform(X_test), y_test))\n"
            "    final_scaler = RobustScaler().fit(X)\n    model.fit(final_scaler.transform(X), y)\n"
            "    joblib.dump((final_scaler, model), 'model.joblib')\n"
        ),
        # Stateless transformers learn nothing from the rows; a PCA only used for a plot never reaches the split.
        Case(
            "from sklearn.preprocessing import Normalizer, PolynomialFeatures\nfrom sklearn.decomposition import PCA\n"
            "from sklearn.model_selection import train_test_split\n\n"
            "X = Normalizer().fit_transform(X_raw)\nX = PolynomialFeatures(2).fit_transform(X)\n"
            "coords = PCA(n_components=2).fit_transform(X)\nplot(coords)\n"
            "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
        ),
        # Per-fold fitting inside a KFold loop.
        Case(
            "from sklearn.model_selection import StratifiedKFold\nfrom sklearn.preprocessing import MinMaxScaler\n\n"
            "for fold, (train_idx, valid_idx) in enumerate(StratifiedKFold(5).split(X, y)):\n"
            "    scaler = MinMaxScaler().fit(X.iloc[train_idx])\n"
            "    model.fit(scaler.transform(X.iloc[train_idx]), y.iloc[train_idx])\n"
            "    preds = model.predict(scaler.transform(X.iloc[valid_idx]))\n"
        ),
        # Separate train and test files: fit on train, transform test, across helper functions.
        Case(
            "import pandas as pd\nfrom sklearn.feature_extraction.text import TfidfVectorizer\n\n"
            "def featurize(train_texts, test_texts):\n    vectorizer = TfidfVectorizer(min_df=2)\n"
            "    return vectorizer.fit_transform(train_texts), vectorizer.transform(test_texts)\n\n"
            "def main():\n    train = pd.read_csv('train.csv')\n    test = pd.read_csv('test.csv')\n"
            "    X_train, X_test = featurize(train['text'], test['text'])\n\n"
            "if __name__ == '__main__':\n    main()\n"
        ),
        # Scaling the training split before tuning on it is fitting on training data after the split.
        Case(
            "from sklearn.model_selection import GridSearchCV, train_test_split\nfrom sklearn.preprocessing import StandardScaler\n\n"
            "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=42)\n"
            "scaler = StandardScaler().fit(X_train)\n"
            "search = GridSearchCV(model, grid, cv=5).fit(scaler.transform(X_train), y_train)\n"
        ),
    ]
    INVALID = [
        # Fitted on everything, then split.
        Case(
            "import pandas as pd\nfrom sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n\n"
            "df = pd.read_csv('data/churn.csv')\nX, y = df.drop(columns='churned'), df['churned']\n"
            "X_scaled = StandardScaler().fit_transform(X)\n"
            "X_train, X_test, y_train, y_test = train_test_split(X_scaled, y, test_size=0.2)\n",
            lines=(7,),
        ),
        # Fitted on the test split (fit_transform where transform was meant), under an alias.
        Case(
            "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler as SS\n\n"
            "X_train, X_test, y_train, y_test = train_test_split(X, y)\nscaler = SS()\n"
            "X_train = scaler.fit_transform(X_train)\nX_test = scaler.fit_transform(X_test)\n",
            lines=(7,),
        ),
        # Across functions: `preprocess` is defined after `main` and fits on the full frame main later splits.
        Case(
            "from sklearn import model_selection, preprocessing\n\n"
            "def main(df):\n    X = preprocess(df.drop(columns=['y']))\n"
            "    X_train, X_test, y_train, y_test = model_selection.train_test_split(X, df['y'])\n"
            "    model.fit(X_train, y_train)\n\n"
            "def preprocess(frame):\n    return preprocessing.MinMaxScaler().fit_transform(frame)\n",
            lines=(9,),
        ),
        # Fitted on all rows after the split, then applied to the test split.
        Case(
            "from sklearn.model_selection import train_test_split\nfrom sklearn.impute import SimpleImputer\n\n"
            "X_train, X_test, y_train, y_test = train_test_split(X, y)\nimputer = SimpleImputer(strategy='median')\n"
            "imputer.fit(X)\nX_train = imputer.transform(X_train)\nX_test = imputer.transform(X_test)\n",
            lines=(6,),
        ),
        # Supervised feature selection on all rows, then cross-validated: the folds were already seen.
        Case(
            "from sklearn.feature_selection import SelectKBest, f_classif\nfrom sklearn.model_selection import cross_val_score\n\n"
            "X_sel = SelectKBest(f_classif, k=20).fit_transform(X, y)\nscores = cross_val_score(model, X_sel, y, cv=5)\n",
            lines=(4,),
        ),
        # A vectorizer fitted on a separately loaded test set.
        Case(
            "import pandas as pd\nfrom sklearn.feature_extraction.text import CountVectorizer\n\n"
            "train_df = pd.read_csv('train.csv')\ntest_df = pd.read_csv('test.csv')\nvec = CountVectorizer()\n"
            "X_train = vec.fit_transform(train_df['text'])\nX_test = vec.fit_transform(test_df['text'])\n",
            lines=(8,),
        ),
        # A ColumnTransformer of preprocessing steps only, fitted inside a KFold loop on the validation fold.
        Case(
            "from sklearn.compose import ColumnTransformer\nfrom sklearn.model_selection import KFold\n"
            "from sklearn.preprocessing import OneHotEncoder, StandardScaler\n\n"
            "prep = ColumnTransformer([('num', StandardScaler(), NUM), ('cat', OneHotEncoder(), CAT)])\n"
            "for tr, te in KFold(5).split(X):\n    Xt = prep.fit_transform(X.iloc[tr])\n    Xv = prep.fit_transform(X.iloc[te])\n",
            lines=(8,),
        ),
    ]

    def finish(self) -> None:
        facts = self.facts
        if facts.module is None or not self._mentions_transformer(facts):
            return
        interpreter = Interpreter(facts, self.code)
        module = facts.module.node
        reported: set[int] = set()
        if isinstance(module, libcst.Module):
            self._report(interpreter, interpreter.run_module(module), reported)
        for scope in self._uncalled(facts):
            if id(scope.node) in interpreter.executed or not isinstance(scope.node, libcst.FunctionDef):
                continue
            self._report(interpreter, interpreter.run_function(scope.node, scope.class_name), reported)

    def _mentions_transformer(self, facts: ModuleFacts) -> bool:
        imports = facts.imports
        return any(
            is_transformer_ctor(site.name, imports) or is_library_name(site.name, imports, COMPOSITES, COMPOSITE_LIBRARIES)
            for site in facts.all_calls()
        )

    def _uncalled(self, facts: ModuleFacts) -> list[Scope]:
        """Functions nobody in the module ran, callers before callees; estimators' own fit methods never."""
        called = {id(callee.node) for scope in facts.functions for callee in facts.callees(scope)}
        runnable = [
            scope
            for scope in facts.functions
            if scope.parent is None and not (scope.class_name is not None and scope.simple_name in ESTIMATOR_METHODS)
        ]
        return sorted(runnable, key=lambda scope: id(scope.node) in called)

    def _report(self, interpreter: Interpreter, run: Run, reported: set[int]) -> None:
        for leak in find_leaks(interpreter, run):
            fit = leak.fit
            if id(fit.node) in reported:
                continue
            reported.add(id(fit.node))
            self._flag(leak)

    def _flag(self, leak: Leak) -> None:
        fit = leak.fit
        cls = fit.transformer.cls
        data = f"`{fit.label}`" if fit.label else "its input"
        split = leak.split
        call = _call_toward_fit(fit, split) if split is not None else None
        if call is not None:
            data += f" (in the call on line {self._line(call)})"
        at = f"the split on line {self._line(split.node)} ({split.label})" if split is not None else ""
        if leak.kind == "test":
            held = f"the evaluation rows of {at}" if split is not None else f"the evaluation set `{leak.held.label if leak.held else ''}`"
            if leak.evaluation_only and cls in FEATURE_SPACE_BUILDERS:
                consequence = (
                    "On these rows alone it builds a different feature space (columns, vocabulary, category codes) from "
                    "the one the model was trained on, and learns from the evaluation data."
                )
            else:
                consequence = "The evaluation data then shapes the preprocessing and the reported score is optimistic."
            message = f"`{cls}` is fitted on {data}, which holds {held}. {consequence}"
        elif leak.kind == "before-split":
            message = (
                f"`{cls}` is fitted on {data} before {at} divides it into training and evaluation rows. Statistics of "
                "the evaluation rows leak into training and the reported score is optimistic."
            )
        else:
            applied = self._line(leak.applied.node) if leak.applied else 0
            message = (
                f"`{cls}` is fitted on all rows of {data}, including the evaluation rows of {at}, and then applied to the "
                f"evaluation data on line {applied}. The reported score is optimistic."
            )
        evidence = leak.evidence
        same_scope = evidence is not None and self._enclosing(evidence) is self._enclosing(fit.node)
        self.flag_span(
            fit.node,
            evidence if same_scope else None,
            message,
            suggestion=(
                "Split first, fit on the training split only and `transform` the other splits with it, or put the step "
                "in a `Pipeline` so that `cross_val_score`/`GridSearchCV` refit it inside every fold."
            ),
            key=f"{cls}:{fit.label}:{leak.kind}",
        )

    def _line(self, node: libcst.CSTNode) -> int:
        return self.ctx.file.raw_line(self.line_of(node))

    def _enclosing(self, node: libcst.CSTNode) -> Scope | None:
        line = self.line_of(node)
        best: Scope | None = None
        best_start = 0
        for scope in self.facts.functions:
            start, end = self.position(scope.node)
            if start <= line <= end and start >= best_start:
                best, best_start = scope, start
        return best
