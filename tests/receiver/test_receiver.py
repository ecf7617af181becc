"""The receiver over real HTTP with a real Redis: who gets in, what is enqueued, and how fast it answers."""

from __future__ import annotations

import json
import socket
import time
import uuid

import httpx
import pytest
from githubkit.webhooks import sign
from redis import Redis
from rq import Queue

import bot.webhook
from bot.app import REDIS_TIMEOUT_SECONDS, create_app
from bot.router import Decision, Delivery, route
from core import keys
from core.settings import Settings, SettingsError
from harness.servers import ThreadedServer
from tests.payloads import load
from tests.receiver.conftest import SECRET


def post(
    url: str,
    event: str,
    body: bytes,
    *,
    guid: str | None = None,
    secret: str = SECRET,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    sent = {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": guid or str(uuid.uuid4()),
        "X-Hub-Signature-256": sign(secret, body, "sha256"),
        "Content-Type": "application/json",
        **(headers or {}),
    }
    return httpx.post(f"{url}/webhook", content=body, headers=sent, timeout=10)


def opened() -> bytes:
    payload = load("pull_request", "opened.payload.json")
    payload["installation"] = {"id": 1}
    return json.dumps(payload).encode()


def queued(redis: Redis) -> int:
    return Queue("mldebt", connection=redis).count


def test_signed_pull_request_is_enqueued_once(receiver: str, redis: Redis) -> None:
    response = post(receiver, "pull_request", opened())
    assert response.status_code == 202 and response.json()["outcome"] == "enqueued"
    assert queued(redis) == 1


def test_bad_signature_is_401_and_nothing_is_enqueued(receiver: str, redis: Redis) -> None:
    response = post(receiver, "pull_request", opened(), secret="wrong")
    assert response.status_code == 401
    assert queued(redis) == 0


def test_missing_signature_is_401(receiver: str, redis: Redis) -> None:
    body = opened()
    response = httpx.post(
        f"{receiver}/webhook",
        content=body,
        headers={"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": "x"},
    )
    assert response.status_code == 401 and queued(redis) == 0


def test_sha1_signature_alone_is_not_accepted(receiver: str, redis: Redis) -> None:
    body = opened()
    headers = {
        "X-GitHub-Event": "pull_request",
        "X-GitHub-Delivery": "x",
        "X-Hub-Signature": sign(SECRET, body, "sha1"),
    }
    assert httpx.post(f"{receiver}/webhook", content=body, headers=headers).status_code == 401


def test_malformed_json_is_400(receiver: str, redis: Redis) -> None:
    response = post(receiver, "pull_request", b"{not json")
    assert response.status_code == 400 and "JSON" in response.json()["detail"]


@pytest.mark.parametrize("event", ["pull_request", "installation", "ping"])
def test_json_that_is_no_object_is_400_for_any_event(receiver: str, redis: Redis, event: str) -> None:
    response = post(receiver, event, b"[1, 2]")
    assert response.status_code == 400 and response.json()["detail"] == "body is not a JSON object"
    assert post(receiver, event, b'{"a": [}').json()["detail"] == "body is not valid JSON"


def test_payload_missing_fields_is_400_and_says_which(receiver: str, redis: Redis) -> None:
    payload = json.loads(opened())
    del payload["pull_request"]["head"]
    response = post(receiver, "pull_request", json.dumps(payload).encode())
    assert response.status_code == 400 and "pull_request.head" in response.json()["detail"]


def test_body_over_limit_is_413_before_it_is_read(redis_url: str, redis: Redis) -> None:
    settings = Settings.from_env(
        {
            "MLDEBT_APP_ID": "1",
            "MLDEBT_WEBHOOK_SECRET": SECRET,
            "REDIS_URL": redis_url,
            "MLDEBT_MAX_BODY_BYTES": "1000",
        }
    )
    with ThreadedServer(create_app(settings)) as server:
        response = post(server.url, "pull_request", b"{" + b" " * 5000 + b"}")
    assert response.status_code == 413


def test_body_over_25_mb_by_default_is_413(receiver: str) -> None:
    body = b'{"x": "' + b"a" * (25 * 1024 * 1024) + b'"}'
    assert post(receiver, "pull_request", body).status_code == 413


def test_unknown_event_is_accepted_and_ignored(receiver: str, redis: Redis) -> None:
    response = post(
        receiver, "installation", json.dumps(load("installation", "created.payload.json")).encode()
    )
    assert response.status_code == 202 and response.json()["outcome"] == "ignored"
    assert queued(redis) == 0


def test_ping_is_answered(receiver: str) -> None:
    response = post(receiver, "ping", json.dumps(load("ping", "with-app_id.payload.json")).encode())
    assert response.status_code == 200


def test_redelivery_of_the_same_guid_is_taken_once(receiver: str, redis: Redis) -> None:
    guid = str(uuid.uuid4())
    first = post(receiver, "pull_request", opened(), guid=guid)
    second = post(receiver, "pull_request", opened(), guid=guid)
    assert first.status_code == 202 and second.status_code == 200
    assert second.json()["outcome"] == "duplicate"
    assert queued(redis) == 1


def test_two_deliveries_of_one_push_make_one_job(receiver: str, redis: Redis) -> None:
    post(receiver, "pull_request", opened())
    post(receiver, "pull_request", opened())
    assert queued(redis) == 1


def test_wrong_content_type_is_refused_clearly(receiver: str) -> None:
    response = post(
        receiver, "pull_request", opened(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 415


def _dead_redis_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_redis_down_is_503_so_github_shows_the_delivery_failed() -> None:
    settings = Settings.from_env(
        {"MLDEBT_APP_ID": "1", "MLDEBT_WEBHOOK_SECRET": SECRET, "REDIS_URL": _dead_redis_url()}
    )
    with ThreadedServer(create_app(settings)) as server:
        assert post(server.url, "pull_request", opened()).status_code == 503
        assert httpx.get(f"{server.url}/readyz").status_code == 503
        assert httpx.get(f"{server.url}/healthz").status_code == 200


def test_a_redis_that_stops_answering_is_503_within_the_deadline() -> None:
    """A Redis that takes connections but never answers (hung, or a black-holed network) holds no delivery
    past the receiver's Redis deadline."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        settings = Settings.from_env(
            {"MLDEBT_APP_ID": "1", "MLDEBT_WEBHOOK_SECRET": SECRET, "REDIS_URL": url}
        )
        with ThreadedServer(create_app(settings)) as server:
            started = time.monotonic()
            assert post(server.url, "pull_request", opened()).status_code == 503
            assert httpx.get(f"{server.url}/readyz", timeout=10).status_code == 503
            assert time.monotonic() - started < 3 * REDIS_TIMEOUT_SECONDS


def test_ready_when_redis_answers(receiver: str) -> None:
    assert httpx.get(f"{receiver}/readyz").json() == {"status": "ready"}


def test_receiver_refuses_to_start_without_a_webhook_secret() -> None:
    with pytest.raises(SettingsError, match="MLDEBT_WEBHOOK_SECRET"):
        Settings.from_env({"MLDEBT_APP_ID": "1"})


def _delivery_count(receiver: str, event: str, outcome: str) -> float:
    """The counter as `/metrics` shows it (process-wide, so tests compare before and after)."""
    series = f'mldebt_deliveries_total{{event="{event}",outcome="{outcome}"}} '
    lines = [line for line in httpx.get(f"{receiver}/metrics").text.splitlines() if line.startswith(series)]
    return float(lines[0].removeprefix(series)) if lines else 0.0


def test_metrics_count_deliveries_by_event_and_outcome(receiver: str) -> None:
    before = _delivery_count(receiver, "pull_request", "enqueued")
    post(receiver, "pull_request", opened())
    assert _delivery_count(receiver, "pull_request", "enqueued") == before + 1


def test_unsigned_requests_cannot_grow_the_metrics_with_event_names_of_their_own(receiver: str) -> None:
    before = _delivery_count(receiver, "unverified", "unauthorized")
    for made_up in ("made-up-1", "made-up-2", "made-up-3"):
        assert post(receiver, made_up, opened(), secret="wrong").status_code == 401
    assert "made-up" not in httpx.get(f"{receiver}/metrics").text
    assert _delivery_count(receiver, "unverified", "unauthorized") == before + 3


def test_a_job_remembers_the_delivery_that_queued_it_not_a_later_duplicate(
    receiver: str, redis: Redis
) -> None:
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    assert post(receiver, "pull_request", opened(), guid=first).json()["outcome"] == "enqueued"
    assert post(receiver, "pull_request", opened(), guid=second).json()["outcome"] == "duplicate"
    [job_id] = Queue("mldebt", connection=redis).job_ids
    assert redis.get(keys.job_delivery_key(job_id)) == first.encode()


def test_a_wrong_method_on_the_webhook_path_is_405(receiver: str) -> None:
    assert httpx.get(f"{receiver}/webhook").status_code == 405


def test_a_receiver_bug_is_a_500_logged_once_with_its_traceback_and_the_next_delivery_is_taken(
    receiver: str, redis: Redis, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_once(delivery: Delivery) -> Decision:
        monkeypatch.setattr(bot.webhook, "route", route)
        raise RuntimeError("a bug in routing")

    monkeypatch.setattr(bot.webhook, "route", broken_once)
    guid = str(uuid.uuid4())
    response = post(receiver, "pull_request", opened(), guid=guid)
    assert response.status_code == 500 and response.json()["outcome"] == "error"
    [line] = [record for record in caplog.records if getattr(record, "delivery", None) == guid]
    assert line.levelname == "ERROR" and line.exc_info and "a bug in routing" in str(line.exc_info[1])
    assert post(receiver, "pull_request", opened()).json()["outcome"] == "enqueued"
    assert queued(redis) == 1
