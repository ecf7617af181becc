"""no-data-validation and the shared analysis under it:
import resolution, entry points, what counts as a check."""

from __future__ import annotations

import libcst
import pytest

from rules.examples import run_case
from rules.finding import Finding
from rules.ml_names import Imports
from rules.rule import Case

RULE = "no-data-validation"
LOAD_AND_FIT = (
    "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n\n"
    "def main():\n    df = pd.read_csv('data/train.csv')\n"
    "{check}    LogisticRegression().fit(df[['x']], df['y'])\n\n"
    "if __name__ == '__main__':\n    main()\n"
)


def unvalidated(
    head: str | dict[str, str], base: dict[str, str] | None = None, path: str = "train.py", config: str = ""
) -> list[Finding]:
    case = Case(head, base=base or {}, path=path, config=config)
    return [finding for finding in run_case(case).findings if finding.rule == RULE]


def imports_of(code: str) -> Imports:
    imports = Imports()
    for statement in libcst.parse_module(code).body:
        for small in getattr(statement, "body", ()):
            if isinstance(small, (libcst.Import, libcst.ImportFrom)):
                imports.add(small)
    return imports


@pytest.mark.parametrize(
    ("code", "expression", "qualified"),
    [
        (
            "from sklearn.preprocessing import StandardScaler as SS",
            "SS",
            "sklearn.preprocessing.StandardScaler",
        ),
        ("import sklearn.preprocessing as skp", "skp.MinMaxScaler", "sklearn.preprocessing.MinMaxScaler"),
        ("import sklearn.preprocessing", "sklearn.preprocessing.PCA", "sklearn.preprocessing.PCA"),
        (
            "from sklearn import model_selection",
            "model_selection.train_test_split",
            "sklearn.model_selection.train_test_split",
        ),
        ("from .checks import validate", "validate", ".checks.validate"),
        ("", "pd.read_csv", "pandas.read_csv"),
        ("import polars as pd", "pd.read_csv", "polars.read_csv"),
        ("", "df.fit", "df.fit"),
    ],
)
def test_imports_qualify(code: str, expression: str, qualified: str) -> None:
    assert imports_of(code).qualify(libcst.parse_expression(expression)) == qualified


@pytest.mark.parametrize(
    "check",
    [
        "    assert len(df) > 1000\n",
        "    assert df['y'].isin([0, 1]).all()\n",
        "    if df.empty:\n        raise ValueError('no rows')\n",
        "    missing = [c for c in ('x', 'y') if c not in df.columns]\n    if missing:\n"
        "        raise KeyError(missing)\n",
        "    df = df.pipe(validate_columns)\n",
        "    check_schema(df)\n",
        "    gx.from_pandas(df).expect_column_values_to_not_be_null('y')\n",
    ],
)
def test_checks_that_count(check: str) -> None:
    assert unvalidated(LOAD_AND_FIT.format(check=check)) == []


@pytest.mark.parametrize(
    "check",
    [
        "    assert os.path.exists('data/train.csv')\n",
        "    print(df.head())\n",
        "    if cfg.debug:\n        raise SystemExit\n",
    ],
)
def test_checks_that_do_not(check: str) -> None:
    assert len(unvalidated(LOAD_AND_FIT.format(check=check))) == 1


def test_one_finding_for_main_reached_from_the_guard() -> None:
    [finding] = unvalidated(LOAD_AND_FIT.format(check=""))
    assert finding.line == 5
    assert finding.message.startswith("this script loads `data/train.csv` with `pd.read_csv`")


def test_span_reaches_the_fit_so_adding_it_is_new() -> None:
    before = LOAD_AND_FIT.format(check="").replace(
        "    LogisticRegression().fit(df[['x']], df['y'])\n", "    print(df.shape)\n"
    )
    after = LOAD_AND_FIT.format(check="")
    [finding] = unvalidated(after, base={"train.py": before})
    assert finding.new
    assert (finding.line, finding.end_line) == (5, 6)


def test_removing_the_check_between_load_and_fit_is_new() -> None:
    before = LOAD_AND_FIT.format(check="    assert set(df.columns) >= {'x', 'y'}\n")
    [finding] = unvalidated(LOAD_AND_FIT.format(check=""), base={"train.py": before})
    assert finding.new


def test_unrelated_change_keeps_existing_debt_existing() -> None:
    before = LOAD_AND_FIT.format(check="")
    after = before.replace("def main():", "def main():\n    '''Train the churn model.'''")
    [finding] = unvalidated(after, base={"train.py": before})
    assert not finding.new


def test_library_helpers_are_not_entry_points() -> None:
    code = (
        "import pandas as pd\n\ndef load_frame(path):\n    return pd.read_csv(path)\n\n"
        "def fit_scores(model, X, y):\n    return model.fit(X, y)\n"
    )
    assert unvalidated(code, path="src/churn/data.py") == []


def test_named_entry_points_and_cli_commands() -> None:
    code = (
        "import click\nimport numpy as np\nfrom sklearn.svm import SVC\n\n"
        "@click.command()\ndef go():\n    data = np.loadtxt('x.txt')\n"
        "    SVC().fit(data[:, :-1], data[:, -1])\n\n"
        "def train_svm():\n    data = np.genfromtxt('y.csv', delimiter=',')\n"
        "    SVC().fit(data[:, :-1], data[:, -1])\n"
    )
    assert sorted(finding.line for finding in unvalidated(code)) == [7, 11]


def test_estimator_fit_method_is_not_an_entry_point() -> None:
    code = (
        "import numpy as np\n\nclass Model:\n    def fit(self, X, y):\n"
        "        self.prior_ = np.load('prior.npy')\n"
        "        self.inner.fit(X, y)\n        return self\n"
    )
    assert unvalidated(code, path="src/model.py") == []


def test_a_scaler_kept_on_self_is_not_a_model() -> None:
    code = (
        "import pandas as pd\nfrom sklearn.preprocessing import StandardScaler\n\nclass Prep:\n"
        "    def __init__(self):\n        self.scaler = StandardScaler()\n\n"
        "    def run(self):\n        df = pd.read_csv('a.csv')\n        self.scaler.fit(df)\n"
        "        return self.scaler\n"
    )
    assert unvalidated(code, path="src/prep.py") == []
    assert (
        len(unvalidated(code.replace("self.scaler.fit(df)", "self.model.fit(df)"), path="src/prep.py")) == 1
    )


def test_messages_name_non_literal_sources_and_stay_short() -> None:
    code = LOAD_AND_FIT.format(check="").replace(
        "'data/train.csv'", "cfg.paths['train_`csv`'] + suffix * 1000"
    )
    [finding] = unvalidated(code)
    assert "data from `cfg.paths" in finding.message
    assert finding.message.count("`") % 2 == 0
    assert len(finding.message) < 400


def test_rule_can_be_switched_off() -> None:
    assert unvalidated(LOAD_AND_FIT.format(check=""), config="rules:\n  no-data-validation: false\n") == []
