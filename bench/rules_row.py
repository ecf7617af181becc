"""Row 2: the rule engine's speed, from `bench/rules_speed.py` run as its own process.

That script is the rule engine's benchmark (its owner keeps it); this module
only runs it on a corpus sized for `make bench` and reads its summary lines.
"""

from __future__ import annotations

import re
import subprocess

from bench.procs import ROOT, python
from bench.table import Row, ratio

FILES = 60
REPEAT = 3
TARGET_SLOWDOWN = 1.5
_CORPUS = re.compile(r"corpus: (\d+) files, (\d+) lines")
_RATE = re.compile(r"^(libcst\.parse_module|rules\.engine\.scan):\s+([\d.]+) s\s+(\d+) lines/s", re.MULTILINE)


def run() -> list[Row]:
    done = subprocess.run(
        python("-m", "bench.rules_speed", "--files", str(FILES), "--repeat", str(REPEAT)),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    corpus = _CORPUS.search(done.stdout)
    rates = {name: float(lines) for name, _, lines in _RATE.findall(done.stdout)}
    if corpus is None or len(rates) != 2:
        raise RuntimeError(f"unexpected bench/rules_speed.py output: {done.stdout[-300:]!r}")
    engine, parse = rates["rules.engine.scan"], rates["libcst.parse_module"]
    return [
        Row(
            f"rule engine speed ({int(corpus[1])} ML files, {int(corpus[2]):,} lines)",
            f"{engine:,.0f} lines/s",
            f"libcst.parse_module: {parse:,.0f} lines/s",
            ratio(engine, parse),
            f">= {1 / TARGET_SLOWDOWN:.2f}x (<= {TARGET_SLOWDOWN:g}x parse time)",
            engine * TARGET_SLOWDOWN >= parse,
        ),
    ]
