"""`GitHubAppPort` against GitHub: what the App asks as itself (a JWT), not as one of its installations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlparse

from githubkit.exception import RequestFailed

from workers.port import PAGE_SIZE, DeliveryAttempt, Installation
from workers.tokens import InstallationTokens


class AppGateway:
    def __init__(self, tokens: InstallationTokens) -> None:
        self._app = tokens.app_client()

    def __enter__(self) -> AppGateway:
        self._app.__enter__()  # type: ignore[no-untyped-call]  # githubkit leaves __enter__ unannotated
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._app.__exit__(kind, exc, trace)

    def list_installations(self, page: int) -> list[Installation]:
        listed = self._app.rest.apps.list_installations(per_page=PAGE_SIZE, page=page).parsed_data
        return [Installation(item.id, item.suspended_at is not None) for item in listed]

    def list_delivery_attempts(self, since: datetime) -> Iterator[DeliveryAttempt]:
        """Every attempt to deliver a webhook since `since`, newest first; GitHub pages them by cursor."""
        cursor: str | None = None
        while True:
            after: dict[str, Any] = {"cursor": cursor} if cursor else {}
            response = self._app.rest.apps.list_webhook_deliveries(per_page=PAGE_SIZE, **after)
            page = response.parsed_data
            for item in page:
                if item.delivered_at >= since:
                    yield DeliveryAttempt(item.guid, item.id, 200 <= item.status_code < 300)
            if not page or page[-1].delivered_at < since:
                return
            following = response.raw_response.links.get("next", {}).get("url")
            cursor = parse_qs(urlparse(following).query).get("cursor", [None])[0] if following else None
            if not cursor:
                return

    def redeliver(self, delivery_id: int) -> int | None:
        try:
            self._app.rest.apps.redeliver_webhook_delivery(delivery_id)
        except RequestFailed as exc:
            return exc.response.status_code
        return None
