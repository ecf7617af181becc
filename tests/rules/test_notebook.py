"""Notebook findings land on the raw `.ipynb` line and name the cell;
broken notebooks are notes, not crashes."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import libcst
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.engine import ChangedFile, ReviewInput, ScanResult, scan
from rules.finding import Severity
from rules.notebook import notebook_to_python
from rules.repo import DictRepo
from rules.rule import PythonRule, Rule, all_rules

READ = "df = pd.read_csv('data/train.csv')"


class ReadCsvProbe(PythonRule):
    """Flags every `*.read_csv(...)` call: a stand-in for any real Python rule."""

    id = "probe-read-csv"
    severity = Severity.HIGH
    title = "probe"

    def visit_Call(self, node: libcst.Call) -> None:
        if isinstance(node.func, libcst.Attribute) and node.func.attr.value == "read_csv":
            self.flag(node, "read_csv call")


@pytest.fixture
def only_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    all_rules()
    monkeypatch.setattr("rules.rule._RULES", {ReadCsvProbe.id: ReadCsvProbe})


def cell(
    kind: str, source: str | list[str], outputs: Sequence[Mapping[str, object]] | None = None
) -> dict[str, object]:
    if kind == "markdown":
        return {"cell_type": "markdown", "metadata": {}, "source": source}
    return {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "outputs": outputs or [],
        "source": source,
    }


def lines(*code: str) -> list[str]:
    """nbformat's list form: every line but the last keeps its newline."""
    return [line + "\n" for line in code[:-1]] + [code[-1]]


def notebook(*cells: dict[str, object], indent: int | None = 1) -> str:
    document = {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document, indent=indent, sort_keys=True, ensure_ascii=False) + "\n"


def scan_files(files: dict[str, str | bytes]) -> ScanResult:
    return scan(
        ReviewInput(
            changed=[ChangedFile(path, "added", head=text) for path, text in files.items()],
            repo=DictRepo({}, files),
        )
    )


def raw_line_of(raw: str, needle: str, occurrence: int = -1) -> int:
    hits = [number for number, text in enumerate(raw.splitlines(), start=1) if needle in text]
    return hits[occurrence]


def test_finding_lands_on_raw_line_and_names_the_cell(only_probe: None) -> None:
    echo = {"name": "stdout", "output_type": "stream", "text": [READ + "\n"]}
    raw = notebook(
        cell("markdown", lines("# Churn model", "Loads the data.")),
        cell("code", lines("import pandas as pd", "print(" + repr(READ) + ")"), outputs=[echo]),
        cell("code", lines("%matplotlib inline", "", READ, "df.head()")),
    )
    result = scan_files({"explore.ipynb": raw})
    [finding] = result.findings
    assert finding.path == "explore.ipynb"
    assert finding.line == raw_line_of(raw, json.dumps(READ + "\n")[1:-1])
    assert raw.splitlines()[finding.line - 1].strip().startswith(json.dumps(READ + "\n"))
    assert "notebook cell 3" in finding.message
    assert not result.notes


def test_output_echoing_the_code_does_not_capture_its_line() -> None:
    echo = {"name": "stdout", "output_type": "stream", "text": ["x = 1\n", "y = 2\n"]}
    raw = notebook(cell("code", lines("x = 1", "y = 2"), outputs=[echo]))
    source = notebook_to_python(raw)
    raw_lines = raw.splitlines()
    source_key = raw_line_of(raw, '"source"')
    assert source.raw_line(1) > source_key and raw_lines[source.raw_line(1) - 1].strip() == '"x = 1\\n",'
    assert raw_lines[source.raw_line(2) - 1].strip() == '"y = 2"'


def test_repeated_substring_lines_map_to_their_own_raw_lines() -> None:
    raw = notebook(cell("code", lines("x = 10", "x", "x = 10")))
    source = notebook_to_python(raw)
    assert [source.raw_line(n) for n in (1, 2, 3)] == [
        raw_line_of(raw, '"x = 10\\n"', 0),
        raw_line_of(raw, '"x\\n"'),
        raw_line_of(raw, '"x = 10"'),
    ]


