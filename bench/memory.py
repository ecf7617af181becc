"""Peak memory and CPU of worker process trees, read from /proc (Linux).

RQ forks a short-lived work-horse per job, so the parent's own peak says
little: each sample walks every worker's tree and keeps the highest VmHWM
(peak RSS) seen for any process, and the highest tree total by PSS, which
counts pages a horse shares copy-on-write with its parent only once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path

from bench.poller import Poller

PROC = Path("/proc")
# VmHWM is a high-water mark, so a horse is caught if it is sampled at all in its
# last moments; PSS (smaps_rollup walks every mapping) is costly and read less often,
# since on two cores the sampler's own CPU would slow the workers it measures.
INTERVAL = 0.05
PSS_EVERY = 5


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _pss_kib(pid: int) -> int:
    try:
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree(root: int) -> list[int]:
    """`root` and all its descendants, from each task's children list."""
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        try:
            for children in (PROC / str(pid) / "task").glob("*/children"):
                pending.extend(int(child) for child in children.read_text().split())
        except OSError:
            continue
    return found


def rss_mib(pid: int) -> float:
    return _status_kib(pid, "VmRSS") / 1024


def children_cpu_seconds(pid: int) -> float:
    """CPU (user + system) of `pid`'s finished children: for an RQ worker, its work-horses."""
    fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    cutime, cstime = int(fields[13]), int(fields[14])
    return (cutime + cstime) / os.sysconf("SC_CLK_TCK")


class PeakSampler(Poller):
    """Samples the trees of `roots()` in a background thread until stopped."""

    def __init__(self) -> None:
        super().__init__(INTERVAL)
        self._roots: set[int] = set()
        self._lock = threading.Lock()
        self._ticks = 0
        self.peak_process_kib = 0
        self.peak_tree_pss_kib = 0
        self.processes_seen: set[int] = set()

    def watch(self, pids: Iterable[int]) -> None:
        with self._lock:
            self._roots.update(pids)

    def tick(self) -> None:
        self._ticks += 1
        with self._lock:
            roots = list(self._roots)
        for root in roots:
            pids = tree(root)
            self.processes_seen.update(pids)
            self.peak_process_kib = max([self.peak_process_kib, *(_status_kib(pid, "VmHWM") for pid in pids)])
            if self._ticks % PSS_EVERY == 0:
                self.peak_tree_pss_kib = max(self.peak_tree_pss_kib, sum(_pss_kib(pid) for pid in pids))
