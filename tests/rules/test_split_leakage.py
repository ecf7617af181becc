"""split-leakage: what counts as a leak, new versus existing debt, and bounded work on hostile input."""

from __future__ import annotations

import json

import pytest

from rules.examples import run_case
from rules.finding import Finding
from rules.leakage_values import TEST, TRAIN, role_of_name
from rules.rule import Case

RULE = "split-leakage"
HEADER = (
    "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n"
    "from sklearn.preprocessing import StandardScaler\n\n"
)


def leaks(
    head: str | dict[str, str], base: dict[str, str] | None = None, path: str = "train.py"
) -> list[Finding]:
    return [
        finding
        for finding in run_case(Case(head, base=base or {}, path=path)).findings
        if finding.rule == RULE
    ]


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("X_test", TEST),
        ("test_df", TEST),
        ("df_valid", TEST),
        ("X_val", TEST),
        ("y_te", TEST),
        ("holdout", TEST),
        ("X_train", TRAIN),
        ("train", TRAIN),
        ("trn_df", TRAIN),
        ("val", None),
        ("te", None),
        ("attest", None),
        ("contest_id", None),
        ("X", None),
        ("latest", None),
        ("X_train_val", None),
        ("train_test_df", None),
    ],
)
def test_role_of_name(name: str, role: str | None) -> None:
    assert role_of_name(name) == role


def test_weak_tokens_need_strong_context_for_parameters() -> None:
    assert role_of_name("x_val", strong=True) is None
    assert role_of_name("X_test", strong=True) == TEST


def test_existing_leak_touched_elsewhere_stays_existing() -> None:
    before = (
        HEADER + "X = StandardScaler().fit_transform(X_raw)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
    )
    after = before + "print(X_train.shape)\n"
    [finding] = leaks(after, base={"train.py": before})
    assert not finding.new


def test_reindented_leak_keeps_its_identity() -> None:
    before = (
        HEADER + "X = StandardScaler().fit_transform(X_raw)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
    )
    after = (
        HEADER + "def main(X_raw, y):\n    X = StandardScaler().fit_transform(X_raw)\n"
        "    X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
    )
    [finding] = leaks(after, base={"train.py": before})
    assert not finding.new


def test_adding_the_split_after_an_untouched_fit_is_new() -> None:
    """The fit line is unchanged, but the leak only exists once the split follows it."""
    before = HEADER + "X = StandardScaler().fit_transform(X_raw)\nmodel.fit(X, y)\n"
    after = (
        HEADER + "X = StandardScaler().fit_transform(X_raw)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y)\nmodel.fit(X_train, y_train)\n"
    )
    [finding] = leaks(after, base={"train.py": before})
    assert finding.new
    assert (finding.line, finding.end_line) == (5, 6)


def test_a_refit_on_the_training_split_replaces_an_early_fit() -> None:
    code = HEADER + (
        "scaler = StandardScaler()\nscaler.fit(X)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
        "scaler.fit(X_train)\nX_test = scaler.transform(X_test)\n"
    )
    assert leaks(code) == []
    still_applied = code.replace(
        "scaler.fit(X_train)\nX_test = scaler.transform(X_test)\n",
        "X_test = scaler.transform(X_test)\nscaler.fit(X_train)\n",
    )
    assert [finding.line for finding in leaks(still_applied)] == [6]


def test_fixing_the_leak_reports_it_fixed() -> None:
    before = (
        HEADER + "X = StandardScaler().fit_transform(X_raw)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
    )
    after = HEADER + (
        "X_train, X_test, y_train, y_test = train_test_split(X_raw, y)\n"
        "scaler = StandardScaler().fit(X_train)\n"
        "X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)\n"
    )
    result = run_case(Case(after, base={"train.py": before}))
    assert not [finding for finding in result.findings if finding.rule == RULE]
    assert [finding.rule for finding in result.fixed] == [RULE]


def test_module_alias_and_attribute_access_resolve() -> None:
    code = (
        "import sklearn.preprocessing as skp\nimport sklearn.model_selection as ms\n\n"
        "X = skp.QuantileTransformer().fit_transform(X)\nparts = ms.train_test_split(X, y)\n"
    )
    assert [finding.line for finding in leaks(code)] == [4]


def test_a_class_named_like_a_scaler_from_elsewhere_is_not_sklearn() -> None:
    code = (
        "from mylib.scaling import StandardScaler\n"
        "from sklearn.model_selection import train_test_split\n\nX = StandardScaler().fit_transform(X)\n"
        "parts = train_test_split(X, y)\n"
    )
    assert leaks(code) == []


