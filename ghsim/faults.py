"""Injected failures: make chosen requests fail, stall, or hit rate limits.

Rules are matched in the order added; the first live rule that matches a
request's method and path decides its fate, and counts it.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from ghsim.errors import error_body

_MESSAGES = {
    401: "Bad credentials",
    403: "Forbidden",
    404: "Not Found",
    422: "Validation Failed",
    429: "Too Many Requests",
    500: "Server Error",
    502: "Server Error",
    503: "Service Unavailable",
    504: "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your "
    "request and contact us if the problem persists.",
}
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try "
    "again. If you reach out to GitHub Support for help, please include the request ID {rid}."
)
PRIMARY_MESSAGE = "API rate limit exceeded for installation ID {inst}."
RATE_LIMIT_DOC = (
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
)


@dataclass
class Fault:
    """One injection rule.

    ``status=None`` with a ``delay`` gives a slow but correct answer.  A 403 or
    429 with ``retry_after`` is a secondary rate limit; a 403 with
    ``ratelimit_reset`` (seconds from now) is a primary one with
    ``x-ratelimit-remaining: 0``.  ``applied=True`` carries the request out
    first, as GitHub sometimes does behind a failing front end, and only then
    answers ``status`` instead of the real answer, or holds the real answer back
    for ``delay`` (long enough and the client times out): the write landed, the
    answer is lost.  ``skip`` lets the first N matches through,
    ``times`` limits how many matches misbehave (None: forever).  ``matched``
    counts every matching request, ``fired`` those the rule actually disturbed.
    """

    path_regex: str
    method: str | None = None
    status: int | None = None
    times: int | None = 1
    delay: float = 0.0
    retry_after: int | None = None
    ratelimit_reset: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    skip: int = 0
    applied: bool = False
    matched: int = 0
    fired: int = 0

    def __post_init__(self) -> None:
        self._pattern = re.compile(self.path_regex)

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def applies(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self._pattern.search(path) is not None

    def response(self, request_id: str, installation_id: int | None) -> tuple[int, Any, dict[str, str]]:
        """Status, JSON body and extra headers for a firing rule."""
        assert self.status is not None
        headers = dict(self.headers)
        if self.retry_after is not None:
            headers["retry-after"] = str(self.retry_after)
        if self.ratelimit_reset is not None:
            headers["x-ratelimit-remaining"] = "0"
            headers["x-ratelimit-reset"] = str(int(time.time()) + self.ratelimit_reset)
        if self.body is not None:
            return self.status, self.body, headers
        if self.status in (403, 429) and self.retry_after is not None:
            message = SECONDARY_MESSAGE.format(rid=request_id)
            return self.status, error_body(self.status, message, doc=RATE_LIMIT_DOC), headers
        if self.status in (403, 429) and self.ratelimit_reset is not None:
            message = PRIMARY_MESSAGE.format(inst=installation_id if installation_id is not None else "?")
            return self.status, error_body(self.status, message, doc=RATE_LIMIT_DOC), headers
        return self.status, error_body(self.status, _MESSAGES.get(self.status, "Error")), headers


class Faults:
    """The rule list; thread-safe because every server thread consults it."""

    def __init__(self) -> None:
        self._rules: list[Fault] = []
        self._lock = threading.Lock()

    def add(
        self,
        path_regex: str = ".*",
        *,
        method: str | None = None,
        status: int | None = None,
        times: int | None = 1,
        delay: float = 0.0,
        retry_after: int | None = None,
        ratelimit_reset: int | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        skip: int = 0,
        applied: bool = False,
    ) -> Fault:
        if status is None and delay <= 0:
            raise ValueError("a fault needs a status, a delay, or both")
        rule = Fault(
            path_regex,
            method,
            status,
            times,
            delay,
            retry_after,
            ratelimit_reset,
            body,
            dict(headers or {}),
            skip,
            applied,
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    @property
    def rules(self) -> list[Fault]:
        with self._lock:
            return list(self._rules)

    def match(self, method: str, path: str) -> Fault | None:
        """The rule that fires for this request, with its counters updated."""
        with self._lock:
            for rule in self._rules:
                if not rule.applies(method, path):
                    continue
                rule.matched += 1
                if rule.exhausted or rule.matched <= rule.skip:
                    continue
                rule.fired += 1
                return rule
            return None
