"""Who may import whom: the receiver and the workers share only core/, and the rules know neither."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# mldebt/ is the command's front door (scan and setup): nothing below it may reach back up.
FORBIDDEN = {
    "core": {"bot", "workers", "ghsim", "harness", "mldebt"},
    "bot": {"workers", "ghsim", "harness", "mldebt"},
    "workers": {"bot", "ghsim", "harness", "mldebt"},
    "rules": {"bot", "core", "workers", "ghsim", "harness", "mldebt"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_only_what_its_layer_may(package: str) -> None:
    crossing = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in sorted((ROOT / package).rglob("*.py"))
        if imported_packages(path) & FORBIDDEN[package]
    }
    assert not crossing, crossing
