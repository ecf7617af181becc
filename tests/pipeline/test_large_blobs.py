"""Files GitHub's GraphQL API gives only in part (past 512 KiB) are still read whole, up to 1 MB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ghsim import payloads
from harness.system import LocalSystem

REPO = "octo-org/lookups"
# About 700 KB: past the 512 KiB GraphQL gives whole, short of the 1 MB mldebt reads.
LOOKUP = (
    '"""Lookup tables for the churn model.\n\n'
    + "".join(
        f"Row {row:05}: the reference value for bucket {row} of the churn lookup table, kept as shipped.\n"
        for row in range(8000)
    )
    + '"""\n\nimport pandas as pd\n'
)
HUGE = "X = 1\n" * 200_000


def test_a_700_kb_file_is_read_whole_over_rest_and_a_file_over_1_mb_is_still_skipped_with_a_note(
    system: LocalSystem,
) -> None:
    assert 512 * 1024 < len(LOOKUP) < 1_000_000 < len(HUGE)
    system.sim.add_installation(1, account="octo-org")
    repo = system.sim.add_repo(REPO, installation_id=1)
    base = repo.commit(
        "main", {"src/lookup.py": LOOKUP}, message="Lookups", date=datetime.now(UTC) - timedelta(days=1)
    )
    changes = {
        "src/lookup.py": LOOKUP + 'CHURN = pd.read_csv("/home/alice/churn.csv")\n',
        "gen/huge.py": HUGE,
    }
    repo.commit("load", changes, parent=base, message="Load the churn table")
    pr = repo.open_pull_request("load", "main", title="Load churn", body="Loads the table.", user="alice")
    system.sim.clear_calls()
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number))
    system.run_jobs()

    [run] = system.sim.check_runs(REPO, pr.head_sha)
    assert run["status"] == "completed"
    summary = run["output"]["summary"]
    assert "`src/lookup.py`" not in summary.split("### Files not analysed", 1)[1], summary
    assert "- `gen/huge.py`: larger than 1 MB" in summary
    found = [(a["path"], a["start_line"], a["title"]) for a in run["output"]["annotations"]]
    assert ("src/lookup.py", LOOKUP.count("\n") + 1, "hardcoded-path (high)") in found, found
    assert system.sim.count_calls("GET", r"/git/blobs/") == 1, (
        "one REST call for the one file GraphQL cut short"
    )
    assert not system.sim.internal_errors
