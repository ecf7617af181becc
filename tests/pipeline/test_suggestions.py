"""One-click fixes end to end: the worker posts suggestions GitHub (the simulator, over HTTP) takes on the
lines they replace, and committing them as the button would makes the next review mark them fixed."""

from __future__ import annotations

from typing import Any

from ghsim import payloads
from harness.seed import HEAD_TRAIN, REPO, seed_pull_request
from harness.system import LocalSystem
from tests.suggestions import apply_suggestion, suggestion_in

PARKED = HEAD_TRAIN.replace(
    "    model.fit(X_train, y_train)\n",
    "    model.fit(X_train, y_train)\n"
    "    # model = LogisticRegression(max_iter=500, class_weight='balanced')\n"
    "    # model.fit(X_train, y_train)\n",
).replace(
    "if __name__",
    "SEED = 7  # mldebt: ignore[config-without-context]\n\n\nif __name__",
)


def _ours(system: LocalSystem, number: int, rule: str) -> list[dict[str, Any]]:
    return [c for c in system.sim.review_comments(REPO, number) if f"`{rule}`**" in c["body"]]


def test_suggestions_land_on_their_lines_and_committing_them_clears_the_findings(system: LocalSystem) -> None:
    repo, pr = seed_pull_request(system.sim)
    repo.push("feature/scaling", {"train.py": PARKED})
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number, "opened"))
    system.run_jobs()

    [dead] = _ours(system, pr.number, "dead-code")
    [bare] = _ours(system, pr.number, "suppression-without-reason")
    lines = PARKED.splitlines()
    first = lines.index("    # model = LogisticRegression(max_iter=500, class_weight='balanced')") + 1
    assert (dead["start_line"], dead["start_side"], dead["line"], dead["side"]) == (
        first,
        "RIGHT",
        first + 1,
        "RIGHT",
    )
    assert suggestion_in(dead["body"]) == []
    stub = suggestion_in(bare["body"])
    assert stub is not None and stub[0].startswith("SEED = 7  # mldebt: ignore[config-without-context] TODO(")
    assert bare["start_line"] is None and lines[bare["line"] - 1].startswith("SEED = 7")

    text = PARKED
    for comment in sorted((dead, bare), key=lambda c: -c["line"]):
        replacement = suggestion_in(comment["body"])
        assert replacement is not None
        text = apply_suggestion(text, comment["start_line"], comment["line"], replacement)
    repo.push("feature/scaling", {"train.py": text})
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number, "synchronize"))
    system.run_jobs()

    after = {c["id"]: c["body"] for c in system.sim.review_comments(REPO, pr.number)}
    assert after[dead["id"]].startswith("✅ **Fixed in")
    assert after[bare["id"]].startswith("✅ **Fixed in")
    assert not system.sim.internal_errors
