"""GitHub's secondary rate limit arising on its own under a sustained burst of writes.

It is waited out, and nothing is written twice.

No fault is injected here: the simulator counts content-creating requests
as GitHub does, only over a shorter window (`window_scale`) and with a lower
ceiling, so a few reviews in a row are a sustained burst.
"""

from __future__ import annotations

from ghsim import payloads
from tests.reliability.conftest import SystemFactory, open_small_pr
from tests.reliability.test_faults import assert_no_duplicate_comments, calls, only_run

REPO = "octo-org/churn"
PRS = 3


def test_a_burst_of_reviews_meets_githubs_secondary_limit_waits_it_out_and_writes_nothing_twice(
    make_system: SystemFactory,
) -> None:
    system = make_system(retry_attempts=4)
    system.sim.secondary.per_minute = 2
    # A two-second "minute": two reviews write three times within one.
    system.sim.secondary.window_scale = 1 / 30
    prs = [open_small_pr(system.sim, REPO, 1, f"tune-{n}", salt=n) for n in range(PRS)]
    for pr in prs:
        assert (
            system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number)).status_code
            == 202
        )
    system.run_jobs()

    assert system.sim.secondary.fired >= 1, "the burst went past the limit"
    refused = [call for call in system.sim.calls if call.status == 403]
    assert refused and all(call.method == "POST" for call in refused)
    for call in refused:
        retried = [
            later
            for later in calls(system, "POST", f"^{call.path}$")
            if later.timestamp > call.timestamp and later.status in (200, 201)
        ]
        assert retried, f"{call.path} was sent again"
        assert retried[0].timestamp - call.timestamp >= 0.9, (
            "the answer's retry-after (at least 1 s) was waited out"
        )
    for pr in prs:
        run = only_run(system, pr.head_sha)
        assert (run["status"], run["conclusion"]) == ("completed", "failure")
        assert len(system.sim.reviews(REPO, pr.number)) == 1
        assert_no_duplicate_comments(system, pr.number)
    assert not system.sim.internal_errors
