"""Which names split-leakage's interpreter reads as row-free, row-preserving or row-reading.

`len(df)` and `df.shape` describe a frame without carrying its rows; `sorted(rows)`
hands them on unchanged; `pd.read_csv(...)` reads new rows. Kept apart from the
interpreter so the vocabulary can grow without the evaluation code growing with it.
"""

from __future__ import annotations

import re

# Attributes that describe a frame rather than carry its rows.
META_ATTRIBUTES = frozenset(
    {"shape", "columns", "dtypes", "dtype", "ndim", "size", "index", "name", "names", "empty", "schema"}
)
META_FUNCTIONS = frozenset(
    {
        "len",
        "print",
        "isinstance",
        "int",
        "float",
        "str",
        "bool",
        "type",
        "range",
        "repr",
        "hash",
        "id",
        "round",
        "format",
        "getattr",
        "hasattr",
        "callable",
    }
)
PASS_THROUGH_FUNCTIONS = frozenset(
    {"list", "tuple", "sorted", "reversed", "set", "iter", "next", "enumerate", "zip", "dict"}
)
# Calls that read a dataset of their own: its rows are new, whatever path or session they were given.
LOADER_CALL = re.compile(r"^(?:read\w*|load\w*|scan_\w+|csv|parquet|json|orc|table|sql|fetch\w*)$")
# Community aliases that are modules even when the import is missing from the snippet.
MODULE_ALIASES = frozenset({"pd", "np", "pl", "dd", "tf", "torch", "sk"})
# Clusterers whose cluster ids or distances become features: fitted on evaluation rows, centroids know them.
CLUSTERERS = frozenset(
    {"KMeans", "MiniBatchKMeans", "BisectingKMeans", "GaussianMixture", "BayesianGaussianMixture"}
)
CLUSTER_LIBRARIES = ("sklearn", "cuml")
