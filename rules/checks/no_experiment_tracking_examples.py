"""no-experiment-tracking's VALID and INVALID examples: what it must stay quiet on, and what it must report.

They double as tests (the meta-test runs every rule on its examples) and as its documentation,
and they outgrow the rule itself: kept here, the rule's module reads as its decision alone.
"""

from __future__ import annotations

from rules.rule import Case

# DVC's get-started layout: a train stage that reads params and writes the model;
# cases add what runs after it.
DVC_TRAIN_SCRIPT = (
    "import pickle\nimport sys\n\nimport yaml\nfrom sklearn.ensemble import RandomForestClassifier\n\n"
    "params = yaml.safe_load(open('params.yaml'))['train']\nwith open(sys.argv[1], 'rb') as fd:\n"
    "    x, labels = pickle.load(fd)\n"
    "clf = RandomForestClassifier(n_estimators=params['n_est'])\nclf.fit(x, labels)\n"
    "with open(sys.argv[2], 'wb') as fd:\n    pickle.dump(clf, fd)\n"
)
DVC_TRAIN_STAGE = (
    "stages:\n  train:\n    cmd: python src/train.py data/features model.pkl\n"
    "    deps: [data/features, src/train.py]\n    params: [train.n_est]\n    outs: [model.pkl]\n"
)

