"""Shared name and call analysis for rules about ML Python code.

Several rules ask the same questions of a module: is this `SS` sklearn's
`StandardScaler`, does this function load data, fit a model, save it, and
which functions does a training entry point reach. The answers are collected
during the engine's single batched traversal (`FactsCollector`, once per file
for every `FactsRule`), so asking them costs no extra walk of the tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import libcst

from rules.cst import dotted, keyword, positional, string_value
from rules.rule import FileContext, PythonRule
from rules.source import FileKind

MODULE_SCOPE = "<module>"

# Libraries whose preprocessing classes follow sklearn's fit/transform contract.
TRANSFORMER_LIBRARIES = (
    "sklearn",
    "category_encoders",
    "feature_engine",
    "cuml",
    "dask_ml",
    "pyspark.ml.feature",
    "keras",
    "tensorflow.keras",
    "tf.keras",
)

# Transformers whose `fit` learns statistics from the rows it sees, so fitting them
# on evaluation rows leaks. Stateless ones (Normalizer scales each row by its own
# norm, PolynomialFeatures only records the column count, Binarizer and
# FunctionTransformer learn nothing) are deliberately absent.
STATEFUL_TRANSFORMERS = frozenset(
    {
        "StandardScaler",
        "MinMaxScaler",
        "MaxAbsScaler",
        "RobustScaler",
        "QuantileTransformer",
        "PowerTransformer",
        "KBinsDiscretizer",
        "SplineTransformer",
        "OneHotEncoder",
        "OrdinalEncoder",
        "LabelEncoder",
        "TargetEncoder",
        "TfidfVectorizer",
        "CountVectorizer",
        "TfidfTransformer",
        "DictVectorizer",
        "SimpleImputer",
        "KNNImputer",
        "IterativeImputer",
        "PCA",
        "IncrementalPCA",
        "KernelPCA",
        "SparsePCA",
        "TruncatedSVD",
        "FastICA",
        "FactorAnalysis",
        "SelectKBest",
        "SelectPercentile",
        "SelectFpr",
        "SelectFdr",
        "SelectFwe",
        "GenericUnivariateSelect",
        "SelectFromModel",
        "RFE",
        "RFECV",
        "SequentialFeatureSelector",
        "VarianceThreshold",
        # category_encoders / feature_engine encoders that learn from the rows (target encoders leak the label).
        "WOEEncoder",
        "CatBoostEncoder",
        "LeaveOneOutEncoder",
        "JamesSteinEncoder",
        "MEstimateEncoder",
        "CountEncoder",
        "MeanEncoder",
        "WoEEncoder",
        "RareLabelEncoder",
        "MeanMedianImputer",
        "CategoricalImputer",
        "EqualFrequencyDiscretiser",
        "EqualWidthDiscretiser",
        "Winsorizer",
        "DropCorrelatedFeatures",
        "SmartCorrelatedSelection",
        # Spark ML estimators whose `fit` returns a model of what they learned from the rows.
        "Imputer",
        "StringIndexer",
        "IDF",
        "QuantileDiscretizer",
        "VectorIndexer",
        "ChiSqSelector",
        "UnivariateFeatureSelector",
        "VarianceThresholdSelector",
        # Keras preprocessing layers learn their state in `adapt`.
        "Normalization",
        "TextVectorization",
        "StringLookup",
        "IntegerLookup",
        "Discretization",
    }
)
STATELESS_TRANSFORMERS = frozenset({"Normalizer", "Binarizer", "PolynomialFeatures", "FunctionTransformer", "HashingVectorizer"})
# Encoders that are routinely and harmlessly fitted on the label rather than on features.
LABEL_ENCODERS = frozenset({"LabelEncoder", "LabelBinarizer", "MultiLabelBinarizer"})
COMPOSITES = frozenset({"Pipeline", "make_pipeline", "ColumnTransformer", "make_column_transformer", "FeatureUnion", "make_union"})
COMPOSITE_LIBRARIES = ("sklearn", "imblearn")
SEARCH_CV = frozenset({"GridSearchCV", "RandomizedSearchCV", "HalvingGridSearchCV", "HalvingRandomSearchCV", "BayesSearchCV"})
CV_FUNCTIONS = frozenset(
    {"cross_val_score", "cross_validate", "cross_val_predict", "learning_curve", "validation_curve", "permutation_test_score"}
)

_READ_PREFIXES = (
    "pandas.read_",
    "polars.read_",
    "polars.scan_",
    "dask.dataframe.read_",
    "modin.pandas.read_",
    "cudf.read_",
    "pyarrow.parquet.read_",
    "pyarrow.csv.read_",
    "pyarrow.feather.read_",
)
_NUMPY_LOADERS = frozenset({"numpy.load", "numpy.loadtxt", "numpy.genfromtxt", "numpy.fromfile"})
# Hugging Face builders that read the user's own files rather than a curated, versioned hub dataset.
_FILE_BUILDERS = frozenset({"csv", "json", "parquet", "text", "arrow", "pandas", "sql"})
_SPARK_FORMATS = frozenset({"csv", "parquet", "json", "orc", "text", "load", "table", "jdbc", "avro", "delta"})
# Notebooks often import under the community aliases; an unbound `pd` is still pandas.
_CONVENTIONAL_ALIASES = {"pd": "pandas", "pl": "polars", "np": "numpy", "dd": "dask.dataframe"}

_TRAINER = re.compile(r"trainer", re.IGNORECASE)
_OPTIMIZER = re.compile(r"(?:^|_)opt(?:im|imi[sz]er)?s?(?:$|_)", re.IGNORECASE)
_BOOSTING_TRAIN = frozenset({"xgboost.train", "lightgbm.train", "catboost.train"})
_OPTIMIZER_LIBRARIES = ("torch.optim", "transformers.optimization", "bitsandbytes.optim", "timm.optim")

# Names a function may have to be the place a training run starts.
ENTRY_FUNCTION_NAMES = frozenset(
    {"main", "train", "run", "fit_model", "train_model", "run_training", "training", "run_train", "cli", "pipeline", "run_pipeline", "entrypoint"}
)
_ENTRY_PREFIXES = ("train_", "fit_model_", "run_train")
# Methods that are an estimator's own training API, never an entry point of a run.
ESTIMATOR_METHODS = frozenset({"fit", "partial_fit", "fit_transform", "_fit", "fit_predict"})
_CLI_LIBRARIES = ("click", "typer", "hydra", "fire", "sacred")
_CLI_DECORATORS = frozenset({"command", "main", "automain", "group"})


class Imports:
    """Local names bound by import statements, mapped to what they import."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.star: list[str] = []

    def add(self, node: libcst.Import | libcst.ImportFrom) -> None:
        if isinstance(node, libcst.Import):
            for alias in node.names:
                full = dotted(alias.name) or ""
                if alias.asname is not None and isinstance(alias.asname.name, libcst.Name):
                    self.names[alias.asname.name.value] = full
                else:
                    head = full.split(".", 1)[0]
                    self.names[head] = head
            return
        module = ("." * len(node.relative)) + (dotted(node.module) or "")
        if isinstance(node.names, libcst.ImportStar):
            self.star.append(module)
            return
        for alias in node.names:
            name = dotted(alias.name) or ""
            local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, libcst.Name) else name
            self.names[local] = f"{module}.{name}" if module else name

    def qualify(self, expr: libcst.BaseExpression | None) -> str | None:
        """The dotted name with its head resolved through the imports: `SS` → `sklearn.preprocessing.StandardScaler`."""
        name = dotted(expr)
        if name is None:
            return None
        head, dot, rest = name.partition(".")
        target = self.names.get(head)
        if target is None and head in _CONVENTIONAL_ALIASES:
            target = _CONVENTIONAL_ALIASES[head]
        if target is None:
            return name
        return target + dot + rest

    def is_bound(self, name: str) -> bool:
        return name in self.names

    def uses(self, *prefixes: str) -> bool:
        """Whether anything is imported from one of these packages."""
        modules = list(self.names.values()) + self.star
        return any(_within(module, prefix) for module in modules for prefix in prefixes)

    def from_library(self, name: str, libraries: Iterable[str], *, class_name: str) -> bool:
        """Whether `name` (already qualified) is `class_name` from one of `libraries`, or an unbound use of it."""
        if name.rsplit(".", 1)[-1] != class_name:
            return False
        if "." not in name:
            return not self.is_bound(name) and (not self.star or any(_within(star, lib) for star in self.star for lib in libraries))
        return any(_within(name, lib) for lib in libraries)


