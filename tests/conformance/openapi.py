"""GitHub's REST description, one per API version, turned into checks of requests and answers.

The vendored file is the 2022-11-28 description with each later version's
breaking changes attached where they apply (``x-github-breaking-changes``:
JSON merge patches or JSON patches), as @octokit/openapi publishes it; a
version's description is that file with its changes applied, then the known
errors of the description corrected (see :mod:`tests.conformance.known_errors`).

OpenAPI 3.0 schemas become JSON Schema: ``nullable`` admits null, ``$ref`` s are
inlined, and every object that lists its properties is closed, so a field GitHub
does not document is reported rather than passed over. ``format`` is checked for
``uri`` and ``date-time``, the two the simulator builds by hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from tests.conformance.known_errors import KNOWN_ERRORS, corrected
from tests.conformance.patches import at_version

VENDOR = Path(__file__).parent / "vendor"
VERSIONS = ("2022-11-28", "2026-03-10")
DEFAULT_VERSION = "2022-11-28"
Json = Any

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
FORMATS = FormatChecker(formats=())


def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or _URI.match(value) is not None


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if _DATE_TIME.match(value) is None:
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


FORMATS.checks("uri")(_is_uri)
FORMATS.checks("date-time", raises=ValueError)(_is_date_time)


@cache
def raw_description() -> Json:
    return json.loads((VENDOR / "rest-openapi.json").read_text())


class _Converter:
    """OpenAPI 3.0 schemas to JSON Schema, `$ref`s inlined (as shared objects) and objects closed."""

    def __init__(self, schemas: dict[str, Json]) -> None:
        self.schemas = schemas
        self.done: dict[tuple[str, bool], Json] = {}

    def ref(self, ref: str, closed: bool) -> Json:
        name = ref.rsplit("/", 1)[1]
        key = (name, closed)
        if key not in self.done:
            self.done[key] = {}
            self.done[key].update(self.convert(self.schemas[name], closed))
        return self.done[key]

    def convert(self, node: Json, closed: bool = True) -> Json:
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return self.ref(node["$ref"], closed)
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "properties":
                out[key] = {name: self.convert(schema) for name, schema in value.items()}
            elif key in ("items", "not") or (key == "additionalProperties" and isinstance(value, dict)):
                out[key] = self.convert(value)
            elif key in ("anyOf", "oneOf"):
                out[key] = [self.convert(member) for member in value]
            elif key == "allOf":
                continue
            elif key not in ("nullable", "discriminator", "readOnly", "writeOnly", "deprecated", "xml"):
                out[key] = value
        if "allOf" in node:
            out = self.merged([node.get("allOf", []), [{k: v for k, v in node.items() if k != "allOf"}]], out)
        if closed and "properties" in out and "additionalProperties" not in node:
            out["additionalProperties"] = False
        if node.get("nullable"):
            out = self.nullable(out)
        return out

    def merged(self, groups: list[list[Json]], out: dict[str, Any]) -> dict[str, Any]:
        """`allOf` members folded into one object schema, so closing it admits every member's properties."""
        members = [self.convert(m, closed=False) for group in groups for m in group]
        properties: dict[str, Any] = {}
        required: list[str] = []
        for member in members:
            properties.update(member.get("properties", {}))
            required += [r for r in member.get("required", []) if r not in required]
        merged = {**out, "type": "object", "properties": properties}
        if required:
            merged["required"] = required
        return merged

    @staticmethod
    def nullable(schema: dict[str, Any]) -> dict[str, Any]:
        kind = schema.get("type")
        if isinstance(kind, str) and "enum" not in schema:
            return {**schema, "type": [kind, "null"]}
        if isinstance(kind, str):
            return {**schema, "type": [kind, "null"], "enum": [*schema["enum"], None]}
        return {"anyOf": [schema, {"type": "null"}]}


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    template: str
    pattern: re.Pattern[str]
    literal: int
    parameters: dict[tuple[str, str], Json]
    body: Json | None
    responses: dict[str, Json]


def _pattern(template: str) -> tuple[re.Pattern[str], int]:
    """A path template as a regex; `{path}` may hold slashes, as in GitHub's contents URLs."""
    out, literal, pos = "", 0, 0
    for match in re.finditer(r"\{([^}]+)\}", template):
        chunk = template[pos : match.start()]
        out += re.escape(chunk)
        literal += len(chunk)
        out += f"(?P<{match.group(1)}>.+)" if match.group(1) == "path" else f"(?P<{match.group(1)}>[^/]+?)"
        pos = match.end()
    out += re.escape(template[pos:])
    return re.compile(f"^{out}/?$"), literal + len(template) - pos


