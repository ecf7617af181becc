"""undocumented-feature's INVALID examples: what it must report, and on which lines.

They double as tests (the meta-test runs every rule on its examples) and as its documentation.
The rule reads many kinds of files and registries, so its examples outgrew one module: the
VALID ones, what it must stay quiet on, are `rules.checks.undocumented_feature_valid`.
"""

from __future__ import annotations

from rules.rule import Case

INVALID: list[Case] = [
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
            "docs/feature_registry.yaml": "age:\n  description: Age in years at signup.\n  owner: crm-ml\n",
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
