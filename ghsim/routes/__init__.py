"""REST (and GraphQL) endpoints, one module per area of the API."""

from ghsim.routes import app, checks, graphql_route, issues, manifests, pulls, repos, reviews
from ghsim.routing import EndpointSet

ENDPOINT_SETS: list[EndpointSet] = [
    app.api,
    manifests.api,
    repos.api,
    pulls.api,
    reviews.api,
    issues.api,
    checks.api,
    graphql_route.api,
]
