"""split-leakage: a scaler, encoder, imputer or selector fitted on rows that include the evaluation data.

The check follows values rather than lines. A small abstract interpreter
(`rules.leakage_interpreter`) runs the module from its top level (and every
function nobody in the file calls), inlining calls to the file's own functions,
and records three kinds of event in execution order: a transformer is fitted on
some data, data is split into train and evaluation rows, a fitted transformer is
applied to some data. Every value remembers which rows it holds and which
transformers produced it (`rules.leakage_values`). `rules.leakage_verdict` judges
each fit; this module words the findings.
"""

from __future__ import annotations

import libcst

from rules.dataflow import FactsRule
from rules.finding import Severity
from rules.leakage_imputation import FILL_METHODS, IMPUTATION_LABEL
from rules.leakage_interpreter import Interpreter
from rules.leakage_reach import fitting_functions
from rules.leakage_values import RowIndex, Run
from rules.leakage_verdict import Leak, call_toward_fit, find_leaks
from rules.leakage_vocabulary import CLUSTER_LIBRARIES, CLUSTERERS
from rules.ml_names import (
    COMPOSITE_LIBRARIES,
    COMPOSITES,
    ESTIMATOR_METHODS,
    is_library_name,
    is_transformer_ctor,
)
from rules.module_facts import ModuleFacts, Scope
from rules.rule import Case, register

# Transformers whose fit decides the model's input columns or codes: refitted on evaluation data, they do not
# merely leak statistics, they hand the model features it was never trained on.
FEATURE_SPACE_BUILDERS = frozenset(
    {
        "DictVectorizer",
        "OneHotEncoder",
        "OrdinalEncoder",
        "CountVectorizer",
        "TfidfVectorizer",
        "LabelEncoder",
        "LabelBinarizer",
        "MultiLabelBinarizer",
        "StringIndexer",
        "TextVectorization",
        "StringLookup",
        "IntegerLookup",
    }
)

FIT_SUGGESTION = (
    "Split first, fit on the training split only and `transform` the other splits with it, or put the step "
    "in a `Pipeline` so that `cross_val_score`/`GridSearchCV` refit it inside every fold."
)
IMPUTE_SUGGESTION = (
    "Split first and fill every split with the training split's statistic "
    "(`X_test.fillna(X_train.median())`), or use a `SimpleImputer` in a `Pipeline` so that "
    "cross-validation refits it inside every fold."
)


@register
class SplitLeakage(FactsRule):
    id = "split-leakage"
    severity = Severity.CRITICAL
    title = "Preprocessing fitted on evaluation data"

    VALID = [
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
    ]
    INVALID = [
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
    ]

    def finish(self) -> None:
        facts = self.facts
        if facts.module is None or not self._mentions_transformer(facts):
            return
        interpreter = Interpreter(facts, self.code)
        module = facts.module.node
        reported: set[int] = set()
        if isinstance(module, libcst.Module):
            self._report(interpreter.index, interpreter.run_module(module), reported)
        fitting = fitting_functions(facts)
        for scope in self._uncalled(facts):
            if id(scope.node) in interpreter.executed or not isinstance(scope.node, libcst.FunctionDef):
                continue
            if id(scope.node) not in fitting:
                continue
            self._report(interpreter.index, interpreter.run_function(scope.node, scope.class_name), reported)

    def _mentions_transformer(self, facts: ModuleFacts) -> bool:
        imports = facts.imports
        return any(
            site.method in FILL_METHODS
            or is_transformer_ctor(site.name, imports)
            or is_library_name(site.name, imports, CLUSTERERS, CLUSTER_LIBRARIES)
            or is_library_name(site.name, imports, COMPOSITES, COMPOSITE_LIBRARIES)
            for site in facts.all_calls()
        )

    def _uncalled(self, facts: ModuleFacts) -> list[Scope]:
        """Functions nobody in the module ran, callers before callees; estimators' own fit methods never."""
        called = {id(callee.node) for scope in facts.functions for callee in facts.callees(scope)}
        runnable = [
            scope
            for scope in facts.functions
            if scope.parent is None
            and not (scope.class_name is not None and scope.simple_name in ESTIMATOR_METHODS)
        ]
        return sorted(runnable, key=lambda scope: id(scope.node) in called)

    def _report(self, index: RowIndex, run: Run, reported: set[int]) -> None:
        for leak in find_leaks(index, run):
            fit = leak.fit
            if id(fit.node) in reported:
                continue
            reported.add(id(fit.node))
            self._flag(leak)

    def _flag(self, leak: Leak) -> None:
        fit = leak.fit
        cls = fit.transformer.cls
        imputation = cls.startswith(IMPUTATION_LABEL + "(")
        # `fillna(median)` names no class: the reader is told which statistic was computed where.
        fitted = (
            f"The {cls[len(IMPUTATION_LABEL) + 1 : -1]} that `fillna` fills in is computed on"
            if imputation
            else f"`{cls}` is fitted on"
        )
        data = f"`{fit.label}`" if fit.label else "its input"
        split = leak.split
        call = call_toward_fit(fit, split) if split is not None else None
        if call is not None:
            data += f" (in the call on line {self._line(call)})"
        at = f"the split on line {self._line(split.node)} ({split.label})" if split is not None else ""
        if leak.kind == "test":
            held = (
                f"the evaluation rows of {at}"
                if split is not None
                else f"the evaluation set `{leak.held.label if leak.held else ''}`"
            )
            if leak.evaluation_only and cls in FEATURE_SPACE_BUILDERS:
                consequence = (
                    "On these rows alone it builds a different feature space (columns, vocabulary, "
                    "category codes) from "
                    "the one the model was trained on, and learns from the evaluation data."
                )
            else:
                consequence = (
                    "The evaluation data then shapes the preprocessing and the reported score is optimistic."
                )
            message = f"{fitted} {data}, which holds {held}. {consequence}"
        elif leak.kind == "before-split":
            message = (
                f"{fitted} {data} before {at} divides it into training and evaluation rows. "
                "Statistics of "
                "the evaluation rows leak into training and the reported score is optimistic."
            )
        else:
            applied = self._line(leak.applied.node) if leak.applied else 0
            message = (
                f"{fitted} all rows of {data}, including the evaluation rows of {at}, "
                "and then applied to the "
                f"evaluation data on line {applied}. The reported score is optimistic."
            )
        evidence = leak.evidence
        same_scope = evidence is not None and self._enclosing(evidence) is self._enclosing(fit.node)
        self.flag_span(
            fit.node,
            evidence if same_scope else None,
            message,
            suggestion=IMPUTE_SUGGESTION if imputation else FIT_SUGGESTION,
            key=f"{cls}:{fit.label}:{leak.kind}",
        )

    def _line(self, node: libcst.CSTNode) -> int:
        return self.ctx.file.raw_line(self.line_of(node))

    def _enclosing(self, node: libcst.CSTNode) -> Scope | None:
        line = self.line_of(node)
        best: Scope | None = None
        best_start = 0
        for scope in self.facts.functions:
            start, end = self.position(scope.node)
            if start <= line <= end and start >= best_start:
                best, best_start = scope, start
        return best
