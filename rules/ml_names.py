"""What ML libraries call things, and what a local name resolves to through a module's imports.

The vocabulary (which classes are stateful transformers, which functions split
or cross-validate, which calls read a dataset) and the name resolution it is
matched with (`SS` is `sklearn.preprocessing.StandardScaler` after
`from sklearn.preprocessing import StandardScaler as SS`) belong together: a
class name means something only when it comes from the library that defines it.
"""

from __future__ import annotations

from collections.abc import Iterable

import libcst

from rules.cst import dotted

# Libraries whose preprocessing classes follow sklearn's fit/transform contract.
TRANSFORMER_LIBRARIES = (
    "sklearn",
    "category_encoders",
    "feature_engine",
    "cuml",
    "dask_ml",
    "pyspark.ml.feature",
    "keras",
    "tensorflow.keras",
    "tf.keras",
)

# Transformers whose `fit` learns statistics from the rows it sees, so fitting them
# on evaluation rows leaks. Stateless ones (Normalizer scales each row by its own
# norm, PolynomialFeatures only records the column count, Binarizer and
# FunctionTransformer learn nothing) are deliberately absent.
STATEFUL_TRANSFORMERS = frozenset(
    {
        "StandardScaler",
        "MinMaxScaler",
        "MaxAbsScaler",
        "RobustScaler",
        "QuantileTransformer",
        "PowerTransformer",
        "KBinsDiscretizer",
        "SplineTransformer",
        "OneHotEncoder",
        "OrdinalEncoder",
        "LabelEncoder",
        "TargetEncoder",
        "TfidfVectorizer",
        "CountVectorizer",
        "TfidfTransformer",
        "DictVectorizer",
        "SimpleImputer",
        "KNNImputer",
        "IterativeImputer",
        "PCA",
        "IncrementalPCA",
        "KernelPCA",
        "SparsePCA",
        "TruncatedSVD",
        "FastICA",
        "FactorAnalysis",
        "SelectKBest",
        "SelectPercentile",
        "SelectFpr",
        "SelectFdr",
        "SelectFwe",
        "GenericUnivariateSelect",
        "SelectFromModel",
        "RFE",
        "RFECV",
        "SequentialFeatureSelector",
        "VarianceThreshold",
        # category_encoders / feature_engine encoders that learn
        # from the rows (target encoders leak the label).
        "WOEEncoder",
        "CatBoostEncoder",
        "LeaveOneOutEncoder",
        "JamesSteinEncoder",
        "MEstimateEncoder",
        "CountEncoder",
        "MeanEncoder",
        "WoEEncoder",
        "RareLabelEncoder",
        "MeanMedianImputer",
        "CategoricalImputer",
        "EqualFrequencyDiscretiser",
        "EqualWidthDiscretiser",
        "Winsorizer",
        "DropCorrelatedFeatures",
        "SmartCorrelatedSelection",
        # Spark ML estimators whose `fit` returns a model of what they learned from the rows.
        "Imputer",
        "StringIndexer",
        "IDF",
        "QuantileDiscretizer",
        "VectorIndexer",
        "ChiSqSelector",
        "UnivariateFeatureSelector",
        "VarianceThresholdSelector",
        # Keras preprocessing layers learn their state in `adapt`.
        "Normalization",
        "TextVectorization",
        "StringLookup",
        "IntegerLookup",
        "Discretization",
    }
)
STATELESS_TRANSFORMERS = frozenset(
    {"Normalizer", "Binarizer", "PolynomialFeatures", "FunctionTransformer", "HashingVectorizer"}
)
# Encoders that are routinely and harmlessly fitted on the label rather than on features.
LABEL_ENCODERS = frozenset({"LabelEncoder", "LabelBinarizer", "MultiLabelBinarizer"})
COMPOSITES = frozenset(
    {
        "Pipeline",
        "make_pipeline",
        "ColumnTransformer",
        "make_column_transformer",
        "FeatureUnion",
        "make_union",
    }
)
COMPOSITE_LIBRARIES = ("sklearn", "imblearn")
SEARCH_CV = frozenset(
    {"GridSearchCV", "RandomizedSearchCV", "HalvingGridSearchCV", "HalvingRandomSearchCV", "BayesSearchCV"}
)
CV_FUNCTIONS = frozenset(
    {
        "cross_val_score",
        "cross_validate",
        "cross_val_predict",
        "learning_curve",
        "validation_curve",
        "permutation_test_score",
    }
)

