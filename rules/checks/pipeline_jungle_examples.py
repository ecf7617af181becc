"""pipeline-jungle's VALID and INVALID examples, and the pipelines they copy, tweak and keep apart.

They double as tests (the meta-test runs every rule on its examples, and the rule's own tests
reuse the pipelines) and as its documentation; kept here, the rule's module reads as its decision.
"""

from __future__ import annotations

from rules.rule import Case

TRAIN = "".join(
    f"{line}\n"
    for line in (
        "import argparse",
        "import pandas as pd",
        "from sklearn.ensemble import GradientBoostingClassifier",
        "from sklearn.model_selection import train_test_split",
        "",
        "def main(path: str) -> None:",
        "    df = pd.read_parquet(path)",
        "    df = df.dropna(subset=['churned'])",
        "    features = df.drop(columns=['churned', 'customer_id'])",
        "    target = df['churned']",
        "    x_train, x_test, y_train, y_test = train_test_split(features, target, test_size=0.2, "
        "random_state=7)",
        "    model = GradientBoostingClassifier(n_estimators=300, max_depth=3)",
        "    model.fit(x_train, y_train)",
        "    print('auc', model.score(x_test, y_test))",
        "    pd.to_pickle(model, 'model.pkl')",
        "",
        "if __name__ == '__main__':",
        "    parser = argparse.ArgumentParser()",
        "    parser.add_argument('path')",
        "    main(parser.parse_args().path)",
    )
)

TRAIN_TWEAKED = TRAIN.replace("n_estimators=300", "n_estimators=500").replace("'model.pkl'", "'model_v2.pkl'")

SERVE = "".join(
    f"{line}\n"
    for line in (
        "from fastapi import FastAPI",
        "import joblib",
        "",
        "app = FastAPI()",
        "model = joblib.load('model.pkl')",
        "",
        "@app.post('/predict')",
        "def predict(payload: dict) -> dict:",
        "    rows = payload['rows']",
        "    scores = model.predict_proba(rows)[:, 1]",
        "    labels = [int(score > 0.5) for score in scores]",
        "    return {'scores': scores.tolist(), 'labels': labels}",
        "",
        "@app.get('/health')",
        "def health() -> dict:",
        "    return {'ok': True}",
    )
)

SERVE_V2 = (
    SERVE.replace("'/predict'", "'/v2/predict'")
    .replace("payload['rows']", "payload['instances']")
    .replace("scores = model.predict_proba(rows)[:, 1]", "scores = model.predict_proba(rows)")
    .replace("labels = [int(score > 0.5) for score in scores]", "labels = scores.argmax(axis=1).tolist()")
    .replace(
        "return {'scores': scores.tolist(), 'labels': labels}",
        "return {'predictions': labels, 'model_version': 2}",
    )
)

# A longer module and a numbered file that keeps only its first class: most of the copy's lines come from it.
SHARDS = "".join(
    f"{line}\n"
    for line in (
        "import json",
        "import numpy as np",
        "",
        "class ShardReader:",
        "    def __init__(self, index_path: str, shuffle: bool) -> None:",
        "        self.entries = json.load(open(index_path))",
        "        self.shuffle = shuffle",
        "        self.order = np.arange(len(self.entries))",
        "",
        "    def __len__(self) -> int:",
        "        return len(self.entries)",
        "",
        "    def __getitem__(self, i: int) -> np.ndarray:",
        "        entry = self.entries[int(self.order[i])]",
        "        return np.load(entry['path'], mmap_mode='r')",
        "",
        "    def reshuffle(self, seed: int) -> None:",
        "        if self.shuffle:",
        "            self.order = np.random.default_rng(seed).permutation(len(self.entries))",
    )
)

SHARDS_TAIL = "".join(
    f"{line}\n"
    for line in (
        "",
        "class ShardWriter:",
        "    def __init__(self, out_dir: str, per_shard: int) -> None:",
        "        self.out_dir = out_dir",
        "        self.per_shard = per_shard",
        "        self.buffer: list[np.ndarray] = []",
        "        self.written = 0",
        "",
        "    def add(self, row: np.ndarray) -> None:",
        "        self.buffer.append(row)",
        "        if len(self.buffer) >= self.per_shard:",
        "            self.flush()",
        "",
        "    def flush(self) -> None:",
        "        np.save(f'{self.out_dir}/shard_{self.written}.npy', np.stack(self.buffer))",
        "        self.buffer.clear()",
        "        self.written += 1",
    )
)