VALID: list[Case] = [
    # MLflow autologging covers params, metrics and the model.
    Case(
        "import mlflow\nimport pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier\n"
        "from sklearn.metrics import f1_score\n\n"
        "def main():\n    mlflow.sklearn.autolog()\n    df = pd.read_csv('data/train.csv')\n"
        "    model = RandomForestClassifier().fit(df[['x']], df['y'])\n"
        "    print(f1_score(df['y'], model.predict(df[['x']])))\n\n"
        "if __name__ == '__main__':\n    main()\n"
    ),
    # W&B in a torch loop, logging from a helper.
    Case(
        "import torch\nimport wandb\n\ndef log(metrics):\n    wandb.log(metrics)\n\n"
        "def train(cfg):\n    wandb.init(project='ranker', config=cfg)\n"
        "    optimizer = torch.optim.AdamW(net.parameters())\n"
        "    for batch in loader:\n        loss = net(batch).mean()\n        loss.backward()\n"
        "        optimizer.step()\n        log({'loss': loss.item()})\n"
        "    torch.save(net.state_dict(), 'net.pt')\n"
    ),
    # An in-house tracker declared in the repo config.
    Case(
        "import joblib\nfrom sklearn.linear_model import LogisticRegression\n"
        "from acme.runs import record_run\n\n"
        "if __name__ == '__main__':\n    model = LogisticRegression().fit(X, y)\n"
        "    record_run(model, params={'C': 1.0})\n"
        "    joblib.dump(model, 'model.joblib')\n",
        config="trackers: [acme.runs]\n",
    ),
    # A DVC stage runs this script and tracks the metrics file it writes.
    Case(
        {
            "src/train.py": "import json\nimport joblib\nfrom sklearn.metrics import accuracy_score\n\n"
            "if __name__ == '__main__':\n    model = clf.fit(X_train, y_train)\n"
            "    json.dump({'acc': accuracy_score(y_test, model.predict(X_test))}, open('metrics.json', "
            "'w'))\n"
            "    joblib.dump(model, 'model.joblib')\n",
            "dvc.yaml": "stages:\n  train:\n    cmd: python src/train.py\n    deps: [src/train.py]\n"
            "    outs: [model.joblib]\n"
            "    metrics:\n      - metrics.json:\n          cache: false\n",
            ".dvc/config": "",
        }
    ),
    # DVC's own layout: `train` declares params and outs,
    # and the `evaluate` stage consuming the model declares the metrics.
    Case(
        {
            "src/train.py": DVC_TRAIN_SCRIPT,
            "dvc.yaml": DVC_TRAIN_STAGE
            + "  evaluate:\n    cmd: python src/evaluate.py model.pkl data/features\n"
            "    deps: [model.pkl, src/evaluate.py]\n"
            "    metrics:\n    - eval/metrics.json:\n        cache: false\n",
            ".dvc/config": "[core]\n    remote = storage\n",
        }
    ),
    # A toy dataset is a demo: no-data-validation leaves the same run alone.
    Case(
        "from sklearn.datasets import load_iris\nfrom sklearn.linear_model import LogisticRegression\n"
        "from sklearn.metrics import accuracy_score\n"
        "from sklearn.model_selection import train_test_split\n\n"
        "X, y = load_iris(return_X_y=True)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
        "clf = LogisticRegression().fit(X_train, y_train)\n"
        "print(accuracy_score(y_test, clf.predict(X_test)))\n",
        path="demo.py",
    ),
    # A library's usage example (LightGBM's examples/python-guide).
    Case(
        "import lightgbm as lgb\nimport pandas as pd\nfrom sklearn.metrics import mean_squared_error\n\n"
        "df_train = pd.read_csv('../regression/regression.train', header=None, sep='\\t')\n"
        "X, y = df_train.drop(0, axis=1), df_train[0]\n"
        "gbm = lgb.train({'objective': 'regression'}, lgb.Dataset(X, y), num_boost_round=100)\n"
        "print(mean_squared_error(y, gbm.predict(X)))\n",
        path="examples/python-guide/simple_example.py",
    ),
    # Lightning's Trainer logs to TensorBoard/CSV by default;
    # HF Trainer reports to installed integrations.
    Case(
        "import lightning.pytorch as pl\n\ndef main():\n    trainer = pl.Trainer(max_epochs=5)\n"
        "    trainer.fit(model, datamodule=dm)\n"
        "    trainer.save_checkpoint('final.ckpt')\n"
    ),
    Case(
        "from transformers import Trainer, TrainingArguments\n\ndef train():\n"
        "    args = TrainingArguments(output_dir='out', report_to='wandb')\n"
        "    trainer = Trainer(model=model, args=args, train_dataset=ds)\n"
        "    trainer.train()\n    trainer.save_model('out/final')\n"
    ),
    # A library helper: fits and scores, but loads nothing; the caller owns the run.
    Case(
        "from sklearn.metrics import roc_auc_score\n\n"
        "def train_and_score(model, X_train, y_train, X_val, y_val):\n"
        "    model.fit(X_train, y_train)\n"
        "    return roc_auc_score(y_val, model.predict_proba(X_val)[:, 1])\n",
        path="src/modeling.py",
    ),
    # A scaler fit and saved is preprocessing, not a training run; keras TensorBoard callback tracks.
    Case(
        "import joblib\nfrom sklearn.preprocessing import StandardScaler\n\nif __name__ == '__main__':\n"
        "    joblib.dump(StandardScaler().fit(X), 'scaler.joblib')\n"
    ),
    Case(
        "import tensorflow as tf\n\ndef main():\n"
        "    model.fit(x, y, epochs=3, callbacks=[tf.keras.callbacks.TensorBoard('logs')])\n"
        "    model.save('model.keras')\n"
    ),
    # Orchestrators that keep what each step hands on as a versioned artifact of the run: a Flyte task
    # returning its metric, a Metaflow step setting it on `self`.
    Case(
        "import pandas as pd\nfrom flytekit import task, workflow\nfrom sklearn.linear_model import Ridge\n"
        "from sklearn.metrics import mean_absolute_error\n\n@task\ndef train(path: str) -> float:\n"
        "    df = pd.read_parquet(path)\n    model = Ridge().fit(df[['x']], df['y'])\n"
        "    return mean_absolute_error(df['y'], model.predict(df[['x']]))\n\n"
        "@workflow\ndef nightly(path: str = 'data/sales.parquet') -> float:\n    return train(path=path)\n",
        path="pipelines/sales.py",
    ),
    Case(
        "import pandas as pd\nfrom metaflow import FlowSpec, step\nfrom sklearn.svm import SVC\n"
        "from sklearn.metrics import balanced_accuracy_score\n\nclass ChurnFlow(FlowSpec):\n"
        "    @step\n    def start(self):\n        self.next(self.train)\n\n"
        "    @step\n    def train(self):\n        df = pd.read_csv('data/churn.csv')\n"
        "        clf = SVC().fit(df[['tenure']], df['churned'])\n"
        "        self.bacc = balanced_accuracy_score(df['churned'], clf.predict(df[['tenure']]))\n"
        "        self.next(self.end)\n\n    @step\n    def end(self):\n        pass\n\n"
        "if __name__ == '__main__':\n    ChurnFlow()\n",
        path="flows/churn.py",
    ),
]
INVALID: list[Case] = [
    Case(
        "import joblib\nimport pandas as pd\nfrom sklearn.ensemble import GradientBoostingClassifier\n"
        "from sklearn.metrics import roc_auc_score\n\n"
        "def main():\n    df = pd.read_parquet('data/train.parquet')\n"
        "    model = GradientBoostingClassifier()\n"
        "    model.fit(df.drop(columns='y'), df['y'])\n"
        "    print(roc_auc_score(df['y'], model.predict_proba(df.drop(columns='y'))[:, 1]))\n"
        "    joblib.dump(model, 'model.joblib')\n\n"
        "if __name__ == '__main__':\n    main()\n",
        lines=(9,),
    ),
    # Torch loop saving a checkpoint, run from a Click command.
    Case(
        "import click\nimport torch\n\n@click.command()\n@click.option('--epochs', default=10)\n"
        "def cli(epochs):\n"
        "    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)\n    for _ in range(epochs):\n"
        "        for xb, yb in loader:\n            optimizer.zero_grad()\n"
        "            loss_fn(net(xb), yb).backward()\n"
        "            optimizer.step()\n    torch.save(net.state_dict(), 'net.pt')\n",
        lines=(12,),
    ),
    # xgboost with a Hydra entry point; evaluation through the booster.
    Case(
        "import hydra\nimport xgboost as xgb\nfrom sklearn.metrics import mean_absolute_error\n\n"
        "@hydra.main(config_path='conf', config_name='train', version_base=None)\ndef run(cfg):\n"
        "    booster = xgb.train(dict(cfg.params), dtrain, num_boost_round=cfg.rounds)\n"
        "    print(mean_absolute_error(y_val, booster.predict(dval)))\n",
        lines=(7,),
    ),
    # HF Trainer told explicitly not to report anywhere.
    Case(
        "from transformers import Trainer, TrainingArguments\n\nif __name__ == '__main__':\n"
        "    args = TrainingArguments(output_dir='out', report_to='none')\n"
        "    trainer = Trainer(model=model, args=args, train_dataset=ds)\n"
        "    trainer.train()\n    trainer.evaluate()\n",
        lines=(6,),
    ),
    # The stage with metrics evaluates another model, not what the train stage outputs.
    Case(
        {
            "src/train.py": DVC_TRAIN_SCRIPT,
            "dvc.yaml": DVC_TRAIN_STAGE + "  baseline:\n    cmd: python src/baseline.py data/features\n"
            "    deps: [data/features, src/baseline.py]\n"
            "    metrics:\n    - eval/baseline.json:\n        cache: false\n",
            ".dvc/config": "[core]\n    remote = storage\n",
        },
        path="src/train.py",
        lines=(11,),
    ),
    # `load_svmlight_file` reads the team's own file,
    # and toy data beside the team's own data is not a demo.
    Case(
        "from sklearn.datasets import load_svmlight_file\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "from sklearn.metrics import roc_auc_score\n\nif __name__ == '__main__':\n"
        "    X, y = load_svmlight_file('data/clicks.svm')\n"
        "    clf = LogisticRegression().fit(X, y)\n"
        "    print(roc_auc_score(y, clf.predict_proba(X)[:, 1]))\n",
        lines=(7,),
    ),
    Case(
        "import pandas as pd\nfrom sklearn.datasets import make_classification\n"
        "from sklearn.linear_model import LogisticRegression\n\n"
        "if __name__ == '__main__':\n    X_toy, y_toy = make_classification(n_samples=100)\n"
        "    df = pd.read_parquet('data/train.parquet')\n"
        "    clf = LogisticRegression().fit(df[['x']], df['y'])\n"
        "    print(clf.score(df[['x']], df['y']))\n",
        lines=(8,),
    ),
    # A tracker imported but never called does not track anything.
    Case(
        "import mlflow  # noqa: F401\nfrom sklearn.linear_model import Ridge\n\n"
        "if __name__ == '__main__':\n    model = Ridge().fit(X, y)\n"
        "    print(model.score(X_test, y_test))\n",
        lines=(5,),
    ),
    # An orchestrator step that only prints its metric: nothing of the run is kept to compare.
    Case(
        "import pandas as pd\nfrom zenml import pipeline, step\n"
        "from sklearn.tree import DecisionTreeRegressor\n"
        "from sklearn.metrics import r2_score\n\n@step\ndef train_and_report(path: str) -> None:\n"
        "    df = pd.read_csv(path)\n    tree = DecisionTreeRegressor().fit(df[['area']], df['price'])\n"
        "    print(r2_score(df['price'], tree.predict(df[['area']])))\n\n"
        "@pipeline\ndef housing():\n    train_and_report('data/homes.csv')\n\n"
        "if __name__ == '__main__':\n    housing()\n",
        path="pipelines/housing.py",
        lines=(9,),
    ),
]
