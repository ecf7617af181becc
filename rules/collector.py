"""When CPython's cyclic garbage collector runs during a scan: once per file, over that file's leftovers.

A parse allocates hundreds of thousands of nodes, and the collector, run every
700 allocations, walks them again and again while they are being built: about
a third of a parse's time. So it is paused while a file is parsed and walked,
and resumes after it, collecting that file's garbage at once: memory stays
bounded by one file, whatever the size of the pull request.

Each head tree outlives its file (change rules read it at the end of the scan)
and holds no cycle, so the collector is told to leave everything alive once it
is parsed (`gc.freeze`); its resumption then walks only what the rules left.
The scan thaws what it froze when it ends. A process that froze objects of its
own is left as it is, and only gets the pauses.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType


class ScanCollector:
    def __init__(self) -> None:
        self._may_freeze = False
        self._froze = False

    def __enter__(self) -> ScanCollector:
        self._may_freeze = gc.isenabled() and gc.get_freeze_count() == 0
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._froze:
            gc.unfreeze()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No collection inside the block; the one the resumption brings covers it all."""
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            if was_enabled:
                gc.enable()

    def keep(self) -> None:
        """Everything alive now stays alive for the rest of the scan: no collection need walk it again."""
        if self._may_freeze:
            gc.freeze()
            self._froze = True
