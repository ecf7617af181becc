"""The App-manifest flow: github.com's form that creates the App, and the API call that converts its code.

The form is a web page, not the API: the person's browser POSTs
`manifest=<JSON>` to `/settings/apps/new?state=…` (or
`/organizations/ORG/settings/apps/new`), GitHub creates the App once they
confirm and redirects to the manifest's `redirect_url` with a one-time `code`
and the `state` it was given. The simulator confirms at once. The conversion
(`POST /app-manifests/{code}/conversions`) needs no credentials, works once,
and only within the hour.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ghsim.errors import ApiError, not_found
from ghsim.manifests import check_manifest, register
from ghsim.routing import Ctx, EndpointSet, Reply

if TYPE_CHECKING:
    from ghsim.simulator import SimulatedGitHub

api = EndpointSet()
DOC = "https://docs.github.com/rest/apps/apps#create-a-github-app-from-a-manifest"
# Whoever is signed in on github.com when no organization is named: the simulator has no sessions.
SIGNED_IN_USER = "octocat"


@api.post("/app-manifests/{code}/conversions", auth="any")
def convert(ctx: Ctx) -> Any:
    registration = ctx.sim.manifest_codes.redeem(ctx.params["code"])
    if registration is None or registration.app_id != ctx.sim.app_id:
        raise not_found(DOC)
    return Reply(
        {
            **ctx.shapes.app(),
            "client_secret": registration.client_secret,
            "webhook_secret": registration.webhook_secret,
            "pem": registration.private_pem,
        },
        201,
    )


def _create(sim: SimulatedGitHub, body: bytes, query: str, owner: str, kind: str) -> Response:
    """Creates the App from the posted form and sends the browser on to `redirect_url`."""
    fields = parse_qs(body.decode("utf-8", "replace"))
    try:
        manifest = check_manifest(json.loads(fields.get("manifest", [""])[0]))
    except ValueError:
        return PlainTextResponse("Invalid GitHub App configuration: the manifest is not JSON", 422)
    except ApiError as error:
        return PlainTextResponse(error.message, error.status)
    redirect = manifest.get("redirect_url")
    if not isinstance(redirect, str) or urlsplit(redirect).scheme not in ("http", "https"):
        # GitHub would show the new App's settings page, and the code would reach no one.
        return PlainTextResponse("ghsim needs the manifest's redirect_url to hand out the code", 422)
    with sim.state.lock:
        sim.state.user(owner, "Organization" if kind == "org" else "User")
        try:
            registration = register(sim, manifest, owner)
        except ApiError as error:
            return PlainTextResponse(error.message, error.status)
    code = sim.manifest_codes.issue(registration)
    passed = {"code": code, **{k: v[0] for k, v in parse_qs(query).items() if k == "state"}}
    joiner = "&" if urlsplit(redirect).query else "?"
    return RedirectResponse(f"{redirect}{joiner}{urlencode(passed)}", status_code=302)


def web_routes(sim: SimulatedGitHub) -> list[Route]:
    """github.com's pages the manifest flow passes through, served beside the API."""

    async def for_user(request: Request) -> Response:
        body, query = await request.body(), request.url.query
        return await anyio.to_thread.run_sync(_create, sim, body, query, SIGNED_IN_USER, "user")

    async def for_org(request: Request) -> Response:
        body, query, org = await request.body(), request.url.query, request.path_params["org"]
        return await anyio.to_thread.run_sync(_create, sim, body, query, org, "org")

    return [
        Route("/settings/apps/new", for_user, methods=["POST"]),
        Route("/organizations/{org}/settings/apps/new", for_org, methods=["POST"]),
    ]
