"""How fast the whole rule engine reviews Python, against a bare libcst parse of the same files.

Generates a corpus of realistic ML modules (pandas feature code, sklearn and
xgboost training, torch models and loops, configs, evaluation, CLIs), offline
and deterministic, then times `rules.engine.scan` over them as files added by
one pull request against `libcst.parse_module` alone. The target is a ratio of
at most 1.5: every rule rides one batched traversal, so reviewing should cost
little more than parsing.

    python bench/rules_speed.py [--files N] [--repeat N]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import libcst

from rules.engine import ChangedFile, ReviewInput, ScanResult, scan
from rules.repo import DictRepo
from rules.rule import all_rules

# A few hundred files, tens of thousands of lines: the size of a large ML pull request times ten.
DEFAULT_FILES = 300
# Files already in the repository beside the new ones, for rules that compare with neighbours.
EXISTING_FILES = 60
# Best of three runs hides a cold cache or a noisy neighbour without hiding a slow rule.
DEFAULT_REPEAT = 3
# The corpus must not change between runs, or the figures are not comparable.
SEED = 20_260_115
# Blocks per module: with the templates below this gives 80-250 lines per file, as in real code.
BLOCKS_PER_FILE = (4, 10)
TARGET_RATIO = 1.5
FOLDERS = ("features", "models", "training", "pipelines", "serving", "evaluation", "data", "notebooks_export")
COLUMNS = (
    "age",
    "tenure",
    "spend",
    "visits",
    "clicks",
    "country",
    "device",
    "plan",
    "churned",
    "revenue",
    "sessions",
)


def _header(rng: random.Random) -> str:
    imports = [
        "import logging",
        "import os",
        "from dataclasses import dataclass, field",
        "from pathlib import Path",
        "import numpy as np",
        "import pandas as pd",
        "from sklearn.model_selection import train_test_split",
        "from sklearn.metrics import roc_auc_score, f1_score",
        "import torch",
        "from torch import nn",
        "import xgboost as xgb",
        "import lightgbm as lgb",
        "import polars as pl",
    ]
    chosen = sorted(rng.sample(imports, rng.randint(4, 9)))
    return (
        '"""Generated benchmark module."""\n\n'
        + "\n".join(chosen)
        + "\n\nlog = logging.getLogger(__name__)\n"
    )


def _features(rng: random.Random, index: int) -> str:
    cols = rng.sample(COLUMNS, 4)
    return f'''

def build_features_{index}(df: pd.DataFrame) -> pd.DataFrame:
    """Ratios and buckets the model reads; raw counts are too skewed."""
    out = df.copy()
    out["{cols[0]}_per_{cols[1]}"] = out["{cols[0]}"] / out["{cols[1]}"].clip(lower=1)
    out["{cols[2]}_log"] = np.log1p(out["{cols[2]}"])
    out["{cols[3]}_bucket"] = pd.cut(out["{cols[3]}"], bins=[0, 10, 100, 1000], labels=False)
    for column in ("{cols[0]}", "{cols[2]}"):
        mean = out[column].mean()
        std = out[column].std() or 1.0
        out[f"{{column}}_z"] = (out[column] - mean) / std
    grouped = out.groupby("{cols[1]}")["{cols[2]}"].agg(["mean", "max"]).add_prefix("{cols[1]}_")
    out = out.merge(grouped, left_on="{cols[1]}", right_index=True, how="left")
    log.info("built %d feature rows", len(out))
    return out.fillna(0)
'''


def _training(rng: random.Random, index: int) -> str:
    depth = rng.randint(3, 9)
    rounds = rng.choice((100, 200, 400, 800))
    return f"""

def train_model_{index}(df: pd.DataFrame, target: str = "churned") -> xgb.XGBClassifier:
    features = df.drop(columns=[target])
    x_train, x_valid, y_train, y_valid = train_test_split(\
features, df[target], test_size=0.2, random_state={rng.randint(0, 99)})
    model = xgb.XGBClassifier(max_depth={depth}, n_estimators={rounds}, learning_rate=0.05, subsample=0.8)
    model.fit(x_train, y_train, eval_set=[(x_valid, y_valid)], verbose=False)
    scores = model.predict_proba(x_valid)[:, 1]
    auc = roc_auc_score(y_valid, scores)
    f1 = f1_score(y_valid, scores > 0.5)
    log.info("auc=%.4f f1=%.4f", auc, f1)
    if auc < 0.6:
        raise RuntimeError("model is no better than chance")
    return model
"""


def _torch(rng: random.Random, index: int) -> str:
    hidden = rng.choice((64, 128, 256, 512))
    return f"""

