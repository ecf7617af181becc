"""undocumented-feature and the registry reader:
formats, content strictness, families, new versus existing."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from rules.engine import ChangedFile, ReviewInput, scan
from rules.examples import run_case
from rules.feature_registry import (
    FeatureRegistry,
    RegistryEntry,
    parse_document,
    parse_markdown,
    read_registry,
)
from rules.finding import Finding, Severity
from rules.repo import DictRepo, Side
from rules.rule import Case
from rules.source import FileKind
from rules.structured import parse_structured

RULE = "undocumented-feature"
PATH = "src/features/build_features.py"
CODE = (
    "import pandas as pd\n\ndef build(df: pd.DataFrame) -> pd.DataFrame:\n"
    "    df['spend_per_visit'] = df['spend'] / df['visits']\n    return df\n"
)
COMPLETE = "spend_per_visit:\n  description: Spend over visits.\n  owner: growth-ml\n"
OTHER = "other:\n  description: O.\n  owner: o\n"


def undocumented(
    head: Mapping[str, str | None] | str,
    base: Mapping[str, str] | None = None,
    path: str = PATH,
    config: str = "",
) -> list[Finding]:
    case = Case(head, base=base or {}, path=path, config=config)
    return [finding for finding in run_case(case).findings if finding.rule == RULE]


def yaml_entries(text: str) -> dict[str, RegistryEntry]:
    document, error = parse_structured(FileKind.YAML, text)
    assert error is None
    return {entry.name: entry for entry in parse_document(document, "features.yaml")}


def test_yaml_mapping_keyed_by_name() -> None:
    entries = yaml_entries(
        "age_bucket:\n  description: Age in ten-year buckets.\n  owner: '@risk'\nzip3:\n  description: TODO\n"
        "  owner: risk\n"
    )
    assert not entries["age_bucket"].missing
    assert entries["zip3"].missing == ["description"]


def test_yaml_list_under_features_with_group_owner() -> None:
    text = (
        "version: 2\nfeatures:\n  - name: a\n    description: A.\n    owner: x\n"
        "groups:\n  payments:\n    owner: payments-ml\n    description: Payment features.\n    features:\n"
        "      - name: amount_z\n        description: Amount z-score per merchant.\n      - name: bare\n"
    )
    entries = yaml_entries(text)
    assert not entries["a"].missing
    assert entries["amount_z"].owner == "payments-ml" and not entries["amount_z"].missing
    assert entries["bare"].missing == ["description"], (
        "a group's description is not its features' description"
    )


def test_yaml_owner_lists_and_alias_keys() -> None:
    entries = yaml_entries(
        "- feature: tenure\n  desc: Months since signup.\n  owners: [alice, bob]\n- column: region\n"
        "  summary: Sales region.\n  team: sales\n"
    )
    assert entries["tenure"].owner == "alice, bob" and not entries["tenure"].missing
    assert not entries["region"].missing


def test_markdown_table_and_headings() -> None:
    text = (
        "# Features\n\nIntro text.\n\n| Name | Type | Description | Owner |\n|:---|---|---|---|\n"
        "| `days_active` | int | Days with a session, last 30. | [@growth](https://x/growth) |\n"
        "| `orphan` | int | Something. | TBD |\n\n"
        "## `basket_value`\n\n**Description**: Sum of item prices in the basket.\n- Owner: checkout-ml\n\n"
        "### lag_{n}\n\nSales n days before the event.\n\nOwner — forecasting\n"
    )
    entries = {entry.name: entry for entry in parse_markdown(text, "docs/features.md")}
    assert not entries["days_active"].missing and entries["days_active"].owner == "@growth"
    assert entries["orphan"].missing == ["owner"]
    assert not entries["basket_value"].missing
    assert not entries["lag_{n}"].missing


@pytest.mark.parametrize(
    ("entry", "feature", "template", "found"),
    [
        ("lag_{n}", "lag_{k}", True, True),
        ("lag_<n>", "lag_7", False, True),
        ("lag_*", "lag_{n}", True, True),
        ("lag_7", "lag_{n}", True, True),
        ("lag_7", "lag_8", False, False),
        ("Spend_Per_Visit", "spend_per_visit", False, True),
        ("spend", "spend_per_visit", False, False),
    ],
)
def test_lookup_matches_families(entry: str, feature: str, template: bool, found: bool) -> None:
    registry = FeatureRegistry([RegistryEntry(entry, "d", "o", "features.yaml")], ["features.yaml"])
    assert (registry.lookup(feature, template=template) is not None) is found


def test_read_registry_skips_missing_files_and_reads_json() -> None:
    repo = DictRepo({}, {"features.json": '{"features": [{"name": "x", "description": "X.", "owner": "o"}]}'})
    registry = read_registry(repo, ["features.yaml", "features.json"], "head")
    assert registry.sources == ["features.json"]
    assert registry.lookup("x") is not None


def test_entry_added_in_the_same_pull_request_counts() -> None:
    assert undocumented({PATH: CODE, "features.yaml": COMPLETE}, base={"features.yaml": "{}\n"}) == []


def test_missing_entry_is_new_and_keyed_by_name() -> None:
    [finding] = undocumented({PATH: CODE, "features.yaml": "other:\n  description: O.\n  owner: o\n"})
    assert finding.new and finding.line == 4
    assert finding.key == "feature:spend_per_visit"
    assert "no entry in the feature registry (`features.yaml`)" in finding.message


def test_feature_already_in_base_is_existing_even_if_moved() -> None:
    base_code = CODE
    head_code = CODE.replace("def build(", "def _helper():\n    return None\n\n\ndef build(")
    [finding] = undocumented(head_code, base={PATH: base_code})
    assert not finding.new


def test_documenting_an_existing_feature_is_reported_fixed() -> None:
    result = run_case(
        Case({PATH: CODE + "\n", "features.yaml": COMPLETE}, base={PATH: CODE, "features.yaml": "{}\n"})
    )
    assert not [finding for finding in result.findings if finding.rule == RULE]
    assert [finding.rule for finding in result.fixed] == [RULE]


def test_incomplete_entry_says_what_is_missing() -> None:
    [finding] = undocumented(
        {PATH: CODE, "features.yaml": "spend_per_visit:\n  owner: growth-ml\n  description: n/a\n"}
    )
    assert "has no description" in finding.message


def test_configured_registry_and_targets() -> None:
    code = (
        "def build(df):\n    df['churned_next_30d'] = df['days_to_churn'] <= 30\n"
        "    df['tenure_m'] = df['days'] // 30\n    return df\n"
    )
    config = (
        "feature_registry: [docs/registry.md]\nrules:\n  undocumented-feature:\n"
        "    targets: [churned_next_30d]\n"
    )
    registry = "| feature | description | owner |\n|---|---|---|\n| tenure_m | Tenure in months. | crm |\n"
    assert (
        undocumented(
            {"features/churn.py": code, "docs/registry.md": registry}, path="features/churn.py", config=config
        )
        == []
    )


def test_one_finding_per_feature_name() -> None:
    code = (
        "def build(df):\n    df['ratio'] = df['a'] / df['b']\n    df['ratio'] = df['ratio'].clip(0, 1)\n"
        "    FEATURES = ['ratio']\n    return df\n"
    )
    assert [finding.line for finding in undocumented(code, path="features/ratio.py")] == [2]


def test_frames_and_dicts_are_told_apart() -> None:
    code = (
        "import pandas as pd\n\ndef build(raw, events: pd.DataFrame, meta: dict):\n"
        "    summary = raw.groupby('user').agg(n=('x', 'size'))\n"
        "    summary['share'] = summary['n'] / summary['n'].sum()\n"
        "    events['hour'] = events['ts_local'].dt.hour\n"
        "    meta['version'] = 3\n    lookup = {}\n    lookup['a'] = 1\n    raw['tmp'] = 1\n"
        "    return summary\n"
    )
    assert sorted(
        finding.line for finding in undocumented({"features/users.py": code, "features.yaml": OTHER})
    ) == [5, 6]


def test_feature_code_is_recognised_by_path() -> None:
    code = "def build(df):\n    df['ratio'] = df['a'] / df['b']\n    return df\n"
    for path in (
        "features/x.py",
        "src/feature_engineering/x.py",
        "pkg/user_features.py",
        "pkg/feature_store.py",
        "fe.py",
    ):
        assert len(undocumented(code, path=path)) == 1, path
    for path in ("src/train.py", "pkg/featureless.py", "tests/features/test_x.py"):
        assert undocumented(code, path=path) == [], path


def test_methods_of_the_repos_own_objects_are_not_frames() -> None:
    code = (
        "class Builder:\n    def build(self):\n        self.assign(total=1)\n"
        "        return self.with_columns(extra=2)\n"
    )
    assert undocumented(code, path="features/builder.py") == []
    assert (
        len(
            undocumented(
                "import pandas as pd\n\ndef f(frame_like):\n    return frame_like.pipe(g).assign(total=1)\n",
                path="features/b.py",
            )
        )
        == 1
    )


def test_generic_names_need_evidence_to_be_frames() -> None:
    code = "def to_payload(data, x):\n    data['amount'] = 1\n    x['y'] = 2\n    return data\n"
    assert undocumented(code, path="features/payload.py") == []
    framed = (
        "import pandas as pd\n\ndef f(path):\n    data = pd.read_csv(path)\n"
        "    data['amount_z'] = data['amount'] / 2\n    return data\n"
    )
    assert [finding.line for finding in undocumented(framed, path="features/payload.py")] == [5]


CALENDAR = (
    "import pandas as pd\n\n\ndef add_calendar(df: pd.DataFrame) -> pd.DataFrame:\n"
    + "".join(f"    df['{name}'] = df['Date'].dt.{name.lower()}\n" for name in ("Year", "Month", "Quarter"))
    + "    return df\n"
)


def test_without_any_registry_each_undocumented_feature_gets_a_finding() -> None:
    result = run_case(Case(CALENDAR, path=PATH))
    findings = [finding for finding in result.findings if finding.rule == RULE]
    assert [(finding.line, finding.key, finding.new) for finding in findings] == [
        (5, "feature:year", True),
        (6, "feature:month", True),
        (7, "feature:quarter", True),
    ]
    first = findings[0]
    assert (
        first.severity == Severity.HIGH
        and "no README, data dictionary or schema file names it" in first.message
    )
    assert (
        "`features.yaml`, `feature_registry.yaml`, `docs/features.md`" in first.message
        and "`feature_registry`" in first.message
    )
    assert "README table" in (first.suggestion or "")


def test_a_long_list_is_cut_and_counted() -> None:
    code = (
        "def build(df):\n"
        + "".join(f"    df['f{index}'] = df['x'] * {index}\n" for index in range(33))
        + "    return df\n"
    )
    findings = undocumented(code)
    assert [finding.line for finding in findings] == [2, 3, 4, 5, 6, 7]
    summary = findings[-1]
    assert summary.key == f"more-features:{PATH}" and summary.end_line == 34
    assert "adds 28 more undocumented features (`f5`, `f6`, `f7`, `f8`, `f9` and 23 more)" in summary.message


def test_adding_one_more_feature_without_a_registry_reports_only_that_one() -> None:
    head = CALENDAR.replace(
        "    return df", "    df['Week'] = df['Date'].dt.isocalendar().week\n    return df"
    )
    findings = undocumented(head, base={PATH: CALENDAR})
    assert [(finding.line, finding.new) for finding in findings] == [
        (5, False),
        (6, False),
        (7, False),
        (8, True),
    ]


@pytest.mark.parametrize(
    ("readme", "documented"),
    [
        ("| feature | meaning |\n|---|---|\n| `Year` | Calendar year of the ride. |\n", True),
        ("The model reads the ride's year, month and quarter.\n", True),
        ("* [x] add Year, Month and Quarter\n", False),
        ("```python\ndf['Year'] = df['Date'].dt.year\n```\n", False),
    ],
)
def test_a_readme_that_names_the_feature_documents_it(readme: str, documented: bool) -> None:
    findings = undocumented({PATH: CALENDAR, "src/README.md": readme})
    assert ("feature:year" not in {finding.key for finding in findings}) is documented


def test_short_names_need_a_code_span_or_table_cell_and_families_their_pattern() -> None:
    code = (
        "def build(df):\n    df['v1'] = df['a'] * 2\n    for n in (1, 2):\n"
        "        df[f'to_{n}'] = df['a'] - n\n    return df\n"
    )
    assert (
        len(undocumented({PATH: code, "README.md": "Release v1 of the model; write to_csv output.\n"})) == 2
    )
    assert (
        undocumented(
            {
                PATH: code,
                "README.md": "| name | meaning |\n|---|---|\n| v1 | Wind x. |\n| to_{n} | Gap to n. |\n",
            }
        )
        == []
    )


def test_a_readme_note_the_pr_adds_documents_its_new_columns_but_an_old_note_does_not() -> None:
    note = "# Notes\n\n* Added new columns for the season of the ride.\n"
    assert undocumented({PATH: CALENDAR, "README.md": note}, base={"README.md": "# Notes\n"}) == []
    assert len(undocumented({PATH: CALENDAR}, base={"README.md": note})) == 3
    software = "# Notes\n\n* New feature: the CLI can resume a run.\n"
    assert len(undocumented({PATH: CALENDAR, "README.md": software}, base={"README.md": "# Notes\n"})) == 3


def test_columns_a_changed_neighbouring_module_computed_before_are_moved_not_new() -> None:
    moved = {"src/features/calendar.py": CALENDAR, "src/build.py": "def f(df):\n    return df\n"}
    base = {
        "src/build.py": "def f(df):\n    df['Year'] = df['Date'].dt.year\n    # df['Month'] = 1\n"
        "    return df\n"
    }
    assert [finding.key for finding in undocumented(moved, base=base)] == ["feature:month", "feature:quarter"]
    untouched = {"src/features/calendar.py": CALENDAR}
    assert len(undocumented(untouched, base=base)) == 3, (
        "only a module the pull request changes can be where a line moved from"
    )


def test_a_step_moved_two_folders_down_is_not_new() -> None:
    step = (
        "import pandas as pd\n\ndef prep(df: pd.DataFrame) -> pd.DataFrame:\n"
        "    df['gust_ratio'] = df['gust'] / df['wind']\n    return df\n"
    )
    base = {"app/main.py": "def prep(df):\n    df['gust_ratio'] = df['gust'] / df['wind']\n"}
    assert (
        undocumented(
            {"app/pipeline/steps/prep_features.py": step, "app/main.py": "from pipeline.steps import prep\n"},
            base=base,
        )
        == []
    )
    assert len(undocumented({"app/pipeline/steps/prep_features.py": step})) == 1


def test_the_test_frame_counterpart_of_a_training_column_is_reported_once() -> None:
    prepare = (
        "import pandas as pd\n\ndef prep(train: pd.DataFrame) -> None:\n    train['from_public'] = 0\n"
        "    train.to_csv('train.csv')\n"
    )
    train = (
        "import pandas as pd\n\ndf_test = pd.read_csv('test.csv')\ndf_test['from_public'] = 0\n"
        "model.fit(df_test)\n"
    )
    findings = undocumented({"src/prepare.py": prepare, "src/train.py": train})
    assert [(finding.path, finding.line) for finding in findings] == [("src/prepare.py", 4)]


def test_training_and_data_preparation_scripts_are_model_data_code() -> None:
    code = "import pandas as pd\n\ndf = pd.read_csv('x.csv')\ndf['ratio'] = df['a'] / df['b']\n"
    assert undocumented(code + "df.to_csv('train.csv')\n", path="src/prepare.py")[0].line == 4
    assert undocumented(code + "model.fit(df[['ratio']], df['y'])\n", path="src/train.py")[0].line == 4
    assert undocumented(code + "print(df.describe())\n", path="src/report.py") == []


def test_a_registry_on_either_side_means_one_finding_per_feature() -> None:
    added = undocumented({PATH: CALENDAR, "features.yaml": OTHER})
    removed = undocumented({PATH: CALENDAR, "features.yaml": None}, base={"features.yaml": OTHER})
    configured = undocumented(
        CALENDAR, base={"docs/registry.md": "# Features\n"}, config="feature_registry: [docs/registry.md]\n"
    )
    for findings in (added, removed, configured):
        assert [(finding.line, finding.severity) for finding in findings] == [
            (5, Severity.HIGH),
            (6, Severity.HIGH),
            (7, Severity.HIGH),
        ]
    assert "the repository has no feature registry" in removed[0].message


def test_a_pr_that_starts_a_registry_keeps_undocumented_features_existing() -> None:
    result = run_case(
        Case(
            {PATH: CALENDAR, "features.yaml": "Year:\n  description: Calendar year.\n  owner: bikes-ml\n"},
            base={PATH: CALENDAR},
        )
    )
    findings = [finding for finding in result.findings if finding.rule == RULE]
    assert [(finding.line, finding.new) for finding in findings] == [(6, False), (7, False)]
    assert [finding.key for finding in result.fixed] == ["feature:year"]


class CountingRepo(DictRepo):
    def __init__(self, base: dict[str, str], head: dict[str, str]) -> None:
        super().__init__(base, head)
        self.reads: list[str] = []

    def read_text(self, path: str, at: Side = "head") -> str | None:
        self.reads.append(f"{at}:{path}")
        return super().read_text(path, at)


def test_registry_is_read_once_per_side_per_review() -> None:
    files = {f"features/f{index}.py": CODE for index in range(5)}
    repo = CountingRepo({}, {**files, "features.yaml": COMPLETE})
    review = ReviewInput(
        changed=[ChangedFile(path, "added", head=text) for path, text in files.items()], repo=repo
    )
    assert [finding for finding in scan(review).findings if finding.rule == RULE] == []
    registry_reads = [read for read in repo.reads if not read.endswith(".py")]
    assert sorted(registry_reads) == [
        "head:docs/features.md",
        "head:feature_registry.yaml",
        "head:features.yaml",
    ]


FEAST = (
    "from datetime import timedelta\nfrom feast import FeatureView, Field\n"
    "from feast.types import Float32\n\n"
    "stats = FeatureView(name='driver_stats', entities=[driver], ttl=timedelta(days=1),\n"
    "    schema=[Field(name='conv_rate', dtype=Float32), Field(name='acc_rate', dtype=Float32)], "
    "source=src{extra})\n"
)


def test_feast_views_are_the_registry_and_only_ask_for_field_descriptions() -> None:
    [finding] = undocumented(
        FEAST.format(extra=", tags={'team': 'driver_performance'}"), path="feature_repo/defs.py"
    )
    assert finding.key == "feast-description:driver_stats" and finding.severity is Severity.HIGH
    assert "no feature registry" not in finding.message and "`conv_rate`, `acc_rate`" in finding.message
    assert "owner" not in finding.message


@pytest.mark.parametrize(
    ("extra", "owned"),
    [
        (", owner='driver-ml@acme.com'", True),
        (", description='Hourly driver stats.'", True),
        (", tags={'owner': 'x'}", True),
        (", tags={'env': 'prod'}", False),
        ("", False),
    ],
)
def test_feast_view_owner_comes_from_owner_description_or_team_tag(extra: str, owned: bool) -> None:
    [finding] = undocumented(FEAST.format(extra=extra), path="feature_repo/defs.py")
    assert ("names no owner" in finding.message) is not owned


def test_feast_fields_with_a_registry_use_complete_entries_and_never_the_per_feature_check() -> None:
    registry = "conv_rate:\n  description: Share of offers accepted.\n  owner: driver-ml\n"
    [finding] = undocumented({"feature_repo/defs.py": FEAST.format(extra=""), "features.yaml": registry})
    assert (
        finding.key == "feast-description:driver_stats"
        and "`acc_rate`" in finding.message
        and "`conv_rate`" not in finding.message
    )


def test_adding_a_field_to_a_view_with_undescribed_fields_is_not_new_again() -> None:
    base = {
        "feature_repo/defs.py": FEAST.format(extra="").replace(", Field(name='acc_rate', dtype=Float32)", "")
    }
    [finding] = undocumented({"feature_repo/defs.py": FEAST.format(extra="")}, base=base)
    assert not finding.new


@pytest.mark.parametrize(
    ("comment", "target"),
    [
        ("    # churn label: no purchase in the last 90 days\n", True),
        ("    # define the target\n", True),
        ("    # Churn is the label\n", True),
        ("    # binary target variable (1 = churned)\n", True),
        ("    # feature: churn label\n", False),
        ("    # label encoding of the churn reason\n", False),
        ("    # mean of the target per segment\n", False),
        ("    # churn flag used downstream\n", False),
    ],
)
def test_a_comment_calling_the_column_the_label_makes_it_the_target(comment: str, target: bool) -> None:
    head = (
        "import pandas as pd\n\ndef build(rfm: pd.DataFrame) -> pd.DataFrame:\n"
        + comment
        + "    rfm['Churn'] = (rfm['Recency'] > 90).astype(int)\n    return rfm\n"
    )
    assert (not undocumented(head)) is target


def test_a_label_comment_two_lines_up_or_on_another_column_does_not_exempt() -> None:
    head = (
        "import pandas as pd\n\ndef build(rfm: pd.DataFrame) -> pd.DataFrame:\n"
        "    # churn label: no purchase in 90 days\n\n"
        "    rfm['Churn'] = (rfm['Recency'] > 90).astype(int)\n"
        "    rfm['spend_90d'] = rfm['spend'].rolling(90).sum()\n    return rfm\n"
    )
    assert [finding.key for finding in undocumented(head)] == ["feature:churn", "feature:spend_90d"]


def test_a_readme_note_is_found_when_the_engine_did_not_load_the_readme() -> None:
    """`mldebt scan` and the bot load only files some rule parses;
    a changed README comes through the repository view."""
    code = (
        "import pandas as pd\n\ndef merge(ours: pd.DataFrame) -> None:\n    ours['from_public'] = 0\n"
        "    ours.to_csv('train.csv')\n"
    )
    base = {"README.md": "# Notes\n"}
    head = {
        "README.md": "# Notes\n\n* Merged the public data, with a new column flagging its rows.\n",
        "src/prepare.py": code,
    }
    review = ReviewInput(
        changed=[ChangedFile("src/prepare.py", "added", head=code), ChangedFile("README.md", "modified")],
        repo=DictRepo(base, head),
    )
    assert [finding for finding in scan(review).findings if finding.rule == RULE] == []


def test_a_polars_alias_is_not_mistaken_for_a_read_of_the_column() -> None:
    code = (
        "import polars as pl\n\ndef f(tx: pl.DataFrame) -> pl.DataFrame:\n"
        "    return tx.with_columns((pl.col('a') / pl.col('b')).alias('a_per_b'))\n"
    )
    assert [finding.key for finding in undocumented(code, path="src/features/ratios.py")] == [
        "feature:a_per_b"
    ]
    rewrite = (
        "import polars as pl\n\ndef f(tx: pl.DataFrame) -> pl.DataFrame:\n"
        "    return tx.with_columns(pl.col('a').fill_null(0).alias('a'))\n"
    )
    assert undocumented(rewrite, path="src/features/ratios.py") == []
