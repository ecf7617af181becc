"""The machine a run was measured on: figures mean little without it."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def _meminfo_gib() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def describe() -> str:
    usable = len(os.sched_getaffinity(0))
    return (
        f"machine: {usable} usable cores ({os.cpu_count()} online), {_meminfo_gib()} memory, {_cpu_model()}; "
        f"Python {platform.python_version()} on {platform.system()} {platform.release()}"
    )
