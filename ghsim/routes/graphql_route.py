"""``POST /graphql`` on top of :mod:`ghsim.graphql`."""

from __future__ import annotations

from typing import Any

from ghsim.errors import ApiError
from ghsim.routing import Ctx, EndpointSet

api = EndpointSet()


@api.post("/graphql")
def graphql(ctx: Ctx) -> Any:
    body = ctx.json_body()
    query = body.get("query")
    if not isinstance(query, str) or not query.strip():
        raise ApiError(
            400,
            "A query attribute must be specified and must be a string.",
            doc="https://docs.github.com/graphql",
        )
    variables = body.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise ApiError(400, "Variables are invalid JSON.", doc="https://docs.github.com/graphql")
    token = ctx.identity.token
    assert token is not None
    state = ctx.request.scope["state"]

    def charge(points: int) -> Any:
        """The front end took one point; a query that costs more takes the rest.

        The answer's headers show the charge.
        """
        if points > 1:
            state["bucket"], _ = ctx.sim.limiter.take(ctx.sim.bucket_key(ctx.identity, "graphql"), points - 1)
        return state["bucket"]

    return ctx.sim.graphql.execute(
        query, variables, body.get("operationName"), token.installation_id, token.repository_ids, charge
    )
