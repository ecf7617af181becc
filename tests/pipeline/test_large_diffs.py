"""A text file whose diff is too large for GitHub to give a patch is still reviewed.

Its findings go in the check run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ghsim import payloads
from harness.system import LocalSystem

REPO = "octo-org/lookups"
# One long line of about 600 KB: past the 500 KB of diff GitHub gives a patch for,
# short of the 1 MB mldebt reads.
TABLE = '"""Lookup table for the churn model."""\n\nimport pandas as pd\n\nTABLE = "%s"\n' % (
    "0123456789" * 60_000
)
LOADS = 'CHURN = pd.read_csv("/home/alice/churn.csv")\n'


def test_a_text_file_without_a_patch_is_read_whole_and_its_findings_reach_the_check_run(
    system: LocalSystem,
) -> None:
    system.sim.add_installation(1, account="octo-org")
    repo = system.sim.add_repo(REPO, installation_id=1)
    base = repo.commit(
        "main",
        {"src/table.py": TABLE.replace("0123456789", "9876543210"), "src/small.py": "A = 1\n"},
        message="Tables",
        date=datetime.now(UTC) - timedelta(days=1),
    )
    repo.commit(
        "load", {"src/table.py": TABLE + LOADS, "src/small.py": "A = 2\n"}, parent=base, message="Load"
    )
    pr = repo.open_pull_request("load", "main", title="Load churn", body="Loads the table.", user="alice")
    files = {f.filename: f for f in pr.files()}
    assert files["src/table.py"].patch.text is None and files["src/small.py"].patch.text is not None
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number))
    system.run_jobs()

    [run] = system.sim.check_runs(REPO, pr.head_sha)
    assert run["status"] == "completed"
    assert "src/table.py" not in run["output"]["summary"].partition("### Files not analysed")[2]
    found = [(a["path"], a["start_line"], a["title"]) for a in run["output"]["annotations"]]
    assert ("src/table.py", TABLE.count("\n") + 1, "hardcoded-path (high)") in found, found
    assert all(c["path"] != "src/table.py" for c in system.sim.review_comments(REPO, pr.number)), (
        "no line of a diff GitHub does not show can carry a comment"
    )
    assert not system.sim.internal_errors
