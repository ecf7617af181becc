"""Deterministic, realistic ML source files for benchmark repositories and pull requests.

Benchmarks must scan what mldebt meets in practice, not empty files: training
scripts with pandas and scikit-learn, feature modules and YAML configs, and a
head version that changes a few lines the way a real push does (a tuned value,
a new path, a leaked scaler), so rules find debt and reviews carry comments.
"""

from __future__ import annotations

import random

MODELS = ("LogisticRegression", "RandomForestClassifier", "GradientBoostingClassifier")
IMPORTS = {
    "LogisticRegression": "from sklearn.linear_model import LogisticRegression",
    "RandomForestClassifier": "from sklearn.ensemble import RandomForestClassifier",
    "GradientBoostingClassifier": "from sklearn.ensemble import GradientBoostingClassifier",
}


def _rng(*seed: object) -> random.Random:
    return random.Random("/".join(map(str, seed)))


def train_script(index: int, *, head: bool = False, revision: int = 0) -> str:
    """A training entry point of about 70 lines; `head` applies a push's typical edits."""
    rng = _rng("train", index)
    model = MODELS[index % len(MODELS)]
    name = f"model_{index}"
    features = [f"f_{index}_{k}" for k in range(rng.randint(4, 9))]
    learning_rate = rng.choice((0.1, 0.05, 0.01))
    depth = rng.randint(3, 8)
    data_path = f'"data/{name}.csv"'
    scale_before_split = ""
    threshold_line = '    threshold = config.get("threshold", 0.5)'
    if head:
        learning_rate = round(learning_rate * (0.37 + 0.01 * (revision % 50)), 5)
        depth += 1 + revision % 3
        if index % 3 == 0:
            # mldebt: ignore[hardcoded-path] the corpus plants this debt on purpose,
            # so the engine has work to do
            data_path = f'"/home/alice/{name}/train-{revision}.csv"'
        if index % 4 == 1:
            scale_before_split = "    X = StandardScaler().fit_transform(X)\n"
        if index % 5 == 2:
            threshold_line = f"    threshold = {0.61 + 0.001 * (revision % 97):.3f}"
    capacity = (
        f'C=config.get("C", {depth / 10})'
        if model == "LogisticRegression"
        else f'max_depth=config.get("max_depth", {depth})'
    )
    feature_list = ",\n".join(f'    "{feature}"' for feature in features)
    return f'''"""Trains {name}: a {model} over {len(features)} customer features."""

from __future__ import annotations

import argparse
import json
import logging

import numpy as np
import pandas as pd
{IMPORTS[model]}
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

log = logging.getLogger(__name__)

FEATURES = [
{feature_list}
]
LABEL = "churned"


def load(path: str) -> pd.DataFrame:
    frame = pd.read_csv(path)
    missing = [column for column in FEATURES + [LABEL] if column not in frame.columns]
    if missing:
        raise ValueError(f"missing columns: {{missing}}")
    return frame.dropna(subset=[LABEL])


def build_model(config: dict) -> {model}:
    return {model}(random_state=config.get("seed", 7), {capacity})


def evaluate(model: {model}, X: np.ndarray, y: np.ndarray, config: dict) -> dict:
    scores = model.predict_proba(X)[:, 1]
{threshold_line}
    predicted = (scores >= threshold).astype(int)
    return {{"auc": float(roc_auc_score(y, scores)), "positive_rate": float(predicted.mean())}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="configs/{name}.json")
    parser.add_argument("--data", default={data_path})
    args = parser.parse_args()
    with open(args.config) as handle:
        config = json.load(handle)
    config.setdefault("learning_rate", {learning_rate})
    frame = load(args.data)
    X, y = frame[FEATURES].to_numpy(), frame[LABEL].to_numpy()
{scale_before_split}    X_train, X_test, y_train, y_test = train_test_split(\
X, y, test_size=0.2, random_state=config.get("seed", 7))
    model = build_model(config)
    model.fit(X_train, y_train)
    metrics = evaluate(model, X_test, y_test, config)
    log.info("metrics %s", metrics)
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()
'''


def feature_module(index: int, *, head: bool = False, revision: int = 0) -> str:
    """A feature-engineering module of about 40 lines."""
    rng = _rng("features", index)
    window = rng.choice((7, 14, 30))
    clip = rng.choice((3.0, 4.0, 5.0))
    extra = ""
    if head:
        window += 1 + revision % 5
        extra = f'''

def ratio_{revision}(frame: pd.DataFrame) -> pd.Series:
    """Spend per active day, capped to keep outliers from dominating."""
    ratio = frame["spend"] / frame["active_days"].clip(lower=1)
    return ratio.clip(upper=ratio.quantile(0.99))
'''
    return f'''"""Features for segment {index}: rolling activity and clipped spend."""

from __future__ import annotations

import numpy as np
import pandas as pd

WINDOW_DAYS = {window}


def rolling_activity(frame: pd.DataFrame) -> pd.Series:
    ordered = frame.sort_values("day")
    return ordered.groupby("customer_id")["events"].transform(\
lambda s: s.rolling(WINDOW_DAYS, min_periods=1).mean())


def clipped_spend(frame: pd.DataFrame) -> pd.Series:
    spend = np.log1p(frame["spend"].astype(float))
    z = (spend - spend.mean()) / (spend.std() or 1.0)
    return z.clip(-{clip}, {clip})


def build(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    out["activity"] = rolling_activity(frame)
    out["spend_z"] = clipped_spend(frame)
    return out
{extra}'''


def config_yaml(index: int, *, head: bool = False, revision: int = 0) -> str:
    """A training config; the head changes a tuned value without saying why."""
    rng = _rng("config", index)
    learning_rate = rng.choice((0.1, 0.03, 0.01))
    if head:
        learning_rate = round(learning_rate * (0.5 + 0.01 * (revision % 40)), 5)
    return (
        f"# Training config for model_{index}.\n"
        "train:\n"
        f"  learning_rate: {learning_rate}\n"
        f"  epochs: {rng.randint(5, 40)}\n"
        f"  batch_size: {rng.choice((32, 64, 128))}\n"
        "  seed: 7\n"
        "data:\n"
        f"  path: data/model_{index}.csv\n"
        "  label: churned\n"
    )


def module_for(path: str, index: int, *, head: bool = False, revision: int = 0) -> str:
    """The content a benchmark path gets, chosen by its folder."""
    if path.endswith(".yaml"):
        return config_yaml(index, head=head, revision=revision)
    if path.startswith("features/"):
        return feature_module(index, head=head, revision=revision)
    return train_script(index, head=head, revision=revision)


def paths(count: int) -> list[str]:
    """`count` repository paths: training scripts, feature modules and configs in a 2:1:1 mix."""
    out = []
    for index in range(count):
        kind = index % 4
        if kind in (0, 1):
            out.append(f"models/model_{index}/train.py")
        elif kind == 2:
            out.append(f"features/segment_{index}.py")
        else:
            out.append(f"configs/model_{index}.yaml")
    return out
