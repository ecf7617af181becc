"""Webhook delivery: signing, headers, recording, the deliveries API and redelivery."""

from __future__ import annotations

import json

import httpx
import pytest
from githubkit.webhooks import verify

from ghsim import PullRequest, Repo, SimulatedGitHub, payloads

from .conftest import REPO, Receiver, open_pr


@pytest.fixture
def pr(repo: Repo) -> PullRequest:
    return open_pr(repo, {"a.py": "a = 1\n"}, {"a.py": "a = 2\n"}, title="Tune", body="Please review")


def test_delivery_is_signed_and_carries_githubs_headers(
    sim: SimulatedGitHub, pr: PullRequest, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    sim.webhook_url = url
    response = sim.deliver("pull_request", payloads.pull_request(sim, REPO, 1, "opened"))
    assert response.status_code == 200
    [got] = target.received
    assert verify("s3cret", got.body, got.headers["x-hub-signature-256"])
    assert got.headers["x-hub-signature"].startswith("sha1=")
    assert got.headers["x-github-event"] == "pull_request"
    assert len(got.headers["x-github-delivery"]) == 36
    assert got.headers["user-agent"].startswith("GitHub-Hookshot/")
    assert got.headers["content-type"] == "application/json"
    assert got.headers["x-github-hook-installation-target-type"] == "integration"
    assert got.headers["x-github-hook-installation-target-id"] == "1"
    assert json.loads(got.body)["pull_request"]["head"]["sha"] == pr.head_sha


def test_exact_bytes_are_sent_and_signed(sim: SimulatedGitHub, receiver: tuple[Receiver, str]) -> None:
    target, url = receiver
    raw = b'{"action": "created",  "zen":"spaces kept"}'
    sim.deliver("ping", raw, delivery_id="11111111-2222-3333-4444-555555555555", url=url)
    assert target.received[0].body == raw
    assert target.received[0].headers["x-github-delivery"] == "11111111-2222-3333-4444-555555555555"
    assert verify("s3cret", raw, target.received[0].headers["x-hub-signature-256"])


def test_failed_delivery_is_recorded_and_can_be_redelivered_over_the_api(
    sim: SimulatedGitHub, pr: PullRequest, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    sim.webhook_url = url
    target.status = 503
    sim.deliver("pull_request", payloads.pull_request(sim, REPO, 1, "opened"))
    app = sim.client(None)
    [item] = app.rest.apps.list_webhook_deliveries().parsed_data
    assert (item.status_code, item.status, item.event, item.action) == (
        503,
        "Invalid HTTP Response: 503",
        "pull_request",
        "opened",
    )
    assert item.installation_id == 1 and item.repository_id == pr.repo.id and item.redelivery is False
    target.status = 200
    assert app.rest.apps.redeliver_webhook_delivery(item.id).status_code == 202
    assert target.received[1].body == target.received[0].body
    assert target.received[1].headers["x-github-delivery"] == item.guid
    latest = app.rest.apps.list_webhook_deliveries().parsed_data[0]
    assert latest.redelivery is True and latest.status == "OK" and latest.guid == item.guid
    detail = app.rest.apps.get_webhook_delivery(latest.id).parsed_data
    assert detail.request.headers is not None


def test_deliveries_list_uses_cursor_pagination(sim: SimulatedGitHub, receiver: tuple[Receiver, str]) -> None:
    _, url = receiver
    sim.webhook_url = url
    for i in range(5):
        sim.deliver("ping", {"zen": str(i)})
    app = sim.client(None)
    first = app.rest.apps.list_webhook_deliveries(per_page=2)
    assert 'rel="next"' in first.headers["link"] and "cursor=v1_" in first.headers["link"]
    everything = list(app.rest.paginate(app.rest.apps.list_webhook_deliveries, per_page=2))
    assert len(everything) == 5 and len({d.id for d in everything}) == 5


def test_unreachable_bot_is_recorded_not_retried(sim: SimulatedGitHub) -> None:
    with pytest.raises(httpx.TransportError):
        sim.deliver("ping", {"zen": "z"}, url="http://127.0.0.1:9/webhook")
    [delivery] = sim.deliveries
    assert delivery.status == "failed to connect to host" and delivery.status_code == 0
    assert sim.redeliver(delivery.guid) is None
    assert len(sim.deliveries) == 2
