"""REST API versions: which one a request gets, and what changes between them.

GitHub answers each request in the version its ``X-GitHub-Api-Version`` header
names, 2022-11-28 when there is none (githubkit sends none on the pages its
paginator follows), and refuses any other value with 400. Version 2026-03-10
removed fields; the shapes drop them for requests that asked for it.
"""

from __future__ import annotations

from typing import Any

from ghsim.errors import error_body

DEFAULT = "2022-11-28"
LATEST = "2026-03-10"
SUPPORTED = (LATEST, DEFAULT)
HEADER = "x-github-api-version"
DOC = "https://docs.github.com/rest/about-the-rest-api/api-versions"


def select(requested: str | None) -> str | None:
    """The version a request is answered in, or None when GitHub would refuse the header's value."""
    if requested is None:
        return DEFAULT
    return requested if requested in SUPPORTED else None


def unsupported(requested: str) -> dict[str, Any]:
    listed = ", ".join(f'"{v}"' + (" (most recent)" if v == LATEST else "") for v in SUPPORTED)
    message = (
        f'The version you specified in the "X-GitHub-Api-Version" request header, "{requested}", is not a '
        f"supported version. The following versions are currently supported: {listed}."
    )
    return error_body(400, message, doc=DOC)


def at_least(version: str, wanted: str) -> bool:
    """Versions are dates, so they order as strings."""
    return version >= wanted
