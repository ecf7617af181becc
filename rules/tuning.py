"""What counts as a tuned value: a hyperparameter's name, a number worth reporting, a library default.

Shared by `config-without-context` (which reports tuned values that carry no
tuning context) and `magic-number` (which must stay silent wherever the first
one has jurisdiction), so the two rules can never disagree about a line. Names
and numbers only, with no parser: where a Python file sets such a value is
`rules.tuning_sites`, and what a comment must say to explain it is
`rules.tuning_context`.
"""

from __future__ import annotations

import math
import re
from typing import Literal

Strength = Literal["strong", "weak"]

# Names that mean "hyperparameter" wherever they appear.
STRONG_NAMES = frozenset(
    {
        "learning_rate",
        "lr",
        "base_lr",
        "max_lr",
        "min_lr",
        "initial_lr",
        "init_lr",
        "peak_lr",
        "lr_decay",
        "epochs",
        "num_epochs",
        "n_epochs",
        "max_epochs",
        "num_train_epochs",
        "weight_decay",
        "dropout",
        "dropout_rate",
        "drop_rate",
        "dropout_prob",
        "attention_dropout",
        "hidden_dropout_prob",
        "attention_probs_dropout_prob",
        "drop_path_rate",
        "label_smoothing",
        "n_estimators",
        "num_estimators",
        "num_leaves",
        "min_child_weight",
        "min_child_samples",
        "colsample_bytree",
        "colsample_bylevel",
        "colsample_bynode",
        "subsample",
        "reg_alpha",
        "reg_lambda",
        "lambda_l1",
        "lambda_l2",
        "l1_ratio",
        "feature_fraction",
        "bagging_fraction",
        "bagging_freq",
        "min_data_in_leaf",
        "min_samples_split",
        "min_samples_leaf",
        "min_impurity_decrease",
        "max_leaf_nodes",
        "scale_pos_weight",
        "num_boost_round",
        "num_round",
        "early_stopping_rounds",
        "max_bin",
        "l2_leaf_reg",
        "max_leaves",
        "max_delta_step",
        "min_split_loss",
        "min_split_gain",
        "min_gain_to_split",
        "warmup_steps",
        "warmup_ratio",
        "warmup_epochs",
        "gradient_accumulation_steps",
        "accumulate_grad_batches",
        "max_grad_norm",
        "gradient_clip_val",
        "grad_clip",
        "clip_norm",
        "hidden_size",
        "hidden_dim",
        "num_hidden_layers",
        "embedding_dim",
        "embed_dim",
        "num_heads",
        "n_heads",
        "num_attention_heads",
        "intermediate_size",
        "d_model",
        "d_ff",
        "lora_r",
        "lora_alpha",
        "lora_dropout",
        "ema_decay",
        "n_neighbors",
        "n_clusters",
        "contamination",
        "decision_threshold",
        "classification_threshold",
        # Budgets: how long a search or a solver may run.
        "n_trials",
        "num_trials",
        "max_trials",
        "max_evals",
        "num_samples",
        "max_iter",
        "max_iters",
        "max_steps",
        "num_iterations",
        "n_iter",
        "iterations",
        "num_boost_rounds",
        "early_stopping_patience",
        "lora_rank",
        "num_kv_heads",
        "seq_length",
        "max_seq_length",
        "context_length",
    }
)
# Names that are hyperparameters in model code but mean other
# things elsewhere (a YAML nesting limit, map layers).
WEAK_NAMES = frozenset(
    {
        "max_depth",
        "num_layers",
        "n_layers",
        "threshold",
        "thresh",
        "cutoff",
        "cut_off",
        "alpha",
        "lambda",
        "beta",
        "beta1",
        "beta2",
        "gamma",
        "lambda_",
        "lam",
        "l1",
        "l2",
        "momentum",
        "temperature",
        "top_k",
        "top_p",
        "topk",
        "num_beams",
        "repetition_penalty",
        "patience",
        "batch_size",
        "train_batch_size",
        "per_device_train_batch_size",
        "eta",
        "step_size",
        "n_components",
        "min_df",
        "max_df",
        "max_features",
        "min_samples",
        "smoothing",
        "margin",
        "penalty_weight",
        "decay",
        "pos_weight",
    }
)
# Suffixes that name a tuned knob (`FRAUD_THRESHOLD`, `head_lr`) in model code.
SUFFIXES = (
    "_threshold",
    "_thresh",
    "_cutoff",
    "_lr",
    "_learning_rate",
    "_dropout",
    "_weight_decay",
    "_epochs",
    "_momentum",
    "_temperature",
    "_alpha",
    "_lambda",
    "_gamma",
    "_patience",
    "_top_k",
    "_top_p",
)
# `MIN_*` / `MAX_*` constants in model code are limits someone chose, unless they are plumbing.
_LIMIT = re.compile(r"^(?:min|max)_(?P<rest>\w+)$")
_PLUMBING = re.compile(
    r"(?:^|_)(?:retries|retry|attempts|tries|workers|threads|jobs|procs|processes|connections|conn|timeout|wait|sleep|"
    r"delay|backoff|bytes|kb|mb|gb|memory|mem|files?|logs?|lines|display|print|width|height|len|length|chars|"
    r"tokens|version|port|pages?|items|results|queue|cache|requests|calls|concurrency|parallel|gpus|cpus|date|"
    r"year|time|duration|seconds|secs|minutes|hours|days|age|ttl|size_mb|colwidth|columns|cols)$"
)
# Running state, not settings: `best_threshold = 0.0` before a search loop.
_STATE_PREFIX = re.compile(r"^(?:best|prev|previous|curr|current|last|running|tmp|old|new)_")

