"""Names in feature code: which column names are features, which lists name features, and how they are shown.

Shared by the collector that finds candidate columns and the rule that decides
which of them need documentation, so both read a name the same way.
"""

from __future__ import annotations

import fnmatch
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import libcst

from rules.cst import dotted, positional, string_value
from rules.dataflow import option_names
from rules.feature_registry import glob_of

FEATURE_DIRECTORIES = frozenset(
    {"features", "feature_engineering", "feature_repo", "feature_store", "featurization", "feature_pipeline"}
)
FEATURE_FILE = re.compile(
    r"^(?:feat(?:ure)?s?(?:_\w+)?|\w+_feat(?:ure)?s?|fe|featuri[sz]\w*|build_features)$", re.IGNORECASE
)
FEAST_VIEWS = frozenset(
    {
        "FeatureView",
        "BatchFeatureView",
        "StreamFeatureView",
        "OnDemandFeatureView",
        "on_demand_feature_view",
        "stream_feature_view",
    }
)
# Variables holding a list of model input columns:
# FEATURES, FEATURE_COLUMNS, feature_cols, NUMERIC_FEATURES, cat_feats.
FEATURE_LIST_TOKENS = frozenset({"feature", "features", "feat", "feats"})
NOT_A_FEATURE_LIST = frozenset(
    {
        "drop",
        "dropped",
        "exclude",
        "excluded",
        "excludes",
        "exclusion",
        "exclusions",
        "ignore",
        "ignored",
        "remove",
        "removed",
        "skip",
        "leak",
        "leaky",
        "deprecated",
        "unused",
        "blocklist",
        "denylist",
        "blacklist",
        "meta",
        "metadata",
        "target",
        "targets",
        "label",
        "labels",
        "id",
        "ids",
        "key",
        "keys",
        "importance",
        "importances",
        "store",
        "view",
        "service",
    }
)
# Directly before the feature noun these negate it: `NON_FEATURE_COLS` lists what is kept out of the model,
# while `NON_NEGATIVE_FEATURES` is still a list of features.
NEGATIONS = frozenset({"non", "not", "no"})
TARGET_NAMES = frozenset({"target", "label", "labels", "y", "class", "outcome", "ground_truth"})
TARGET_KEYWORDS = frozenset(
    {
        "target",
        "label",
        "target_col",
        "target_column",
        "label_col",
        "label_column",
        "label_name",
        "target_name",
        "y_col",
    }
)
TIMESTAMP_NAMES = frozenset(
    {
        "event_timestamp",
        "created",
        "created_timestamp",
        "timestamp",
        "ts",
        "event_time",
        "event_ts",
        "date",
        "datetime",
        "created_at",
        "updated_at",
    }
)
TIMESTAMP_SUFFIXES = ("_timestamp", "_ts", "_at", "_date", "_datetime")
TIMESTAMP_KEYWORDS = frozenset(
    {
        "timestamp_field",
        "created_timestamp_column",
        "event_timestamp_column",
        "timestamp_column",
        "time_column",
    }
)
# Names that hold a data frame by convention; `data` and `x` are left out, they are as often dicts.
FRAME_NAME = re.compile(
    r"^(?:[Dd][Ff]|pdf|sdf|frame|features|feats|X)$|^(?:df|X)_\w+$|_(?:df|frame|features|feats)$"
)
# Calls that make a file model-data code even outside feature folders: it trains on its frames, splits them
# into folds, or writes them out as the dataset a training script reads.
MODEL_DATA_CALLS = frozenset(
    {
        "train_test_split",
        "cross_val_score",
        "cross_validate",
        "KFold",
        "StratifiedKFold",
        "GroupKFold",
        "to_csv",
        "to_parquet",
        "to_feather",
        "write_csv",
        "write_parquet",
        "saveAsTable",
    }
)
MODEL_DATA_WORDS = (
    ".fit(",
    "train_test_split",
    "cross_val",
    "KFold",
    ".to_csv(",
    ".to_parquet(",
    ".to_feather(",
    ".write_csv(",
    ".write_parquet(",
    "saveAsTable",
)
# Bookkeeping columns of a training or data-preparation script:
# fold numbers, split flags, predictions, weights.
BOOKKEEPING = re.compile(
    r"^(?:k?folds?|fold_\w+|\w+_k?folds?|split|subset|is_(?:train|test|val|valid|validation|holdout)|"
    r"preds?|predictions?|\w+_(?:preds?|predictions?|proba|probas|residuals?)|proba|probas|residuals?|sample_weights?)$",
    re.IGNORECASE,
)
# Frames that hold a model's outputs (a submission, out-of-fold predictions, metrics), and values that are
# predictions: what a model produces is not one of its inputs.
OUTPUT_FRAME = re.compile(
    r"(?:^|_)(?:sub|submission|submissions|results?|metrics|scores|preds?|predictions?|oof|leaderboard|history|evals?)(?:_|$)"
)
PREDICTION = re.compile(r"\.predict(?:_proba|_log_proba)?\s*\(|\b(?:\w+_)?(?:preds|predictions|oof)\b")
# Frames of held-out or serving rows, whose columns mirror the training frame's.
TEST_FRAME = re.compile(
    r"(?:^|_)(?:test|tst|holdout|inference|serving|infer)(?:_|$)|^(?:x|df)?test", re.IGNORECASE
)
FRAME_ADDERS = frozenset({"assign", "with_columns", "with_column", "withColumn", "select", "agg"})
DATAFRAME_LIBRARIES = ("pandas", "polars", "pyspark", "dask", "modin", "cudf", "xarray", "databricks")
FRAME_LIBRARIES = ("pandas", "polars", "pyspark", "dask", "modin", "cudf")
FRAME_METHODS = frozenset(
    {
        "copy",
        "merge",
        "join",
        "assign",
        "reset_index",
        "set_index",
        "agg",
        "aggregate",
        "pivot_table",
        "melt",
        "drop",
        "dropna",
        "fillna",
        "rename",
        "sort_values",
        "to_pandas",
        "toPandas",
        "with_columns",
        "select",
        "filter",
        "query",
        "explode",
        "astype",
        "read_csv",
        "read_parquet",
    }
)
DICT_CALLS = frozenset(
    {
        "dict",
        "defaultdict",
        "OrderedDict",
        "Counter",
        "collections.defaultdict",
        "collections.OrderedDict",
        "collections.Counter",
        "json.load",
        "json.loads",
        "yaml.safe_load",
        "yaml.load",
    }
)
DICT_ANNOTATIONS = re.compile(
    r"^(?:typing\.)?(?:dict|Dict|Mapping|MutableMapping|defaultdict|OrderedDict|Counter)\b"
)
FRAME_ANNOTATIONS = re.compile(r"DataFrame|LazyFrame")
# A comment that names the column on its line (or the line below it) as the label:
# `# churn label: no purchase in 90 days`, `# define the target`, `# Churn is the label`.
# Up to three words may qualify the noun, but not a preposition: `# mean of the target per city`
# describes a target-encoded feature. A comment mentioning features or an encoding never counts.
TARGET_COMMENT = re.compile(
    r"^(?:(?:create|define|build|make|compute|derive|add|set|binary|the|our|a|an)\s+)*"
    r"(?:(?!(?:of|per|by|with|from|for|using|vs|and|or|to|in|on|at|over|than|like)\b)[\w-]+\s+){0,3}"
    r"(?:label|target)s?(?:\s+(?:variable|column|col))?(?:\s*(?:[:=(,]|$)|\s+[-\u2013\u2014]\s)"
    r"|\bis\s+(?:the|our)\s+(?:label|target)\b"
)
NOT_A_TARGET_COMMENT = re.compile(r"feat|encod|leak|smooth", re.IGNORECASE)
# Keys of a Feast view's `tags` that name who owns it.
OWNER_TAGS = frozenset({"owner", "owners", "team", "maintainer", "maintainers", "contact", "author"})
# A feature name (or an annotation being classified) shown in full up to this length.
MAX_SHOWN = 60
# Features named in a summary finding; the rest are counted.
MAX_LISTED = 5
# Findings a file gets one by one; past this, the last one
# lists the rest, so a wide feature file is not a flood.
MAX_FINDINGS = 6


