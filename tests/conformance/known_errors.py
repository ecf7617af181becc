"""Where GitHub's REST description is itself wrong, each with the upstream report that says so.

Each correction is a JSON merge patch at one place in the description, as
narrow as the error: the rest of that schema, and every other answer of the
same operation, is still checked as published. A correction with no report
says so (`report=None`): one should be filed at `TRACKER` before it is relied on
for long. A test keeps the list honest: a correction that no longer changes
anything (GitHub fixed the description) must go.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from tests.conformance.patches import merge_patch

Json = Any
TRACKER = "https://github.com/github/rest-api-description/issues"


@dataclass(frozen=True)
class KnownError:
    where: tuple[str, ...]
    patch: Json
    what: str
    report: str | None


_REVIEW_COMMENT = ("components", "schemas", "pull-request-review-comment", "properties")
_INSTALLATIONS = (
    "paths",
    "/app/installations",
    "get",
    "responses",
    "200",
    "content",
    "application/json",
    "schema",
    "items",
    "properties",
)
_OUTDATED = (
    "An outdated review comment (its hunk changed under it) has `{0}: null`, as GitHub's prose says; "
    "the schema types it integer.{1}"
)

KNOWN_ERRORS: tuple[KnownError, ...] = (
    KnownError(
        (*_REVIEW_COMMENT, "position"),
        {"nullable": True},
        _OUTDATED.format("position", ""),
        "https://github.com/github/rest-api-description/issues/5568",
    ),
    KnownError(
        (*_REVIEW_COMMENT, "line"),
        {"nullable": True},
        _OUTDATED.format("line", " The report covers `position`; `line` is null for the same comments."),
        "https://github.com/github/rest-api-description/issues/5568",
    ),
    KnownError(
        (*_INSTALLATIONS, "account"),
        {
            "allOf": None,
            "anyOf": [
                {"$ref": "#/components/schemas/simple-user"},
                {"$ref": "#/components/schemas/enterprise"},
            ],
        },
        "The list of an App's installations types `account` as a user *and* an enterprise (allOf), which no "
        "account is; the `installation` schema of the same object says either (anyOf).",
        None,
    ),
    KnownError(
        _INSTALLATIONS,
        {"client_id": {"type": "string"}},
        "The list of an App's installations omits `client_id`, which GitHub sends and the `installation` "
        "schema of the same object has.",
        None,
    ),
    KnownError(
        ("components", "schemas", "validation-error", "properties"),
        {"status": {"type": "string"}},
        'GitHub\'s 422 answers carry `status` ("422") like every error it sends; `basic-error` has it, '
        "`validation-error` does not.",
        None,
    ),
    KnownError(
        ("components", "schemas", "validation-error-simple", "properties"),
        {"status": {"type": "string"}},
        "As for `validation-error`: the simple 422 object lacks the `status` GitHub sends.",
        None,
    ),
)


def locate(doc: Json, where: tuple[str, ...]) -> Json:
    node = doc
    for part in where:
        node = node[part]
    return node


def corrected(doc: Json, errors: tuple[KnownError, ...]) -> Json:
    """The description with each known error corrected in place (on a copy)."""
    out = copy.deepcopy(doc)
    for error in errors:
        holder = locate(out, error.where[:-1])
        holder[error.where[-1]] = merge_patch(holder[error.where[-1]], error.patch)
    return out
