"""The rule engine on arbitrary input: it never raises, never gives up on a file with an internal
error, and every finding lands on a line the file has (GitHub refuses annotations elsewhere).

Inputs are random text, syntactically valid Python from hypothesmith, and mutations of every rule's
own examples, so the generated files reach deep into the rules rather than dying in the parser.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence

import hypothesmith
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rules.engine import ChangedFile, ReviewInput, ScanResult, scan
from rules.examples import EXAMPLE_NOW
from rules.repo import DictRepo
from rules.rule import all_rules

# hypothesmith compiles what it generates; its SyntaxWarnings are about its own samples.
pytestmark = [
    pytest.mark.filterwarnings("ignore::SyntaxWarning"),
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]
# `make test` runs a fixed sample; `make fuzz` runs many fresh ones to look for new failures.
FUZZ = settings(
    max_examples=int(os.environ.get("MLDEBT_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
INTERNAL_ERROR = "internal error"
# Characters that split lines for some parsers and not for git, plus the usual markup of each format.
AWKWARD = st.sampled_from(
    [
        "\n",
        "\r",
        "\r\n",
        "\x0c",
        "\x0b",
        "\u2028",
        "\x85",
        "\t",
        " ",
        "#",
        ":",
        "-",
        "[",
        "{",
        "}",
        "]",
        '"',
        "'",
        "=",
        "\\",
        "0.73",
        "&a",
        "*a",
        "!!python/object",
        "%",
    ]
)
ARBITRARY_TEXT = st.lists(st.characters(codec="utf-8") | AWKWARD, max_size=300).map("".join)


def _example_files() -> dict[str, list[str]]:
    """Every file of every rule's VALID and INVALID examples, by suffix."""
    by_suffix: dict[str, list[str]] = {}
    for rule in all_rules().values():
        for case in [*rule.VALID, *rule.INVALID]:
            for path, content in [*case.head_files().items(), *case.base.items()]:
                if isinstance(content, str):
                    by_suffix.setdefault(path.rsplit(".", 1)[-1], []).append(content)
    return by_suffix


EXAMPLES = _example_files()


def git_lines(text: str) -> int:
    """How many lines GitHub shows: only `\\n` ends a line."""
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def review(path: str, head: str, base: str | None = None) -> ScanResult:
    changed = [ChangedFile(path, "added" if base is None else "modified", head=head, base=base)]
    repo = DictRepo({} if base is None else {path: base}, {path: head})
    return scan(ReviewInput(changed=changed, repo=repo, now=EXAMPLE_NOW))


def assert_sound(result: ScanResult, path: str, head: str, base: str | None = None) -> None:
    assert not [note for note in result.notes if INTERNAL_ERROR in note.reason]
    for finding, text in [*((f, head) for f in result.findings), *((f, base or "") for f in result.fixed)]:
        if finding.path != path:
            assert finding.line == 0, finding
            continue
        assert 1 <= finding.line <= finding.end_line <= git_lines(text), (finding, git_lines(text))


@st.composite
def mutated(draw: st.DrawFn, sources: Sequence[str]) -> str:
    """A rule example, cut, duplicated, shuffled and sprinkled with junk: still mostly the real thing."""
    lines = "\n".join(draw(st.lists(st.sampled_from(sources), min_size=1, max_size=2))).split("\n")
    for _ in range(draw(st.integers(0, 5))):
        where = draw(st.integers(0, max(len(lines) - 1, 0)))
        operation = draw(st.sampled_from(["drop", "duplicate", "swap", "insert", "truncate"]))
        if operation == "drop" and lines:
            del lines[where]
        elif operation == "duplicate" and lines:
            lines.insert(where, lines[where])
        elif operation == "swap" and len(lines) > 1:
            lines[where], lines[-1] = lines[-1], lines[where]
        elif operation == "insert":
            lines.insert(where, draw(ARBITRARY_TEXT.map(lambda text: text[:60])))
        elif lines:
            lines[where] = lines[where][: draw(st.integers(0, len(lines[where])))]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))


def structured(dump: Callable[[object], str]) -> st.SearchStrategy[str]:
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    names = st.sampled_from(
        ["learning_rate", "lr", "threshold", "epochs", "batch_size", "path", "data", "model", "seed"]
    ) | st.text(min_size=1, max_size=12)
    documents = st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(names, inner, max_size=5),
        max_leaves=25,
    )
    return st.dictionaries(names, documents, max_size=6).map(dump)


def _yaml(value: object) -> str:
    import io

    from ruamel.yaml import YAML

    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(value, out)
    return out.getvalue()


def _toml(value: object, prefix: str = "") -> str:
    """A tiny TOML writer: nested mappings become tables, everything else an inline value."""
    assert isinstance(value, dict)
    plain = {key: item for key, item in value.items() if not isinstance(item, dict)}
    lines = [
        f"{json.dumps(str(key))} = {_toml_value(item)}" for key, item in plain.items() if item is not None
    ]
    for key, item in value.items():
        if isinstance(item, dict):
            name = f"{prefix}.{json.dumps(str(key))}" if prefix else json.dumps(str(key))
            lines += ["", f"[{name}]", _toml(item, name)]
    return "\n".join(lines) + "\n"


def _toml_value(item: object) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, (int, float)):
        return repr(item) if item == item and abs(item) != float("inf") else "0"
    if isinstance(item, list):
        return (
            "[" + ", ".join(_toml_value(x) for x in item if x is not None and not isinstance(x, dict)) + "]"
        )
    return json.dumps(str(item))


def _notebook(cells: list[str]) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": "code", "metadata": {}, "outputs": [], "source": cell.splitlines(keepends=True)}
                for cell in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    )