_READ_PREFIXES = (
    "pandas.read_",
    "polars.read_",
    "polars.scan_",
    "dask.dataframe.read_",
    "modin.pandas.read_",
    "cudf.read_",
    "pyarrow.parquet.read_",
    "pyarrow.csv.read_",
    "pyarrow.feather.read_",
)
_NUMPY_LOADERS = frozenset({"numpy.load", "numpy.loadtxt", "numpy.genfromtxt", "numpy.fromfile"})
# Notebooks often import under the community aliases; an unbound `pd` is still pandas.
_CONVENTIONAL_ALIASES = {"pd": "pandas", "pl": "polars", "np": "numpy", "dd": "dask.dataframe"}

# Methods that are an estimator's own training API, never an entry point of a run.
ESTIMATOR_METHODS = frozenset({"fit", "partial_fit", "fit_transform", "_fit", "fit_predict"})


def within(name: str, prefix: str) -> bool:
    """Whether a dotted name is `prefix` or inside it:
    `sklearn.svm` is within `sklearn`, `sklearnex` is not."""
    return name == prefix or name.startswith(prefix + ".")


class Imports:
    """Local names bound by import statements, mapped to what they import."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.star: list[str] = []

    def add(self, node: libcst.Import | libcst.ImportFrom) -> None:
        if isinstance(node, libcst.Import):
            for alias in node.names:
                full = dotted(alias.name) or ""
                if alias.asname is not None and isinstance(alias.asname.name, libcst.Name):
                    self.names[alias.asname.name.value] = full
                else:
                    head = full.split(".", 1)[0]
                    self.names[head] = head
            return
        module = ("." * len(node.relative)) + (dotted(node.module) or "")
        if isinstance(node.names, libcst.ImportStar):
            self.star.append(module)
            return
        for alias in node.names:
            name = dotted(alias.name) or ""
            local = (
                alias.asname.name.value
                if alias.asname is not None and isinstance(alias.asname.name, libcst.Name)
                else name
            )
            self.names[local] = f"{module}.{name}" if module else name

    def qualify(self, expr: libcst.BaseExpression | None) -> str | None:
        """The dotted name with its head resolved through the imports:
        `SS` → `sklearn.preprocessing.StandardScaler`."""
        name = dotted(expr)
        if name is None:
            return None
        head, dot, rest = name.partition(".")
        target = self.names.get(head)
        if target is None and head in _CONVENTIONAL_ALIASES:
            target = _CONVENTIONAL_ALIASES[head]
        if target is None:
            return name
        return target + dot + rest

    def is_bound(self, name: str) -> bool:
        return name in self.names

    def uses(self, *prefixes: str) -> bool:
        """Whether anything is imported from one of these packages."""
        modules = list(self.names.values()) + self.star
        return any(within(module, prefix) for module in modules for prefix in prefixes)

    def from_library(self, name: str, libraries: Iterable[str], *, class_name: str) -> bool:
        """Whether `name` (already qualified) is `class_name`
        from one of `libraries`, or an unbound use of it."""
        if name.rsplit(".", 1)[-1] != class_name:
            return False
        if "." not in name:
            return not self.is_bound(name) and (
                not self.star or any(within(star, lib) for star in self.star for lib in libraries)
            )
        return any(within(name, lib) for lib in libraries)


def reads_data(name: str) -> bool:
    """Whether a qualified function name is a dataframe or array reader (`pandas.read_csv`, `numpy.load`)."""
    return name.startswith(_READ_PREFIXES) or name in _NUMPY_LOADERS


def is_transformer_ctor(
    name: str | None, imports: Imports, classes: Iterable[str] = STATEFUL_TRANSFORMERS
) -> str | None:
    """The class name if `name` constructs one of `classes` from a preprocessing library."""
    if not name:
        return None
    last = name.rsplit(".", 1)[-1]
    if last in classes and imports.from_library(name, TRANSFORMER_LIBRARIES, class_name=last):
        return last
    return None


def is_library_name(
    name: str | None, imports: Imports, names: Iterable[str], libraries: Iterable[str]
) -> str | None:
    if not name:
        return None
    last = name.rsplit(".", 1)[-1]
    if last in names and imports.from_library(name, tuple(libraries), class_name=last):
        return last
    return None