def test_source_as_one_string_and_minified_json(only_probe: None) -> None:
    as_string = notebook(cell("code", "import pandas as pd\n" + READ + "\n"))
    [finding] = scan_files({"a.ipynb": as_string}).findings
    assert finding.line == raw_line_of(as_string, "read_csv")
    minified = notebook(cell("markdown", "hi"), cell("code", lines("import pandas as pd", READ)), indent=None)
    [finding] = scan_files({"b.ipynb": minified}).findings
    assert finding.line == 1 and "notebook cell 2" in finding.message


def test_magics_shell_escapes_and_foreign_cell_magics_still_parse(only_probe: None) -> None:
    raw = notebook(
        cell(
            "code",
            lines("!pip install xgboost==2.0.3", "%load_ext autoreload", "files = !ls data", "df.head?"),
        ),
        cell("code", lines("%%bash", "for f in data/*.csv; do wc -l $f; done")),
        cell("code", lines("%%time", "for name in files:", "    %time x = 1", "    " + READ)),
    )
    result = scan_files({"eda.ipynb": raw})
    assert not result.notes
    [finding] = result.findings
    assert finding.line == raw_line_of(raw, "read_csv") and "notebook cell 3" in finding.message


def test_suppression_in_a_cell_applies(only_probe: None) -> None:
    raw = notebook(
        cell(
            "code",
            lines("import pandas as pd", READ + "  # mldebt: ignore[probe-read-csv] frozen benchmark data"),
        )
    )
    assert scan_files({"n.ipynb": raw}).findings == []


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ('{"cells": [{"cell_type": "code", "source": ["x = 1\\n"', "not valid JSON"),
        ('{"nbformat": 4, "metadata": {}}', "no cells list"),
        ("[1, 2, 3]", "no cells list"),
        ("[" * 100_000, "not valid JSON"),
    ],
)
def test_broken_notebook_is_a_note_not_a_crash(only_probe: None, raw: str, reason: str) -> None:
    good = "import pandas as pd\n" + READ + "\n"
    result = scan_files({"broken.ipynb": raw, "train.py": good})
    assert [note.path for note in result.notes] == ["broken.ipynb"]
    assert reason in result.notes[0].reason
    assert [finding.path for finding in result.findings] == ["train.py"]


def test_syntax_error_in_a_cell_names_the_raw_line(only_probe: None) -> None:
    raw = notebook(
        cell("code", lines("import pandas as pd")),
        cell("code", lines("threshold = = 0.5", "print(threshold)")),
    )
    result = scan_files({"bad.ipynb": raw})
    [note] = result.notes
    assert note.reason == f"Python syntax error at line {raw_line_of(raw, 'threshold = =')}"


def test_cell_of_outside_the_code_is_none() -> None:
    source = notebook_to_python(notebook(cell("code", lines("x = 1"))))
    assert source.cell_of(1) == 1 and source.cell_of(0) is None and source.cell_of(99) is None
    empty = notebook_to_python(notebook(cell("markdown", "only prose")))
    assert empty.raw_line(1) == 1 and empty.code == "\n"


_LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(_LINE, min_size=1, max_size=5), min_size=1, max_size=4), st.sampled_from([1, 2, None])
)
def test_every_code_line_maps_to_the_raw_line_holding_it(cells: list[list[str]], indent: int | None) -> None:
    raw = notebook(*(cell("code", lines(*code)) for code in cells), indent=indent)
    source = notebook_to_python(raw)
    raw_lines = raw.splitlines()
    python_lines = source.code.splitlines()
    expected = [line for code in cells for line in [*"".join(lines(*code)).splitlines(), ""]]
    assert len(python_lines) == len(expected)
    for number, original in enumerate(expected, start=1):
        if original.strip() and python_lines[number - 1] == original:
            held = raw_lines[source.raw_line(number) - 1]
            assert json.dumps(original, ensure_ascii=False)[1:-1] in held


def test_rule_set_untouched_after_probe() -> None:
    assert ReadCsvProbe.id not in all_rules()
    assert all(issubclass(rule, Rule) for rule in all_rules().values())