HYDRA = "defaults:\n  - model: resnet50\n  - data: imagenet\n" + "".join(f"key_{i}: {i}\n" for i in range(12))

VALID: list[Case] = [
    Case({"pipelines/train.py": TRAIN_TWEAKED}, base={"pipelines/train.py": TRAIN}),
    Case({"serve.py": SERVE}, base={"train.py": TRAIN}),
    Case({"stage2.py": SERVE}, base={"stage.py": TRAIN}),
    Case(
        {"conf/experiment/resnet18.yaml": HYDRA},
        base={"conf/experiment/resnet50.yaml": HYDRA.replace("resnet50", "resnet101")},
    ),
    Case({"train_v2.py": "from train import main\n\nmain('data.parquet')\n"}, base={"train.py": TRAIN}),
    Case({"train_v2.py": TRAIN_TWEAKED, "train.py": None}, base={"train.py": TRAIN}),
    Case({"features/__init__.py": TRAIN}, base={"features/base.py": TRAIN}),
    Case({"tests/test_train_v2.py": TRAIN}, base={"tests/test_train.py": TRAIN}),
    Case({"api/routes_v2.py": SERVE_V2}, base={"api/routes.py": SERVE, "api/routes_v1.py": SERVE}),
    Case({"a.py": TRAIN, "b.py": TRAIN_TWEAKED}),
    Case(
        {"train_v2.py": TRAIN_TWEAKED + "# mldebt: ignore[pipeline-jungle] A/B test until 2026-03, EXP-88\n"},
        base={"train.py": TRAIN},
    ),
    Case({"configs/train_b.py": TRAIN_TWEAKED}, base={"configs/train_a.py": TRAIN}),
    # A camelCase word is no tag, and a backup of a file that is gone is no copy kept beside it.
    Case({"src/ResNet.py": SERVE}, base={"src/Res.py": TRAIN}),
    Case({"pipelines/train.py.bak": TRAIN, "pipelines/train.py": None}, base={"pipelines/train.py": TRAIN}),
    # Two new files whose names pair up but whose code does not.
    Case({"data/shards.py": SHARDS, "data/shards2.py": SERVE}),
]
INVALID: list[Case] = [
    Case({"train_v2.py": TRAIN_TWEAKED}, base={"train.py": TRAIN}, lines=(1,)),
    Case({"src/features_old.py": SERVE}, base={"src/features.py": TRAIN}),
    Case({"scripts/train_gbm.py": TRAIN_TWEAKED}, base={"scripts/train_xgb.py": TRAIN}),
    Case({"pipeline/preprocess copy.py": TRAIN}, base={"pipeline/preprocess.py": TRAIN_TWEAKED}),
    Case({"params_final.yaml": HYDRA}, base={"params.yaml": HYDRA}),
    Case(
        {"pipeline_v2/train.py": TRAIN_TWEAKED, "pipeline_v2/serve.py": SERVE},
        base={"pipeline/train.py": TRAIN, "pipeline/serve.py": SERVE},
    ),
    Case({"train2.py": TRAIN_TWEAKED}, base={"train.py": TRAIN}),
    # camelCase tags and a backup suffix on the whole file name.
    Case({"src/scoreV2.py": TRAIN_TWEAKED}, base={"src/score.py": TRAIN}, lines=(1,)),
    Case({"pipelines/train.py.bak": TRAIN}, base={"pipelines/train.py": TRAIN_TWEAKED}, lines=(1,)),
    # A numbered copy of one part of a longer original,
    # and a tagged copy added in the same change as its original.
    Case(
        {"data/shards2.py": SHARDS.replace("mmap_mode='r'", "mmap_mode=None")},
        base={"data/shards.py": SHARDS + SHARDS_TAIL},
        lines=(1,),
    ),
    Case(
        {"data/shards.py": SHARDS + SHARDS_TAIL, "data/shards2.py": SHARDS + "\nFORMAT = 'npy'\n"},
        lines=(1,),
    ),
]
