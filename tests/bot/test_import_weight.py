"""The receiver answers webhooks in milliseconds and starts in a fraction of a second: it must not load
the rule engine (libcst and every rule) nor any worker code, which only the workers need."""

from __future__ import annotations

import json
import subprocess
import sys


def test_importing_the_receiver_loads_neither_libcst_nor_worker_code() -> None:
    probe = "import json, sys; import bot.app; print(json.dumps(sorted(sys.modules)))"
    answer = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    loaded = json.loads(answer.stdout)
    heavy = [name for name in loaded if name.split(".")[0] in ("libcst", "workers")]
    assert not heavy, f"import bot.app loads {heavy}"
