"""The README is the operator's manual: every setting the code reads must be in it."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_environment_setting_is_documented() -> None:
    read = set(
        re.findall(r'"((?:MLDEBT|GITHUB|REDIS)_[A-Z_]+)"', (ROOT / "core" / "settings.py").read_text())
    )
    documented = set(re.findall(r"`((?:MLDEBT|GITHUB|REDIS)_[A-Z_]+)`", (ROOT / "README.md").read_text()))
    assert read, "settings.py reads no environment variables?"
    assert read <= documented, f"undocumented settings: {sorted(read - documented)}"


def test_readme_opens_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    first_block = text.split("```sh", 1)[1].split("```", 1)[0]
    assert "make demo" in first_block and "make test" in first_block


def test_every_guarantee_names_a_test_that_exists() -> None:
    """A `::test_name` after a path refers to the last path named before it on that line or above."""
    current: Path | None = None
    missing = []
    cited = 0
    for path, name in re.findall(r"`(tests/[\w/]+\.py)?::(test_\w+)`", (ROOT / "README.md").read_text()):
        if path:
            current = ROOT / path
        assert current is not None, f"::{name} cited before any test file"
        cited += 1
        if not current.exists() or f"def {name}(" not in current.read_text():
            missing.append(f"{current.relative_to(ROOT)}::{name}")
    assert cited >= 20 and not missing, missing


def _cli_flags() -> set[str]:
    """`mldebt --version` and `mldebt scan`'s flags (`mldebt setup`'s belong to the App, in tests/setup)."""
    from rules.cli import parser

    top = parser()
    [commands] = [action for action in top._actions if isinstance(action, argparse._SubParsersAction)]
    return {
        option
        for command in (top, *commands.choices.values())
        for action in command._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }


def test_every_cli_flag_is_documented_and_exercised_by_a_test() -> None:
    flags = _cli_flags()
    readme = (ROOT / "README.md").read_text()
    tests = "\n".join(
        path.read_text() for path in (ROOT / "tests").rglob("*.py") if path.name != "test_readme.py"
    )
    assert {"--staged", "--base", "--format", "--version"} <= flags
    assert {flag for flag in flags if f"`{flag}" not in readme} == set(), "undocumented flags"
    assert {flag for flag in flags if f'"{flag}"' not in tests} == set(), "flags no test passes"
