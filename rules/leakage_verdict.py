"""split-leakage's verdict: given the events of one interpretation, which fits leak, and how.

A fit leaks when its rows include an evaluation split, or when it happens on the full
data before that data is split and its output (or the transformer itself) reaches the
split, or when it is fitted on all rows after a split and then applied to the
evaluation side. The interpreter (`rules.leakage_interpreter`) records what happened;
this module only judges it, so the rule module is left with the wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst

from rules.leakage_values import TEST, TRAIN, Apply, Fit, RowIndex, Run, Split, Val
from rules.ml_names import LABEL_ENCODERS

# A label encoder fitted on the target or writing to it (`y_train`, `df['label']`) only fixes the class codes.
TARGET_LABEL = re.compile(
    r"(?:^|\W)(?:y|y_\w+|\w*labels?|\w*targets?|\w*class(?:es)?)(?:$|\W)|['\"](?:label|target|class)['\"]",
    re.IGNORECASE,
)


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


def find_leaks(index: RowIndex, run: Run) -> list[Leak]:
    leaks = []
    for fit in run.fits:
        leak = _leak(index, run, fit)
        if leak is not None:
            leaks.append(leak)
    return leaks


def _leak(index: RowIndex, run: Run, fit: Fit) -> Leak | None:
    transformer = fit.transformer
    if not transformer.stateful:
        return None
    label_encoder = transformer.cls in LABEL_ENCODERS
    if label_encoder and (TARGET_LABEL.search(fit.label) or TARGET_LABEL.search(fit.destination)):
        return None
    roles = index.roles(fit.data)
    training = any(value.role == TRAIN for value in roles)
    evaluation = [value for value in roles if value.role == TEST]
    # A LabelEncoder fitted on train and test together only fixes
    # the code of each category: the Kaggle idiom, harmless.
    if evaluation and not (label_encoder and training):
        return Leak(fit, "test", split=evaluation[0].split, held=evaluation[0], evaluation_only=not training)
    if label_encoder or training or evaluation:
        return None
    data_rows = index.rows(fit.data)
    # A later fit of the same transformer replaces what this one learned: only applications before it count.
    refit = min(
        (other.seq for other in run.fits if other.transformer is transformer and other.seq > fit.seq),
        default=run.end(),
    )
    for split in run.splits:
        split_rows: frozenset[int] = frozenset()
        for value in split.inputs:
            split_rows |= index.rows(value)
        if not data_rows & split_rows:
            continue
        shaped = any(
            id(transformer) in value.via for value in (*split.inputs, *([split.model] if split.model else []))
        )
        after = fit.seq > split.seq
        applied = [
            apply
            for apply in run.applies
            if apply.transformer is transformer
            and max(split.seq, fit.seq) < apply.seq < refit
            and _holds_output(index, apply.data, split, TEST if after else None)
        ]
        if not after and (shaped or applied):
            return Leak(fit, "before-split", split=split)
        if after and split.holdout and applied:
            return Leak(fit, "full-after-split", split=split, applied=applied[0])
    return None


def call_toward_fit(fit: Fit, split: Split) -> libcst.Call | None:
    """The call through which the fit's data left the innermost function that runs both the fit and the split.

    That is the helper call next to the split (`X = scale(df)`); None when the fit sits in that function
    itself. An outer call (`main()` at module level) would point the reader away from both lines.
    """
    shared = 0
    for fit_caller, split_caller in zip(fit.callers, split.callers, strict=False):
        if fit_caller is not split_caller:
            break
        shared += 1
    return fit.callers[shared] if len(fit.callers) > shared else None


def _holds_output(index: RowIndex, data: Val, split: Split, role: str | None) -> bool:
    return any(value.split is split and (role is None or value.role == role) for value in index.roles(data))
