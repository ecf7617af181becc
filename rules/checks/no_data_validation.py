"""no-data-validation: a training run that loads data and fits on it with no schema or data check."""

from __future__ import annotations

import re

import libcst

from rules.cst import keyword, positional, string_value
from rules.dataflow import FactsRule
from rules.finding import Severity
from rules.ml_calls import data_load, loader_declares_schema, model_fit
from rules.module_facts import CallSite, CheckSite, EntryPoint, ModuleFacts, Scope
from rules.rule import Case, register

# A call whose name says it checks data: `validate(df)`, `schema.validate`, `check_schema`, GX `expect_*`.
VALIDATION_NAME = re.compile(
    r"validat|schema|check_(?:data|df|frame|input|output|io|types|columns?|nulls?|dtypes?)|sanity|expect_|assert_",
    re.IGNORECASE,
)
VALIDATION_LIBRARIES = (
    "pandera",
    "great_expectations",
    "tensorflow_data_validation",
    "deepchecks",
    "evidently",
    "whylogs",
    "pandas_schema",
    "cerberus",
    "jsonschema",
    "soda",
    "pointblank",
)
PYDANTIC_BASES = frozenset({"pydantic.BaseModel", "pydantic.v1.BaseModel", "BaseModel", "pydantic.RootModel"})
# What an `assert` or `if ...: raise` looks at when it is about a frame rather than about config.
DATA_ATTRIBUTES = frozenset(
    {
        "shape",
        "columns",
        "dtypes",
        "dtype",
        "empty",
        "schema",
        "height",
        "ndim",
        "isna",
        "isnull",
        "notna",
        "notnull",
        "nunique",
        "duplicated",
        "is_unique",
        "between",
        "null_count",
        "is_null",
        "isin",
        "issubset",
        "hasnans",
    }
)
DATA_FUNCTIONS = frozenset({"len"})
# A loaded path or expression shown in the message, cut so that one finding stays one readable line.
MAX_SHOWN = 60
# Toy datasets: bundled with a library or fetched from it by name, versioned and documented upstream. A run on
# them is a demo or a benchmark. `load_files` and `load_svmlight_file(s)` read the user's own files instead.
TOY_DATASET_MODULES = ("sklearn.datasets",)
TOY_DATASET_PREFIXES = ("load_", "fetch_", "make_")
USER_FILE_LOADERS = frozenset({"load_files", "load_svmlight_file", "load_svmlight_files"})
KERAS_DATASET_MODULES = ("keras.datasets", "tensorflow.keras.datasets", "tf_keras.datasets")


def toy_data(site: CallSite) -> bool:
    """The one definition of a toy dataset, shared with no-experiment-tracking.

    This rule needs no explicit check: a toy loader is not a `data_load`, so a
    run on toy data never has a load to validate.
    """
    if any(site.name.startswith(module + ".") for module in TOY_DATASET_MODULES):
        return site.method.startswith(TOY_DATASET_PREFIXES) and site.method not in USER_FILE_LOADERS
    return site.method == "load_data" and any(
        site.name.startswith(module + ".") for module in KERAS_DATASET_MODULES
    )


def _loaded_names(reach: list[Scope], loads: list[CallSite]) -> set[str]:
    load_nodes = {id(site.node) for site in loads}
    return {name for scope in reach for name, call in scope.assigned.items() if id(call) in load_nodes}


def _is_data_check(check: CheckSite, scope: Scope, loaded: set[str]) -> bool:
    names, attributes = check.widened(scope)
    return bool(names & loaded or attributes & DATA_ATTRIBUTES or names & DATA_FUNCTIONS)


