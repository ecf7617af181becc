"""A scan tunes CPython's garbage collector for its own duration only: whatever state the process had,
it has again afterwards, and objects the process froze itself are never thawed by a scan."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from rules.engine import ChangedFile, ReviewInput, scan
from rules.repo import DictRepo

CODE = "import pandas as pd\n\ndf = pd.read_csv('/home/alice/data.csv')\nthreshold = 0.73\n"


def _scan() -> int:
    files = {f"src/module_{index}.py": CODE for index in range(3)}
    result = scan(
        ReviewInput(
            changed=[ChangedFile(path, "added", head=text) for path, text in files.items()],
            repo=DictRepo({}, files),
        )
    )
    return len(result.findings)


@pytest.fixture
def collector_state() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collector_state")
def test_a_scan_leaves_the_collector_as_it_found_it() -> None:
    gc.enable()
    assert _scan() > 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    assert _scan() > 0
    assert not gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.usefixtures("collector_state")
def test_objects_the_process_froze_stay_frozen() -> None:
    gc.enable()
    gc.freeze()
    frozen = gc.get_freeze_count()
    assert _scan() > 0
    assert gc.get_freeze_count() == frozen and gc.isenabled()