def option_names(options: Mapping[str, object], name: str) -> tuple[str, ...]:
    """A list-of-names option from the repo config, as strings; anything else is no names."""
    value = options.get(name)
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(str(item) for item in value)
    return ()


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


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
        """Names and attributes, looking one assignment back: `missing = [c for c in REQUIRED if c not in df.columns]`."""
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
            methods = index.get(f"{within.class_name}.{name[len('self.'):]}")
            return methods[0] if methods else None
        if "." in name:
            return None
        candidates = index.get(name, [])
        for candidate in candidates:
            if candidate.parent is within and within is not None:
                return candidate
        return next((candidate for candidate in candidates if candidate.parent is None), candidates[0] if candidates else None)

    def callees(self, scope: Scope) -> list[Scope]:
        """Local functions this scope calls or hands to someone who will (`fire.Fire(main)`, `executor.submit(train)`)."""
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
            if any(_within(decorator, library) for library in _CLI_LIBRARIES):
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


class FactsCollector(libcst.BatchableCSTVisitor):
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
        # A method, not a property: the batched visitor reads every attribute while collecting `visit_*` hooks.
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
        class_name = self._classes[-1][0] if self._classes and self._classes[-1][1] == len(self._scopes) else None
        parent = self.current_scope() if self.current_scope().name != MODULE_SCOPE else None
        name = f"{class_name}.{node.name.value}" if class_name else node.name.value
        decorators = []
        for decorator in node.decorators:
            expr = decorator.decorator.func if isinstance(decorator.decorator, libcst.Call) else decorator.decorator
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
            elements = target.target.elements if isinstance(target.target, (libcst.Tuple, libcst.List)) else ()
            for bound in [name, *(dotted(element.value) for element in elements)]:
                if bound is not None:
                    self.current_scope().assigned[bound] = node.value

    def visit_Call(self, node: libcst.Call) -> None:
        imports = self.facts.imports
        # Names along the chain, calls and subscripts passed over: `spark.read.format("x").load` → spark, read, format, load.
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
        site = CallSite(node, name, path[-1] if path else "", path, receiver_ctor, self.current_scope(), name_args, receiver_is_import)
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
        """Reads `collector`'s facts instead of collecting: the collector must visit every node before this rule."""
        self._collector = collector
        self._collects = False
        self.facts = collector.facts

    def current_scope(self) -> Scope:
        # A method, not a property: the batched visitor reads every attribute while collecting `visit_*` hooks.
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

    def flag_span(self, node: libcst.CSTNode, last: libcst.CSTNode | None, message: str, *, suggestion: str, key: str) -> None:
        """Flags `node`, spanning down to `last` so that a change anywhere between them makes the finding new.

        Notebooks keep a single line: a span across cells would cover JSON, not code.
        """
        self.flag(node, message, suggestion=suggestion, key=key)
        if last is None or self.facts.notebook:
            return
        end = self.ctx.file.raw_line(self.position(last)[0])
        finding = self.findings[-1]
        if end > finding.line:
            self.findings[-1] = finding.with_(end_line=end)

    def line_of(self, node: libcst.CSTNode) -> int:
        return self.position(node)[0]

    def code(self, node: libcst.CSTNode, limit: int | None) -> str:
        """Source of a node on one line, cut to `limit` characters for messages (None: all of it)."""
        module = self.facts.module.node if self.facts.module else None
        if not isinstance(module, libcst.Module):
            text = ""
        else:
            # Most annotations and receivers are plain names, which need no code generation.
            plain = dotted(node) if isinstance(node, libcst.BaseExpression) and _written_plainly(node) else None
            text = plain or " ".join(module.code_for_node(node).split()).replace("`", "'")
        return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def _written_plainly(node: libcst.CSTNode) -> bool:
    """A chain of names without parentheses or spaces anywhere: its dotted name is exactly its source."""
    while isinstance(node, libcst.Attribute):
        dot = node.dot
        if node.lpar or node.attr.lpar or not _no_space(dot.whitespace_before) or not _no_space(dot.whitespace_after):
            return False
        node = node.value
    return isinstance(node, libcst.Name) and not node.lpar


