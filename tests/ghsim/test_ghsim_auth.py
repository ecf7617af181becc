"""App JWT and installation-token rules, driven through githubkit and raw HTTP."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from githubkit.exception import RequestFailed

from ghsim import Repo, SimulatedGitHub
from ghsim.auth import generate_key_pair

from .conftest import REPO


def _jwt(
    sim: SimulatedGitHub,
    iat_offset: int = -60,
    lifetime: int = 600,
    iss: object = "1",
    key: str | None = None,
) -> str:
    iat = int(time.time()) + iat_offset
    return jwt.encode(
        {"iat": iat, "exp": iat + lifetime, "iss": iss}, key or sim.private_key_pem, algorithm="RS256"
    )


def test_token_exchange_through_githubkit(sim: SimulatedGitHub, repo: Repo, app_gh: Any, gh: Any) -> None:
    assert app_gh.rest.apps.get_authenticated().parsed_data.slug == "mldebt"
    installation = app_gh.rest.apps.get_repo_installation("octo-org", "ml-repo").parsed_data
    assert installation.id == 1 and installation.account.login == "octo-org"
    token = app_gh.rest.apps.create_installation_access_token(1).parsed_data
    assert token.token.startswith("ghs_")
    expires = datetime.strptime(token.expires_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=1)
    assert gh.rest.repos.get("octo-org", "ml-repo").parsed_data.full_name == REPO


def test_jwt_signed_with_another_key_is_rejected(sim: SimulatedGitHub, repo: Repo) -> None:
    other_key, _ = generate_key_pair()
    response = httpx.get(f"{sim.url}/app", headers={"Authorization": f"Bearer {_jwt(sim, key=other_key)}"})
    assert response.status_code == 401
    assert response.json()["message"] == "A JSON web token could not be decoded"
    assert "documentation_url" in response.json()


@pytest.mark.parametrize(
    "iat_offset,lifetime,iss",
    [
        (-60, 660, "1"),  # longer than 10 minutes
        (-1200, 600, "1"),  # already expired
        (300, 600, "1"),  # issued in the future beyond the skew
        (-60, 600, "2"),  # another App
    ],
)
def test_bad_jwt_claims_get_401(sim: SimulatedGitHub, iat_offset: int, lifetime: int, iss: str) -> None:
    token = _jwt(sim, iat_offset, lifetime, iss)
    assert httpx.get(f"{sim.url}/app", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_jwt_clock_skew_of_a_minute_is_allowed(sim: SimulatedGitHub) -> None:
    token = _jwt(sim, iat_offset=30, lifetime=540)
    assert httpx.get(f"{sim.url}/app", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_bad_and_expired_installation_tokens_get_bad_credentials(
    sim: SimulatedGitHub, repo: Repo, gh: Any
) -> None:
    response = httpx.get(f"{sim.url}/repos/{REPO}", headers={"Authorization": "token ghs_nope"})
    assert response.status_code == 401
    assert response.json()["message"] == "Bad credentials"
    assert response.headers["content-type"] == "application/json; charset=utf-8"

    gh.rest.repos.get("octo-org", "ml-repo")
    assert sim.expire_tokens(installation_id=1) == 1
    with pytest.raises(RequestFailed) as failure:
        gh.rest.repos.get("octo-org", "ml-repo")
    assert failure.value.response.status_code == 401


def test_missing_credentials_get_401(sim: SimulatedGitHub, repo: Repo) -> None:
    assert httpx.get(f"{sim.url}/repos/{REPO}/pulls/1").status_code == 401


def test_short_token_lifetime_makes_githubkit_refresh(sim: SimulatedGitHub, repo: Repo) -> None:
    sim.token_lifetime = timedelta(seconds=30)
    client = sim.client(1)
    client.rest.repos.get("octo-org", "ml-repo")
    client.rest.repos.get("octo-org", "ml-repo")
    assert sim.count_calls("POST", r"/access_tokens$") == 2


def test_wrong_credential_kind_per_route(sim: SimulatedGitHub, repo: Repo, gh: Any) -> None:
    app = sim.client(None)
    token = app.rest.apps.create_installation_access_token(1).parsed_data.token
    assert httpx.get(f"{sim.url}/app", headers={"Authorization": f"token {token}"}).status_code == 401
    jwt_only = httpx.get(f"{sim.url}/repos/{REPO}", headers={"Authorization": f"Bearer {_jwt(sim)}"})
    assert jwt_only.status_code == 403


def test_tokens_are_scoped_to_their_installation(sim: SimulatedGitHub, repo: Repo) -> None:
    sim.add_installation(2, account="other-org")
    other = sim.add_repo("other-org/secret", installation_id=2)
    other.commit("main", {"a.py": "x = 1\n"})
    client = sim.client(1, auto_retry=False)
    with pytest.raises(RequestFailed) as failure:
        client.rest.repos.get("other-org", "secret")
    assert failure.value.response.status_code == 404


def test_token_narrowed_to_repositories_and_permissions(sim: SimulatedGitHub, repo: Repo) -> None:
    sim.add_repo("octo-org/other", installation_id=1)
    app = sim.client(None, auto_retry=False)
    token = app.rest.apps.create_installation_access_token(
        1, data={"repositories": ["ml-repo"], "permissions": {"contents": "read"}}
    ).parsed_data
    headers = {"Authorization": f"token {token.token}"}
    assert httpx.get(f"{sim.url}/repos/octo-org/other", headers=headers).status_code == 404
    denied = httpx.post(
        f"{sim.url}/repos/{REPO}/check-runs", headers=headers, json={"name": "x", "head_sha": "0"}
    )
    assert denied.status_code == 403
    assert denied.json()["message"] == "Resource not accessible by integration"
    with pytest.raises(RequestFailed) as failure:
        app.rest.apps.create_installation_access_token(1, data={"permissions": {"administration": "write"}})
    assert failure.value.response.status_code == 422


def test_suspended_installation_cannot_get_tokens(sim: SimulatedGitHub, repo: Repo) -> None:
    sim.suspend_installation(1)
    app = sim.client(None, auto_retry=False)
    with pytest.raises(RequestFailed) as failure:
        app.rest.apps.create_installation_access_token(1)
    assert failure.value.response.status_code == 403
