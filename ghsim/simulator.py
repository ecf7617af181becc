"""``SimulatedGitHub``: the one object tests, demos and benchmarks hold.

It owns the world state, credentials, faults, rate limits, webhook sender
and the HTTP server, and offers inspection helpers that return exactly what
the REST API would show, so assertions use GitHub's own field names.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from datetime import timedelta
from typing import Any, Literal

import httpx

from ghsim.auth import Authority, Identity, generate_key_pair
from ghsim.exchanges import Observer
from ghsim.faults import Faults
from ghsim.graphql import GraphQLService
from ghsim.manifests import ManifestCodes
from ghsim.models import Installation, IssueComment, User
from ghsim.ratelimit import Bucket, BucketKey, RateLimiter
from ghsim.repository import Repo
from ghsim.secondary import SecondaryLimits
from ghsim.server import Call, ServerThread, build_app
from ghsim.shapes import Shapes
from ghsim.state import PERMISSION_LEVELS, State
from ghsim.util import now
from ghsim.webhooks import Delivery, WebhookSender

log = logging.getLogger("ghsim")

DEFAULT_PERMISSIONS = {
    "checks": "write",
    "contents": "read",
    "issues": "write",
    "metadata": "read",
    "pull_requests": "write",
}
DEFAULT_EVENTS = ["check_run", "check_suite", "issue_comment", "pull_request", "pull_request_review_comment"]

_KEY_LOCK = threading.Lock()
_KEY_PAIR: tuple[str, str] | None = None


def _shared_key_pair() -> tuple[str, str]:
    """RSA generation costs ~100 ms; one pair per process keeps big suites fast."""
    global _KEY_PAIR
    with _KEY_LOCK:
        if _KEY_PAIR is None:
            _KEY_PAIR = generate_key_pair()
        return _KEY_PAIR


class SimulatedGitHub:
    """A GitHub API + webhook source on ``127.0.0.1:<free port>``.

    The port is bound at construction, so ``url`` is valid before ``start()``.
    """

    def __init__(
        self,
        app_id: int = 1,
        webhook_secret: str = "s3cret",
        webhook_url: str | None = None,
        latency: float = 0.0,
        *,
        app_slug: str = "mldebt",
        app_name: str = "mldebt",
        permissions: dict[str, str] | None = None,
        events: list[str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        fresh_key: bool = False,
    ) -> None:
        self.app_id = app_id
        self.app_slug = app_slug
        self.latency = latency
        # GitHub cuts a recursive tree listing at 100,000 entries or 7 MB of JSON and flags it `truncated`.
        self.tree_entry_limit = 100_000
        self.tree_size_limit = 7 * 1024 * 1024
        self.private_key_pem, self.public_key_pem = generate_key_pair() if fresh_key else _shared_key_pair()
        self.state = State(
            app_id,
            app_slug,
            app_name,
            dict(permissions or DEFAULT_PERMISSIONS),
            list(events or DEFAULT_EVENTS),
        )
        self.authority = Authority(app_id, self.public_key_pem)
        self.faults = Faults()
        self.limiter = RateLimiter()
        self.secondary = SecondaryLimits()
        self.observers: list[Observer] = []
        self.webhooks = WebhookSender(webhook_secret, app_id, webhook_url)
        self.manifest_codes = ManifestCodes()
        self.graphql = GraphQLService(self)
        self.internal_errors: list[str] = []
        self._calls: list[Call] = []
        self._calls_lock = threading.Lock()
        self._server = ServerThread(build_app(self), host, port)
        self.url = f"http://{self._server.host}:{self._server.port}"
        self.shapes = Shapes(self.state, self.url)
        self._running = False

    def start(self) -> SimulatedGitHub:
        if not self._running:
            self._server.start()
            self._running = True
        return self

    def stop(self) -> None:
        if self._running:
            self._server.stop()
            self._running = False

    def __enter__(self) -> SimulatedGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def webhook_url(self) -> str | None:
        return self.webhooks.url

    @webhook_url.setter
    def webhook_url(self, value: str | None) -> None:
        self.webhooks.url = value

    @property
    def webhook_secret(self) -> str:
        return self.webhooks.secret

    def client(self, installation_id: int | None = 1, **options: Any) -> Any:
        """A githubkit ``GitHub`` for this sim: App JWT auth when ``installation_id`` is None.

        It gets a private token cache: githubkit's default cache is process-wide
        and keyed only by app id + installation id, so tokens minted by one
        simulator would otherwise leak into clients of the next one.
        """
        from githubkit import AppAuthStrategy, AppInstallationAuthStrategy, GitHub
        from githubkit.cache import MemCacheStrategy

        strategy: Any = (
            AppAuthStrategy(self.app_id, self.private_key_pem)
            if installation_id is None
            else AppInstallationAuthStrategy(self.app_id, self.private_key_pem, installation_id)
        )
        options.setdefault("cache_strategy", MemCacheStrategy())
        options.setdefault("http_cache", False)
        return GitHub(strategy, base_url=self.url, **options)

    def add_installation(
        self,
        installation_id: int = 1,
        account: str = "octo-org",
        account_type: Literal["User", "Organization"] = "Organization",
        permissions: dict[str, str] | None = None,
    ) -> Installation:
        return self.state.add_installation(installation_id, account, account_type, permissions)

    def suspend_installation(self, installation_id: int) -> None:
        """Token requests then fail with 403, as for a suspended App."""
        with self.state.lock:
            self.state.installations[installation_id].suspended_at = now()

    def add_repo(
        self, full_name: str, installation_id: int = 1, default_branch: str = "main", private: bool = False
    ) -> Repo:
        return self.state.add_repo(full_name, installation_id, default_branch, private)

    def repo(self, full_name: str) -> Repo:
        found = self.state.repo(full_name)
        if found is None:
            raise KeyError(full_name)
        return found

    def user(self, login: str, kind: Literal["User", "Bot", "Organization"] = "User") -> User:
        return self.state.user(login, kind)

    def set_permission(self, full_name: str, user: str, permission: str) -> None:
        """Collaborator role for the permission API: admin|maintain|write|triage|read|none."""
        if permission not in PERMISSION_LEVELS:
            raise ValueError(f"permission must be one of {PERMISSION_LEVELS}")
        with self.state.lock:
            self.state.user(user)
            self.repo(full_name).permissions[user.lower()] = permission

    def add_issue_comment(self, full_name: str, number: int, body: str, user: str = "alice") -> IssueComment:
        """A human's comment on a PR conversation (exists before its webhook is sent)."""
        with self.state.lock:
            return self.state.add_issue_comment(self.repo(full_name), number, body, self.state.user(user))

    def thread_resolved_by(self, comment_id: int) -> str | None:
        """Who resolved the review thread that comment `comment_id` opened (None while it is open)."""
        with self.state.lock:
            user = self.state.resolved_threads.get(comment_id)
            return user.login if user is not None else None

    @property
    def token_lifetime(self) -> timedelta:
        return self.authority.token_lifetime

    @token_lifetime.setter
    def token_lifetime(self, value: timedelta) -> None:
        self.authority.token_lifetime = value

    def expire_tokens(self, token: str | None = None, installation_id: int | None = None) -> int:
        """Make issued installation tokens invalid now (all, one token, or one installation's)."""
        return self.authority.expire(token, installation_id)

    def bucket_key(self, identity: Identity, resource: str) -> BucketKey:
        if identity.kind == "installation":
            return ("installation", identity.installation_id, resource)
        if identity.kind == "app":
            return ("app", self.app_id, resource)
        return ("anonymous", "127.0.0.1", resource)

    def set_rate_limit(
        self,
        installation_id: int,
        remaining: int,
        *,
        limit: int | None = None,
        reset_in: int = 3600,
        resource: Literal["core", "graphql"] = "core",
    ) -> None:
        """Drain (or refill) an installation's bucket; at 0 requests get GitHub's 403."""
        self.limiter.set(("installation", installation_id, resource), remaining, limit, reset_in)

    def rate_limit(self, installation_id: int, resource: Literal["core", "graphql"] = "core") -> Bucket:
        return self.limiter.peek(("installation", installation_id, resource))

    def rate_limit_snapshot(self, identity: Identity, resource: str) -> Bucket:
        return self.limiter.peek(self.bucket_key(identity, resource))

    def record(self, call: Call) -> None:
        with self._calls_lock:
            self._calls.append(call)

    def report_internal_error(self, error: BaseException) -> None:
        """Simulator bugs surface as 500s and are kept here so tests can assert there were none."""
        text = "".join(traceback.format_exception(error))
        log.error("ghsim internal error:\n%s", text)
        self.internal_errors.append(text)

    @property
    def calls(self) -> list[Call]:
        with self._calls_lock:
            return list(self._calls)

    def count_calls(
        self, method: str | None = None, path_regex: str | None = None, status: int | None = None
    ) -> int:
        pattern = re.compile(path_regex) if path_regex else None
        return sum(
            1
            for c in self.calls
            if (method is None or c.method == method.upper())
            and (pattern is None or pattern.search(c.path))
            and (status is None or c.status == status)
        )

    def clear_calls(self) -> None:
        with self._calls_lock:
            self._calls.clear()

    def deliver(
        self,
        event: str,
        payload: dict[str, Any] | bytes,
        delivery_id: str | None = None,
        url: str | None = None,
    ) -> httpx.Response:
        """POST a webhook like GitHub (signed exact bytes, GUID, hook headers); no retries."""
        return self.webhooks.deliver(event, payload, delivery_id, url)

    def redeliver(self, delivery: int | str) -> httpx.Response | None:
        """Re-send a recorded delivery (numeric id or GUID) with ``redelivery: true``."""
        return self.webhooks.redeliver(delivery)

    @property
    def deliveries(self) -> list[Delivery]:
        return list(self.webhooks.deliveries)

    def check_runs(self, repo: str | Repo, head_sha: str | None = None) -> list[dict[str, Any]]:
        """Check runs as the API shows them, plus every annotation under ``output.annotations`` and the
        buttons the run offers under ``actions`` (GitHub shows them on the page, never in the API)."""
        target = self._repo(repo)
        with self.state.lock:
            runs = sorted(
                (
                    r
                    for r in self.state.check_runs.values()
                    if r.repo_id == target.id and (head_sha is None or r.head_sha == head_sha)
                ),
                key=lambda r: r.id,
            )
            out = []
            for run in runs:
                shaped = self.shapes.check_run(run)
                shaped["output"]["annotations"] = [
                    self.shapes.annotation(target, run, a) for a in run.annotations
                ]
                shaped["actions"] = [dict(a) for a in run.actions]
                out.append(shaped)
            return out

    def reviews(self, repo: str | Repo, pr_number: int) -> list[dict[str, Any]]:
        target = self._repo(repo)
        with self.state.lock:
            found = [
                r for r in self.state.reviews.values() if r.repo_id == target.id and r.pr_number == pr_number
            ]
            return [self.shapes.review(r) for r in sorted(found, key=lambda r: r.id)]

    def review_comments(self, repo: str | Repo, pr_number: int) -> list[dict[str, Any]]:
        from ghsim.routes.review_anchors import refresh_comment

        target = self._repo(repo)
        with self.state.lock:
            found = sorted(
                (
                    c
                    for c in self.state.review_comments.values()
                    if c.repo_id == target.id and c.pr_number == pr_number
                ),
                key=lambda c: c.id,
            )
            for comment in found:
                refresh_comment(target, target.pulls[pr_number], comment)
            return [self.shapes.review_comment(c) for c in found]

    def issue_comments(self, repo: str | Repo, number: int) -> list[dict[str, Any]]:
        target = self._repo(repo)
        with self.state.lock:
            found = [
                c for c in self.state.issue_comments.values() if c.repo_id == target.id and c.number == number
            ]
            return [self.shapes.issue_comment(c) for c in sorted(found, key=lambda c: c.id)]

    def reactions(
        self, comment_id: int, kind: Literal["issue_comment", "pull_comment"] = "issue_comment"
    ) -> list[dict[str, Any]]:
        with self.state.lock:
            return [self.shapes.reaction(r) for r in self.state.reactions if r.subject == (kind, comment_id)]

    def _repo(self, repo: str | Repo) -> Repo:
        return repo if isinstance(repo, Repo) else self.repo(repo)