class Description:
    """One API version's description: its operations and a validator for each schema they use."""

    def __init__(self, version: str) -> None:
        doc = corrected(at_version(raw_description(), version), KNOWN_ERRORS)
        self.version = version
        converter = _Converter(doc["components"]["schemas"])
        self.error_schema = {
            "anyOf": [
                converter.convert({"$ref": f"#/components/schemas/{name}"})
                for name in ("basic-error", "validation-error", "validation-error-simple")
            ]
        }
        self.operations: list[Operation] = []
        for template, item in doc["paths"].items():
            for method, op in item.items():
                pattern, literal = _pattern(template)
                parameters = {
                    (p["in"], p["name"].lower() if p["in"] == "header" else p["name"]): {
                        **p,
                        "schema": converter.convert(p.get("schema", {})),
                    }
                    for p in op.get("parameters", [])
                }
                body = op.get("requestBody")
                if body is not None:
                    body = {
                        **body,
                        "content": {
                            kind: {"schema": converter.convert(media.get("schema", {}))}
                            for kind, media in body.get("content", {}).items()
                        },
                    }
                responses = {
                    status: {
                        kind: converter.convert(media.get("schema", {}))
                        for kind, media in (answer.get("content") or {}).items()
                    }
                    for status, answer in op["responses"].items()
                }
                self.operations.append(
                    Operation(
                        op["operationId"],
                        method.upper(),
                        template,
                        pattern,
                        literal,
                        parameters,
                        body,
                        responses,
                    )
                )
        self.operations.sort(key=lambda o: -o.literal)

    def find(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation a request names; literal segments win over parameters (`pulls/comments/1`)."""
        for operation in self.operations:
            match = operation.pattern.match(path)
            if match is not None and operation.method == method:
                return operation, match.groupdict()
        return None


@cache
def description(version: str) -> Description:
    return Description(version)


_VALIDATORS: dict[int, tuple[Json, Draft202012Validator]] = {}


def _validator(schema: Json) -> Draft202012Validator:
    """One validator per converted schema, which lives as long as its cached description."""
    found = _VALIDATORS.get(id(schema))
    if found is None or found[0] is not schema:
        found = _VALIDATORS[id(schema)] = (schema, Draft202012Validator(schema, format_checker=FORMATS))
    return found[1]


def validate(schema: Json, instance: Json, where: str) -> Iterator[str]:
    errors = sorted(_validator(schema).iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors[:5]:
        yield _describe(error, where)


def _describe(error: ValidationError, where: str) -> str:
    at = "/".join(str(p) for p in error.absolute_path) or "(top)"
    message = error.message if len(error.message) < 300 else error.message[:300] + "…"
    return f"{where} at {at}: {message}"


def _coerce(raw: str, schema: Json) -> Json:
    """A query or path value as its schema's type, or the raw text when it is not one."""
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "integer" in kinds and re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if "boolean" in kinds and raw in ("true", "false"):
        return raw == "true"
    return raw


def check_request(
    desc: Description, method: str, path: str, query: str, headers: dict[str, str], body: bytes
) -> tuple[Operation | None, list[str]]:
    """Problems with a request as GitHub's description has it: its operation, parameters and body."""
    found = desc.find(method, path)
    if found is None:
        return None, [f"{method} {path}: no such operation in GitHub's description"]
    operation, path_values = found
    name = operation.name
    problems: list[str] = []
    for key, raw in path_values.items():
        parameter = operation.parameters.get(("path", key))
        if parameter is not None:
            problems += validate(parameter["schema"], _coerce(raw, parameter["schema"]), f"{name} path {key}")
    given = parse_qsl(query, keep_blank_values=True)
    for key, raw in given:
        parameter = operation.parameters.get(("query", key))
        if parameter is None:
            problems.append(f"{name}: query parameter {key!r} is not in the description")
        else:
            problems += validate(
                parameter["schema"], _coerce(raw, parameter["schema"]), f"{name} query {key}"
            )
    for (place, key), parameter in operation.parameters.items():
        if place == "query" and parameter.get("required") and key not in dict(given):
            problems.append(f"{name}: required query parameter {key!r} is missing")
    if operation.body is None:
        if body.strip():
            problems.append(f"{name}: the request has a body the description does not take")
        return operation, problems
    if not body.strip():
        if operation.body.get("required"):
            problems.append(f"{name}: the request body is required")
        return operation, problems
    schema = operation.body["content"].get("application/json", {}).get("schema")
    try:
        payload = json.loads(body)
    except ValueError:
        return operation, [*problems, f"{name}: the request body is not JSON"]
    if schema is not None:
        problems += validate(schema, payload, f"{name} request body")
    return operation, problems


def check_response(
    desc: Description, operation: Operation, status: int, headers: dict[str, str], body: bytes, scripted: bool
) -> list[str]:
    """Problems with an answer: an undocumented status, or a JSON body its schema does not admit.

    Errors GitHub gives on any endpoint (rate limits, 5xx) are often missing from
    an operation's responses; those must still be GitHub's error object.
    """
    name = operation.name
    documented = operation.responses.get(str(status)) or operation.responses.get("default")
    if documented is None and status < 400:
        return [f"{name}: status {status} is not in the description"]
    if scripted or not body.strip():
        return []
    kind = headers.get("content-type", "").split(";")[0].strip()
    if kind != "application/json":
        return []
    payload = json.loads(body)
    if documented is None:
        best = next(iter(_validator(desc.error_schema).iter_errors(payload)), None)
        return [] if best is None else [_describe(best, f"{name} {status} error body")]
    schema = documented.get("application/json")
    if schema is None:
        schema = next(iter(documented.values()), None)
    if schema is None:
        return [f"{name}: status {status} documents no body, but one was sent"]
    return list(validate(schema, payload, f"{name} {status} body"))
