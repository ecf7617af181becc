"""What the production image installs is what the production code imports: no more, no less."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = ("bot", "workers", "rules")
OURS = {"bot", "workers", "rules", "core", "ghsim", "harness", "demo", "bench", "tests"}


def _requirement_names(requirements: list[str]) -> set[str]:
    return {_normal(re.split(r"[\s<>=!~\[;]", requirement, maxsplit=1)[0]) for requirement in requirements}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_top_levels(package: str) -> set[str]:
    names: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - OURS - set(sys.stdlib_module_names) - {"__future__"}


def test_production_code_imports_only_declared_dependencies_and_nothing_from_the_simulator_extra() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = _requirement_names(project["dependencies"])
    simulator_only = _requirement_names(project["optional-dependencies"]["sim"])
    distributions = packages_distributions()
    packages = [name for name in (*PRODUCTION, "core") if (ROOT / name).is_dir()]
    imported = {
        _normal(distribution)
        for package in packages
        for module in _imported_top_levels(package)
        for distribution in distributions.get(module, [module])
    }
    assert imported - declared == set(), "imported by production code but not a dependency"
    assert imported & simulator_only == set(), "production code imports what only the simulator needs"
    assert simulator_only - declared == simulator_only, (
        "the simulator's extra leaks into the production install"
    )
