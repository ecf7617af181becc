"""Imports every module under `rules.checks`, so that dropping in a file is all it takes to add a rule."""

import importlib
import pkgutil

import rules.checks

for _module in pkgutil.iter_modules(rules.checks.__path__):
    importlib.import_module(f"rules.checks.{_module.name}")