def test_message_names_the_call_site_across_functions() -> None:
    code = HEADER + (
        "def scale(frame):\n    return StandardScaler().fit_transform(frame)\n\n"
        "def main(df):\n    X = scale(df)\n    X_train, X_test, y_train, y_test = train_test_split(X, df.y)\n"
    )
    [finding] = leaks(code)
    assert finding.line == 6
    assert "in the call on line 9" in finding.message and "line 10" in finding.message
    assert finding.end_line == finding.line, "the split is in another function: no span across functions"


def test_each_fit_is_reported_once_however_often_it_runs() -> None:
    code = HEADER + (
        "def scale(frame):\n    return StandardScaler().fit_transform(frame)\n\n"
        "A = scale(X_test)\nB = scale(X_valid)\nC = scale(test_df)\n"
    )
    assert [finding.line for finding in leaks(code)] == [6]


def test_notebook_reports_raw_line_and_cell() -> None:
    cells = [
        {
            "cell_type": "code",
            "source": [
                "from sklearn.preprocessing import MinMaxScaler\n",
                "from sklearn.model_selection import train_test_split",
            ],
        },
        {"cell_type": "markdown", "source": ["Scale everything"]},
        {
            "cell_type": "code",
            "source": [
                "X = MinMaxScaler().fit_transform(X)\n",
                "X_tr, X_te, y_tr, y_te = train_test_split(X, y)",
            ],
        },
    ]
    raw = json.dumps({"cells": cells, "nbformat": 4, "nbformat_minor": 5}, indent=1)
    [finding] = leaks(raw, path="eda.ipynb")
    assert raw.splitlines()[finding.line - 1].strip().startswith('"X = MinMaxScaler()')
    assert "notebook cell 3" in finding.message


def test_messages_are_backtick_safe() -> None:
    code = HEADER + "X = StandardScaler().fit_transform(df[`weird`])\nparts = train_test_split(X, y)\n"
    assert leaks(code) == [], "not Python: the file is skipped, not misreported"
    code = HEADER + "X = StandardScaler().fit_transform(df['a`b'])\nparts = train_test_split(X, y)\n"
    [finding] = leaks(code)
    assert finding.message.count("`") % 2 == 0


def test_runaway_recursion_and_huge_modules_finish() -> None:
    """Ten calls per level, thirty levels deep (10**30 paths): only the inlining depth and the step
    budget let the scan end at all, and past them the rule stays silent rather than guess."""
    depth, fan_out = 30, 10
    functions = "".join(
        f"def f{index}(x):\n    return " + " + ".join([f"f{index + 1}(x)"] * fan_out) + "\n\n"
        for index in range(depth)
    )
    code = (
        HEADER + functions + f"def f{depth}(x):\n    return StandardScaler().fit_transform(x)\n\nX = f0(X)\n"
        "parts = train_test_split(X, y)\n"
    )
    assert leaks(code) == []


def test_fit_on_test_split_inside_an_uncalled_function() -> None:
    code = HEADER + (
        "def evaluate(model, X, y):\n    X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
        "    scaler = StandardScaler().fit(X_train)\n    refit = StandardScaler().fit(X_test)\n"
    )
    assert [finding.line for finding in leaks(code)] == [8]


def test_long_derivation_chains_do_not_hit_the_recursion_limit() -> None:
    chain = "".join("df = df.assign(step=1)\n" for _ in range(1200))
    code = (
        HEADER
        + "df = pd.read_csv('a.csv')\n"
        + chain
        + "X = StandardScaler().fit_transform(df)\nparts = train_test_split(X, y)\n"
    )
    result = run_case(Case(code))
    assert not result.notes, result.notes
    assert [finding.rule for finding in result.findings if finding.rule == RULE] == [RULE]


def test_loads_that_differ_late_in_their_path_are_different_datasets() -> None:
    code = HEADER + (
        "reference = pd.read_csv('data/processed/customers/2024/reference_window.csv')\n"
        "current = pd.read_csv('data/processed/customers/2024/current_window_scored.csv')\n"
        "pca = StandardScaler().fit(reference)\nX = pca.transform(current)\nparts = train_test_split(X, y)\n"
    )
    assert leaks(code) == []


def test_a_local_class_named_like_a_scaler_is_not_sklearn() -> None:
    code = (
        "from sklearn.model_selection import train_test_split\n\nclass StandardScaler:\n"
        "    def fit_transform(self, X):\n        return X\n\nX = StandardScaler().fit_transform(X)\n"
        "parts = train_test_split(X, y)\n"
    )
    assert leaks(code) == []


