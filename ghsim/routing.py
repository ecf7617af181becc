"""How endpoints are declared and run.

Handlers are plain synchronous functions taking a :class:`Ctx`; they run in
a worker thread while holding the state lock, so they can read and mutate
the world without caring about concurrency.  Authentication kind and App
permissions are declared per endpoint and checked here, before the handler.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode

import anyio
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ghsim import versions
from ghsim.auth import Identity
from ghsim.errors import ApiError, not_found
from ghsim.repository import Repo
from ghsim.shapes import Shapes

if TYPE_CHECKING:
    from ghsim.simulator import SimulatedGitHub

AuthKind = Literal["app", "installation", "any"]
JSON_TYPE = "application/json; charset=utf-8"
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 30


@dataclass
class Reply:
    """A non-200 or header-carrying answer; plain dicts/lists mean 200 JSON."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    media_type: str = JSON_TYPE
    after: Callable[[], None] | None = None


@dataclass
class Ctx:
    sim: SimulatedGitHub
    request: Request
    params: dict[str, Any]
    query: QueryParams
    body: Any
    identity: Identity

    @property
    def base_url(self) -> str:
        return self.sim.url

    @property
    def version(self) -> str:
        """The REST API version this request is answered in (the front end refused any other)."""
        return str(self.request.scope["state"].get("api_version", versions.DEFAULT))

    @property
    def shapes(self) -> Shapes:
        return self.sim.shapes.at(self.version)

    def json_body(self) -> dict[str, Any]:
        """The request body as an object; GitHub rejects anything else with 400."""
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise ApiError(400, "Problems parsing JSON")
        return self.body

    def repo(self) -> Repo:
        """The addressed repository, hidden (404) unless this token may see it."""
        full_name = f"{self.params['owner']}/{self.params['repo']}"
        repo = self.sim.state.repo(full_name)
        if repo is None:
            raise not_found()
        if self.identity.kind == "installation":
            token = self.identity.token
            assert token is not None
            if repo.installation_id != token.installation_id:
                raise not_found()
            if token.repository_ids is not None and repo.id not in token.repository_ids:
                raise not_found()
        return repo

    def int_query(self, name: str, default: int) -> int:
        raw = self.query.get(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise ApiError(422, f"Invalid value for parameter '{name}': {raw!r}") from None

    def page(
        self,
        items: list[Any],
        *,
        cap: int | None = None,
        wrap: Callable[[list[Any]], Any] | None = None,
        default_per_page: int = DEFAULT_PER_PAGE,
    ) -> Reply:
        """Page/per_page pagination with GitHub's absolute ``Link`` header."""
        if cap is not None:
            items = items[:cap]
        per_page = min(max(self.int_query("per_page", default_per_page), 1), MAX_PER_PAGE)
        page = max(self.int_query("page", 1), 1)
        chunk = items[(page - 1) * per_page : page * per_page]
        last = max((len(items) + per_page - 1) // per_page, 1)
        links: list[str] = []

        def url(p: int) -> str:
            query = [(k, v) for k, v in self.query.multi_items() if k != "page"]
            query.append(("page", str(p)))
            return f"<{self.base_url}{self.request.url.path}?{urlencode(query)}>"

        if page < last:
            links += [f'{url(page + 1)}; rel="next"', f'{url(last)}; rel="last"']
        if page > 1:
            links = [f'{url(page - 1)}; rel="prev"', *links, f'{url(1)}; rel="first"']
        headers = {"link": ", ".join(links)} if links else {}
        return Reply(wrap(chunk) if wrap else chunk, headers=headers)


Handler = Callable[[Ctx], Any]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    auth: AuthKind
    permission: tuple[str, str] | None


class EndpointSet:
    """Collects endpoints declared with ``@api.get(...)`` style decorators."""

    def __init__(self) -> None:
        self.endpoints: list[Endpoint] = []

    def _add(
        self, method: str, path: str, auth: AuthKind, permission: tuple[str, str] | None
    ) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.endpoints.append(Endpoint(method, path, fn, auth, permission))
            return fn

        return register

    def get(
        self, path: str, auth: AuthKind = "installation", permission: tuple[str, str] | None = None
    ) -> Callable[[Handler], Handler]:
        return self._add("GET", path, auth, permission)

    def post(
        self, path: str, auth: AuthKind = "installation", permission: tuple[str, str] | None = None
    ) -> Callable[[Handler], Handler]:
        return self._add("POST", path, auth, permission)

    def patch(
        self, path: str, auth: AuthKind = "installation", permission: tuple[str, str] | None = None
    ) -> Callable[[Handler], Handler]:
        return self._add("PATCH", path, auth, permission)

    def delete(
        self, path: str, auth: AuthKind = "installation", permission: tuple[str, str] | None = None
    ) -> Callable[[Handler], Handler]:
        return self._add("DELETE", path, auth, permission)


_LEVELS = {"read": 1, "write": 2, "admin": 3}


def _authorise(endpoint: Endpoint, identity: Identity) -> None:
    if endpoint.auth == "any":
        return
    if identity.kind == "anonymous":
        raise ApiError(401, "Requires authentication")
    if endpoint.auth == "app" and identity.kind != "app":
        raise ApiError(401, "A JSON web token could not be decoded")
    if endpoint.auth == "installation" and identity.kind != "installation":
        raise ApiError(403, "Resource not accessible by integration")
    if endpoint.permission is not None and identity.token is not None:
        name, level = endpoint.permission
        best = max(_LEVELS.get(identity.token.permissions.get(alt, ""), 0) for alt in name.split("|"))
        if best < _LEVELS[level]:
            raise ApiError(403, "Resource not accessible by integration")


def render(reply: Any) -> Response:
    if not isinstance(reply, Reply):
        reply = Reply(reply)
    if reply.raw is not None:
        return Response(reply.raw, reply.status, reply.headers, media_type=reply.media_type)
    if reply.status == 204:
        return Response(b"", 204, reply.headers)
    payload = json.dumps(reply.body, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(payload, reply.status, reply.headers, media_type=JSON_TYPE)


def render_error(error: ApiError) -> Response:
    return render(Reply(error.body(), error.status, dict(error.headers)))


def build_routes(sim: SimulatedGitHub, endpoint_sets: list[EndpointSet]) -> list[Route]:
    """Starlette routes; several methods on one path share a dispatcher."""
    by_path: dict[str, dict[str, Endpoint]] = {}
    for endpoint_set in endpoint_sets:
        for endpoint in endpoint_set.endpoints:
            by_path.setdefault(endpoint.path, {})[endpoint.method] = endpoint

    def make(methods: dict[str, Endpoint]) -> Callable[[Request], Any]:
        async def dispatch(request: Request) -> Response:
            endpoint = methods.get(request.method) or (
                methods.get("GET") if request.method == "HEAD" else None
            )
            if endpoint is None:
                return render_error(not_found())
            raw = await request.body()
            try:
                body = json.loads(raw) if raw.strip() else None
            except ValueError:
                return render_error(ApiError(400, "Problems parsing JSON"))
            identity: Identity = request.scope["state"]["identity"]
            ctx = Ctx(sim, request, dict(request.path_params), request.query_params, body, identity)

            def run() -> Response:
                try:
                    _authorise(endpoint, identity)
                    with sim.state.lock:
                        reply = endpoint.handler(ctx)
                        response = render(reply)
                except ApiError as error:
                    return render_error(error)
                except Exception as error:
                    sim.report_internal_error(error)
                    return render_error(ApiError(500, "Server Error"))
                if isinstance(reply, Reply) and reply.after is not None:
                    reply.after()
                return response

            return await anyio.to_thread.run_sync(run)

        return dispatch

    every = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return [Route(path, make(methods), methods=every) for path, methods in by_path.items()]