# Values that mean "off", "no limit" or "leave it neutral"
# (a temperature, gamma or C of 1) rather than a tuned choice.
TRIVIAL_VALUES = frozenset({"0", "-1", "1"})
# Library defaults and conventions (Adam's 1e-3, LightGBM's 31 leaves, momentum 0.9, a 2-D projection for a
# plot): spelling one out is not a tuning decision, unless the PR moves a value to it.
UNTUNED_DEFAULTS = {
    "lr": frozenset({"0.001"}),
    "learning_rate": frozenset({"0.001", "0.1", "0.3"}),
    "n_estimators": frozenset({"100"}),
    "num_boost_round": frozenset({"100"}),
    "num_leaves": frozenset({"31"}),
    "max_bin": frozenset({"255", "256"}),
    "min_child_samples": frozenset({"20"}),
    "min_data_in_leaf": frozenset({"20"}),
    "min_samples_split": frozenset({"2"}),
    "weight_decay": frozenset({"0.01"}),
    "l1_ratio": frozenset({"0.5"}),
    "batch_size": frozenset({"32"}),
    "top_k": frozenset({"50"}),
    "hidden_dropout_prob": frozenset({"0.1"}),
    "attention_probs_dropout_prob": frozenset({"0.1"}),
    "momentum": frozenset({"0.9"}),
    # Hugging Face Trainer's optimizer and DeepSpeed's fp16 loss scaling.
    "optim": frozenset({"'adamw_torch'"}),
    "loss_scale_window": frozenset({"1000"}),
    "hysteresis": frozenset({"2"}),
    "beta1": frozenset({"0.9"}),
    "beta2": frozenset({"0.999"}),
    "betas": frozenset({"[0.9, 0.999]"}),
    "adam_beta1": frozenset({"0.9"}),
    "adam_beta2": frozenset({"0.999"}),
    "adam_epsilon": frozenset({"1e-08"}),
    "eps": frozenset({"1e-08"}),
    "n_components": frozenset({"2", "3"}),
    "n_clusters": frozenset({"8"}),
    "n_neighbors": frozenset({"5"}),
    # scikit-learn's fold count.
    "cv": frozenset({"5"}),
    "n_splits": frozenset({"5"}),
    # Hugging Face `TrainingArguments` (inherited by TRL's configs); these names exist only there.
    "num_train_epochs": frozenset({"3"}),
    "per_device_train_batch_size": frozenset({"8"}),
}
# Defaults that belong to one class: 5e-5 is `TrainingArguments`' learning rate, but the same number elsewhere
# (or 2e-5, SFTConfig's) can be a choice someone made, so these count only as keywords of that call.
CALL_DEFAULTS = {
    "TrainingArguments": {"learning_rate": frozenset({"5e-05"})},
    "Seq2SeqTrainingArguments": {"learning_rate": frozenset({"5e-05"})},
    "SFTConfig": {"learning_rate": frozenset({"2e-05"})},
}


def normalise_name(name: str) -> str:
    return name.strip().lstrip("_").replace("-", "_").lower()


def strength_of(name: str, *, keyword: bool = False) -> Strength | None:
    """Whether a name is a hyperparameter; "weak" names count only in model code."""
    if keyword and name == "C":
        return "weak"
    lowered = normalise_name(name)
    if not lowered or _STATE_PREFIX.match(lowered):
        return None
    if lowered in STRONG_NAMES:
        return "strong"
    if lowered in WEAK_NAMES:
        return "weak"
    if lowered.endswith(SUFFIXES):
        return "weak"
    limit = _LIMIT.match(lowered)
    if not keyword and limit and not _PLUMBING.search(limit["rest"]):
        return "weak"
    return None


def normalise_number(value: float | int) -> str:
    """One spelling per value, so `1e-3`, `0.001` and `1.0E-3` are the same setting."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def is_worth_reporting(name: str, value: str) -> bool:
    """Zero, one and -1 switch a knob off, leave it neutral or lift a limit."""
    return value not in TRIVIAL_VALUES


def is_default(name: str, value: str, callee: str = "") -> bool:
    """`callee` is the dotted name of the call a keyword belongs to,
    so a class's own defaults count only there."""
    key = normalise_name(name)
    own = CALL_DEFAULTS.get(callee.rsplit(".", 1)[-1], {}).get(key, frozenset())
    return value in own or value in UNTUNED_DEFAULTS.get(key, frozenset())
