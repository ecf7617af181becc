"""REST (and GraphQL) endpoints, one module per area of the API."""

from ghsim.routes import app, checks, graphql_route, issues, manifests, pulls, repos, review_comments, reviews
from ghsim.routing import EndpointSet

ENDPOINT_SETS: list[EndpointSet] = [
    app.api,
    manifests.api,
    repos.api,
    pulls.api,
    reviews.api,
    review_comments.api,
    issues.api,
    checks.api,
    graphql_route.api,
]
