"""App-level endpoints: who the App is, its installations, tokens, hook deliveries."""

from __future__ import annotations

from typing import Any

from ghsim.errors import ApiError, not_found
from ghsim.routing import Ctx, EndpointSet, Reply
from ghsim.util import iso

api = EndpointSet()
_LEVELS = {"read": 1, "write": 2, "admin": 3}
DELIVERIES_DOC = "https://docs.github.com/rest/apps/webhooks#list-deliveries-for-an-app-webhook"


@api.get("/app", auth="app")
def get_app(ctx: Ctx) -> Any:
    return ctx.shapes.app()


@api.get("/app/installations", auth="app")
def list_installations(ctx: Ctx) -> Any:
    items = [ctx.shapes.installation(i) for i in ctx.sim.state.installations.values()]
    return ctx.page(items)


@api.get("/app/installations/{installation_id:int}", auth="app")
def get_installation(ctx: Ctx) -> Any:
    inst = ctx.sim.state.installations.get(ctx.params["installation_id"])
    if inst is None:
        raise not_found()
    return ctx.shapes.installation(inst)


@api.post("/app/installations/{installation_id:int}/access_tokens", auth="app")
def create_token(ctx: Ctx) -> Any:
    state = ctx.sim.state
    inst = state.installations.get(ctx.params["installation_id"])
    if inst is None:
        raise not_found()
    if inst.suspended_at is not None:
        raise ApiError(403, "This installation has been suspended")
    body = ctx.json_body()
    permissions = dict(inst.permissions)
    asked = body.get("permissions")
    if asked:
        if not isinstance(asked, dict):
            raise ApiError(422, "Invalid request.\n\nFor 'properties/permissions', is not an object.")
        for name, level in asked.items():
            if _LEVELS.get(inst.permissions.get(name, ""), 0) < _LEVELS.get(level, 99):
                raise ApiError(422, "The permissions requested are not granted to this installation.")
        permissions = {"metadata": "read", **asked}
    owned = [r for r in state.repos.values() if r.installation_id == inst.id]
    repo_ids: set[int] | None = None
    names = body.get("repositories")
    ids = body.get("repository_ids")
    if names or ids:
        repo_ids = set()
        by_name = {r.name.lower(): r for r in owned}
        by_id = {r.id: r for r in owned}
        for name in names or []:
            found = by_name.get(str(name).split("/")[-1].lower())
            if found is None:
                raise ApiError(
                    422,
                    "There is at least one repository that does not exist or is not "
                    "accessible to the parent installation.",
                )
            repo_ids.add(found.id)
        for rid in ids or []:
            if rid not in by_id:
                raise ApiError(
                    422,
                    "There is at least one repository that does not exist or is not "
                    "accessible to the parent installation.",
                )
            repo_ids.add(rid)
    token = ctx.sim.authority.issue(
        inst.id, permissions, frozenset(repo_ids) if repo_ids is not None else None
    )
    out: dict[str, Any] = {
        "token": token.token,
        "expires_at": iso(token.expires_at),
        "permissions": permissions,
        "repository_selection": inst.repository_selection,
    }
    if repo_ids is not None:
        out["repositories"] = [ctx.shapes.repository(r) for r in owned if r.id in repo_ids]
    return Reply(out, 201)


@api.get("/repos/{owner}/{repo}/installation", auth="app")
def repo_installation(ctx: Ctx) -> Any:
    repo = ctx.sim.state.repo(f"{ctx.params['owner']}/{ctx.params['repo']}")
    if repo is None:
        raise not_found()
    return ctx.shapes.installation(ctx.sim.state.installations[repo.installation_id])


@api.get("/installation/repositories")
def installation_repositories(ctx: Ctx) -> Any:
    token = ctx.identity.token
    assert token is not None
    inst = ctx.sim.state.installations[token.installation_id]
    repos = [
        r
        for r in ctx.sim.state.repos.values()
        if r.installation_id == inst.id and (token.repository_ids is None or r.id in token.repository_ids)
    ]
    items = [ctx.shapes.repository(r) for r in sorted(repos, key=lambda r: r.full_name.lower())]
    return ctx.page(
        items,
        wrap=lambda chunk: {
            "total_count": len(items),
            "repository_selection": inst.repository_selection,
            "repositories": chunk,
        },
    )


@api.get("/app/hook/deliveries", auth="app")
def list_deliveries(ctx: Ctx) -> Any:
    per_page = min(max(ctx.int_query("per_page", 30), 1), 100)
    cursor = ctx.query.get("cursor")
    items = sorted(ctx.sim.webhooks.deliveries, key=lambda d: d.id, reverse=True)
    if cursor:
        try:
            after = int(cursor.removeprefix("v1_"))
        except ValueError:
            raise ApiError(422, "Invalid cursor", doc=DELIVERIES_DOC) from None
        items = [d for d in items if d.id < after]
    status = ctx.query.get("status")
    if status in ("success", "failure"):
        items = [d for d in items if (d.status == "OK") == (status == "success")]
    page = items[:per_page]
    headers: dict[str, str] = {}
    if len(items) > per_page:
        nxt = f"{ctx.base_url}/app/hook/deliveries?per_page={per_page}&cursor=v1_{page[-1].id}"
        headers["link"] = f'<{nxt}>; rel="next"'
    return Reply([d.item() for d in page], headers=headers)


@api.get("/app/hook/deliveries/{delivery_id:int}", auth="app")
def get_delivery(ctx: Ctx) -> Any:
    delivery = ctx.sim.webhooks.find(ctx.params["delivery_id"])
    if delivery is None:
        raise not_found()
    return delivery.detail()


@api.post("/app/hook/deliveries/{delivery_id:int}/attempts", auth="app")
def redeliver(ctx: Ctx) -> Any:
    delivery = ctx.sim.webhooks.find(ctx.params["delivery_id"])
    if delivery is None:
        raise not_found()

    def resend() -> None:
        ctx.sim.webhooks.redeliver(delivery.id)

    return Reply({}, 202, after=resend)


@api.get("/rate_limit", auth="any")
def rate_limit(ctx: Ctx) -> Any:
    core = ctx.sim.rate_limit_snapshot(ctx.identity, "core")
    graphql = ctx.sim.rate_limit_snapshot(ctx.identity, "graphql")

    def view(b: Any) -> dict[str, int]:
        return {"limit": b.limit, "used": b.used, "remaining": b.remaining, "reset": b.reset_at}

    search = {"limit": 30, "used": 0, "remaining": 30, "reset": core.reset_at}
    out: dict[str, Any] = {"resources": {"core": view(core), "graphql": view(graphql), "search": search}}
    if not ctx.shapes.latest:
        out["rate"] = view(core)
    return out
