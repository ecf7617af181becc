"""undocumented-feature: a model input feature added in feature-engineering code with no registry entry."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst
from libcst.metadata import PositionProvider

from rules.config import DEFAULT_REGISTRIES
from rules.dataflow import FactsRule, dotted, keyword, model_fit, option_names, positional, string_value
from rules.feature_docs import Documents, computed_nearby, creation_patterns, documents
from rules.finding import Severity
from rules.pyutil import line_comment
from rules.registry import Case, FileContext, register
from rules.registry_files import FeatureRegistry, RegistryEntry, glob_of, read_registry
from rules.repo import Side

FEATURE_DIRECTORIES = frozenset({"features", "feature_engineering", "feature_repo", "feature_store", "featurization", "feature_pipeline"})
FEATURE_FILE = re.compile(r"^(?:feat(?:ure)?s?(?:_\w+)?|\w+_feat(?:ure)?s?|fe|featuri[sz]\w*|build_features)$", re.IGNORECASE)
FEAST_VIEWS = frozenset({"FeatureView", "BatchFeatureView", "StreamFeatureView", "OnDemandFeatureView", "on_demand_feature_view", "stream_feature_view"})
# Variables holding a list of model input columns: FEATURES, FEATURE_COLUMNS, feature_cols, NUMERIC_FEATURES, cat_feats.
FEATURE_LIST_TOKENS = frozenset({"feature", "features", "feat", "feats"})
NOT_A_FEATURE_LIST = frozenset(
    {"drop", "dropped", "exclude", "excluded", "excludes", "exclusion", "exclusions", "ignore", "ignored", "remove", "removed",
     "skip", "leak", "leaky", "deprecated", "unused", "blocklist", "denylist", "blacklist", "meta", "metadata",
     "target", "targets", "label", "labels", "id", "ids", "key", "keys", "importance", "importances", "store", "view", "service"}
)
# Directly before the feature noun these negate it: `NON_FEATURE_COLS` lists what is kept out of the model,
# while `NON_NEGATIVE_FEATURES` is still a list of features.
NEGATIONS = frozenset({"non", "not", "no"})
TARGET_NAMES = frozenset({"target", "label", "labels", "y", "class", "outcome", "ground_truth"})
TARGET_KEYWORDS = frozenset({"target", "label", "target_col", "target_column", "label_col", "label_column", "label_name", "target_name", "y_col"})
TIMESTAMP_NAMES = frozenset({"event_timestamp", "created", "created_timestamp", "timestamp", "ts", "event_time", "event_ts", "date", "datetime", "created_at", "updated_at"})
TIMESTAMP_SUFFIXES = ("_timestamp", "_ts", "_at", "_date", "_datetime")
TIMESTAMP_KEYWORDS = frozenset({"timestamp_field", "created_timestamp_column", "event_timestamp_column", "timestamp_column", "time_column"})
# Names that hold a data frame by convention; `data` and `x` are left out, they are as often dicts.
FRAME_NAME = re.compile(r"^(?:[Dd][Ff]|pdf|sdf|frame|features|feats|X)$|^(?:df|X)_\w+$|_(?:df|frame|features|feats)$")
# Calls that make a file model-data code even outside feature folders: it trains on its frames, splits them
# into folds, or writes them out as the dataset a training script reads.
MODEL_DATA_CALLS = frozenset(
    {"train_test_split", "cross_val_score", "cross_validate", "KFold", "StratifiedKFold", "GroupKFold",
     "to_csv", "to_parquet", "to_feather", "write_csv", "write_parquet", "saveAsTable"}
)
MODEL_DATA_WORDS = (".fit(", "train_test_split", "cross_val", "KFold", ".to_csv(", ".to_parquet(", ".to_feather(", ".write_csv(", ".write_parquet(", "saveAsTable")
# Bookkeeping columns of a training or data-preparation script: fold numbers, split flags, predictions, weights.
BOOKKEEPING = re.compile(
    r"^(?:k?folds?|fold_\w+|\w+_k?folds?|split|subset|is_(?:train|test|val|valid|validation|holdout)|"
    r"preds?|predictions?|\w+_(?:preds?|predictions?|proba|probas|residuals?)|proba|probas|residuals?|sample_weights?)$",
    re.IGNORECASE,
)
FRAME_ADDERS = frozenset({"assign", "with_columns", "with_column", "withColumn"})
DATAFRAME_LIBRARIES = ("pandas", "polars", "pyspark", "dask", "modin", "cudf", "xarray", "databricks")
FRAME_LIBRARIES = ("pandas", "polars", "pyspark", "dask", "modin", "cudf")
FRAME_METHODS = frozenset(
    {"copy", "merge", "join", "assign", "reset_index", "set_index", "agg", "aggregate", "pivot_table", "melt", "drop", "dropna", "fillna",
     "rename", "sort_values", "to_pandas", "toPandas", "with_columns", "select", "filter", "query", "explode", "astype", "read_csv", "read_parquet"}
)
DICT_CALLS = frozenset(
    {"dict", "defaultdict", "OrderedDict", "Counter", "collections.defaultdict", "collections.OrderedDict", "collections.Counter",
     "json.load", "json.loads", "yaml.safe_load", "yaml.load"}
)
DICT_ANNOTATIONS = re.compile(r"^(?:typing\.)?(?:dict|Dict|Mapping|MutableMapping|defaultdict|OrderedDict|Counter)\b")
FRAME_ANNOTATIONS = re.compile(r"DataFrame|LazyFrame")
# A comment that names the column on its line (or the line below it) as the label: `# churn label: no purchase in 90 days`,
# `# define the target`, `# Churn is the label`. Up to three words may qualify the noun, but not a preposition: `# mean of
# the target per city` describes a target-encoded feature. A comment mentioning features or an encoding never counts.
TARGET_COMMENT = re.compile(
    r"^(?:(?:create|define|build|make|compute|derive|add|set|binary|the|our|a|an)\s+)*"
    r"(?:(?!(?:of|per|by|with|from|for|using|vs|and|or|to|in|on|at|over|than|like)\b)[\w-]+\s+){0,3}"
    r"(?:label|target)s?(?:\s+(?:variable|column|col))?(?:\s*(?:[:=(,]|$)|\s+[-\u2013\u2014]\s)"
    r"|\bis\s+(?:the|our)\s+(?:label|target)\b"
)
NOT_A_TARGET_COMMENT = re.compile(r"feat|encod|leak|smooth", re.IGNORECASE)
# Keys of a Feast view's `tags` that name who owns it.
OWNER_TAGS = frozenset({"owner", "owners", "team", "maintainer", "maintainers", "contact", "author"})
# A feature name (or an annotation being classified) shown in full up to this length.
MAX_SHOWN = 60
# Features named in a summary finding; the rest are counted.
MAX_LISTED = 5
# Findings a file gets one by one; past this, the last one lists the rest, so a wide feature file is not a flood.
MAX_FINDINGS = 6


@dataclass(frozen=True)
class ColumnName:
    """A column name as written: a literal, or a family built with an f-string (`lag_{n}` → glob `lag_*`)."""

    shown: str
    template: bool
    # The f-string as written, to recognise the same family computed by another module.
    source: str | None = field(default=None, compare=False)

    @property
    def glob(self) -> str:
        return glob_of(self.shown)


@dataclass(frozen=True)
class FeastView:
    """A Feast feature view: itself a registry entry, with its own name and, maybe, an owner."""

    name: str
    owned: bool


@dataclass(frozen=True)
class FanOut:
    """A column family written inside a loop over a literal list: each string in the list names a feature of its own."""

    iterable: str
    variable: str
    column: ColumnName
    node: libcst.CSTNode


@dataclass(frozen=True)
class Candidate:
    name: ColumnName
    node: libcst.CSTNode
    documented: bool = False
    view: FeastView | None = None
    # Named in a feature list rather than computed: only a feature module's lists declare model inputs.
    listed: bool = False


def _loop_variables(target: libcst.BaseExpression, iterable: libcst.BaseExpression) -> dict[str, str]:
    """Loop variable → the named list (or dict) it walks: `for c in COLS`, `for i, c in enumerate(COLS)`, `for k, v in D.items()`."""
    if isinstance(iterable, libcst.Call):
        callee = dotted(iterable.func) or ""
        args = positional(iterable)
        if callee in ("enumerate", "tqdm", "tqdm.tqdm", "sorted", "list") and args:
            inner = _loop_variables(target, args[0]) if callee != "enumerate" else {}
            if callee == "enumerate" and isinstance(target, libcst.Tuple) and len(target.elements) == 2:
                inner = _loop_variables(target.elements[1].value, args[0])
            return inner
        if isinstance(iterable.func, libcst.Attribute) and iterable.func.attr.value in ("items", "keys"):
            if iterable.func.attr.value == "items" and isinstance(target, libcst.Tuple) and target.elements:
                target = target.elements[0].value
            return _loop_variables(target, iterable.func.value)
        return {}
    variable, name = dotted(target), dotted(iterable)
    return {variable: name} if variable is not None and name is not None and "." not in variable else {}


def _tokens(name: str) -> list[str]:
    return [token.lower() for token in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+", name)]


def _is_feature_list(name: str) -> bool:
    tokens = _tokens(name.rsplit(".", 1)[-1])
    if FEATURE_LIST_TOKENS.isdisjoint(tokens) or not NOT_A_FEATURE_LIST.isdisjoint(tokens):
        return False
    return not any(word in NEGATIONS and noun in FEATURE_LIST_TOKENS for word, noun in zip(tokens, tokens[1:]))


def _strings(node: libcst.BaseExpression) -> Iterator[tuple[str, libcst.CSTNode]]:
    elements = node.elements if isinstance(node, (libcst.List, libcst.Tuple, libcst.Set)) else [libcst.Element(node)]
    for element in elements:
        value = string_value(element.value)
        if value is not None:
            yield value, element.value


def _shown(name: str) -> str:
    name = name.replace("`", "'")
    return name if len(name) <= MAX_SHOWN else name[: MAX_SHOWN - 1] + "…"


def _listed(candidates: list[Candidate]) -> str:
    """The first few names in a one-comment summary; a long list is counted, not spelled out."""
    listed = ", ".join(f"`{_shown(candidate.name.shown)}`" for candidate in candidates[:MAX_LISTED])
    return listed + (f" and {len(candidates) - MAX_LISTED} more" if len(candidates) > MAX_LISTED else "")


def is_target(name: str, targets: set[str]) -> bool:
    lowered = name.lower()
    return lowered in TARGET_NAMES or lowered in targets or lowered.startswith(("target_", "label_")) or lowered.endswith(("_target", "_label"))


def is_identifier(name: str) -> bool:
    lowered = name.lower()
    return lowered in ("id", "uuid", "index") or lowered.endswith(("_id", "_uuid", "_ids"))


def is_timestamp(name: str) -> bool:
    lowered = name.lower()
    return lowered in TIMESTAMP_NAMES or lowered.endswith(TIMESTAMP_SUFFIXES)


@register
class UndocumentedFeature(FactsRule):
    id = "undocumented-feature"
    severity = Severity.HIGH
    title = "New feature missing from the feature registry"
    # A library's example feature repo shows how to declare features; it has nobody to own them.
    applies_to_examples = False

    VALID = [
        # Documented in features.yaml by the same pull request.
        Case(
            {
                "src/features/build_features.py": "import pandas as pd\n\ndef build(df: pd.DataFrame) -> pd.DataFrame:\n"
                "    df['days_since_signup'] = (df['event_time'] - df['signup_time']).dt.days\n    return df\n",
                "features.yaml": "days_since_signup:\n  description: Whole days between signup and the event.\n  owner: growth-ml\n",
            },
            base={"features.yaml": "{}\n"},
        ),
        # A family of lag features documented by pattern; ids, timestamps, the label and a dropped helper column are not features.
        Case(
            {
                "features/lags.py": "import pandas as pd\n\ndef add_lags(df: pd.DataFrame) -> pd.DataFrame:\n"
                "    for n in (1, 7, 28):\n        df[f'sales_lag_{n}'] = df.groupby('store_id')['sales'].shift(n)\n"
                "    df['store_id'] = df['store'].astype('category').cat.codes\n    df['event_timestamp'] = pd.to_datetime(df['day'])\n"
                "    df['target'] = df['sales'].shift(-7)\n    df['tmp_rank'] = df['sales'].rank()\n"
                "    df['top_store'] = df['tmp_rank'] < 10\n    return df.drop(columns=['tmp_rank'])\n",
                "docs/features.md": "# Features\n\n| Feature | Description | Owner |\n|---|---|---|\n"
                "| `sales_lag_{n}` | Sales n days earlier, per store. | @forecasting |\n"
                "| `top_store` | Store ranks in the top ten by sales that day. | @forecasting |\n",
            },
        ),
        # Feast: a description on the Field is documentation; entities' join keys and timestamps are not features.
        Case(
            "from datetime import timedelta\nfrom feast import Entity, FeatureView, Field, FileSource\nfrom feast.types import Float32, Int64\n\n"
            "driver = Entity(name='driver', join_keys=['driver_id'])\n"
            "stats = FeatureView(\n    name='driver_hourly_stats',\n    entities=[driver],\n    ttl=timedelta(days=1),\n    schema=[\n"
            "        Field(name='driver_id', dtype=Int64),\n        Field(name='conv_rate', dtype=Float32, description='Share of offers accepted in the last hour.'),\n"
            "    ],\n    source=FileSource(path='data/driver_stats.parquet', timestamp_field='event_timestamp'),\n)\n",
            path="feature_repo/driver_features.py",
        ),
        # A Feast view is the registry: with described fields and a team tag there is nothing to ask, and no
        # `features.yaml` is wanted. A field also documented by a complete entry in an existing registry is fine.
        Case(
            {
                "feature_repo/defs.py": "from feast import FeatureView, Field\nfrom feast.types import Float32\n\n"
                "stats = FeatureView(name='driver_stats', entities=[driver], tags={'team': 'driver_performance'},\n"
                "    schema=[Field(name='conv_rate', dtype=Float32, description='Share of offers accepted.'), Field(name='acc_rate', dtype=Float32)])\n",
                "features.yaml": "acc_rate:\n  description: Share of rides accepted.\n  owner: driver-ml\n",
            }
        ),
        # A column the comment above (or on its line) calls the label is the target, not a model input.
        Case(
            "import pandas as pd\n\ndef build(rfm: pd.DataFrame) -> pd.DataFrame:\n    # churn label: no purchase in the last 90 days\n"
            "    rfm['Churn'] = (rfm['Recency'] > 90).astype(int)\n    rfm['Defaulted'] = rfm['dpd'] > 60  # target\n    return rfm\n",
            path="src/customer_features.py",
        ),
        # A script that neither trains on its frame nor writes it out as a dataset is a report, not model-data code.
        Case("import pandas as pd\n\ndf = pd.read_csv('x.csv')\ndf['ratio'] = df['a'] / df['b']\ndf.plot.scatter('ratio', 'c')\n", path="scripts/eda.py"),
        # A training script's fold number and predictions are bookkeeping, and its column lists pick existing columns.
        Case(
            "import pandas as pd\nfrom sklearn.ensemble import RandomForestRegressor\n\ndf = pd.read_csv('rides.csv')\ndf['kfold'] = df.index % 5\n"
            "NUMERIC_FEATURES = ['distance_km', 'hour', 'surge']\nmodel = RandomForestRegressor().fit(df[NUMERIC_FEATURES], df['fare'])\n"
            "df['fare_pred'] = model.predict(df[NUMERIC_FEATURES])\n",
            path="src/train.py",
        ),
        # No registry, but the README's feature table defines the column (and the family, by pattern).
        Case(
            {
                "pipeline/prepare.py": "import pandas as pd\n\ndef prepare(rides: pd.DataFrame) -> None:\n    rides['fare_per_km'] = rides['fare'] / rides['distance_km']\n"
                "    for h in (1, 3):\n        rides[f'demand_{h}h'] = rides['requests'].rolling(h).sum()\n    rides.to_parquet('rides_prepared.parquet')\n",
                "README.md": "# Rides\n\n| column | meaning |\n|---|---|\n| fare_per_km | Fare over trip distance. |\n"
                "| demand_{h}h | Requests in the trailing h hours. |\n",
            },
        ),
        # The pull request documents its new column in prose it adds to the README, without spelling the name.
        Case(
            {
                "src/prepare.py": "import pandas as pd\n\ndef merge(ours: pd.DataFrame, public: pd.DataFrame) -> pd.DataFrame:\n"
                "    public['from_public_set'] = 1\n    ours['from_public_set'] = 0\n    merged = pd.concat([ours, public])\n"
                "    merged.to_csv('train_merged.csv')\n    return merged\n",
                "README.md": "# Churn\n\nNotes:\n* Merging the public dataset, with a new column flagging its rows, lifts AUC by 0.01.\n",
            },
            base={"README.md": "# Churn\n\nNotes:\n"},
        ),
        # Moved, not new: a neighbouring module computed the column before the pull request.
        Case(
            {
                "flows/steps/encode.py": "import numpy as np\nimport pandas as pd\n\ndef encode(df: pd.DataFrame) -> pd.DataFrame:\n"
                "    df['hour_sin'] = np.sin(df['hour'] / 24 * 2 * np.pi)\n    df.to_parquet('encoded.parquet')\n    return df\n",
                "flows/run.py": "from steps.encode import encode\n",
            },
            base={"flows/run.py": "import numpy as np\n\ndef encode(df):\n    df['hour_sin'] = np.sin(df['hour'] / 24 * 2 * np.pi)\n    return df\n"},
        ),
        # A helper's default list of what it can compute is not the model's feature list: the caller picks.
        Case(
            "def weather(df, features=None):\n    if features is None:\n        features = ['temp_c', 'rain_mm', 'wind_kmh']\n"
            "    return df[features]\n",
            path="src/features/weather.py",
        ),
        # A conditional patch of some rows (`.loc[mask, col]`) and a feature registered by a glob are fine.
        Case(
            {
                "src/features/basket.py": "import pandas as pd\n\ndef build(df):\n    df.loc[df['items'].isna(), 'basket_size'] = 0\n"
                "    df['promo_share_7d'] = df['promo_items_7d'] / df['items_7d']\n    return df\n",
                "features.yaml": "promo_share_*:\n  description: Share of promoted items over the trailing window.\n  owner: pricing-ml\n",
            },
        ),
        # Dict assignments in feature code are not columns; an existing column rewritten in place is not new.
        Case(
            "import pandas as pd\n\ndef build(df: pd.DataFrame, stats: dict) -> pd.DataFrame:\n    params = {}\n"
            "    params['window'] = 7\n    stats['rows'] = len(df)\n    df['price'] = df['price'].fillna(0)\n    return df\n",
            path="features/clean.py",
        ),
        # Polars and a YAML list registry with an owner inherited from the group.
        Case(
            {
                "features/orders_features.py": "import polars as pl\n\ndef build(orders: pl.DataFrame) -> pl.DataFrame:\n"
                "    return orders.with_columns((pl.col('total') / pl.col('items')).alias('avg_item_price'), is_weekend=pl.col('day').dt.weekday() > 5)\n",
                "feature_registry.yaml": "groups:\n  - owner: checkout-ml\n    features:\n      - name: avg_item_price\n        description: Order total over item count.\n"
                "      - name: is_weekend\n        description: Order placed on Saturday or Sunday.\n",
            },
        ),
        # A list of dropped features is not a list of features, and neither are lists of what is kept out of the model.
        Case("DROP_FEATURES = ['legacy_score', 'zip3']\nFEATURE_IMPORTANCES = ['a']\n", path="src/features/config.py"),
        Case(
            {
                "src/features/build_features.py": "import pandas as pd\n\n# identifiers and raw text, excluded from the model inputs\n"
                "NON_FEATURE_COLS = ['policy_id', 'region', 'channel']\nMETA_FEATURES = ['source_file']\nFEATURES_TO_EXCLUDE = ['zip']\n"
                "IGNORE_FEATURE_COLS = ['raw_text']\n",
                "features.yaml": "tenure_months:\n  description: Months since the policy started.\n  owner: churn-ml\n",
            }
        ),
        # A library's example feature repo (Feast's examples/) shows the API; nobody owns its features.
        Case(
            "from feast import FeatureView, Field\nfrom feast.types import Float32\n\n"
            "stats = FeatureView(name='driver_stats', entities=[driver], schema=[\n    Field(name='acc_rate', dtype=Float32),\n])\n",
            path="examples/quickstart/feature_repo/definitions.py",
        ),
    ]
    INVALID = [
        # A new engineered column with no registry entry at all.
        Case(
            {
                "src/features/build_features.py": "import pandas as pd\n\ndef build(df: pd.DataFrame) -> pd.DataFrame:\n"
                "    df['days_since_signup'] = (df['event_time'] - df['signup_time']).dt.days\n"
                "    df['spend_per_visit'] = df['spend'] / df['visits'].clip(lower=1)\n    return df\n",
                "features.yaml": "days_since_signup:\n  description: Whole days between signup and the event.\n  owner: growth-ml\n",
            },
            base={"features.yaml": "days_since_signup:\n  description: Whole days between signup and the event.\n  owner: growth-ml\n"},
            lines=(5,),
        ),
        # A registry entry without an owner does not document the feature.
        Case(
            {
                "features/risk.py": "def add(df):\n    return df.assign(debt_to_income=df['debt'] / df['income'])\n",
                "docs/features.md": "## debt_to_income\n\nMonthly debt payments over monthly income.\n",
            },
            lines=(2,),
        ),
        # f-string families are matched by pattern; this one is not in the registry.
        Case(
            {
                "src/features/rolling.py": "def add(df, windows):\n    for w in windows:\n        df[f'spend_roll_mean_{w}d'] = df['spend'].rolling(w).mean()\n    return df\n",
                "features.yaml": "features:\n  - name: spend_lag_{n}\n    description: Spend n days earlier.\n    owner: growth-ml\n",
            },
            lines=(3,),
        ),
        # A new entry in the model's feature list; `NON_NEGATIVE_FEATURES` still lists features.
        Case(
            {
                "src/features/columns.py": "NUMERIC_FEATURES = [\n    'age',\n    'tenure_months',\n    'num_support_tickets',\n]\n"
                "NON_NEGATIVE_FEATURES = ['age', 'basket_value']\n",
            },
            base={
                "src/features/columns.py": "NUMERIC_FEATURES = [\n    'age',\n    'tenure_months',\n]\nNON_NEGATIVE_FEATURES = ['age']\n",
                "docs/feature_registry.yaml": "age:\n  description: Age in years at signup.\n  owner: crm-ml\n",
            },
            config="feature_registry: [docs/feature_registry.yaml]\n",
            lines=(4, 6),
        ),
        # No registry and no README naming them: a finding per feature (a task-list line says work was done, not what a column means).
        Case(
            {
                "src/features/build_features.py": "import pandas as pd\n\n\ndef add_calendar(df: pd.DataFrame) -> pd.DataFrame:\n"
                "    df['Year'] = df['Date'].dt.year\n    df['Month'] = df['Date'].dt.month\n    df['Quarter'] = df['Date'].dt.quarter\n    return df\n",
                "README.md": "# Bikes\n\n* [x] add calendar features: Year, Month, Quarter\n",
            },
            lines=(5, 6, 7),
        ),
        # A data-preparation script that writes the training set: a column built there is a model input too,
        # even when copied in from another frame.
        Case(
            "import pandas as pd\n\ndef prepare(trips: pd.DataFrame, zones: pd.DataFrame) -> None:\n"
            "    trips['zone_density'] = zones['density']\n    trips.to_parquet('trips_train.parquet')\n",
            path="jobs/prepare_trips.py",
            lines=(4,),
        ),
        # Distances to each hub, named by f-string in a loop over a dict: one finding per hub, on its entry.
        Case(
            "import pandas as pd\n\nHUBS = {\n    'north_depot': (59.95, 10.75),\n    'harbour': (59.90, 10.73),\n}\n\n"
            "def add_hub_distances(df: pd.DataFrame) -> pd.DataFrame:\n    for hub, (lat, lon) in HUBS.items():\n"
            "        df[f'km_to_{hub}'] = ((df['lat'] - lat) ** 2 + (df['lon'] - lon) ** 2) ** 0.5 * 111\n    return df\n",
            path="src/features/geo_features.py",
            lines=(4, 5),
        ),
        # A new string in a list that a loop fans out into lag features is a new feature family, on the line that adds it.
        Case(
            {
                "src/features/lags.py": "import pandas as pd\n\nLAGGED = [\n    'units',\n    'price',\n    'promo_depth',\n]\n\n"
                "def add_lags(df: pd.DataFrame) -> pd.DataFrame:\n    for col in LAGGED:\n        for n in (1, 7):\n"
                "            df[f'{col}_lag_{n}'] = df.groupby('sku_id')[col].shift(n)\n    return df\n",
            },
            base={
                "src/features/lags.py": "import pandas as pd\n\nLAGGED = [\n    'units',\n    'price',\n]\n\n"
                "def add_lags(df: pd.DataFrame) -> pd.DataFrame:\n    for col in LAGGED:\n        for n in (1, 7):\n"
                "            df[f'{col}_lag_{n}'] = df.groupby('sku_id')[col].shift(n)\n    return df\n",
            },
            lines=(6,),
        ),
        # Polars: an alias built in a comprehension over a column list names one feature per entry.
        Case(
            "import polars as pl\n\nAMOUNTS = ['card_amt', 'cash_amt']\n\ndef rolling(tx: pl.DataFrame) -> pl.DataFrame:\n"
            "    return tx.with_columns([pl.col(c).rolling_mean(7).alias(f'{c}_mean_7d') for c in AMOUNTS])\n",
            path="src/features/rolling.py",
            lines=(3,),
        ),
        # Feast field without a description: one request for `description=` per view, never "start a registry".
        Case(
            "from feast import FeatureView, Field\nfrom feast.types import Float32\n\n"
            "stats = FeatureView(name='driver_stats', entities=[driver], schema=[\n    Field(name='acc_rate', dtype=Float32),\n])\n",
            path="feature_repo/definitions.py",
            lines=(5,),
        ),
        # Spark withColumn in a module the config names as feature code.
        Case(
            "from pyspark.sql import functions as F\n\ndef transform(df):\n    return df.withColumn('session_len_s', F.col('end') - F.col('start'))\n",
            path="jobs/sessions.py",
            config="rules:\n  undocumented-feature:\n    feature_modules: ['jobs/*.py']\n",
            lines=(4,),
        ),
        # A comment that calls the column a feature, or a target-encoded column, does not make it the label.
        Case(
            "import pandas as pd\n\ndef build(rfm: pd.DataFrame) -> pd.DataFrame:\n    # feature: churn label smoothed over 30 days\n"
            "    rfm['churn_smooth'] = rfm['churned'].rolling(30).mean()\n"
            "    rfm['city_te'] = rfm.groupby('city')['churned'].transform('mean')  # mean of the target per city\n    return rfm\n",
            path="src/customer_features.py",
            lines=(5, 6),
        ),
    ]

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.candidates: list[Candidate] = []
        self.dropped: set[str] = set()
        self.targets: set[str] = set()
        self.keys: set[str] = set()
        self.frame_kinds: dict[tuple[int, str], str] = {}
        # Fan-out: literal lists and dict keys by name, the loops open around the current node, and the
        # column families those loops create from their variable (`for c in COLS: df[f"{c}_lag_7"] = ...`).
        self.string_lists: dict[str, list[tuple[str, libcst.CSTNode]]] = {}
        self.loops: list[dict[str, str]] = []
        self.fanouts: list[FanOut] = []

    # --- collection --------------------------------------------------------

    def visit_Param(self, node: libcst.Param) -> None:
        if node.annotation is not None:
            annotation = self.code(node.annotation.annotation, MAX_SHOWN)
            kind = "frame" if FRAME_ANNOTATIONS.search(annotation) else "dict" if DICT_ANNOTATIONS.match(annotation) else ""
            if kind:
                self._set_kind(node.name.value, kind)

    def visit_AnnAssign(self, node: libcst.AnnAssign) -> None:
        name = dotted(node.target)
        annotation = self.code(node.annotation.annotation, MAX_SHOWN)
        if name is not None and DICT_ANNOTATIONS.match(annotation):
            self._set_kind(name, "dict")

    def visit_Assign(self, node: libcst.Assign) -> None:
        super().visit_Assign(node)
        for target in node.targets:
            self._assigned(target.target, node.value)

    def visit_AugAssign(self, node: libcst.AugAssign) -> None:
        name = dotted(node.target)
        if name is not None and _is_feature_list(name):
            self._feature_list(name, node.value)

    def visit_Del(self, node: libcst.Del) -> None:
        targets = node.target.elements if isinstance(node.target, libcst.Tuple) else [libcst.Element(node.target)]
        for element in targets:
            if isinstance(element.value, libcst.Subscript):
                for index in self._indexes(element.value):
                    self.dropped.update(value for value, _ in _strings(index))

    def visit_Call(self, node: libcst.Call) -> None:
        super().visit_Call(node)
        method = node.func.attr.value if isinstance(node.func, libcst.Attribute) else dotted(node.func) or ""
        for arg in node.args:
            if arg.keyword is None:
                continue
            word = arg.keyword.value
            if word in TARGET_KEYWORDS:
                self.targets.update(value.lower() for value, _ in _strings(arg.value))
            elif word in TIMESTAMP_KEYWORDS or word == "join_keys":
                self.keys.update(value.lower() for value, _ in _strings(arg.value))
        if method in ("drop", "pop", "drop_columns"):
            for arg in node.args:
                if arg.keyword is None or arg.keyword.value in ("columns", "labels"):
                    self.dropped.update(value for value, _ in _strings(arg.value))
        elif method in FRAME_ADDERS and isinstance(node.func, libcst.Attribute) and self._frame_method(node.func):
            self._added_by_method(node, method)
        elif method in FEAST_VIEWS:
            self._feast(node)
        elif method == "Entity":
            entity = keyword(node, "name")
            if entity is not None:
                self.keys.update(value.lower() for value, _ in _strings(entity.value))

    def _added_by_method(self, node: libcst.Call, method: str) -> None:
        if method == "assign":
            for arg in node.args:
                if arg.keyword is not None:
                    self._candidate(ColumnName(arg.keyword.value, False), arg.keyword, arg.value)
        elif method == "withColumn":
            args = positional(node)
            column = self._column(args[0]) if args else None
            if column is not None:
                self._candidate(column, args[0], args[1] if len(args) > 1 else None)
        else:
            self._polars(node)

    def _assigned(self, target: libcst.BaseExpression, value: libcst.BaseExpression) -> None:
        name = dotted(target)
        if name is not None:
            self._remember_kind(name, value)
            self._remember_strings(name, value)
            if isinstance(value, (libcst.List, libcst.Tuple, libcst.Set)) and _is_feature_list(name):
                self._feature_list(name, value)
            if isinstance(value, libcst.SimpleString | libcst.ConcatenatedString) and re.search(r"target|label", name, re.IGNORECASE):
                self.targets.update(text.lower() for text, _ in _strings(value))
            if re.fullmatch(r"(?i)y(?:_\w+)?|labels?|targets?", name.rsplit(".", 1)[-1]) and isinstance(value, libcst.Subscript):
                for index in self._indexes(value):
                    self.targets.update(text.lower() for text, _ in _strings(index))
            return
        if not isinstance(target, libcst.Subscript):
            return
        frame = target.value
        indexes = self._indexes(target)
        if isinstance(frame, libcst.Attribute) and frame.attr.value == "loc":
            # Only `df.loc[:, "x"] = ...` adds a column for every row; `df.loc[mask, "x"]` patches some of them.
            first = target.slice[0].slice if target.slice else None
            if len(target.slice) != 2 or not isinstance(first, libcst.Slice) or first.lower or first.upper:
                return
            frame = frame.value
        receiver = dotted(frame)
        if receiver is None or not self._is_frame(receiver):
            return
        for index in indexes:
            elements = index.elements if isinstance(index, (libcst.List, libcst.Tuple)) else [libcst.Element(index)]
            for element in elements:
                column = self._column(element.value)
                if column is not None:
                    self._candidate(column, element.value, value, receiver)
                    self._fanned_out(column, element.value, self.loops)

    def _remember_strings(self, name: str, value: libcst.BaseExpression) -> None:
        if isinstance(value, (libcst.List, libcst.Tuple, libcst.Set)):
            items = [(string_value(element.value), element.value) for element in value.elements]
        elif isinstance(value, libcst.Dict):
            items = [(string_value(element.key), element.key) for element in value.elements if isinstance(element, libcst.DictElement)]
        else:
            return
        if items and all(text is not None for text, _ in items):
            self.string_lists[name] = [(text, node) for text, node in items if text is not None]

    def visit_For(self, node: libcst.For) -> None:
        self.loops.append(_loop_variables(node.target, node.iter))

    def leave_For(self, original_node: libcst.For) -> None:
        self.loops.pop()

    def _fanned_out(self, column: ColumnName, node: libcst.CSTNode, loops: list[dict[str, str]]) -> None:
        if not column.template:
            return
        for loop in loops:
            for variable, iterable in loop.items():
                if "{" + variable + "}" in column.shown:
                    self.fanouts.append(FanOut(iterable, variable, column, node))

    def _expand_fanouts(self) -> None:
        """Replace each family written in a loop over a known list by one candidate per list entry, found at the entry.

        A new string in the list is then a new feature on the line that adds it,
        while the loop's family, already in the base, is not reported again.
        """
        expanded: set[int] = set()
        for fanout in self.fanouts:
            items = self.string_lists.get(fanout.iterable)
            if not items:
                continue
            expanded.add(id(fanout.node))
            for text, node in items:
                shown = fanout.column.shown.replace("{" + fanout.variable + "}", text)
                self.candidates.append(Candidate(ColumnName(shown, "{" in shown), node))
        if expanded:
            self.candidates = [candidate for candidate in self.candidates if id(candidate.node) not in expanded]

    def _indexes(self, node: libcst.Subscript) -> list[libcst.BaseExpression]:
        return [element.slice.value for element in node.slice if isinstance(element.slice, libcst.Index)]

    def _feature_list(self, name: str, value: libcst.BaseExpression) -> None:
        if self._is_parameter(name):
            # `if features is None: features = [...]` is a helper's default, what it can compute; the caller picks the inputs.
            return
        for text, node in _strings(value):
            self.candidates.append(Candidate(ColumnName(text, False), node, listed=True))

    def _is_parameter(self, name: str) -> bool:
        function = self.current_scope().node
        if not isinstance(function, libcst.FunctionDef):
            return False
        parameters = function.params
        every = [*parameters.posonly_params, *parameters.params, *parameters.kwonly_params]
        return any(parameter.name.value == name for parameter in every)

    def _polars(self, node: libcst.Call) -> None:
        """Aliased expressions and keyword columns; a comprehension's alias fans out over the list it iterates."""
        for arg in node.args:
            if arg.keyword is not None:
                self._candidate(ColumnName(arg.keyword.value, False), arg.keyword, arg.value)
                continue
            values = arg.value.elements if isinstance(arg.value, (libcst.List, libcst.Tuple)) else [libcst.Element(arg.value)]
            for element in values:
                expression = element.value
                loops: list[dict[str, str]] = []
                if isinstance(expression, (libcst.ListComp, libcst.GeneratorExp)):
                    loops = [_loop_variables(expression.for_in.target, expression.for_in.iter)]
                    expression = expression.elt
                alias = self._alias(expression)
                if alias is not None:
                    self._candidate(alias[0], alias[1], expression)
                    self._fanned_out(alias[0], alias[1], self.loops + loops)

    def _alias(self, expression: libcst.BaseExpression) -> tuple[ColumnName, libcst.CSTNode] | None:
        if isinstance(expression, libcst.Call) and isinstance(expression.func, libcst.Attribute) and expression.func.attr.value == "alias":
            args = positional(expression)
            column = self._column(args[0]) if args else None
            if column is not None:
                return column, args[0]
        return None

    def _feast(self, node: libcst.Call) -> None:
        schema = keyword(node, "schema")
        if schema is None or not isinstance(schema.value, (libcst.List, libcst.Tuple)):
            return
        name = keyword(node, "name")
        view = FeastView((string_value(name.value) or "") if name is not None else "", self._feast_owned(node))
        for element in schema.value.elements:
            field = element.value
            if not isinstance(field, libcst.Call) or (dotted(field.func) or "").rsplit(".", 1)[-1] != "Field":
                continue
            name_arg = keyword(field, "name")
            name = string_value(name_arg.value) if name_arg is not None else None
            if name is None:
                continue
            description = keyword(field, "description")
            documented = description is not None and bool((string_value(description.value) or "").strip())
            self.candidates.append(Candidate(ColumnName(name, False), field, documented=documented, view=view))

    def _feast_owned(self, node: libcst.Call) -> bool:
        """A view's `owner=`, a `team`/`owner` tag or a view-level `description=` says who answers for its fields."""
        for word in ("owner", "description"):
            arg = keyword(node, word)
            if arg is not None and (string_value(arg.value) or "").strip():
                return True
        tags = keyword(node, "tags")
        if tags is None or not isinstance(tags.value, libcst.Dict):
            return False
        return any(
            isinstance(element, libcst.DictElement) and (string_value(element.key) or "").lower() in OWNER_TAGS
            for element in tags.value.elements
        )

    def _column(self, node: libcst.BaseExpression) -> ColumnName | None:
        """The name a column gets: a literal, an f-string, or literal pieces joined with `+`."""
        literal = string_value(node)
        if literal is not None:
            return ColumnName(literal, False)
        pieces = self._pieces(node)
        if pieces is None or not any(text for text, is_literal in pieces if is_literal and text):
            return None
        shown = "".join(text if is_literal else "{" + text + "}" for text, is_literal in pieces)
        source = self.code(node, None) if isinstance(node, libcst.FormattedString) else None
        return ColumnName(shown, True, source)

    def _pieces(self, node: libcst.BaseExpression) -> list[tuple[str, bool]] | None:
        if isinstance(node, libcst.FormattedString):
            pieces: list[tuple[str, bool]] = []
            for part in node.parts:
                if isinstance(part, libcst.FormattedStringText):
                    pieces.append((part.value, True))
                elif isinstance(part, libcst.FormattedStringExpression):
                    pieces.append((self.code(part.expression, MAX_SHOWN), False))
            return pieces
        if isinstance(node, libcst.BinaryOperation) and isinstance(node.operator, libcst.Add):
            left, right = self._pieces(node.left), self._pieces(node.right)
            return None if left is None or right is None else left + right
        literal = string_value(node)
        if literal is not None:
            return [(literal, True)]
        if isinstance(node, (libcst.Name, libcst.Attribute, libcst.Call, libcst.Subscript)):
            return [(self.code(node, MAX_SHOWN), False)]
        return None

    def _candidate(self, name: ColumnName, node: libcst.CSTNode, value: libcst.BaseExpression | None, receiver: str | None = None) -> None:
        if value is not None and not name.template and self._reads_column(value, name.shown, receiver):
            return
        self.candidates.append(Candidate(name, node))

    def _reads_column(self, value: libcst.CSTNode, name: str, receiver: str | None) -> bool:
        """Whether the assigned expression reads the very column it writes: a rewrite of an existing column, not a new one."""
        where = self.get_metadata(PositionProvider, value)
        lines = self.ctx.file.python_lines[where.start.line - 1 : where.end.line]
        if not lines:
            return False
        lines[-1] = lines[-1][: where.end.column]
        lines[0] = lines[0][where.start.column :]
        text = "\n".join(lines)
        quoted = rf"(['\"]){re.escape(name)}\1"
        if receiver is None:
            return re.search(quoted, text) is not None
        # Only this frame's own column: `other["x"]` on the right is another frame's column, copied in as a new one here.
        own = re.escape(receiver)
        indexed = rf"\b{own}\s*(?:\.(?:loc|iloc|at))?\s*\[[^\]]*?{quoted}"
        return re.search(rf"{indexed}|\b{own}\.{re.escape(name)}\b", text) is not None

    def _set_kind(self, name: str, kind: str) -> None:
        self.frame_kinds[(id(self.current_scope()), name)] = kind

    def _remember_kind(self, name: str, value: libcst.BaseExpression) -> None:
        if isinstance(value, (libcst.Dict, libcst.DictComp)):
            self._set_kind(name, "dict")
            return
        if not isinstance(value, libcst.Call):
            return
        callee = self.facts.imports.qualify(value.func) or ""
        method = value.func.attr.value if isinstance(value.func, libcst.Attribute) else callee
        if callee in DICT_CALLS or method in DICT_CALLS:
            self._set_kind(name, "dict")
        elif callee.startswith(FRAME_LIBRARIES) or method in FRAME_METHODS:
            self._set_kind(name, "frame")

    def _frame_method(self, func: libcst.Attribute) -> bool:
        """`.assign`/`.with_columns`/`.withColumn` on a frame, not on some object of the repo's own with a method of that name."""
        receiver = dotted(func.value)
        if receiver is not None and receiver.split(".", 1)[0] in ("self", "cls"):
            return False
        return (receiver is not None and self._is_frame(receiver)) or self.facts.imports.uses(*DATAFRAME_LIBRARIES)

    def _is_frame(self, name: str) -> bool:
        for scope in (self.current_scope(), self.facts.module):
            kind = self.frame_kinds.get((id(scope), name))
            if kind:
                return kind == "frame"
        return bool(FRAME_NAME.search(name.rsplit(".", 1)[-1]))

    # --- decision ----------------------------------------------------------

    def finish(self) -> None:
        if not self.candidates:
            return
        scope = self._scope()
        if scope is None:
            return
        self._expand_fanouts()
        options = self.ctx.options
        targets = self.targets | {name.lower() for name in option_names(options, "targets")}
        excluded = {name.lower() for name in self.dropped} | self.keys
        paths = list(option_names(options, "feature_registry")) or list(DEFAULT_REGISTRIES)
        features: list[Candidate] = []
        feast: list[Candidate] = []
        seen: set[str] = set()
        for candidate in self.candidates:
            name = candidate.name
            if name.glob in seen or candidate.documented or (candidate.listed and scope == "model-data"):
                continue
            seen.add(name.glob)
            if not self._not_a_feature(name, targets, excluded) and not self._commented_as_target(candidate.node):
                (feast if candidate.view is not None else features).append(candidate)
        if not features and not feast:
            return
        side: Side = "base" if self.ctx.version == "base" else "head"
        registry = read_registry(self.ctx.repo, paths, side)
        self._feast_fields(feast, registry)
        if features:
            self._report(self._undocumented(features, registry, side), registry, paths)

    def _undocumented(self, features: list[Candidate], registry: FeatureRegistry, side: Side) -> list[tuple[Candidate, RegistryEntry | None]]:
        """Features no registry entry, README, data dictionary or note of this PR documents, and no neighbour computed before."""
        found: list[tuple[Candidate, RegistryEntry | None]] = []
        docs: Documents | None = None
        for candidate in features:
            name = candidate.name
            entry = registry.lookup(name.shown, template=name.template)
            if entry is not None and not entry.missing:
                continue
            if entry is None:
                docs = docs or documents(self.ctx.repo, self.ctx.file.path, side)
                if docs.notes_new_column or docs.naming(name.shown, template=name.template):
                    continue
            if computed_nearby(self.ctx.repo, self.ctx.file.path, creation_patterns(name.shown, name.source)):
                continue
            found.append((candidate, entry))
        return sorted(found, key=lambda pair: self.position(pair[0].node)[0])

    def _commented_as_target(self, node: libcst.CSTNode) -> bool:
        """The comment ending the column's line, or a comment line right above it, calls it the label or target."""
        line = self.position(node)[0]
        lines = self.ctx.file.python_lines
        comments = [line_comment(lines[line - 1])] if line <= len(lines) else []
        if 2 <= line <= len(lines) + 1 and lines[line - 2].lstrip().startswith("#"):
            comments.append(lines[line - 2].strip())
        for comment in comments:
            text = comment.lstrip("#").strip().lower()
            if text and not NOT_A_TARGET_COMMENT.search(text) and TARGET_COMMENT.search(text):
                return True
        return False

    def _feast_fields(self, fields: list[Candidate], registry: FeatureRegistry) -> None:
        """Feast views are the feature registry: ask only for a `description=` on their fields, once per view.

        A separate registry file would duplicate the view's schema, so its absence is never
        reported here; a complete entry in one that exists still documents the field. The key
        names the view, so a push that adds another field does not repeat the comment.
        """
        by_view: dict[FeastView, list[Candidate]] = {}
        for candidate in fields:
            entry = registry.lookup(candidate.name.shown, template=False) if registry.sources else None
            if candidate.view is not None and (entry is None or entry.missing):
                by_view.setdefault(candidate.view, []).append(candidate)
        for view, undescribed in by_view.items():
            undescribed.sort(key=lambda candidate: self.position(candidate.node)[0])
            listed = _listed(undescribed)
            count = f"{len(undescribed)} field{'s' if len(undescribed) > 1 else ''}"
            label = f"`{_shown(view.name)}`" if view.name else "in this file"
            owner = "" if view.owned else " It names no owner either (`owner=`, a `team` tag or a view `description=`)."
            self.flag(
                undescribed[0].node,
                f"The Feast feature view {label} declares {count} without a `description=` ({listed}).{owner} "
                "The view is the feature registry; a field nobody can explain cannot be debugged or safely removed later.",
                suggestion="Add `description=\"...\"` to each `Field` (what it means, how it is computed)"
                + ("." if view.owned else ", and `owner=` or `tags={\"team\": ...}` to the view."),
                key=f"feast-description:{view.name or self.ctx.file.path}",
            )

    def _not_a_feature(self, name: ColumnName, targets: set[str], excluded: set[str]) -> bool:
        shown = name.shown
        if is_target(shown, targets) or is_identifier(shown) or is_timestamp(shown) or BOOKKEEPING.match(shown):
            return True
        if name.template:
            return any(fnmatch.fnmatchcase(dropped, name.glob) for dropped in excluded) or name.glob in {glob_of(d) for d in excluded}
        return shown.lower() in excluded

    def _report(self, undocumented: list[tuple[Candidate, RegistryEntry | None]], registry: FeatureRegistry, paths: list[str]) -> None:
        """One finding per feature, keyed by its name so that a feature the base already had stays existing debt.

        A wide feature file would drown the review in comments that say the same
        thing, so past `MAX_FINDINGS` the last finding lists the rest; it is keyed
        by the file, so one more feature in a later push does not make it new.
        """
        single = undocumented if len(undocumented) <= MAX_FINDINGS else undocumented[: MAX_FINDINGS - 1]
        for candidate, entry in single:
            self._check(candidate, entry, registry, paths)
        rest = [candidate for candidate, _ in undocumented[len(single) :]]
        if rest:
            target = registry.sources[0] if registry.sources else paths[0]
            self.flag_span(
                rest[0].node,
                rest[-1].node,
                f"This file adds {len(rest)} more undocumented features ({_listed(rest)}). "
                "A feature nobody owns or can explain cannot be debugged, trusted or safely removed later.",
                suggestion=f"Add each to `{target}` with a `description` and an `owner`, or define them in a README table.",
                key=f"more-features:{self.ctx.file.path}",
            )

    def _check(self, candidate: Candidate, entry: RegistryEntry | None, registry: FeatureRegistry, paths: list[str]) -> None:
        name = candidate.name
        shown = _shown(name.shown)
        kind = "family of features" if name.template else "feature"
        target = registry.sources[0] if registry.sources else paths[0]
        if entry is not None:
            missing = " and ".join(entry.missing)
            message = (
                f"The {kind} `{shown}` is listed in `{entry.source}` but its entry has no {missing}. "
                "A feature nobody owns or can explain cannot be debugged, trusted or safely removed later."
            )
        elif registry.sources:
            message = (
                f"The new {kind} `{shown}` has no entry in the feature registry (`{'`, `'.join(registry.sources)}`), "
                "and no README or data dictionary names it. "
                "A feature nobody owns or can explain cannot be debugged, trusted or safely removed later."
            )
        else:
            message = (
                f"The new {kind} `{shown}` is not documented: no README, data dictionary or schema file names it, and the "
                f"repository has no feature registry (looked for `{'`, `'.join(paths)}`, set by `feature_registry` in "
                ".github/mldebt.yml). A feature nobody owns or can explain cannot be debugged, trusted or safely removed later."
            )
        self.flag(
            candidate.node,
            message,
            suggestion=f"Add `{shown}` to `{target}` with a `description` (what it means, how it is computed) and an `owner`"
            + ("." if registry.sources or entry is not None else ", or define it in a README table."),
            key=f"feature:{name.glob}",
        )

    def may_find(self) -> bool:
        # Outside feature code only a Feast repository or a script that trains on (or writes out) its frames counts.
        text = self.ctx.file.python_text or ""
        if self._is_feature_path() or "feast" in text:
            return True
        return any(library in text for library in FRAME_LIBRARIES) and any(word in text for word in MODEL_DATA_WORDS)

    def _scope(self) -> str | None:
        """`features` for feature code, `model-data` for a script that trains on its frames or writes them out as a dataset.

        A column created in a training or data-preparation script is a model input
        as much as one in a feature module, but there lists of column names mostly
        pick existing columns (which to encode how), so only created columns count.
        """
        if self._is_feature_path():
            return "features"
        imports = self.facts.imports
        if imports.uses("feast") and any(site.method in FEAST_VIEWS for site in self.facts.all_calls()):
            return "features"
        if imports.uses(*FRAME_LIBRARIES) and any(
            site.method in MODEL_DATA_CALLS or model_fit(site, imports) for site in self.facts.all_calls()
        ):
            return "model-data"
        return None

    def _is_feature_path(self) -> bool:
        path = self.ctx.file.path
        parts = path.split("/")
        stem = parts[-1].rsplit(".", 1)[0]
        if any(part.lower() in FEATURE_DIRECTORIES for part in parts[:-1]) or FEATURE_FILE.match(stem):
            return True
        modules = option_names(self.ctx.options, "feature_modules")
        return any(fnmatch.fnmatch(path, pattern) for pattern in modules)
