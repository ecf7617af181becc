"""The HTTP front: GitHub's cross-cutting behaviour and the uvicorn thread.

``FrontEnd`` is raw ASGI middleware applying, in GitHub's order: latency,
injected faults, credential check, rate limiting, then the route (an
``applied`` fault runs the route first and then loses its answer); it stamps
every response with GitHub's headers and records the call before the last
body byte leaves, so a client that got its answer always finds it in
``sim.calls``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ghsim import exchanges, versions
from ghsim.errors import ApiError, error_body, not_found
from ghsim.faults import PRIMARY_MESSAGE, RATE_LIMIT_DOC, Fault
from ghsim.ratelimit import Bucket
from ghsim.routing import JSON_TYPE, render_error
from ghsim.util import request_id

if TYPE_CHECKING:
    from ghsim.simulator import SimulatedGitHub

log = logging.getLogger("ghsim")
Scope = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One request as the simulator saw it (faulted ones included)."""

    method: str
    path: str
    query: str
    status: int
    timestamp: float
    duration: float
    installation_id: int | None
    auth: str
    fault: bool
    request_id: str


def build_app(sim: SimulatedGitHub) -> FrontEnd:
    from ghsim.routes import ENDPOINT_SETS
    from ghsim.routes.manifests import web_routes
    from ghsim.routing import build_routes

    async def http_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException) and exc.status_code not in (404, 405):
            return render_error(ApiError(exc.status_code, str(exc.detail)))
        return render_error(not_found())

    router = Starlette(
        routes=[*build_routes(sim, ENDPOINT_SETS), *web_routes(sim)],
        exception_handlers={HTTPException: http_error},
    )
    return FrontEnd(router, sim)


def _json(status: int, body: Any, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    return status, json.dumps(body, separators=(",", ":")).encode(), headers


class FrontEnd:
    def __init__(self, app: Any, sim: SimulatedGitHub) -> None:
        self.app = app
        self.sim = sim

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sim = self.sim
        started_wall, started = time.time(), time.monotonic()
        method, path = scope["method"], scope["path"]
        rid = request_id()
        if sim.latency > 0:
            await asyncio.sleep(sim.latency)
        headers = Headers(scope=scope)
        identity = sim.authority.identify(headers.get("authorization"))
        requested = headers.get(versions.HEADER)
        version = versions.select(requested)
        scope.setdefault("state", {})["identity"] = identity
        scope["state"]["api_version"] = version or versions.DEFAULT
        resource = "graphql" if path.rstrip("/") == "/graphql" else "core"
        key = sim.bucket_key(identity, resource)
        fault = sim.faults.match(method, path)
        lost = fault is not None and fault.applied
        if fault is not None and fault.delay > 0 and not lost:
            await asyncio.sleep(fault.delay)

        canned: tuple[int, bytes, dict[str, str]] | None = None
        bucket: Bucket
        if fault is not None and fault.status is not None and not lost:
            bucket = sim.limiter.peek(key)
            canned = _json(*fault.response(rid, identity.installation_id))
        elif version is None:
            bucket = sim.limiter.peek(key)
            canned = _json(400, versions.unsupported(requested or ""), {})
        elif identity.kind == "invalid":
            bucket = sim.limiter.peek(key)
            canned = _json(401, error_body(401, identity.error), {})
        else:
            bucket, allowed = sim.limiter.take(key)
            if not allowed:
                message = (
                    PRIMARY_MESSAGE.format(inst=identity.installation_id)
                    if identity.installation_id is not None
                    else "API rate limit exceeded."
                )
                canned = _json(403, error_body(403, message, doc=RATE_LIMIT_DOC), {})
            else:
                limited = sim.secondary.charge(identity, method, path, rid)
                if limited is not None:
                    canned = _json(*limited)
        scope["state"]["bucket"] = bucket
        stamp = {
            "x-github-request-id": rid,
            "x-github-api-version-selected": version or versions.DEFAULT,
            "x-github-media-type": "github.v3; format=json",
            "x-content-type-options": "nosniff",
            "x-frame-options": "deny",
        }
        status_seen = 0
        recorded = False
        watchers = (*sim.observers, *exchanges.observers())
        tape = _Tape(headers) if watchers else None
        if tape is not None:
            receive = tape.receiving(receive)

        def record() -> None:
            nonlocal recorded
            if recorded:
                return
            recorded = True
            injected = fault is not None and fault.status is not None
            sim.record(
                Call(
                    method,
                    path,
                    scope.get("query_string", b"").decode(),
                    status_seen,
                    started_wall,
                    time.monotonic() - started,
                    identity.installation_id,
                    identity.kind,
                    injected,
                    rid,
                )
            )
            if tape is not None:
                exchange = tape.exchange(
                    method,
                    path,
                    scope.get("query_string", b"").decode(),
                    status_seen,
                    injected,
                    injected and fault is not None and fault.body is not None,
                )
                for watcher in watchers:
                    watcher(exchange)

        async def stamped_send(message: MutableMapping[str, Any]) -> None:
            nonlocal status_seen
            if message["type"] == "http.response.start":
                status_seen = message["status"]
                # The route may have charged more (a GraphQL query's cost):
                # the headers show the bucket as it is now.
                extra = {**scope["state"]["bucket"].headers(resource), **stamp}
                if canned is not None:
                    extra.update(canned[2])
                names = {k.lower() for k in extra}
                kept = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in names]
                message = {**message, "headers": kept + [(k.encode(), v.encode()) for k, v in extra.items()]}
                if tape is not None:
                    tape.response_headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
            elif message["type"] == "http.response.body":
                if tape is not None:
                    tape.response_body.append(message.get("body", b""))
                if not message.get("more_body", False):
                    record()
            await send(message)

        try:
            if canned is None and lost and fault is not None:
                canned = await self._lose_answer(
                    fault, scope, receive, stamped_send, rid, identity.installation_id
                )
            if canned is not None:
                if tape is not None and not tape.request_complete:
                    await _drain(receive)
                status, body, _ = canned
                response = Response(body, status, media_type=JSON_TYPE)
                await response(scope, receive, stamped_send)
            elif not lost:
                await self.app(scope, receive, stamped_send)
        finally:
            record()

    async def _lose_answer(
        self, fault: Fault, scope: Scope, receive: Any, send: Any, rid: str, installation_id: int | None
    ) -> tuple[int, bytes, dict[str, str]] | None:
        """Carries the request out, then answers the fault's status instead (returned for the caller
        to send) or, with no status, sends the real answer only after the fault's delay."""
        held: list[MutableMapping[str, Any]] = []

        async def hold(message: MutableMapping[str, Any]) -> None:
            held.append(message)

        await self.app(scope, receive, hold)
        if fault.delay > 0:
            await asyncio.sleep(fault.delay)
        if fault.status is not None:
            return _json(*fault.response(rid, installation_id))
        for message in held:
            await send(message)
        return None


