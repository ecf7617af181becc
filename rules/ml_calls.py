"""What a call does for a training run: load a dataset, declare its schema at load, train a model.

no-data-validation, no-experiment-tracking and undocumented-feature all find a
run by these calls, and must agree on what one is. The answers read a single
`CallSite` and nothing else of the module, so they live apart from the
traversal that collects the sites (`rules.dataflow`).
"""

from __future__ import annotations

import re

import libcst

from rules.cst import keyword, positional, string_value
from rules.ml_names import (
    LABEL_ENCODERS,
    STATEFUL_TRANSFORMERS,
    STATELESS_TRANSFORMERS,
    Imports,
    is_transformer_ctor,
    reads_data,
    within,
)
from rules.module_facts import CallSite

# Hugging Face builders that read the user's own files rather than a curated, versioned hub dataset.
_FILE_BUILDERS = frozenset({"csv", "json", "parquet", "text", "arrow", "pandas", "sql"})
_SPARK_FORMATS = frozenset(
    {"csv", "parquet", "json", "orc", "text", "load", "table", "jdbc", "avro", "delta"}
)
_TRAINER = re.compile(r"trainer", re.IGNORECASE)
_OPTIMIZER = re.compile(r"(?:^|_)opt(?:im|imi[sz]er)?s?(?:$|_)", re.IGNORECASE)
_BOOSTING_TRAIN = frozenset({"xgboost.train", "lightgbm.train", "catboost.train"})
_OPTIMIZER_LIBRARIES = ("torch.optim", "transformers.optimization", "bitsandbytes.optim", "timm.optim")


def data_load(site: CallSite) -> bool:
    """Whether a call reads a dataset from files, a database or a hub into memory."""
    name = site.name
    if reads_data(name):
        return True
    if name in ("datasets.load_dataset", "load_dataset"):
        args = positional(site.node)
        builder = string_value(args[0]) if args else None
        has_files = keyword(site.node, "data_files") is not None or keyword(site.node, "data_dir") is not None
        return has_files or (
            builder is not None and (builder in _FILE_BUILDERS or builder.startswith(("/", "./", "../")))
        )
    path = site.path
    return len(path) >= 3 and path[-1] in _SPARK_FORMATS and "read" in path[1:-1]


def loader_declares_schema(site: CallSite) -> bool:
    """`pd.read_csv(..., dtype=...)`, `pl.read_csv(schema=...)`, `spark.read.schema(s)`:
    columns and types are enforced at load."""
    declared = any(
        keyword(site.node, name) is not None for name in ("dtype", "dtypes", "schema", "schema_overrides")
    )
    return declared or "schema" in site.path[:-1]


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
        trainer_like = bool(_TRAINER.search(receiver)) or bool(
            site.receiver_ctor and _TRAINER.search(site.receiver_ctor)
        )
        mode_switch = keyword(site.node, "mode") is not None or (
            len(args) == 1
            and isinstance(args[0].value, libcst.Name)
            and args[0].value.value in ("True", "False")
        )
        return trainer_like or (bool(args) and not mode_switch)
    if method == "step":
        ctor = site.receiver_ctor or ""
        return any(within(ctor, library) for library in _OPTIMIZER_LIBRARIES) or bool(
            _OPTIMIZER.search(receiver)
        )
    return False