def test_test_files_are_skipped() -> None:
    code = HEADER + "X = StandardScaler().fit_transform(X)\nparts = train_test_split(X, y)\n"
    assert leaks(code, path="tests/test_pipeline.py") == []


MAIN_GUARD = "if __name__ == '__main__':\n    main()\n"


def test_fit_and_split_in_one_function_mention_no_call() -> None:
    """The only call on the way is `main()` at module level; naming it would point away from both lines."""
    code = (
        HEADER
        + (
            "def main() -> None:\n    df = pd.read_csv('data.csv')\n"
            "    X, y = df.drop(columns=['y']), df['y']\n"
            "    X = StandardScaler().fit_transform(X)\n"
            "    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)\n"
        )
        + MAIN_GUARD
    )
    [finding] = leaks(code)
    assert finding.line == 8
    assert "in the call" not in finding.message and "before the split on line 9" in finding.message


def test_message_names_the_helper_call_in_the_splitting_function_not_the_outer_call() -> None:
    code = (
        HEADER
        + (
            "def scale(frame):\n    return StandardScaler().fit_transform(frame)\n\n"
            "def main() -> None:\n    df = pd.read_csv('data.csv')\n    X = scale(df.drop(columns=['y']))\n"
            "    X_train, X_test, y_train, y_test = train_test_split(X, df['y'])\n\n"
        )
        + MAIN_GUARD
    )
    [finding] = leaks(code)
    assert finding.line == 6
    assert "(in the call on line 10)" in finding.message and "split on line 11" in finding.message


def test_a_feature_space_builder_fitted_on_the_test_frame_is_a_column_mismatch() -> None:
    code = (
        "import pandas as pd\nfrom sklearn.feature_extraction import DictVectorizer\n\n"
        "train_df = pd.read_csv('train.csv')\ntest_df = pd.read_csv('test.csv')\n"
        "X_train = DictVectorizer().fit_transform(train_df.to_dict('records'))\n"
        "X_test = DictVectorizer().fit_transform(test_df.to_dict('records'))\n"
    )
    [finding] = leaks(code)
    assert finding.line == 7
    assert "different feature space" in finding.message and "optimistic" not in finding.message


def test_a_feature_space_builder_fitted_on_train_and_test_together_only_leaks() -> None:
    """One encoder over both frames gives consistent columns;
    what remains is the leak of the evaluation categories."""
    code = (
        "import pandas as pd\nfrom sklearn.preprocessing import OneHotEncoder\n\n"
        "train_df = pd.read_csv('train.csv')\ntest_df = pd.read_csv('test.csv')\n"
        "enc = OneHotEncoder().fit(pd.concat([train_df, test_df]))\n"
    )
    [finding] = leaks(code)
    assert "optimistic" in finding.message and "feature space" not in finding.message


def test_fit_and_split_in_sibling_helpers_name_the_call_that_fits() -> None:
    code = HEADER + (
        "def scale(frame):\n    return StandardScaler().fit_transform(frame)\n\n"
        "def split(X, y):\n    return train_test_split(X, y)\n\n"
        "X = scale(df)\nparts = split(X, df.y)\n"
    )
    [finding] = leaks(code)
    assert "(in the call on line 11)" in finding.message and "split on line 9" in finding.message


def test_imputation_message_names_the_statistic_its_rows_and_the_split() -> None:
    code = (
        "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n\n"
        "df = pd.read_csv('meters.csv')\ndf['kwh'] = df['kwh'].fillna(df['kwh'].median())\n"
        "X_train, X_test, y_train, y_test = train_test_split(df.drop(columns='y'), df['y'])\n"
    )
    [finding] = leaks(code)
    assert finding.line == 5
    assert finding.message == (
        "The median that `fillna` fills in is computed on `df['kwh']` before the split on line 6 "
        "(`train_test_split`) divides it into training and evaluation rows. Statistics of the evaluation "
        "rows leak into training and the reported score is optimistic."
    )
    assert finding.suggestion is not None and "X_test.fillna(X_train.median())" in finding.suggestion


def test_imputing_the_test_split_with_its_own_statistic_leaks() -> None:
    code = (
        "import pandas as pd\nfrom sklearn.model_selection import train_test_split\n\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
        "X_test = X_test.fillna(X_test.mean())\n"
    )
    [finding] = leaks(code)
    assert finding.line == 5
    assert finding.message.startswith("The mean that `fillna` fills in is computed on `X_test`, which holds")