async def _drain(receive: Any) -> None:
    """Reads a request's body that no route will read, so an observer sees what was sent."""
    while True:
        message = await receive()
        if message.get("type") != "http.request" or not message.get("more_body", False):
            return


class _Tape:
    """What an observed exchange carried, gathered as the request is read and the answer sent."""

    def __init__(self, headers: Headers) -> None:
        self.request_headers = {k.lower(): v for k, v in headers.items()}
        self.request_body: list[bytes] = []
        self.response_headers: dict[str, str] = {}
        self.response_body: list[bytes] = []
        # Once the body is read (by the route, or by a fault that carried the request out), a further
        # receive() waits for the client to hang up: draining then would hold the answer until it times out.
        self.request_complete = False

    def receiving(self, receive: Any) -> Any:
        async def taped() -> Any:
            message = await receive()
            if message.get("type") == "http.request":
                self.request_body.append(message.get("body", b""))
                self.request_complete = not message.get("more_body", False)
            return message

        return taped

    def exchange(
        self, method: str, path: str, query: str, status: int, injected: bool, scripted: bool
    ) -> exchanges.Exchange:
        return exchanges.Exchange(
            method,
            path,
            query,
            self.request_headers,
            b"".join(self.request_body),
            status,
            self.response_headers,
            b"".join(self.response_body),
            injected,
            scripted,
        )


class _PromptServer(uvicorn.Server):
    """uvicorn polls its exit flag every 100 ms and sleeps on shutdown; a test suite pays that per sim."""

    _wake: asyncio.Event | None = None
    _loop: asyncio.AbstractEventLoop | None = None

    async def main_loop(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Close listeners and idle connections without uvicorn's fixed 100 ms grace sleep."""
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        for server in self.servers:
            await server.wait_closed()

    def wake(self) -> None:
        if self._loop is not None and self._wake is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)


class ServerThread:
    """uvicorn on a pre-bound loopback socket, so the port is known before start.

    The socket is created with an explicit ``IPPROTO_TCP``: asyncio only sets
    TCP_NODELAY on accepted connections whose proto says TCP, and without it
    every keep-alive response stalls 40 ms on Nagle + delayed ACK.
    """

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.host, self.port = self.sock.getsockname()[:2]
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            server_header=False,
            date_header=True,
            timeout_keep_alive=30,
        )
        self.server = _PromptServer(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, name=f"ghsim-{self.port}", daemon=True
        )

    def start(self, timeout: float = 10.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("ghsim server failed to start")
            time.sleep(0.01)

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.server.force_exit = True
        self.server.wake()
        if self.thread.is_alive():
            self.thread.join(timeout)
        self.sock.close()
