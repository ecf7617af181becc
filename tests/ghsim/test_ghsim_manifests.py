"""The simulator's App-manifest flow follows GitHub's rules: one code, used once, within the hour."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from githubkit import AppAuthStrategy, GitHub
from githubkit.cache import MemCacheStrategy
from githubkit.exception import RequestFailed

from ghsim import SimulatedGitHub, payloads

MANIFEST = {
    "name": "Debt Watch",
    "url": "https://example.com/debt-watch",
    "description": "Watches debt.",
    "hook_attributes": {"url": "https://hooks.example.com/webhook"},
    "redirect_url": "https://setup.example.com/callback?from=github",
    "default_permissions": {"checks": "write", "contents": "read"},
    "default_events": ["pull_request", "check_run"],
}


@pytest.fixture
def sim() -> Iterator[SimulatedGitHub]:
    with SimulatedGitHub(app_id=77, webhook_secret="before") as github:
        yield github
        assert not github.internal_errors


def post_form(
    sim: SimulatedGitHub, manifest: Any, path: str = "/settings/apps/new?state=s1"
) -> httpx.Response:
    text = manifest if isinstance(manifest, str) else json.dumps(manifest)
    return httpx.post(f"{sim.url}{path}", data={"manifest": text}, timeout=10)


def code_from(redirect: httpx.Response) -> str:
    assert redirect.status_code == 302, redirect.text
    return str(httpx.URL(redirect.headers["location"]).params["code"])


def convert(sim: SimulatedGitHub, code: str) -> httpx.Response:
    return httpx.post(f"{sim.url}/app-manifests/{code}/conversions", timeout=10)


def test_the_form_redirects_with_a_code_and_the_state_it_was_given(sim: SimulatedGitHub) -> None:
    redirect = post_form(sim, MANIFEST)
    location = httpx.URL(redirect.headers["location"])
    assert (location.scheme, location.host, location.path) == ("https", "setup.example.com", "/callback")
    assert location.params["from"] == "github" and location.params["state"] == "s1"
    assert len(location.params["code"]) == 40


def test_the_conversion_hands_over_an_app_whose_key_and_secret_work(sim: SimulatedGitHub) -> None:
    converted = convert(sim, code_from(post_form(sim, MANIFEST, "/organizations/acme/settings/apps/new")))
    assert converted.status_code == 201
    app = converted.json()
    assert app["id"] == sim.app_id != 77
    assert (app["slug"], app["name"], app["description"]) == ("debt-watch", "Debt Watch", "Watches debt.")
    assert app["owner"]["login"] == "acme" and app["owner"]["type"] == "Organization"
    assert app["permissions"] == {"metadata": "read", "checks": "write", "contents": "read"}
    assert app["events"] == ["check_run", "pull_request"]

    strategy = AppAuthStrategy(app["id"], app["pem"])
    with GitHub(strategy, base_url=sim.url, cache_strategy=MemCacheStrategy(), http_cache=False) as github:
        assert github.rest.apps.get_authenticated().parsed_data.slug == "debt-watch"
        sim.add_installation(5, "acme")
        assert github.rest.apps.create_installation_access_token(5).status_code == 201

    assert sim.webhook_url == "https://hooks.example.com/webhook"
    body = b'{"zen":"x"}'
    signed = sim.webhooks.deliver("ping", body, url=f"{sim.url}/nowhere").request.headers
    expected = hmac.new(app["webhook_secret"].encode(), body, hashlib.sha256).hexdigest()
    assert signed["X-Hub-Signature-256"] == f"sha256={expected}"
    assert payloads.ping(sim)["hook"]["app_id"] == app["id"]


def test_the_key_of_the_app_before_the_registration_no_longer_verifies(sim: SimulatedGitHub) -> None:
    before = sim.private_key_pem
    convert(sim, code_from(post_form(sim, MANIFEST)))
    strategy = AppAuthStrategy(sim.app_id, before)
    with (
        GitHub(strategy, base_url=sim.url, cache_strategy=MemCacheStrategy(), http_cache=False) as github,
        pytest.raises(RequestFailed) as refused,
    ):
        github.rest.apps.get_authenticated()
    assert refused.value.response.status_code == 401


def test_a_code_works_once(sim: SimulatedGitHub) -> None:
    code = code_from(post_form(sim, MANIFEST))
    assert convert(sim, code).status_code == 201
    again = convert(sim, code)
    assert again.status_code == 404 and again.json()["message"] == "Not Found"


def test_an_unknown_code_is_not_found(sim: SimulatedGitHub) -> None:
    assert convert(sim, "0" * 40).status_code == 404


def test_a_code_past_its_lifetime_is_not_found(sim: SimulatedGitHub) -> None:
    sim.manifest_codes.lifetime = timedelta(0)
    assert convert(sim, code_from(post_form(sim, MANIFEST))).status_code == 404


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("{not json", "Invalid GitHub App configuration: the manifest is not JSON"),
        ([1, 2], "Invalid GitHub App configuration: the manifest must be a JSON object"),
        ({**MANIFEST, "url": ""}, "Invalid GitHub App configuration: url can't be blank"),
        (
            {**MANIFEST, "hook_attributes": {}},
            "Invalid GitHub App configuration: hook_attributes.url can't be blank",
        ),
    ],
)
def test_an_invalid_manifest_creates_nothing(sim: SimulatedGitHub, manifest: Any, message: str) -> None:
    answer = post_form(sim, manifest)
    assert (answer.status_code, answer.text) == (422, message)
    assert sim.app_id == 77


def test_a_registration_after_installations_exist_is_refused(sim: SimulatedGitHub) -> None:
    sim.add_installation(1, "octo-org")
    answer = post_form(sim, MANIFEST)
    assert answer.status_code == 422 and "before adding installations" in answer.text
    assert sim.app_id == 77
