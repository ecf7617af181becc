"""What the production image installs is what the production code imports: no more, no less."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterable
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import Any

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


def _project() -> dict[str, Any]:
    project: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project


def _distributions_imported_by(packages: Iterable[str]) -> set[str]:
    distributions = packages_distributions()
    return {
        _normal(distribution)
        for package in packages
        if (ROOT / package).is_dir()
        for module in _imported_top_levels(package)
        for distribution in distributions.get(module, [module])
    }


def test_production_code_imports_only_declared_dependencies_and_nothing_from_the_simulator_extra() -> None:
    project = _project()
    extras = project["optional-dependencies"]
    declared = _requirement_names(project["dependencies"]) | _requirement_names(extras["server"])
    simulator_only = _requirement_names(extras["sim"]) - {"mldebt"}
    imported = _distributions_imported_by((*PRODUCTION, "core"))
    assert imported - declared == set(), "imported by production code but not a dependency"
    assert imported & simulator_only == set(), "production code imports what only the simulator needs"
    assert simulator_only - declared == simulator_only, (
        "the simulator's extra leaks into the production install"
    )


def test_the_light_install_is_exactly_what_the_rules_and_the_cli_import() -> None:
    """`pip install mldebt` (the hook, the Action) must run `mldebt scan` without the server stack."""
    project = _project()
    light = _requirement_names(project["dependencies"])
    server = _requirement_names(project["optional-dependencies"]["server"])
    assert _distributions_imported_by(["rules"]) == light
    assert light & server == set(), "a dependency is declared in both the light install and the server extra"
    assert {"fastapi", "githubkit", "redis", "rq", "uvicorn"} <= server


def test_the_test_extra_brings_the_server_and_simulator_the_suite_imports() -> None:
    test = _requirement_names(_project()["optional-dependencies"]["test"])
    assert "mldebt" in test
    [self_reference] = [
        item for item in _project()["optional-dependencies"]["test"] if item.startswith("mldebt")
    ]
    assert set(re.findall(r"\w+", self_reference.split("[", 1)[1])) == {"server", "sim"}
