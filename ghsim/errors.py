"""GitHub's error bodies, so clients can parse failures the way they parse real ones."""

from __future__ import annotations

from typing import Any

DOCS = "https://docs.github.com/rest"


class ApiError(Exception):
    """Raised anywhere below a route; the router renders it as GitHub does."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: list[Any] | None = None,
        doc: str = DOCS,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.doc = doc
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return error_body(self.status, self.message, self.errors, self.doc)


def error_body(status: int, message: str, errors: list[Any] | None = None, doc: str = DOCS) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message}
    if errors is not None:
        body["errors"] = errors
    body["documentation_url"] = doc
    body["status"] = str(status)
    return body


def not_found(doc: str = DOCS) -> ApiError:
    return ApiError(404, "Not Found", doc=doc)


def invalid(
    field: str, resource: str, code: str = "invalid", message: str | None = None, doc: str = DOCS
) -> ApiError:
    """The classic ``Validation Failed`` 422 with one structured error."""
    error: dict[str, Any] = {"resource": resource, "code": code, "field": field}
    if message is not None:
        error["message"] = message
    return ApiError(422, "Validation Failed", [error], doc)


def unprocessable(reason: str, doc: str = DOCS) -> ApiError:
    """The newer 422 style with plain-string errors (reviews use it)."""
    return ApiError(422, "Unprocessable Entity", [reason], doc)


def invalid_request(detail: str, doc: str = DOCS) -> ApiError:
    """JSON-schema failures: 422 whose message starts with "Invalid request."."""
    return ApiError(422, f"Invalid request.\n\n{detail}", doc=doc)
