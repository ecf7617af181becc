"""Recursive tree listings as GitHub gives them.

Any `recursive` value recurses, and a long listing is cut short.
"""

from __future__ import annotations

from typing import Any

from ghsim import Repo, SimulatedGitHub


def test_a_recursive_tree_past_the_entry_limit_is_cut_short_and_says_so(
    sim: SimulatedGitHub, repo: Repo, gh: Any
) -> None:
    sha = repo.commit("main", {"a/one.py": "1\n", "a/two.py": "2\n", "b.py": "3\n"})
    whole = gh.rest.git.get_tree("octo-org", "ml-repo", sha, recursive="1").parsed_data
    assert [item.path for item in whole.tree] == [
        "a",
        "a/one.py",
        "a/two.py",
        "b.py",
    ] and whole.truncated is False

    sim.tree_entry_limit = 3
    cut = gh.rest.git.get_tree("octo-org", "ml-repo", sha, recursive="false").parsed_data
    assert [item.path for item in cut.tree] == ["a", "a/one.py", "a/two.py"] and cut.truncated is True
    top = gh.rest.git.get_tree("octo-org", "ml-repo", sha).parsed_data
    assert [item.path for item in top.tree] == ["a", "b.py"] and top.truncated is False