@dataclass(frozen=True)
class ColumnName:
    """A column name as written: a literal, or a family built with an f-string (`lag_{n}` → glob `lag_*`)."""

    shown: str
    template: bool
    # The f-string as written, to recognise the same family computed by another module.
    source: str | None = field(default=None, compare=False)

    @property
    def glob(self) -> str:
        return glob_of(self.shown)


@dataclass(frozen=True)
class FeastView:
    """A Feast feature view: itself a registry entry, with its own name and, maybe, an owner."""

    name: str
    owned: bool


@dataclass(frozen=True)
class FanOut:
    """A column family written inside a loop over a literal list:
    each string in the list names a feature of its own."""

    iterable: str
    variable: str
    column: ColumnName
    node: libcst.CSTNode


@dataclass(frozen=True)
class Candidate:
    name: ColumnName
    node: libcst.CSTNode
    documented: bool = False
    view: FeastView | None = None
    # Named in a feature list rather than computed: only a feature module's lists declare model inputs.
    listed: bool = False
    # The frame written to, when known: a test or inference frame's column mirrors a training one.
    receiver: str | None = None


def loop_variables(target: libcst.BaseExpression, iterable: libcst.BaseExpression) -> dict[str, str]:
    """Loop variable → the named list (or dict) it walks:
    `for c in COLS`, `for i, c in enumerate(COLS)`, `for k, v in D.items()`."""
    if isinstance(iterable, libcst.Call):
        callee = dotted(iterable.func) or ""
        args = positional(iterable)
        if callee in ("enumerate", "tqdm", "tqdm.tqdm", "sorted", "list") and args:
            inner = loop_variables(target, args[0]) if callee != "enumerate" else {}
            if callee == "enumerate" and isinstance(target, libcst.Tuple) and len(target.elements) == 2:
                inner = loop_variables(target.elements[1].value, args[0])
            return inner
        if isinstance(iterable.func, libcst.Attribute) and iterable.func.attr.value in ("items", "keys"):
            if iterable.func.attr.value == "items" and isinstance(target, libcst.Tuple) and target.elements:
                target = target.elements[0].value
            return loop_variables(target, iterable.func.value)
        return {}
    variable, name = dotted(target), dotted(iterable)
    return {variable: name} if variable is not None and name is not None and "." not in variable else {}


