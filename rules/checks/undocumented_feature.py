"""undocumented-feature: a model input feature added in feature-engineering
or model-data code that nothing documents."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable

import libcst

from rules.config import DEFAULT_REGISTRIES
from rules.dataflow import model_fit, option_names
from rules.feature_columns import FeatureColumns
from rules.feature_docs import Documents, computed_nearby, documents
from rules.feature_names import (
    BOOKKEEPING,
    FEAST_VIEWS,
    FRAME_LIBRARIES,
    MAX_FINDINGS,
    MODEL_DATA_CALLS,
    MODEL_DATA_WORDS,
    NOT_A_TARGET_COMMENT,
    TARGET_COMMENT,
    TEST_FRAME,
    Candidate,
    ColumnName,
    FeastView,
    is_feature_path,
    is_identifier,
    is_target,
    is_timestamp,
    listed,
    shown_name,
)
from rules.feature_registry import FeatureRegistry, RegistryEntry, glob_of, read_registry
from rules.feature_sql import select_aliases
from rules.finding import Finding, Severity
from rules.pyutil import line_comment
from rules.repo import Side
from rules.rule import Case, FileContext, FileRule, register
from rules.source import FileKind
from rules.wiring import unwired


@register
class UndocumentedFeature(FeatureColumns, FileRule):
    id = "undocumented-feature"
    severity = Severity.HIGH
    title = "New feature missing from the feature registry"
    kinds = frozenset({FileKind.PYTHON, FileKind.NOTEBOOK, FileKind.TEXT})
    # A library's example feature repo shows how to declare features; it has nobody to own them.
    applies_to_examples = False

    VALID = [
        # Documented in features.yaml by the same pull request.
        Case(
            {
                "src/features/build_features.py": "import pandas as pd\n\n"
                "def build(df: pd.DataFrame) -> pd.DataFrame:\n"
                "    df['days_since_signup'] = (df['event_time'] - df['signup_time']).dt.days\n"
                "    return df\n",
                "features.yaml": "days_since_signup:\n"
                "  description: Whole days between signup and the event.\n  owner: growth-ml\n",
            },
            base={"features.yaml": "{}\n"},
        ),
        # A family of lag features documented by pattern;
        # ids, timestamps, the label and a dropped helper column are not features.
        Case(
            {
                "features/lags.py": "import pandas as pd\n\ndef add_lags(df: pd.DataFrame) -> pd.DataFrame:\n"
                "    for n in (1, 7, 28):\n"
                "        df[f'sales_lag_{n}'] = df.groupby('store_id')['sales'].shift(n)\n"
                "    df['store_id'] = df['store'].astype('category').cat.codes\n"
                "    df['event_timestamp'] = pd.to_datetime(df['day'])\n"
                "    df['target'] = df['sales'].shift(-7)\n    df['tmp_rank'] = df['sales'].rank()\n"
                "    df['top_store'] = df['tmp_rank'] < 10\n    return df.drop(columns=['tmp_rank'])\n",
                "docs/features.md": "# Features\n\n| Feature | Description | Owner |\n|---|---|---|\n"
                "| `sales_lag_{n}` | Sales n days earlier, per store. | @forecasting |\n"
                "| `top_store` | Store ranks in the top ten by sales that day. | @forecasting |\n",
            },
        ),
        # Feast: a description on the Field is documentation;
        # entities' join keys and timestamps are not features.
        Case(
            "from datetime import timedelta\nfrom feast import Entity, FeatureView, Field, FileSource\n"
            "from feast.types import Float32, Int64\n\n"
            "driver = Entity(name='driver', join_keys=['driver_id'])\n"
            "stats = FeatureView(\n    name='driver_hourly_stats',\n    entities=[driver],\n"
            "    ttl=timedelta(days=1),\n    schema=[\n"
            "        Field(name='driver_id', dtype=Int64),\n        Field(name='conv_rate', dtype=Float32, "
            "description='Share of offers accepted in the last hour.'),\n"
            "    ],\n"
            "    source=FileSource(path='data/driver_stats.parquet', timestamp_field='event_timestamp'),\n"
            ")\n",
            path="feature_repo/driver_features.py",
        ),
        # A Feast view is the registry: with described fields and a team
        # tag there is nothing to ask, and no `features.yaml` is wanted.
        # A field also documented by a complete entry in an existing registry is fine.
        Case(
            {
                "feature_repo/defs.py": "from feast import FeatureView, Field\n"
                "from feast.types import Float32\n\n"
                "stats = FeatureView(name='driver_stats', entities=[driver], tags={'team': "
                "'driver_performance'},\n"
                "    schema=[Field(name='conv_rate', dtype=Float32, "
                "description='Share of offers accepted.'), Field(name='acc_rate', dtype=Float32)])\n",
                "features.yaml": "acc_rate:\n  description: Share of rides accepted.\n  owner: driver-ml\n",
            }
        ),
        # A column the comment above (or on its line) calls the label is the target, not a model input.
        Case(
            "import pandas as pd\n\ndef build(rfm: pd.DataFrame) -> pd.DataFrame:\n"
            "    # churn label: no purchase in the last 90 days\n"
            "    rfm['Churn'] = (rfm['Recency'] > 90).astype(int)\n"
            "    rfm['Defaulted'] = rfm['dpd'] > 60  # target\n    return rfm\n",
            path="src/customer_features.py",
        ),
        # A script that neither trains on its frame nor writes
        # it out as a dataset is a report, not model-data code.
        Case(
            "import pandas as pd\n\ndf = pd.read_csv('x.csv')\ndf['ratio'] = df['a'] / df['b']\n"
            "df.plot.scatter('ratio', 'c')\n",
            path="scripts/eda.py",
        ),
        # A training script's fold number and predictions (and a submission frame) are bookkeeping, not model
        # inputs, and its column lists pick existing columns.
        Case(
            "import pandas as pd\nfrom sklearn.ensemble import RandomForestRegressor\n\n"
            "df = pd.read_csv('rides.csv')\ndf['kfold'] = df.index % 5\n"
            "NUMERIC_FEATURES = ['distance_km', 'hour', 'surge']\n"
            "model = RandomForestRegressor().fit(df[NUMERIC_FEATURES], df['fare'])\n"
            "df['fare_pred'] = model.predict(df[NUMERIC_FEATURES])\n"
            "sub = pd.read_csv('sample_submission.csv')\n"
            "sub['fare'] = model.predict(test[NUMERIC_FEATURES])\nsub.to_csv('submission.csv')\n",
            path="src/train.py",
        ),
        # No registry, but the README's feature table defines the column (and the family, by pattern).
        Case(
            {
                "pipeline/prepare.py": "import pandas as pd\n\ndef prepare(rides: pd.DataFrame) -> None:\n"
                "    rides['fare_per_km'] = rides['fare'] / rides['distance_km']\n"
                "    for h in (1, 3):\n        rides[f'demand_{h}h'] = rides['requests'].rolling(h).sum()\n"
                "    rides.to_parquet('rides_prepared.parquet')\n",
                "README.md": "# Rides\n\n| column | meaning |\n|---|---|\n"
                "| fare_per_km | Fare over trip distance. |\n"
                "| demand_{h}h | Requests in the trailing h hours. |\n",
            },
        ),
        # The pull request documents its new column in prose it adds to the README, without spelling the name.
        Case(
            {
                "src/prepare.py": "import pandas as pd\n\n"
                "def merge(ours: pd.DataFrame, public: pd.DataFrame) -> pd.DataFrame:\n"
                "    public['from_public_set'] = 1\n    ours['from_public_set'] = 0\n"
                "    merged = pd.concat([ours, public])\n"
                "    merged.to_csv('train_merged.csv')\n    return merged\n",
                "README.md": "# Churn\n\nNotes:\n"
                "* Merging the public dataset, with a new column flagging its rows, lifts AUC by 0.01.\n",
            },
            base={"README.md": "# Churn\n\nNotes:\n"},
        ),
        # Moved, not new: a neighbouring module computed the column before the pull request.
        Case(
            {
                "flows/steps/encode.py": "import numpy as np\nimport pandas as pd\n\n"
                "def encode(df: pd.DataFrame) -> pd.DataFrame:\n"
                "    df['hour_sin'] = np.sin(df['hour'] / 24 * 2 * np.pi)\n"
                "    df.to_parquet('encoded.parquet')\n    return df\n",
                "flows/run.py": "from steps.encode import encode\n",
            },
            base={
                "flows/run.py": "import numpy as np\n\ndef encode(df):\n"
                "    df['hour_sin'] = np.sin(df['hour'] / 24 * 2 * np.pi)\n    return df\n"
            },
        ),
        # A SQL feature model whose output columns the dbt schema beside it describes;
        # CTE names, table aliases, cast types, ids and timestamps are not features.
        Case(
            {
                "models/features/store_features.sql": "with visits as (\n"
                "    select * from {{ ref('visits') }} as v\n)\nselect\n    store_id,\n"
                "    count(*) as visits_7d,\n    cast(avg(dwell_s) as float) as dwell_mean_7d,\n"
                "    max(visited_at) as last_visit_at\n"
                "from visits as vv\ngroup by 1\n",
                "models/features/schema.yml": "version: 2\nmodels:\n  - name: store_features\n    columns:\n"
                "      - name: visits_7d\n"
                "        description: Visits in the trailing seven days.\n      - name: dwell_mean_7d\n"
                "        description: Mean dwell time in seconds.\n",
            },
        ),
        # A helper's default list of what it can compute is not the model's feature list: the caller picks.
        Case(
            "def weather(df, features=None):\n    if features is None:\n"
            "        features = ['temp_c', 'rain_mm', 'wind_kmh']\n"
            "    return df[features]\n",
            path="src/features/weather.py",
        ),
        # A conditional patch of some rows (`.loc[mask, col]`) and a feature registered by a glob are fine.
        Case(
            {
                "src/features/basket.py": "import pandas as pd\n\ndef build(df):\n"
                "    df.loc[df['items'].isna(), 'basket_size'] = 0\n"
                "    df['promo_share_7d'] = df['promo_items_7d'] / df['items_7d']\n    return df\n",
                "features.yaml": "promo_share_*:\n"
                "  description: Share of promoted items over the trailing window.\n  owner: pricing-ml\n",
            },
        ),
        # Dict assignments in feature code are not columns; an existing column rewritten in place is not new.
        Case(
            "import pandas as pd\n\ndef build(df: pd.DataFrame, stats: dict) -> pd.DataFrame:\n"
            "    params = {}\n"
            "    params['window'] = 7\n    stats['rows'] = len(df)\n"
            "    df['price'] = df['price'].fillna(0)\n    return df\n",
            path="features/clean.py",
        ),
        # Polars and a YAML list registry with an owner inherited from the group.
        Case(
            {
                "features/orders_features.py": "import polars as pl\n\n"
                "def build(orders: pl.DataFrame) -> pl.DataFrame:\n"
                "    return orders.with_columns((pl.col('total') / "
                "pl.col('items')).alias('avg_item_price'), is_weekend=pl.col('day').dt.weekday() > 5)\n",
                "feature_registry.yaml": "groups:\n  - owner: checkout-ml\n    features:\n"
                "      - name: avg_item_price\n        description: Order total over item count.\n"
                "      - name: is_weekend\n        description: Order placed on Saturday or Sunday.\n",
            },
        ),
        # A list of dropped features is not a list of features,
        # and neither are lists of what is kept out of the model.
        Case(
            "DROP_FEATURES = ['legacy_score', 'zip3']\nFEATURE_IMPORTANCES = ['a']\n",
            path="src/features/config.py",
        ),
        Case(
            {
                "src/features/build_features.py": "import pandas as pd\n\n"
                "# identifiers and raw text, excluded from the model inputs\n"
                "NON_FEATURE_COLS = ['policy_id', 'region', 'channel']\nMETA_FEATURES = ['source_file']\n"
                "FEATURES_TO_EXCLUDE = ['zip']\n"
                "IGNORE_FEATURE_COLS = ['raw_text']\n",
                "features.yaml": "tenure_months:\n  description: Months since the policy started.\n"
                "  owner: churn-ml\n",
            }
        ),
        # A library's example feature repo (Feast's examples/) shows the API; nobody owns its features.
        Case(
            "from feast import FeatureView, Field\nfrom feast.types import Float32\n\n"
            "stats = FeatureView(name='driver_stats', entities=[driver], schema=[\n"
            "    Field(name='acc_rate', dtype=Float32),\n])\n",
            path="examples/quickstart/feature_repo/definitions.py",
        ),
        # The change wires one new helper into training and parks another beside it:
        # the parked one's column reaches no model yet.
        Case(
            {
                "src/features/store.py": "import pandas as pd\n\n"
                "def add_footfall(df: pd.DataFrame) -> pd.DataFrame:\n"
                "    df['footfall_7d'] = df.groupby('store_id')['visits'].transform(lambda s: "
                "s.rolling(7).sum())\n    return df\n\n"
                "def add_competitor_density(df: pd.DataFrame) -> pd.DataFrame:\n"
                "    df['rivals_within_2km'] = df['rivals'].clip(upper=50)\n    return df\n",
                "src/train.py": "import pandas as pd\nfrom features.store import add_footfall\n\n"
                "frame = add_footfall(pd.read_parquet('visits.parquet'))\n",
                "docs/features.md": "| Feature | Description | Owner |\n|---|---|---|\n"
                "| `footfall_7d` | Visits to the store over the last seven days. | @retail-ml |\n",
            },
        ),
    ]
    INVALID = [
        # A new engineered column with no registry entry at all.
        Case(
            {
                "src/features/build_features.py": "import pandas as pd\n\n"
                "def build(df: pd.DataFrame) -> pd.DataFrame:\n"
                "    df['days_since_signup'] = (df['event_time'] - df['signup_time']).dt.days\n"
                "    df['spend_per_visit'] = df['spend'] / df['visits'].clip(lower=1)\n    return df\n",
                "features.yaml": "days_since_signup:\n"
                "  description: Whole days between signup and the event.\n  owner: growth-ml\n",
            },
            base={
                "features.yaml": "days_since_signup:\n"
                "  description: Whole days between signup and the event.\n  owner: growth-ml\n"
            },
            lines=(5,),
        ),
        # A registry entry without an owner does not document the feature.
        Case(
            {
                "features/risk.py": "def add(df):\n"
                "    return df.assign(debt_to_income=df['debt'] / df['income'])\n",
                "docs/features.md": "## debt_to_income\n\nMonthly debt payments over monthly income.\n",
            },
            lines=(2,),
        ),
        # f-string families are matched by pattern; this one is not in the registry.
        Case(
            {
                "src/features/rolling.py": "def add(df, windows):\n    for w in windows:\n"
                "        df[f'spend_roll_mean_{w}d'] = df['spend'].rolling(w).mean()\n    return df\n",
                "features.yaml": "features:\n  - name: spend_lag_{n}\n"
                "    description: Spend n days earlier.\n    owner: growth-ml\n",
            },
            lines=(3,),
        ),
        # A new entry in the model's feature list; `NON_NEGATIVE_FEATURES` still lists features.
        Case(
            {
                "src/features/columns.py": "NUMERIC_FEATURES = [\n    'age',\n    'tenure_months',\n"
                "    'num_support_tickets',\n]\n"
                "NON_NEGATIVE_FEATURES = ['age', 'basket_value']\n",
            },
            base={
                "src/features/columns.py": "NUMERIC_FEATURES = [\n    'age',\n    'tenure_months',\n]\n"
                "NON_NEGATIVE_FEATURES = ['age']\n",
                "docs/feature_registry.yaml": "age:\n  description: Age in years at signup.\n"
                "  owner: crm-ml\n",
            },
            config="feature_registry: [docs/feature_registry.yaml]\n",
            lines=(4, 6),
        ),
        # No registry and no README naming them: a finding per feature
        # (a task-list line says work was done, not what a column means).
        Case(
            {
                "src/features/build_features.py": "import pandas as pd\n\n\n"
                "def add_calendar(df: pd.DataFrame) -> pd.DataFrame:\n"
                "    df['Year'] = df['Date'].dt.year\n    df['Month'] = df['Date'].dt.month\n"
                "    df['Quarter'] = df['Date'].dt.quarter\n    return df\n",
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
            "import pandas as pd\n\nHUBS = {\n    'north_depot': (59.95, 10.75),\n"
            "    'harbour': (59.90, 10.73),\n}\n\n"
            "def add_hub_distances(df: pd.DataFrame) -> pd.DataFrame:\n"
            "    for hub, (lat, lon) in HUBS.items():\n"
            "        df[f'km_to_{hub}'] = ((df['lat'] - lat) ** 2 + (df['lon'] - lon) ** 2) ** 0.5 * 111\n"
            "    return df\n",
            path="src/features/geo_features.py",
            lines=(4, 5),
        ),
        # A new string in a list that a loop fans out into lag
        # features is a new feature family, on the line that adds it.
        Case(
            {
                "src/features/lags.py": "import pandas as pd\n\nLAGGED = [\n    'units',\n    'price',\n"
                "    'promo_depth',\n]\n\n"
                "def add_lags(df: pd.DataFrame) -> pd.DataFrame:\n    for col in LAGGED:\n"
                "        for n in (1, 7):\n"
                "            df[f'{col}_lag_{n}'] = df.groupby('sku_id')[col].shift(n)\n    return df\n",
            },
            base={
                "src/features/lags.py": "import pandas as pd\n\nLAGGED = [\n    'units',\n    'price',\n]\n\n"
                "def add_lags(df: pd.DataFrame) -> pd.DataFrame:\n    for col in LAGGED:\n"
                "        for n in (1, 7):\n"
                "            df[f'{col}_lag_{n}'] = df.groupby('sku_id')[col].shift(n)\n    return df\n",
            },
            lines=(6,),
        ),
        # A new aliased column in a SQL feature model that no schema or README describes.
        Case(
            {
                "models/features/store_features.sql": "select\n    store_id,\n    count(*) as visits_7d,\n"
                "    sum(basket_eur) / nullif(count(*), 0) as basket_per_visit_7d\n"
                "from {{ ref('visits') }}\ngroup by 1\n",
                "models/features/schema.yml": "version: 2\nmodels:\n  - name: store_features\n    columns:\n"
                "      - name: visits_7d\n"
                "        description: Visits in the trailing seven days.\n",
            },
            base={
                "models/features/store_features.sql": "select\n    store_id,\n    count(*) as visits_7d\n"
                "from {{ ref('visits') }}\ngroup by 1\n",
                "models/features/schema.yml": "version: 2\nmodels:\n  - name: store_features\n    columns:\n"
                "      - name: visits_7d\n"
                "        description: Visits in the trailing seven days.\n",
            },
            lines=(4,),
        ),
        # `insert`, `assign(**{...})` with keys built in a comprehension,
        # and aggregates named by alias in `agg` are new columns too;
        # a list's own `insert` and pandas' named aggregation keywords are not read.
        Case(
            "import polars as pl\nimport pandas as pd\n\nRATES = ['fx_eur', 'fx_gbp']\n\n"
            "def build(pdf: pd.DataFrame, tx: pl.DataFrame) -> tuple[pd.DataFrame, pl.DataFrame]:\n"
            "    pdf.insert(0, 'weekday', pdf['day'].dt.weekday)\n    cols = ['a']\n    cols.insert(0, 'b')\n"
            "    pdf = pdf.assign(**{f'{r}_chg_1d': pdf[r].pct_change() for r in RATES})\n"
            "    per_card = tx.group_by('card').agg(pl.col('amount').std().alias('amount_std_30d'))\n"
            "    return pdf.groupby('card').agg(n=('amount', 'size')), per_card\n",
            path="src/features/fx.py",
            lines=(4, 7, 11),
        ),
        # Polars: an alias built in a comprehension over a column list names one feature per entry.
        Case(
            "import polars as pl\n\nAMOUNTS = ['card_amt', 'cash_amt']\n\n"
            "def rolling(tx: pl.DataFrame) -> pl.DataFrame:\n"
            "    return tx.with_columns([pl.col(c).rolling_mean(7).alias(f'{c}_mean_7d') for c in "
            "AMOUNTS])\n",
            path="src/features/rolling.py",
            lines=(3,),
        ),
        # Feast field without a description:
        # one request for `description=` per view, never "start a registry".
        Case(
            "from feast import FeatureView, Field\nfrom feast.types import Float32\n\n"
            "stats = FeatureView(name='driver_stats', entities=[driver], schema=[\n"
            "    Field(name='acc_rate', dtype=Float32),\n])\n",
            path="feature_repo/definitions.py",
            lines=(5,),
        ),
        # Spark withColumn in a module the config names as feature code.
        Case(
            "from pyspark.sql import functions as F\n\ndef transform(df):\n"
            "    return df.withColumn('session_len_s', F.col('end') - F.col('start'))\n",
            path="jobs/sessions.py",
            config="rules:\n  undocumented-feature:\n    feature_modules: ['jobs/*.py']\n",
            lines=(4,),
        ),
        # A comment that calls the column a feature, or a target-encoded column, does not make it the label.
        Case(
            "import pandas as pd\n\ndef build(rfm: pd.DataFrame) -> pd.DataFrame:\n"
            "    # feature: churn label smoothed over 30 days\n"
            "    rfm['churn_smooth'] = rfm['churned'].rolling(30).mean()\n"
            "    rfm['city_te'] = rfm.groupby('city')['churned'].transform('mean')  # mean of the target "
            "per city\n    return rfm\n",
            path="src/customer_features.py",
            lines=(5, 6),
        ),
        # The same helper called by its wired sibling: its column is a model input now.
        Case(
            {
                "src/features/store.py": "import pandas as pd\n\n"
                "def add_footfall(df: pd.DataFrame) -> pd.DataFrame:\n"
                "    df['footfall_7d'] = df.groupby('store_id')['visits'].transform(lambda s: "
                "s.rolling(7).sum())\n    return add_competitor_density(df)\n\n"
                "def add_competitor_density(df: pd.DataFrame) -> pd.DataFrame:\n"
                "    df['rivals_within_2km'] = df['rivals'].clip(upper=50)\n    return df\n",
                "src/train.py": "import pandas as pd\nfrom features.store import add_footfall\n\n"
                "frame = add_footfall(pd.read_parquet('visits.parquet'))\n",
                "docs/features.md": "| Feature | Description | Owner |\n|---|---|---|\n"
                "| `footfall_7d` | Visits to the store over the last seven days. | @retail-ml |\n",
            },
            lines=(8,),
        ),
    ]

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
        idle = self._idle_lines()
        for candidate in self.candidates:
            name = candidate.name
            if self.position(candidate.node)[0] in idle:
                continue
            if name.glob in seen or candidate.documented or (candidate.listed and scope == "model-data"):
                continue
            seen.add(name.glob)
            if not self._not_a_feature(name, targets, excluded) and not self._commented_as_target(
                candidate.node
            ):
                (feast if candidate.view is not None else features).append(candidate)
        if not features and not feast:
            return
        side: Side = "base" if self.ctx.version == "base" else "head"
        registry = read_registry(self.ctx.repo, paths, side)
        self._feast_fields(feast, registry)
        if features:
            self._report(self._undocumented(features, registry, side), registry, paths)

    def _undocumented(
        self, features: list[Candidate], registry: FeatureRegistry, side: Side
    ) -> list[tuple[Candidate, RegistryEntry | None]]:
        """Features no registry entry, README, data dictionary or note
        of this PR documents, and no neighbour computed before."""
        found: list[tuple[Candidate, RegistryEntry | None]] = []
        docs: Documents | None = None
        for candidate in features:
            name = candidate.name
            entry = registry.lookup(name.shown, template=name.template)
            if entry is not None and not entry.missing:
                continue
            if entry is None:
                docs = docs or documents(self.ctx.repo, self.ctx.file.path, self.ctx.changed, side)
                if docs.notes_new_column or docs.naming(name.shown, template=name.template):
                    continue
            path, changed = self.ctx.file.path, self.ctx.changed
            if computed_nearby(path, changed, name.shown, name.source):
                continue
            test_frame = candidate.receiver is not None and TEST_FRAME.search(
                candidate.receiver.rsplit(".", 1)[-1]
            )
            if test_frame and computed_nearby(path, changed, name.shown, name.source, side):
                continue
            found.append((candidate, entry))
        return sorted(found, key=lambda pair: self.position(pair[0].node)[0])

    def _idle_lines(self) -> set[int]:
        """Lines of helpers this pull request adds and nothing it changes calls:
        their columns reach no model yet."""
        file = self.ctx.file
        if self.ctx.version == "base" or file.kind is not FileKind.PYTHON:
            return set()
        base = self.ctx.counterpart.text if self.ctx.counterpart is not None else None
        idle: set[int] = set()
        for scope in unwired(self.facts.functions, file.path, file.text, base, self.ctx.changed):
            first, last = self.position(scope.node)
            idle.update(range(first, last + 1))
        return idle

    def _commented_as_target(self, node: libcst.CSTNode) -> bool:
        """The comment ending the column's line, or a comment
        line right above it, calls it the label or target."""
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
            names = listed(undescribed)
            count = f"{len(undescribed)} field{'s' if len(undescribed) > 1 else ''}"
            label = f"`{shown_name(view.name)}`" if view.name else "in this file"
            owner = (
                ""
                if view.owned
                else " It names no owner either (`owner=`, a `team` tag or a view `description=`)."
            )
            self.flag(
                undescribed[0].node,
                f"The Feast feature view {label} declares {count} without a `description=` ({names}).{owner} "
                "The view is the feature registry; "
                "a field nobody can explain cannot be debugged or safely removed later.",
                suggestion='Add `description="..."` to each `Field` (what it means, how it is computed)'
                + ("." if view.owned else ', and `owner=` or `tags={"team": ...}` to the view.'),
                key=f"feast-description:{view.name or self.ctx.file.path}",
            )

    def _not_a_feature(self, name: ColumnName, targets: set[str], excluded: set[str]) -> bool:
        shown = name.shown
        if (
            is_target(shown, targets)
            or is_identifier(shown)
            or is_timestamp(shown)
            or BOOKKEEPING.match(shown)
        ):
            return True
        if name.template:
            return any(fnmatch.fnmatchcase(dropped, name.glob) for dropped in excluded) or name.glob in {
                glob_of(d) for d in excluded
            }
        return shown.lower() in excluded

    def _report(
        self,
        undocumented: list[tuple[Candidate, RegistryEntry | None]],
        registry: FeatureRegistry,
        paths: list[str],
    ) -> None:
        """One finding per feature, keyed by its name so that
        a feature the base already had stays existing debt.

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
                f"This file adds {len(rest)} more undocumented features ({listed(rest)}). "
                "A feature nobody owns or can explain cannot be debugged, trusted or safely removed later.",
                suggestion=f"Add each to `{target}` with a `description` and an `owner`, "
                "or define them in a README table.",
                key=f"more-features:{self.ctx.file.path}",
            )

    def _check(
        self, candidate: Candidate, entry: RegistryEntry | None, registry: FeatureRegistry, paths: list[str]
    ) -> None:
        message, suggestion = _explain(candidate.name, entry, registry, paths)
        self.flag(candidate.node, message, suggestion=suggestion, key=f"feature:{candidate.name.glob}")

    # --- SQL feature models ---------------------------------------------------

    def __init__(self, ctx: FileContext | None = None) -> None:
        # The engine builds Python visitors with a context and file rules (here: SQL models) without one.
        if ctx is not None:
            super().__init__(ctx)

    def check(self, ctx: FileContext) -> Iterable[Finding]:
        """Each new output column of a SQL feature model
        (`count(*) AS orders_30d`) is a feature like any other."""
        file = ctx.file
        if not file.path.lower().endswith(".sql") or not is_feature_path(file.path, ctx.options):
            return []
        targets = {name.lower() for name in option_names(ctx.options, "targets")}
        columns = [
            (ColumnName(alias, False), line)
            for alias, line in select_aliases(file.text)
            if not (
                is_target(alias, targets)
                or is_identifier(alias)
                or is_timestamp(alias)
                or BOOKKEEPING.match(alias)
            )
        ]
        if not columns:
            return []
        side: Side = "base" if ctx.version == "base" else "head"
        paths = list(option_names(ctx.options, "feature_registry")) or list(DEFAULT_REGISTRIES)
        registry = read_registry(ctx.repo, paths, side)
        docs = documents(ctx.repo, file.path, ctx.changed, side)
        findings = []
        for name, line in columns[:MAX_FINDINGS]:
            entry = registry.lookup(name.shown)
            if (entry is not None and not entry.missing) or (
                entry is None and (docs.notes_new_column or docs.naming(name.shown, template=False))
            ):
                continue
            message, suggestion = _explain(name, entry, registry, paths)
            context = file.lines[line - 1].strip() if line <= len(file.lines) else ""
            findings.append(
                self.make(
                    file.path,
                    line,
                    message,
                    suggestion=suggestion,
                    key=f"feature:{name.glob}",
                    context=context,
                )
            )
        return findings

    def may_find(self) -> bool:
        # Outside feature code only a Feast repository or a script
        # that trains on (or writes out) its frames counts.
        text = self.ctx.file.python_text or ""
        if self._is_feature_path() or "feast" in text:
            return True
        return any(library in text for library in FRAME_LIBRARIES) and any(
            word in text for word in MODEL_DATA_WORDS
        )

    def _scope(self) -> str | None:
        """`features` for feature code, `model-data` for a script that
        trains on its frames or writes them out as a dataset.

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
        return is_feature_path(self.ctx.file.path, self.ctx.options)


def _explain(
    name: ColumnName, entry: RegistryEntry | None, registry: FeatureRegistry, paths: list[str]
) -> tuple[str, str]:
    """The message and suggestion: what the feature lacks, and where its entry should go."""
    shown = shown_name(name.shown)
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
            f"The new {kind} `{shown}` has no entry in the feature registry "
            f"(`{'`, `'.join(registry.sources)}`), "
            "and no README or data dictionary names it. "
            "A feature nobody owns or can explain cannot be debugged, trusted or safely removed later."
        )
    else:
        message = (
            f"The new {kind} `{shown}` is not documented: no README, "
            "data dictionary or schema file names it, and the "
            f"repository has no feature registry (looked for `{'`, `'.join(paths)}`, "
            "set by `feature_registry` in "
            ".github/mldebt.yml). A feature nobody owns or can explain cannot be debugged, "
            "trusted or safely removed later."
        )
    suggestion = (
        f"Add `{shown}` to `{target}` with a `description` (what it means, how it is computed) and an `owner`"
    )
    return message, suggestion + (
        "." if registry.sources or entry is not None else ", or define it in a README table."
    )
