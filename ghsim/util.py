"""Small helpers shared by every module: clock, timestamps, ids."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime


def now() -> datetime:
    """Second-resolution UTC time, because GitHub timestamps have no fractions."""
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime | None) -> str | None:
    """GitHub's timestamp format: ``2024-01-02T03:04:05Z``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def node_id(kind: str, ident: int | str) -> str:
    """Opaque global ids; bots must not parse them, so any stable string will do."""
    return base64.b64encode(f"{kind}:{ident}".encode()).decode().rstrip("=")


def request_id() -> str:
    """Shaped like GitHub's ``x-github-request-id`` (five hex fields)."""
    parts = [
        secrets.token_hex(2),
        secrets.token_hex(2),
        secrets.token_hex(3),
        secrets.token_hex(3),
        secrets.token_hex(4),
    ]
    return ":".join(p.upper() for p in parts)
