"""A simulator whose App is not yet the one `mldebt setup` registers: a different id and webhook secret."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ghsim import SimulatedGitHub

APP_ID_BEFORE = 77
SECRET_BEFORE = "before-setup"


@pytest.fixture
def sim() -> Iterator[SimulatedGitHub]:
    with SimulatedGitHub(app_id=APP_ID_BEFORE, webhook_secret=SECRET_BEFORE) as github:
        yield github
        assert not github.internal_errors
