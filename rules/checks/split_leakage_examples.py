"""split-leakage's VALID and INVALID examples: what it must stay quiet on, and what it must report.

They double as tests (the meta-test runs every rule on its examples) and as its documentation; kept
here, the rule's module reads as its decision alone.
"""

from __future__ import annotations

from rules.rule import Case

VALID: list[Case] = [
    # Clustering as the product (segments written out, no split), and fitted on the training split only.
    Case(
        "import pandas as pd\nfrom sklearn.cluster import KMeans\n"
        "from sklearn.model_selection import train_test_split\n\n"
        "seg = pd.read_csv('customers.csv')\nseg['segment'] = KMeans(5).fit_predict(seg)\n"
        "seg.to_csv('segments.csv')\n\n"
        "def zones(train, test):\n    km = KMeans(8).fit(train[['lat', 'lon']])\n"
        "    train['zone'] = km.predict(train[['lat', 'lon']])\n"
        "    test['zone'] = km.predict(test[['lat', 'lon']])\n    return train, test\n\n"
        "def main():\n    frame = pd.read_csv('houses.csv')\n"
        "    X_tr, X_te, y_tr, y_te = train_test_split(frame.drop(columns='y'), frame['y'])\n"
        "    return zones(X_tr, X_te)\n"
    ),
    # The hard negative: fit on the training split after the split, transform both.
    Case(
        "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n"
        "from sklearn.preprocessing import StandardScaler\n"
        "from sklearn.linear_model import LogisticRegression\n\n"
        "df = pd.read_csv('data/churn.csv')\nX, y = df.drop(columns='churned'), df['churned']\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, "
        "random_state=0)\n"
        "scaler = StandardScaler()\nX_train = scaler.fit_transform(X_train)\n"
        "X_test = scaler.transform(X_test)\n"
        "model = LogisticRegression().fit(X_train, y_train)\nprint(model.score(X_test, y_test))\n"
    ),
    # A Pipeline under cross-validation and grid search refits the scaler inside every fold.
    Case(
        "from sklearn.pipeline import make_pipeline, Pipeline\n"
        "from sklearn.preprocessing import StandardScaler\n"
        "from sklearn.impute import SimpleImputer\nfrom sklearn.svm import SVC\n"
        "from sklearn.model_selection import GridSearchCV, cross_val_score\n\n"
        "def main(X, y):\n    pipe = make_pipeline(SimpleImputer(), StandardScaler(), SVC())\n"
        "    print(cross_val_score(pipe, X, y, cv=5).mean())\n"
        "    search = GridSearchCV(Pipeline([('scale', StandardScaler()), ('svc', SVC())]), {'svc__C': "
        "[0.1, 1, 10]})\n"
        "    search.fit(X, y)\n"
    ),
    # A transformer's own fit method: whatever it is given is, by contract, training data.
    Case(
        "from sklearn.base import BaseEstimator, TransformerMixin\n"
        "from sklearn.preprocessing import StandardScaler\n\n"
        "class ScaledLog(BaseEstimator, TransformerMixin):\n    def fit(self, X, y=None):\n"
        "        self.scaler_ = StandardScaler().fit(np.log1p(X))\n        return self\n\n"
        "    def transform(self, X):\n        return self.scaler_.transform(np.log1p(X))\n",
        path="src/features/transformers.py",
    ),
    # A LabelEncoder on the target is harmless; a constant or forward fill learns nothing from the rows.
    Case(
        "import pandas as pd\nfrom sklearn.preprocessing import LabelEncoder\n"
        "from sklearn.model_selection import train_test_split\n\n"
        "df = pd.read_csv('loans.csv')\ndf = df.fillna(0)\ndf['rate'] = df['rate'].ffill()\n"
        "df['region'] = df['region'].fillna(value='unknown')\n"
        "y = LabelEncoder().fit_transform(df['grade'])\nX = df.drop(columns='grade')\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
    ),
    # Imputing after the split with the training split's statistics; a median only printed for a report.
    Case(
        "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n\n"
        "def main(path):\n    frame = pd.read_parquet(path)\n"
        "    print(frame.fillna(frame.median()).describe())\n"
        "    X_train, X_test, y_train, y_test = train_test_split(frame.drop(columns='y'), frame['y'])\n"
        "    medians = X_train.median()\n"
        "    X_train = X_train.fillna(X_train.median())\n    X_test = X_test.fillna(medians)\n"
        "    X_test['age'] = X_test['age'].fillna(X_train['age'].mode()[0])\n"
        "    return X_train, X_test, y_train, y_test\n"
    ),
    # Refit on all rows after evaluation, for the model that ships: nothing is evaluated afterwards.
    Case(
        "import joblib\nfrom sklearn.model_selection import train_test_split\n"
        "from sklearn.preprocessing import RobustScaler\n\n"
        "def main(X, y):\n    X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
        "    scaler = RobustScaler().fit(X_train)\n    model.fit(scaler.transform(X_train), y_train)\n"
        "    print(model.score(scaler.transform(X_test), y_test))\n"
        "    final_scaler = RobustScaler().fit(X)\n    model.fit(final_scaler.transform(X), y)\n"
        "    joblib.dump((final_scaler, model), 'model.joblib')\n"
    ),
    # Stateless transformers learn nothing from the rows;
    # a PCA only used for a plot never reaches the split.
    Case(
        "from sklearn.preprocessing import Normalizer, PolynomialFeatures\n"
        "from sklearn.decomposition import PCA\n"
        "from sklearn.model_selection import train_test_split\n\n"
        "X = Normalizer().fit_transform(X_raw)\nX = PolynomialFeatures(2).fit_transform(X)\n"
        "coords = PCA(n_components=2).fit_transform(X)\nplot(coords)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
    ),
    # Per-fold fitting inside a KFold loop.
    Case(
        "from sklearn.model_selection import StratifiedKFold\n"
        "from sklearn.preprocessing import MinMaxScaler\n\n"
        "for fold, (train_idx, valid_idx) in enumerate(StratifiedKFold(5).split(X, y)):\n"
        "    scaler = MinMaxScaler().fit(X.iloc[train_idx])\n"
        "    model.fit(scaler.transform(X.iloc[train_idx]), y.iloc[train_idx])\n"
        "    preds = model.predict(scaler.transform(X.iloc[valid_idx]))\n"
    ),
    # Separate train and test files: fit on train, transform test, across helper functions.
    Case(
        "import pandas as pd\nfrom sklearn.feature_extraction.text import TfidfVectorizer\n\n"
        "def featurize(train_texts, test_texts):\n    vectorizer = TfidfVectorizer(min_df=2)\n"
        "    return vectorizer.fit_transform(train_texts), vectorizer.transform(test_texts)\n\n"
        "def main():\n    train = pd.read_csv('train.csv')\n    test = pd.read_csv('test.csv')\n"
        "    X_train, X_test = featurize(train['text'], test['text'])\n\n"
        "if __name__ == '__main__':\n    main()\n"
    ),
    # Scaling the training split before tuning on it is fitting on training data after the split.
    Case(
        "from sklearn.model_selection import GridSearchCV, train_test_split\n"
        "from sklearn.preprocessing import StandardScaler\n\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=42)\n"
        "scaler = StandardScaler().fit(X_train)\n"
        "search = GridSearchCV(model, grid, cv=5).fit(scaler.transform(X_train), y_train)\n"
    ),
    # Scaled by hand with the training split's own statistics, and a row-wise maximum (a statistic of
    # each row alone, which knows no other row).
    Case(
        "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n\n"
        "sales = pd.read_csv('data/sales.csv')\n"
        "sales['peak_share'] = sales['units'] / sales[['units', 'returns']].max(axis=1)\n"
        "fit_rows, holdout = train_test_split(sales, test_size=0.25)\n"
        "centre, spread = fit_rows['units'].mean(), fit_rows['units'].std()\n"
        "holdout['units'] = (holdout['units'] - centre) / spread\n"
        "fit_rows['units'] = (fit_rows['units'] - centre) / spread\n"
    ),
]
INVALID: list[Case] = [
    # Clustering used as a feature: centroids fitted on every row, cluster ids joined, then split.
    Case(
        "import pandas as pd\nfrom sklearn.cluster import KMeans\n"
        "from sklearn.model_selection import train_test_split\n\n"
        "df = pd.read_csv('houses.csv')\n"
        "zones = KMeans(n_clusters=12, n_init=10).fit(df[['lat', 'lon']])\n"
        "df['zone'] = zones.predict(df[['lat', 'lon']])\n"
        "X_train, X_test, y_train, y_test = train_test_split(df.drop(columns='price'), df['price'])\n",
        lines=(6,),
    ),
    # Fitted on everything, then split.
    Case(
        "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n"
        "from sklearn.preprocessing import StandardScaler\n\n"
        "df = pd.read_csv('data/churn.csv')\nX, y = df.drop(columns='churned'), df['churned']\n"
        "X_scaled = StandardScaler().fit_transform(X)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X_scaled, y, test_size=0.2)\n",
        lines=(7,),
    ),
    # Fitted on the test split (fit_transform where transform was meant), under an alias.
    Case(
        "from sklearn.model_selection import train_test_split\n"
        "from sklearn.preprocessing import StandardScaler as SS\n\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y)\nscaler = SS()\n"
        "X_train = scaler.fit_transform(X_train)\nX_test = scaler.fit_transform(X_test)\n",
        lines=(7,),
    ),
    # Across functions: `preprocess` is defined after `main` and fits on the full frame main later splits.
    Case(
        "from sklearn import model_selection, preprocessing\n\n"
        "def main(df):\n    X = preprocess(df.drop(columns=['y']))\n"
        "    X_train, X_test, y_train, y_test = model_selection.train_test_split(X, df['y'])\n"
        "    model.fit(X_train, y_train)\n\n"
        "def preprocess(frame):\n    return preprocessing.MinMaxScaler().fit_transform(frame)\n",
        lines=(9,),
    ),
    # Fitted on all rows after the split, then applied to the test split.
    Case(
        "from sklearn.model_selection import train_test_split\n"
        "from sklearn.impute import SimpleImputer\n\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
        "imputer = SimpleImputer(strategy='median')\n"
        "imputer.fit(X)\nX_train = imputer.transform(X_train)\nX_test = imputer.transform(X_test)\n",
        lines=(6,),
    ),
    # Supervised feature selection on all rows, then cross-validated: the folds were already seen.
    Case(
        "from sklearn.feature_selection import SelectKBest, f_classif\n"
        "from sklearn.model_selection import cross_val_score\n\n"
        "X_sel = SelectKBest(f_classif, k=20).fit_transform(X, y)\n"
        "scores = cross_val_score(model, X_sel, y, cv=5)\n",
        lines=(4,),
    ),
    # pandas imputation with a statistic of all rows before the split: the fill value knows the test rows.
    Case(
        "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n\n"
        "df = pd.read_csv('loans.csv')\ndf = df.fillna(df.mean(numeric_only=True))\n"
        "df['region'] = df['region'].fillna(df['region'].mode().iloc[0])\n"
        "X_train, X_test, y_train, y_test = train_test_split(df.drop(columns='grade'), df['grade'])\n",
        lines=(5, 6),
    ),
    # Steps handed to a pipeline under their own names: the imputed frame reaches the splitting step.
    Case(
        "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n\n"
        "def load():\n    return pd.read_csv('meters.csv')\n\n"
        "def clean(frame):\n    frame['kwh'] = frame['kwh'].fillna(value=frame['kwh'].mean())\n"
        "    return frame\n\n"
        "def split(frame):\n    return train_test_split(frame.drop(columns='load'), frame['load'])\n\n"
        "def flow(load, clean, split):\n    raw = load()\n    tidy = clean(frame=raw)\n"
        "    return split(frame=tidy)\n\n"
        "run = flow(load=load(), clean=clean(), split=split())\n",
        lines=(8,),
    ),
    # A vectorizer fitted on a separately loaded test set.
    Case(
        "import pandas as pd\nfrom sklearn.feature_extraction.text import CountVectorizer\n\n"
        "train_df = pd.read_csv('train.csv')\ntest_df = pd.read_csv('test.csv')\n"
        "vec = CountVectorizer()\n"
        "X_train = vec.fit_transform(train_df['text'])\nX_test = vec.fit_transform(test_df['text'])\n",
        lines=(8,),
    ),
    # A ColumnTransformer of preprocessing steps only, fitted inside a KFold loop on the validation fold.
    Case(
        "from sklearn.compose import ColumnTransformer\nfrom sklearn.model_selection import KFold\n"
        "from sklearn.preprocessing import OneHotEncoder, StandardScaler\n\n"
        "prep = ColumnTransformer([('num', StandardScaler(), NUM), ('cat', OneHotEncoder(), CAT)])\n"
        "for tr, te in KFold(5).split(X):\n    Xt = prep.fit_transform(X.iloc[tr])\n"
        "    Xv = prep.fit_transform(X.iloc[te])\n",
        lines=(8,),
    ),
    # A scaler written out by hand is still fitted: a z-score and a min-max range taken over every row.
    Case(
        "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n\n"
        "visits = pd.read_parquet('data/visits.parquet')\n"
        "visits['dwell'] = (visits['dwell'] - visits['dwell'].mean()) / visits['dwell'].std()\n"
        "age = visits['age']\nvisits['age'] = (age - age.min()) / (age.max() - age.min())\n"
        "tr, te = train_test_split(visits, stratify=visits['bought'])\n",
        lines=(5, 7),
    ),
]
