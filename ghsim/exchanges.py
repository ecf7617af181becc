"""Whole request/answer pairs for observers that check them, such as the conformance test.

Recording bodies costs memory and time, so the front end only keeps them
while someone watches: a simulator's own ``sim.observers``, or a process-wide
observer added with :func:`observe` (which covers simulators a harness starts
out of a test's sight). Observers run on the server thread before the answer's
last byte leaves, so a client that got an answer knows it was observed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Exchange:
    """One request as it arrived and the answer the simulator sent for it."""

    method: str
    path: str
    query: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes
    injected: bool
    scripted: bool

    @property
    def api_version(self) -> str | None:
        return self.request_headers.get("x-github-api-version")


Observer = Callable[[Exchange], None]
_lock = threading.Lock()
_observers: tuple[Observer, ...] = ()


def observe(observer: Observer) -> Callable[[], None]:
    """Shows every simulator's exchanges to `observer` until the returned function is called."""
    global _observers
    with _lock:
        _observers = (*_observers, observer)

    def stop() -> None:
        global _observers
        with _lock:
            _observers = tuple(o for o in _observers if o is not observer)

    return stop


def observers() -> tuple[Observer, ...]:
    return _observers