def _no_space(whitespace: libcst.BaseParenthesizableWhitespace) -> bool:
    return isinstance(whitespace, libcst.SimpleWhitespace) and not whitespace.value


def share_facts(visitors: Sequence[libcst.BatchableCSTVisitor]) -> list[FactsCollector]:
    """One collector for all the `FactsRule`s among one file's visitors, to run ahead of them (none if there are none)."""
    rules = [visitor for visitor in visitors if isinstance(visitor, FactsRule)]
    if not rules:
        return []
    collector = FactsCollector(notebook=rules[0].facts.notebook)
    for rule in rules:
        rule.share(collector)
    return [collector]


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


def _check_site(node: libcst.Assert | libcst.If, test: libcst.BaseExpression) -> CheckSite:
    """Conditions are small, so walking one here costs less than watching every name in the module."""
    names, attributes = mentions(test)
    return CheckSite(node, names, attributes)


def _raises(body: libcst.BaseSuite) -> bool:
    statements = body.body if isinstance(body, libcst.IndentedBlock) else [body]
    for statement in statements:
        small = statement.body if isinstance(statement, (libcst.SimpleStatementLine, libcst.SimpleStatementSuite)) else ()
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


# --- what a call does -------------------------------------------------------


def reads_data(name: str) -> bool:
    """Whether a qualified function name is a dataframe or array reader (`pandas.read_csv`, `numpy.load`)."""
    return name.startswith(_READ_PREFIXES) or name in _NUMPY_LOADERS


