"""undocumented-feature's VALID examples: what it must stay quiet on.

They double as tests (the meta-test runs every rule on its examples) and as its documentation.
The rule reads many kinds of files and registries, so its examples outgrew one module: the
INVALID ones, what it must report, are `rules.checks.undocumented_feature_invalid`.
"""

from __future__ import annotations

from rules.rule import Case

VALID: list[Case] = [
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
