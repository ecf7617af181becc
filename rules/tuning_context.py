"""What counts as saying how a tuned value was chosen: provenance or a reason, and not a stale quote.

`rules.tuning` tells a hyperparameter by its name and number; this is the other
half of the shared vocabulary, read from comments and docstrings, which both
`config-without-context` and `magic-number` use to excuse a value. It is text
only, and changes for different reasons (new ways people write provenance) than
the list of names does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rules.tuning import normalise_number, strength_of

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
