"""Checks each exchange a simulator serves against GitHub's descriptions, as it is served.

The recorder is a ghsim exchange observer: it runs on the simulator's server
thread before the answer's last byte leaves, so by the time a test sees an
answer, the problems with it are recorded here. It never raises into the
simulator; a checker that breaks is itself a problem to report.
"""

from __future__ import annotations

import hashlib
import re
import threading
import traceback
from collections import Counter
from dataclasses import dataclass, field

from ghsim.exchanges import Exchange
from tests.conformance.graphql_check import check_exchange
from tests.conformance.openapi import DEFAULT_VERSION, VERSIONS, check_request, check_response, description

CLEAN_CACHE = 20_000
# github.com's pages ghsim serves beside the API (the App-manifest form): no API description covers them.
WEB_PAGES = re.compile(r"(/organizations/[^/]+)?/settings/apps/new")


@dataclass
class Recorder:
    """Problems found so far, and which operations, in which API version, were checked."""

    problems: list[str] = field(default_factory=list)
    checked: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # Exchanges already found clean, byte for byte: polling and retries repeat them,
    # and checking one costs milliseconds.
    _clean: dict[bytes, str] = field(default_factory=dict)

    def __call__(self, exchange: Exchange) -> None:
        key = _fingerprint(exchange)
        found: list[str]
        if key in self._clean:
            operation, found = self._clean[key], []
        else:
            try:
                operation, found = check(exchange)
            except Exception:
                operation, found = "checker", [f"the conformance checker failed:\n{traceback.format_exc()}"]
            if not found and len(self._clean) < CLEAN_CACHE:
                self._clean[key] = operation
        where = f"{exchange.method} {exchange.path}{'?' + exchange.query if exchange.query else ''}"
        with self._lock:
            self.checked[operation] += 1
            self.problems.extend(
                f"{where} → {exchange.status} (api version {exchange.api_version or 'none'}): {p}"
                for p in found
            )

    def take(self) -> list[str]:
        with self._lock:
            found, self.problems = self.problems, []
            return found


def _fingerprint(exchange: Exchange) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for part in (
        exchange.method,
        exchange.path,
        exchange.query,
        exchange.api_version or "",
        str(exchange.status),
        exchange.response_headers.get("content-type", ""),
        exchange.response_headers.get("x-github-api-version-selected", ""),
        str(exchange.scripted),
    ):
        digest.update(part.encode() + b"\0")
    digest.update(exchange.request_body + b"\0" + exchange.response_body)
    return digest.digest()


def check(exchange: Exchange) -> tuple[str, list[str]]:
    """The operation an exchange is (by GitHub's name and version), and what in it leaves the description."""
    if WEB_PAGES.fullmatch(exchange.path):
        return "github.com web page", []
    if exchange.path.rstrip("/") == "/graphql" and exchange.method == "POST":
        return "graphql", check_exchange(exchange.request_body, exchange.status, exchange.response_body)
    requested = exchange.api_version
    version = requested or DEFAULT_VERSION
    problems: list[str] = []
    if version not in VERSIONS:
        problems.append(f"X-GitHub-Api-Version {requested!r} is not a version GitHub supports {VERSIONS}")
        version = DEFAULT_VERSION
    answered = exchange.status != 0
    selected = exchange.response_headers.get("x-github-api-version-selected")
    if answered and selected != version:
        problems.append(f"answered in version {selected}, not the {version} the request asked for")
    desc = description(version)
    operation, request_problems = check_request(
        desc, exchange.method, exchange.path, exchange.query, exchange.request_headers, exchange.request_body
    )
    problems += request_problems
    if operation is None:
        return f"{exchange.method} ?", problems
    if not answered:  # the client gave up before any answer (a held-back one, past its timeout)
        return f"{operation.name} @{version}", problems
    problems += check_response(
        desc, operation, exchange.status, exchange.response_headers, exchange.response_body, exchange.scripted
    )
    return f"{operation.name} @{version}", problems