PYTHON = ARBITRARY_TEXT | hypothesmith.from_grammar() | hypothesmith.from_node() | mutated(EXAMPLES["py"])
YAML_TEXT = ARBITRARY_TEXT | structured(_yaml) | mutated(EXAMPLES.get("yaml", []) + EXAMPLES.get("yml", []))
TOML_TEXT = ARBITRARY_TEXT | structured(_toml) | mutated(EXAMPLES.get("toml", []))
JSON_TEXT = (
    ARBITRARY_TEXT
    | structured(lambda value: json.dumps(value, indent=2))
    | mutated(EXAMPLES.get("json", ["{}"]))
)
NOTEBOOK = st.lists(mutated(EXAMPLES["py"]) | hypothesmith.from_grammar(), min_size=1, max_size=3).map(
    _notebook
)
BROKEN_NOTEBOOK = st.tuples(NOTEBOOK, st.floats(0, 1)).map(
    lambda pair: pair[0][: int(len(pair[0]) * pair[1])]
)


@FUZZ
@given(PYTHON)
def test_any_python_is_reviewed_or_noted_never_crashes(text: str) -> None:
    assert_sound(review("src/train.py", text), "src/train.py", text)


@FUZZ
@given(mutated(EXAMPLES["py"]), mutated(EXAMPLES["py"]))
def test_any_change_between_two_python_versions_is_classified_soundly(base: str, head: str) -> None:
    assert_sound(review("train.py", head, base), "train.py", head, base)


@FUZZ
@given(YAML_TEXT)
@example(
    "\r\r\nrepos:\n- repo: x\n\n"
    "# Values from Optuna study fraud-v3 (2024-05-02).\ntrain:\n  lr: 0.0003\n  dropout: 0.1\n"
)
def test_any_yaml_is_reviewed_or_noted_never_crashes(text: str) -> None:
    assert_sound(review("configs/params.yaml", text), "configs/params.yaml", text)


@FUZZ
@given(TOML_TEXT)
def test_any_toml_is_reviewed_or_noted_never_crashes(text: str) -> None:
    assert_sound(review("configs/train.toml", text), "configs/train.toml", text)


@FUZZ
@given(JSON_TEXT)
def test_any_json_is_reviewed_or_noted_never_crashes(text: str) -> None:
    assert_sound(review("configs/model.json", text), "configs/model.json", text)


@FUZZ
@given(NOTEBOOK | BROKEN_NOTEBOOK | ARBITRARY_TEXT)
def test_any_notebook_is_reviewed_or_noted_never_crashes(text: str) -> None:
    assert_sound(review("notebooks/explore.ipynb", text), "notebooks/explore.ipynb", text)


@FUZZ
@given(mutated(EXAMPLES.get("txt", ["numpy\n"])) | ARBITRARY_TEXT)
def test_any_requirements_file_is_reviewed_or_noted_never_crashes(text: str) -> None:
    assert_sound(review("requirements.txt", text), "requirements.txt", text)


DEEP = 400_000


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("configs/params.yaml", "learning_rate: 0.1\nx: " + "[" * DEEP),
        ("configs/params.yaml", "learning_rate: 0.1\nx: " + "{a: " * (DEEP // 4)),
        ("configs/train.toml", "lr = 0.1\n[" + "a." * (DEEP // 2) + "b]\n"),
        ("configs/train.toml", "lr = 0.1\n" + "a." * (DEEP // 2) + "b = 1\n"),
        ("configs/model.json", '{"lr": 0.1, "x": ' + "[" * DEEP + "]" * DEEP + "}"),
        ("notebooks/explore.ipynb", '{"cells": ' + "[" * DEEP + "]" * DEEP + "}"),
        ("src/train.py", "x = " + "(" * 5000 + ")" * 5000 + "\n"),
    ],
    ids=["yaml-flow", "yaml-mapping", "toml-table", "toml-key", "json", "notebook", "python"],
)
def test_a_megabyte_of_nesting_is_refused_with_a_note(path: str, text: str) -> None:
    result = review(path, text)
    assert_sound(result, path, text)
    [note] = [note for note in result.notes if note.path == path]
    assert any(word in note.reason for word in ("nested", "does not parse", "not valid JSON")), note


@pytest.mark.parametrize("break_", ["\x0c", "\u2028", "\x0b", "\x1c", "\x85"])
def test_characters_that_only_python_calls_line_breaks_do_not_shift_findings(break_: str) -> None:
    text = f"import pandas as pd\n# page{break_}break\ndf = pd.read_csv('/home/alice/data.csv')\n"
    [finding] = [f for f in review("src/load.py", text).findings if f.rule == "hardcoded-path"]
    assert finding.line == 3


def test_a_lone_carriage_return_does_not_push_findings_past_the_end_of_the_file() -> None:
    text = "import pandas as pd\r# old Mac line\rdf = pd.read_csv('/home/alice/data.csv')\n"
    [finding] = [f for f in review("src/load.py", text).findings if f.rule == "hardcoded-path"]
    assert finding.line == 1 == git_lines(text)


def test_an_identifier_cpython_takes_but_libcst_refuses_is_a_note() -> None:
    """Found by hypothesis: libcst raises its own validation error, not a parser error, on some code
    points."""
    result = scan(
        ReviewInput(
            changed=[ChangedFile("odd.py", "added", head="\U00031e67" * 3 + "\n")], repo=DictRepo({}, {})
        )
    )
    assert [note.path for note in result.notes] == ["odd.py"] and "internal error" not in result.notes[
        0
    ].reason
