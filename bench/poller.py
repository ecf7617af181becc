"""A background thread that calls `tick()` on a fixed period for as long as a `with` block runs."""

from __future__ import annotations

import threading
from typing import Self


class Poller:
    """Shared by the bench's watchers: they sample on their own clock so the measured workers are never
    blocked."""

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self.tick()

    def tick(self) -> None:
        raise NotImplementedError