def name_tokens(name: str) -> list[str]:
    return [token.lower() for token in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+", name)]


def is_feature_list(name: str) -> bool:
    tokens = name_tokens(name.rsplit(".", 1)[-1])
    if FEATURE_LIST_TOKENS.isdisjoint(tokens) or not NOT_A_FEATURE_LIST.isdisjoint(tokens):
        return False
    return not any(
        word in NEGATIONS and noun in FEATURE_LIST_TOKENS for word, noun in itertools.pairwise(tokens)
    )


def strings_in(node: libcst.BaseExpression) -> Iterator[tuple[str, libcst.CSTNode]]:
    elements = (
        node.elements if isinstance(node, (libcst.List, libcst.Tuple, libcst.Set)) else [libcst.Element(node)]
    )
    for element in elements:
        value = string_value(element.value)
        if value is not None:
            yield value, element.value


def shown_name(name: str) -> str:
    name = name.replace("`", "'")
    return name if len(name) <= MAX_SHOWN else name[: MAX_SHOWN - 1] + "…"


def listed(candidates: list[Candidate]) -> str:
    """The first few names in a one-comment summary; a long list is counted, not spelled out."""
    listed = ", ".join(f"`{shown_name(candidate.name.shown)}`" for candidate in candidates[:MAX_LISTED])
    return listed + (f" and {len(candidates) - MAX_LISTED} more" if len(candidates) > MAX_LISTED else "")


def is_target(name: str, targets: set[str]) -> bool:
    lowered = name.lower()
    return (
        lowered in TARGET_NAMES
        or lowered in targets
        or lowered.startswith(("target_", "label_"))
        or lowered.endswith(("_target", "_label"))
    )


def is_identifier(name: str) -> bool:
    lowered = name.lower()
    return lowered in ("id", "uuid", "index") or lowered.endswith(("_id", "_uuid", "_ids"))


def is_timestamp(name: str) -> bool:
    lowered = name.lower()
    return lowered in TIMESTAMP_NAMES or lowered.endswith(TIMESTAMP_SUFFIXES)


def is_feature_path(path: str, options: Mapping[str, object]) -> bool:
    """Feature-engineering code by its folder or file name, or a path the `feature_modules` option names."""
    parts = path.split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    if any(part.lower() in FEATURE_DIRECTORIES for part in parts[:-1]) or FEATURE_FILE.match(stem):
        return True
    return any(fnmatch.fnmatch(path, pattern) for pattern in option_names(options, "feature_modules"))