def data_load(site: CallSite) -> bool:
    """Whether a call reads a dataset from files, a database or a hub into memory."""
    name = site.name
    if reads_data(name):
        return True
    if name in ("datasets.load_dataset", "load_dataset"):
        args = positional(site.node)
        builder = string_value(args[0]) if args else None
        has_files = keyword(site.node, "data_files") is not None or keyword(site.node, "data_dir") is not None
        return has_files or (builder is not None and (builder in _FILE_BUILDERS or builder.startswith(("/", "./", "../"))))
    path = site.path
    return len(path) >= 3 and path[-1] in _SPARK_FORMATS and "read" in path[1:-1]


def loader_declares_schema(site: CallSite) -> bool:
    """`pd.read_csv(..., dtype=...)`, `pl.read_csv(schema=...)`, `spark.read.schema(s)`: columns and types are enforced at load."""
    declared = any(keyword(site.node, name) is not None for name in ("dtype", "dtypes", "schema", "schema_overrides"))
    return declared or "schema" in site.path[:-1]


def is_transformer_ctor(name: str | None, imports: Imports, classes: Iterable[str] = STATEFUL_TRANSFORMERS) -> str | None:
    """The class name if `name` constructs one of `classes` from a preprocessing library."""
    if not name:
        return None
    last = name.rsplit(".", 1)[-1]
    if last in classes and imports.from_library(name, TRANSFORMER_LIBRARIES, class_name=last):
        return last
    return None


def is_library_name(name: str | None, imports: Imports, names: Iterable[str], libraries: Iterable[str]) -> str | None:
    if not name:
        return None
    last = name.rsplit(".", 1)[-1]
    if last in names and imports.from_library(name, tuple(libraries), class_name=last):
        return last
    return None


def model_fit(site: CallSite, imports: Imports) -> bool:
    """Whether a call trains a model: `.fit(...)`, `xgb.train(...)`, `trainer.train()`, `optimizer.step()`."""
    method = site.method
    receiver = site.path[-2] if len(site.path) > 1 else ""
    if site.name in _BOOSTING_TRAIN:
        return True
    if site.receiver_is_import:
        # `stats.norm.fit(x)`, `Trainer.train`: a library attribute, not a model instance.
        return False
    if method in ("fit", "partial_fit", "fit_generator"):
        stateless_or_prep = STATEFUL_TRANSFORMERS | STATELESS_TRANSFORMERS | LABEL_ENCODERS
        return is_transformer_ctor(site.receiver_ctor, imports, stateless_or_prep) is None
    if method == "train":
        args = site.node.args
        trainer_like = bool(_TRAINER.search(receiver)) or bool(site.receiver_ctor and _TRAINER.search(site.receiver_ctor))
        mode_switch = keyword(site.node, "mode") is not None or (
            len(args) == 1 and isinstance(args[0].value, libcst.Name) and args[0].value.value in ("True", "False")
        )
        return trainer_like or (bool(args) and not mode_switch)
    if method == "step":
        ctor = site.receiver_ctor or ""
        return any(_within(ctor, library) for library in _OPTIMIZER_LIBRARIES) or bool(_OPTIMIZER.search(receiver))
    return False
