"""GitHub's secondary rate limit on content-creating requests, arising on its own.

GitHub allows no more than 80 content-generating requests a minute and 500 an
hour; past that it answers 403 with a ``retry-after`` header, and the request
is not carried out. A bot that writes in bursts meets this without any test
injecting it, so the simulator counts such requests per identity over sliding
windows. ``window_scale`` shrinks both windows (and the ``retry-after`` they
give) so a test can drive a sustained burst past the limit in seconds.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from ghsim.errors import error_body
from ghsim.faults import RATE_LIMIT_DOC, SECONDARY_MESSAGE

if TYPE_CHECKING:
    from ghsim.auth import Identity

PER_MINUTE = 80
PER_HOUR = 500
# Requests sent as POST that create nothing a person sees: tokens, redeliveries, GraphQL reads.
_NOT_CONTENT = re.compile(
    r"^/(app/installations/\d+/access_tokens|app/hook/deliveries/\d+/attempts|graphql)/?$"
)


def creates_content(method: str, path: str) -> bool:
    return method == "POST" and _NOT_CONTENT.match(path) is None


class SecondaryLimits:
    """Sliding-window counts of content-creating requests, one set per identity."""

    def __init__(self) -> None:
        self.per_minute = PER_MINUTE
        self.per_hour = PER_HOUR
        self.window_scale = 1.0
        self.status = 403
        self.enabled = True
        self.fired = 0
        self._sent: dict[tuple[str, object], deque[float]] = {}
        self._lock = threading.Lock()

    def charge(
        self, identity: Identity, method: str, path: str, rid: str
    ) -> tuple[int, dict[str, Any], dict[str, str]] | None:
        """Counts a content-creating request, or returns GitHub's refusal when it is one too many."""
        if (
            not self.enabled
            or identity.kind not in ("installation", "app")
            or not creates_content(method, path)
        ):
            return None
        minute, hour = 60.0 * self.window_scale, 3600.0 * self.window_scale
        key = (identity.kind, identity.installation_id)
        now = time.monotonic()
        with self._lock:
            sent = self._sent.setdefault(key, deque())
            while sent and sent[0] <= now - hour:
                sent.popleft()
            recent = [t for t in sent if t > now - minute]
            if len(recent) >= self.per_minute:
                wait = recent[len(recent) - self.per_minute] + minute - now
            elif len(sent) >= self.per_hour:
                wait = sent[len(sent) - self.per_hour] + hour - now
            else:
                sent.append(now)
                return None
            self.fired += 1
        body = error_body(self.status, SECONDARY_MESSAGE.format(rid=rid), doc=RATE_LIMIT_DOC)
        return self.status, body, {"retry-after": str(max(math.ceil(wait), 1))}

    def reset(self) -> None:
        with self._lock:
            self._sent.clear()
