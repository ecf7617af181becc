"""Lookups and input checks several route modules need."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ghsim.errors import ApiError, invalid_request, not_found
from ghsim.repository import PullRequest, Repo

MAX_BODY = 65536


def pull_or_404(repo: Repo, number: int) -> PullRequest:
    pr = repo.pulls.get(number)
    if pr is None:
        raise not_found()
    return pr


def optional_str(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise invalid_request(f"For 'properties/{key}', {value!r} is not a string.")
    return value


def required_str(body: dict[str, Any], key: str) -> str:
    value = optional_str(body, key)
    if value is None:
        raise invalid_request(f'"{key}" wasn\'t supplied.')
    return value


def parse_time(value: Any, key: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid_request(f"For 'properties/{key}', {value!r} is not a string.")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise invalid_request(f"For 'properties/{key}', \"{value}\" is not a date-time.") from None


def int_param(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise not_found() from None


def check_body_length(text: str | None, resource: str) -> None:
    if text is not None and len(text) > MAX_BODY:
        raise ApiError(
            422,
            "Validation Failed",
            [
                {
                    "resource": resource,
                    "code": "custom",
                    "field": "body",
                    "message": f"body is too long (maximum is {MAX_BODY} characters)",
                }
            ],
        )
