"""Validation against the vendored OASIS SARIF 2.1.0 schema (see README.md beside it)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA = Path(__file__).with_name("sarif-schema-2.1.0.json")


@cache
def _validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def sarif_errors(document: Any) -> list[str]:
    """Every way `document` breaks SARIF 2.1.0, each as `path: message`; empty when it is valid."""
    return [
        f"{'/'.join(str(part) for part in error.absolute_path)}: {error.message}"
        for error in _validator().iter_errors(document)
    ]
