"""What counts as a tuned value, and what counts as saying how it was tuned.

Shared by `config-without-context` (which reports tuned values that carry no
tuning context) and `magic-number` (which must stay silent wherever the first
one has jurisdiction), so the two rules can never disagree about a line. Names,
numbers and text only, with no parser: where a Python file sets such a value is
`rules.tuning_sites`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
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


# ---------------------------------------------------------------- tuning context

_METHOD = re.compile(
    r"\b(?:sweeps?|swept|optuna|hyperopt|ray[\s-]?tune|grid[\s-]?search(?:ed)?|gridsearchcv|random(?:ized)?[\s-]?search|"
    r"bayes(?:ian)?[\s-]?(?:opt\w*|search)|ablations?|calibrat\w*|cross[\s-]?validat\w*|k[\s-]?fold|\d+[\s-]?fold|cv|"
    r"hpo|hparam[\s-]?search|hyper[\s-]?parameter[\s-]?(?:search|tuning|sweep)|lr[\s-]?(?:range[\s-]?test|finder)|"
    r"elbow|backtest\w*|a/b[\s-]?test\w*|wandb|w&b|mlflow|comet|neptune|et al|arxiv|paper)\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b(?:20[0-3]\d[-/.](?:0?[1-9]|1[0-2])(?:[-/.]\d{1,2})?|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(?:\d{1,2},?\s+)?20[0-3]\d|"
    r"q[1-4][\s-]?20[0-3]\d|20[0-3]\d[\s-]?q[1-4]|"
    # A bare year only where it reads as a date ("in 2024", "(2023)"), never "2000 trees".
    r"(?:(?<=\()|(?<=\bin\s)|(?<=since\s)|(?<=as of\s)|(?<=from\s)|(?<=until\s)|(?<=\bon\s))20[0-3]\d)\b",
    re.IGNORECASE,
)
_RUN_ID = re.compile(
    r"\b(?:run|runs|exp|experiment|trial|study|job|ticket|issue|pr|notebook)[\s_:=-]*(?:id[\s:=]*)?"
    r"(?:#\d+|[a-z0-9_.-]*\d[a-z0-9_.-]*)\b"
    # "run 3 epochs" counts epochs, it names no run.
    r"(?!\s*(?:epochs?|steps?|times|iterations?|iters?|trials|batches|samples|rows|folds?|%))",
    re.IGNORECASE,
)
_TICKET = re.compile(r"\b[A-Z][A-Z0-9]+-\d+\b|(?<![\w#])#\d{2,}\b")
_URL = re.compile(r"https?://\S+")
_DATASET = re.compile(
    r"\b(?:data(?:set)?|snapshot|split|corpus|table)[\s_-]*(?:v(?:er(?:sion)?)?\.?\s*\d|@\s*\w|20[0-3]\d)|"
    r"\bv\d+(?:\.\d+)*\s+(?:data|dataset|split|snapshot|corpus)\b",
    re.IGNORECASE,
)
_CHOSEN = re.compile(
    r"\b(?:tuned|chosen|selected|picked|found|optimi[sz]ed|fitted|best|maximi[sz]es|minimi[sz]es)\b",
    re.IGNORECASE,
)
_ON_DATA = re.compile(
    r"\b(?:validation|val|holdout|hold-out|dev|oot|out-of-time|eval|evaluation|test|training)\b(?:\s*(?:set|split|data|fold|window))?",
    re.IGNORECASE,
)
_LIB_DEFAULT = re.compile(
    r"\b(?:library|sklearn|scikit-learn|xgboost|lightgbm|catboost|torch|pytorch|keras|tensorflow|framework|upstream|"
    r"huggingface|transformers|paper'?s?)\s+default\b",
    re.IGNORECASE,
)

# A reason for the value, or the rule of thumb it follows: "bigger because tokens per iter is small",
# "largest that fits on one A100", "usually lr / 10". What the knob does ("higher is more conservative")
# is no reason.
_REASON = re.compile(
    r"\b(?:because|since|so that|otherwise|usually|typically|rule[\s-]of[\s-]thumb|heuristic(?:ally)?|"
    r"recommended\s+(?:by|in|for)|fits?\s+(?:in|on|into)|per\s+the\s+(?:paper|docs|model\s+card)|"
    # A purpose: "to avoid OOM on 24 GB", "so it fits", "for stability", "works with the small dataset".
    r"to\s+(?:avoid|prevent|reduce|fit|save|speed\s+up|match|keep|stay|stabili[sz]e|eliminate|limit|mitigate|"
    r"work\s+around|cap|allow|handle|compensate|counter|balance|offset)|in\s+order\s+to|so\s+(?:it|we|that|the)|"
    r"for\s+(?:stability|stable|faster|memory|speed|throughput)|(?:that|which)\s+works?|works?\s+(?:with|on|for)|"
    r"(?:required|needed|necessary)\s+(?:for|by|to)|matches|to\s+be\s+consistent|consistent\s+with|"
    # A period read off the calendar: 7 for weekly seasonality, 24 for hourly data over a day.
    r"(?:hourly|daily|weekly|monthly|quarterly|yearly|annual)\s+(?:seasonality|cycle|period|pattern))\b",
    re.IGNORECASE,
)
# An equation in a comment (`# 8 GPUs x 4 per device x 2 accumulation = 64`) derives the values around it.
_EQUATION = re.compile(
    r"\d[^=\n]*?(?:\s[x×*/]\s|[×*/])[^=\n]*?\d[^=\n]*=\s*~?\d|=\s*\d[\d.]*\s*[x×*/]\s*\d", re.IGNORECASE
)
# Where the value was taken from: "per Mistral, ...", "according to the model card", "as in the paper".
_SOURCE = re.compile(
    r"(?:^|[#,;(]\s*)per\s+(?:the\s+)?[A-Z][\w.-]+|\baccording\s+to\b|\bas\s+(?:in|per|used\s+in)\s+(?:the\s+)?[\w-]+|"
    r"\b(?:taken|copied|borrowed|adopted|ported)\s+from\b|\b(?:pre)?trained\s+(?:with|on)\b|\bofficial\b"
)
# A value derived from another setting: "learning_rate / 10", "4 * d_model", "equal to max_iters".
_DERIVED = (
    re.compile(r"(?<![\w.])(?P<name>[a-z_][a-z0-9_]*)\s*[*/]\s*\d", re.IGNORECASE),
    re.compile(r"\d\s*[*/]\s*(?P<name>[a-z_][a-z0-9_]*)\b", re.IGNORECASE),
    re.compile(
        r"\b(?:equal\s+to|same\s+as|half(?:\s+of)?|twice|tied\s+to|scaled?\s+(?:with|by))\s+(?:the\s+)?(?P<name>[a-z_][a-z0-9_]*)",
        re.IGNORECASE,
    ),
)


def _derived_from_setting(text: str) -> bool:
    """Arithmetic on a word is a derivation only when the word names a setting, not "tokens / 10"."""
    return any(
        "_" in match["name"].strip("_") or strength_of(match["name"]) is not None
        for pattern in _DERIVED
        for match in pattern.finditer(text)
    )


def gives_reason(text: str) -> bool:
    """Whether a comment argues for the value (a reason, a rule of thumb, a derivation from another setting).

    Only a comment at the value counts: a docstring or file header saying "because" is about something else.
    """
    return bool(_REASON.search(text) or _EQUATION.search(text)) or _derived_from_setting(text)


def has_tuning_context(text: str) -> bool:
    """Whether text says how, when or on what data a value was chosen, not merely what it does."""
    if not text.strip():
        return False
    return bool(
        _METHOD.search(text)
        or _DATE.search(text)
        or _RUN_ID.search(text)
        or _TICKET.search(text)
        or _URL.search(text)
        or _DATASET.search(text)
        or _LIB_DEFAULT.search(text)
        or _SOURCE.search(text)
        or (_CHOSEN.search(text) and _ON_DATA.search(text))
    )


def has_context(text: str, near: str = "") -> bool:
    """Provenance anywhere in `text`, or a reason in `near`, the comments at the value itself."""
    return has_tuning_context(text) or gives_reason(near)


_NUMBER_TOKEN = re.compile(r"(?<![\w.])[-+]?(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.]*\w)")


def numbers_in(text: str) -> set[str]:
    """The numbers a comment quotes, leaving out the digits of its dates, links and run ids."""
    for pattern in (_URL, _DATE, _TICKET, _RUN_ID, _DATASET):
        text = pattern.sub(" ", text)
    found = set()
    for token in _NUMBER_TOKEN.findall(text):
        try:
            found.add(normalise_number(float(token.replace("_", ""))))
        except ValueError:
            continue
    return found


def is_stale(text: str, current: str, old_values: Iterable[str]) -> bool:
    """Context written for the base's value: it quotes the old number and not the new one."""
    quoted = numbers_in(text)
    if current in quoted:
        return False
    return any(old != current and old in quoted for old in old_values)


def explains(text: str, current: str, old_values: Iterable[str] = (), near: str = "") -> bool:
    """`near` (the value's own comments) must also be part of `text`,
    so a stale reason is caught like stale provenance."""
    return has_context(text, near) and not is_stale(text, current, old_values)


def is_default(name: str, value: str, callee: str = "") -> bool:
    """`callee` is the dotted name of the call a keyword belongs to,
    so a class's own defaults count only there."""
    key = normalise_name(name)
    own = CALL_DEFAULTS.get(callee.rsplit(".", 1)[-1], {}).get(key, frozenset())
    return value in own or value in UNTUNED_DEFAULTS.get(key, frozenset())