class Net{index}(nn.Module):
    def __init__(self, inputs: int, hidden: int = {hidden}, dropout: float = 0.1) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(inputs, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, hidden // 2),
            nn.ReLU(),
            nn.Linear(hidden // 2, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x).squeeze(-1)


def fit_net_{index}(model: nn.Module, loader, epochs: int = 10, lr: float = 1e-3) -> list[float]:
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    loss_fn = nn.BCEWithLogitsLoss()
    history = []
    for epoch in range(epochs):
        model.train()
        total = 0.0
        for batch, labels in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(batch), labels.float())
            loss.backward()
            optimizer.step()
            total += loss.item()
        history.append(total / max(len(loader), 1))
        log.info("epoch %d loss %.4f", epoch, history[-1])
    return history
"""


def _config(rng: random.Random, index: int) -> str:
    return f'''

@dataclass
class TrainConfig{index}:
    """Defaults from the last tuning sweep; see the experiment log for the runs."""

    data_path: Path = Path("data") / "train.parquet"
    batch_size: int = {rng.choice((32, 64, 128, 256))}
    epochs: int = {rng.randint(5, 50)}
    learning_rate: float = {rng.choice(("1e-3", "3e-4", "0.01"))}
    seed: int = {rng.randint(0, 9999)}
    tags: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return f"{{self.data_path}} bs={{self.batch_size}} epochs={{self.epochs}} lr={{self.learning_rate}}"
'''


def _evaluation(rng: random.Random, index: int) -> str:
    return f"""

def evaluate_{index}(model, frames: dict[str, pd.DataFrame], target: str = "churned") -> pd.DataFrame:
    rows = []
    for name, frame in sorted(frames.items()):
        if frame.empty:
            log.warning("skipping empty slice %s", name)
            continue
        scores = model.predict_proba(frame.drop(columns=[target]))[:, 1]
        rows.append({{"slice": name, "rows": len(frame), "auc": roc_auc_score(frame[target], scores)}})
    report = pd.DataFrame(rows).sort_values("auc")
    worst = report.head({rng.randint(1, 5)})
    for _, row in worst.iterrows():
        log.info("weak slice %s auc=%.3f", row["slice"], row["auc"])
    return report
"""


def _polars(rng: random.Random, index: int) -> str:
    cols = rng.sample(COLUMNS, 3)
    return f'''

def daily_aggregates_{index}(path: str) -> pl.DataFrame:
    frame = pl.scan_parquet(path)
    return (
        frame.filter(pl.col("{cols[0]}") > 0)
        .group_by("{cols[1]}")
        .agg(
            pl.col("{cols[2]}").mean().alias("{cols[2]}_mean"),
            pl.col("{cols[2]}").std().alias("{cols[2]}_std"),
            pl.len().alias("rows"),
        )
        .sort("rows", descending=True)
        .collect()
    )
'''


def _cli(rng: random.Random, index: int) -> str:
    return f"""

def main_{index}(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="train and evaluate")
    parser.add_argument("--data", default=os.environ.get("DATA_PATH", "data/train.parquet"))
    parser.add_argument("--epochs", type=int, default={rng.randint(1, 30)})
    args = parser.parse_args(argv)
    df = pd.read_parquet(args.data)
    log.info("loaded %d rows from %s", len(df), args.data)
    return 0
"""


BLOCKS: tuple[Callable[[random.Random, int], str], ...] = (
    _features,
    _training,
    _torch,
    _config,
    _evaluation,
    _polars,
    _cli,
)


def corpus(count: int, seed: int = SEED) -> dict[str, str]:
    rng = random.Random(seed)
    files = {}
    for number in range(count):
        parts = [_header(rng)]
        for block in range(rng.randint(*BLOCKS_PER_FILE)):
            parts.append(rng.choice(BLOCKS)(rng, block))
        files[f"src/{rng.choice(FOLDERS)}/module_{number:04}.py"] = "".join(parts)
    return files


def _best_of(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Fastest time of each, runs interleaved so a busy machine slows them alike."""
    best = {name: float("inf") for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--files", type=int, default=DEFAULT_FILES)
    options.add_argument("--repeat", type=int, default=DEFAULT_REPEAT)
    args = options.parse_args(argv)

    added = corpus(args.files)
    existing = {
        path.replace("module_", "existing_"): text for path, text in corpus(EXISTING_FILES, SEED + 1).items()
    }
    lines = sum(text.count("\n") for text in added.values())

    def review() -> ScanResult:
        return scan(
            ReviewInput(
                changed=[ChangedFile(path, "added", head=text) for path, text in added.items()],
                repo=DictRepo(existing, {**existing, **added}),
            )
        )

    def parse() -> list[libcst.Module]:
        return [libcst.parse_module(text) for text in added.values()]

    timings = _best_of({"parse": parse, "engine": review}, args.repeat)
    parse_seconds, engine_seconds = timings["parse"], timings["engine"]
    result = review()
    ratio = engine_seconds / parse_seconds
    print(
        f"corpus: {len(added)} files, {lines} lines; {len(all_rules())} rules;"
        f" {len(result.findings)} findings"
    )
    print(f"libcst.parse_module: {parse_seconds:6.2f} s  {lines / parse_seconds:9.0f} lines/s")
    print(f"rules.engine.scan:   {engine_seconds:6.2f} s  {lines / engine_seconds:9.0f} lines/s")
    print(
        f"ratio engine/parse:  {ratio:.2f}x (target <= {TARGET_RATIO:g}x)"
        f" {'OK' if ratio <= TARGET_RATIO else 'OVER'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