def _validates(facts: ModuleFacts, reach: list[Scope], loads: list[CallSite]) -> bool:
    """Lenient on purpose: any sign of a check in the run's reach counts,
    so only plainly unchecked runs are flagged."""
    pydantic_models = {name for name, bases in facts.classes.items() if PYDANTIC_BASES & set(bases)}
    for site in loads:
        if loader_declares_schema(site) or (
            keyword(site.node, "dtype") and (keyword(site.node, "usecols") or keyword(site.node, "columns"))
        ):
            return True
    loaded = _loaded_names(reach, loads)
    for scope in reach:
        if any(
            VALIDATION_NAME.search(decorator) or decorator.startswith(VALIDATION_LIBRARIES)
            for decorator in scope.decorators
        ):
            return True
        if any(_is_data_check(check, scope, loaded) for check in scope.checks):
            return True
        for site in scope.calls:
            if VALIDATION_NAME.search(site.method) or any(
                VALIDATION_NAME.search(name) for name in site.name_args
            ):
                return True
            if site.name.startswith(VALIDATION_LIBRARIES) or site.name in pydantic_models:
                return True
    return False


@register
class NoDataValidation(FactsRule):
    id = "no-data-validation"
    severity = Severity.HIGH
    title = "Training on data that is never validated"
    # A library's demo reads a sample file to show an API;
    # a schema check would only hide the call it demonstrates.
    applies_to_examples = False

    VALID = [
        # pandera schema validates the frame right after loading.
        Case(
            "import pandas as pd\nimport pandera as pa\n"
            "from sklearn.linear_model import LogisticRegression\n\n"
            "SCHEMA = pa.DataFrameSchema({'age': pa.Column(int, pa.Check.ge(0)), 'churned': "
            "pa.Column(int)})\n\n"
            "def main() -> None:\n    df = SCHEMA.validate(pd.read_csv('data/train.csv'))\n"
            "    LogisticRegression().fit(df[['age']], df['churned'])\n\n"
            "if __name__ == '__main__':\n    main()\n"
        ),
        # asserts about the loaded frame count as a data check.
        Case(
            "import pandas as pd\nimport xgboost as xgb\n\n"
            "def train(path: str) -> xgb.Booster:\n    df = pd.read_parquet(path)\n"
            "    assert {'amount', 'label'} <= set(df.columns), 'missing columns'\n"
            "    assert df['amount'].notna().all()\n"
            "    dtrain = xgb.DMatrix(df[['amount']], label=df['label'])\n"
            "    return xgb.train({'max_depth': 4}, dtrain)\n"
        ),
        # The check lives in a repo helper the entry point calls.
        Case(
            "import pandas as pd\nfrom lightgbm import LGBMClassifier\n"
            "from churn.checks import validate_frame\n\n"
            "def load(path):\n    df = pd.read_csv(path)\n    validate_frame(df)\n    return df\n\n"
            "def main():\n    df = load('data/train.csv')\n"
            "    LGBMClassifier().fit(df.drop(columns='y'), df['y'])\n\n"
            "if __name__ == '__main__':\n    main()\n"
        ),
        # Loading without fitting (a report) and fitting without loading (a library helper) are out of scope.
        Case(
            "import pandas as pd\n\ndef main():\n    df = pd.read_csv('data/sales.csv')\n"
            "    print(df.describe())\n\n"
            "if __name__ == '__main__':\n    main()\n"
        ),
        Case(
            "from sklearn.ensemble import RandomForestClassifier\n\n"
            "def fit_model(X, y):\n    return RandomForestClassifier(n_estimators=200).fit(X, y)\n",
            path="src/model.py",
        ),
        # A curated hub dataset is versioned and documented upstream; a scaler fit is not model training.
        Case(
            "from datasets import load_dataset\nfrom transformers import Trainer\n\n"
            "def main():\n    ds = load_dataset('imdb')\n"
            "    trainer = Trainer(model=model, train_dataset=ds['train'])\n    trainer.train()\n"
        ),
        Case(
            "import pandas as pd\nfrom sklearn.preprocessing import StandardScaler\nimport joblib\n\n"
            "if __name__ == '__main__':\n    df = pd.read_csv('data/features.csv')\n"
            "    scaler = StandardScaler().fit(df)\n    joblib.dump(scaler, 'scaler.joblib')\n"
        ),
        # A polars schema given at load time is a schema check.
        Case(
            "import polars as pl\nfrom sklearn.linear_model import Ridge\n\n"
            "SCHEMA = {'price': pl.Float64, 'sqft': pl.Float64}\n\n"
            "def main():\n    df = pl.read_csv('houses.csv', schema=SCHEMA)\n"
            "    Ridge().fit(df.select('sqft').to_numpy(), df['price'].to_numpy())\n"
        ),
        # An explicit `if ...: raise` guard on the frame.
        Case(
            "import pandas as pd\nfrom sklearn.svm import SVC\n\n"
            "def train():\n    df = pd.read_csv('data/iris.csv')\n"
            "    if df.isnull().any().any():\n        raise ValueError('nulls in training data')\n"
            "    SVC().fit(df.iloc[:, :4], df['species'])\n"
        ),
        # A Hydra run whose loader is typed with a pandera model and checked by `@pa.check_types`.
        Case(
            "import hydra\nimport pandas as pd\nimport pandera as pa\nimport lightgbm as lgb\n"
            "from pandera.typing import DataFrame\n\n"
            "class Orders(pa.DataFrameModel):\n    amount: float = pa.Field(ge=0)\n"
            "    returned: int = pa.Field(isin=[0, 1])\n\n"
            "@pa.check_types\ndef load(path: str) -> DataFrame[Orders]:\n    return pd.read_parquet(path)\n\n"
            "@hydra.main(config_path='conf', config_name='train', version_base=None)\n"
            "def main(cfg) -> None:\n"
            "    df = load(cfg.data.path)\n"
            "    lgb.train(dict(cfg.params), lgb.Dataset(df[['amount']], label=df['returned']))\n"
        ),
        # A library's demo (xgboost's demo/guide-python) reads its sample file to show the API.
        Case(
            "import pandas as pd\nimport xgboost as xgb\n\n"
            "df = pd.read_csv('./input/cat-in-the-dat/train.csv')\n"
            "booster = xgb.train({'eta': 0.1}, xgb.DMatrix(df.drop(columns='y'), label=df['y']))\n",
            path="demo/guide-python/cat_in_the_dat.py",
        ),
        # Torch mode switch `model.train()` is not training.
        Case(
            "import pandas as pd\nimport torch\n\n"
            "def run():\n    df = pd.read_csv('data/eval.csv')\n    model = torch.load('model.pt')\n"
            "    model.train()\n    return model(torch.tensor(df.values))\n"
        ),
    ]
    INVALID = [
        Case(
            "import pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier\n\n"
            "def main() -> None:\n    df = pd.read_csv('data/train.csv')\n"
            "    model = RandomForestClassifier(n_estimators=300)\n"
            "    model.fit(df.drop(columns=['churned']), df['churned'])\n\n"
            "if __name__ == '__main__':\n    main()\n",
            lines=(5,),
        ),
        # Only whole example folders are skipped: `demo_app/` is an application.
        Case(
            "import pandas as pd\nimport xgboost as xgb\n\ndf = pd.read_csv('data/train.csv')\n"
            "booster = xgb.train({'eta': 0.1}, xgb.DMatrix(df.drop(columns='y'), label=df['y']))\n",
            path="demo_app/train.py",
            lines=(4,),
        ),
        # The loader sits in a helper; the run starts in a Typer command.
        Case(
            "import typer\nimport numpy as np\nimport xgboost as xgb\n\napp = typer.Typer()\n\n"
            "def load_features(path: str) -> np.ndarray:\n    return np.load(path)\n\n"
            "@app.command()\ndef fit(path: str) -> None:\n    data = load_features(path)\n"
            "    booster = xgb.train({'eta': 0.1}, xgb.DMatrix(data[:, :-1], label=data[:, -1]))\n"
            "    booster.save_model('model.json')\n",
            path="cli.py",
            lines=(8,),
        ),
        # A torch training loop over a Parquet file.
        Case(
            "import polars as pl\nimport torch\n\n"
            "def train_model(cfg):\n    frame = pl.read_parquet(cfg.data_path)\n"
            "    x = torch.tensor(frame.drop('y').to_numpy())\n    y = torch.tensor(frame['y'].to_numpy())\n"
            "    optimizer = torch.optim.Adam(net.parameters())\n    for _ in range(cfg.epochs):\n"
            "        optimizer.zero_grad()\n        loss = loss_fn(net(x), y)\n        loss.backward()\n"
            "        optimizer.step()\n",
            lines=(5,),
        ),
        # An assert about config is not a check of the data.
        Case(
            "import pandas as pd\nfrom catboost import CatBoostRegressor\n\n"
            "def run(cfg):\n    assert cfg.iterations > 0\n    df = pd.read_json(cfg.path, lines=True)\n"
            "    CatBoostRegressor(iterations=cfg.iterations).fit(df[cfg.features], df[cfg.target])\n",
            lines=(6,),
        ),
        # HF datasets from local CSV files, trained with the Trainer.
        Case(
            "from datasets import load_dataset\nfrom transformers import Trainer\n\n"
            "if __name__ == '__main__':\n"
            "    ds = load_dataset('csv', data_files={'train': 'data/tickets.csv'})\n"
            "    Trainer(model=model, train_dataset=ds['train']).train()\n",
            lines=(5,),
        ),
        # A notebook: the whole notebook is the run.
        Case(
            '{"cells": [{"cell_type": "code", "source": ["import pandas as pd\\n", '
            '"df = pd.read_csv(\\"loans.csv\\")"]},'
            ' {"cell_type": "code", "source": ["from sklearn.linear_model import LogisticRegression\\n",'
            ' "LogisticRegression().fit(df[[\\"income\\"]], df[\\"default\\"])"]}], "nbformat": 4, '
            '"nbformat_minor": 5}',
            path="notebooks/loans.ipynb",
        ),
    ]

    def finish(self) -> None:
        facts = self.facts
        flagged: set[int] = set()
        for entry in facts.entry_points():
            reach = facts.reach(entry.scope)
            calls = [site for scope in reach for site in scope.calls]
            loads = [site for site in calls if data_load(site)]
            fits = [site for site in calls if model_fit(site, facts.imports)]
            if not loads or not fits or _validates(facts, reach, loads):
                continue
            load = min(loads, key=lambda site: self.line_of(site.node))
            if id(load.node) in flagged:
                continue
            flagged.add(id(load.node))
            self._report(entry, load, fits)

    def _report(self, entry: EntryPoint, load: CallSite, fits: list[CallSite]) -> None:
        start = self.line_of(load.node)
        later = [site for site in fits if site.scope is load.scope and self.line_of(site.node) > start]
        last = max(later, key=lambda site: self.line_of(site.node)).node if later else None
        loader = self.code(load.node.func, MAX_SHOWN)
        self.flag_span(
            load.node,
            last,
            f"{entry.label} loads {self._what(load)} with `{loader}` and fits a model on it without any "
            "schema or data check. "
            "A renamed column, a unit change or a batch of nulls upstream would then train a worse model "
            "without any error.",
            suggestion=(
                "Check the data right after loading: a pandera `DataFrameSchema(...).validate(df)`, "
                "a Great Expectations "
                "suite, or `assert`s on the columns, dtypes, ranges and null counts the model relies on."
            ),
            key=f"{load.scope.name}:{load.name}",
        )

    def _what(self, load: CallSite) -> str:
        args = positional(load.node)
        source: libcst.BaseExpression | None = None
        for name in ("data_files", "path", "source", "filepath_or_buffer", "io", "file", "fname"):
            arg = keyword(load.node, name)
            if arg is not None:
                source = arg.value
                break
        if source is None and args:
            source = args[-1] if load.name.endswith("load_dataset") else args[0]
        if source is None:
            return "data"
        literal = string_value(source)
        if literal is None:
            return f"data from `{self.code(source, MAX_SHOWN)}`"
        shown = literal.replace("`", "'")
        if len(shown) > MAX_SHOWN:
            shown = shown[: MAX_SHOWN - 1] + "…"
        return f"`{shown}`"
