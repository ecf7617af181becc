"""Redis key names are stored data: a fleet upgraded in place must find what the previous version wrote."""

from __future__ import annotations

import re
from pathlib import Path

from core import keys

ROOT = Path(__file__).resolve().parents[2]


def test_key_names_are_those_a_running_fleet_already_wrote() -> None:
    assert keys.delivery_key("guid-1") == "mldebt:delivery:guid-1"
    assert keys.redelivered_key("guid-1") == "mldebt:redelivered:guid-1"
    assert keys.job_delivery_key("review-x") == "mldebt:job-delivery:review-x"
    assert keys.latest_head_key("octo/repo", 7) == "mldebt:head:octo/repo#7"
    assert keys.check_run_key("review-x") == "mldebt:checkrun:review-x"
    assert keys.comment_lock_key("octo/repo", 7) == "mldebt:comment-lock:octo/repo#7"
    assert keys.token_key(31) == "mldebt:token:31"
    assert keys.write_slot_key(31) == "mldebt:write-slot:31"
    assert keys.rate_pause_key(31) == "mldebt:rate-pause:31"
    assert (keys.SWEEP_LOCK_KEY, keys.RECONCILE_LOCK_KEY) == ("mldebt:sweep-lock", "mldebt:reconcile-lock")
    assert (keys.DATA_KEPT_KEY, keys.DEEP_SETTLED_KEY) == ("mldebt:data-kept-since", "mldebt:deep-settled")
    assert (keys.FLEET_CALLS_KEY, keys.FLEET_REMAINING_KEY, keys.RECONCILE_TALLY_KEY) == (
        "mldebt:metrics:github-calls",
        "mldebt:metrics:rate-remaining",
        "mldebt:metrics:reconcile",
    )


def test_job_ids_are_those_queued_jobs_already_carry() -> None:
    sha = "a" * 40
    assert keys.review_job_id("octo/repo", 7, sha) == f"review-octo_repo_8557bbd9-7-{sha}-auto"
    rescore = keys.review_job_id("octo/repo", 7, sha, "rescore-9")
    assert rescore == f"review-octo_repo_8557bbd9-7-{sha}-rescore-9_7045d4af"
    assert keys.command_job_id("octo/repo", 9) == "command-octo_repo_8557bbd9-9"


def test_no_module_but_core_keys_spells_a_key() -> None:
    """A key built elsewhere is one that a rename here would miss."""
    spelled = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("bot", "core", "workers")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != ROOT / "core" / "keys.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"keys\.PREFIX|[\"']mldebt:[\w-]+[:\"']", line)
    ]
    assert not spelled, spelled
