"""What a GraphQL query costs on GitHub, what it may ask for, and GitHub's opaque cursors.

Before running a query GitHub checks every connection it asks for: each
needs `first` or `last`, at most 100. It then scores the query: one request
per connection per parent node, each assumed to come back full, summed,
divided by 100 and rounded (at least 1 point) — and that many points come
off the installation's GraphQL budget. ``nodeCount`` is the most nodes the
query could return. Cursors are base64 text a client must hand back as
given; GitHub refuses one it did not make.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    value_from_ast_untyped,
)

MAX_PAGE = 100
MAX_NODES = 500_000
_PREFIX = b"cursor:v2:\x91\xce"


def encode_cursor(position: int) -> str:
    """GitHub's shape: base64 of `cursor:v2:` and a msgpack array of the item's position."""
    return base64.b64encode(_PREFIX + position.to_bytes(4, "big")).decode()


def decode_cursor(value: str, argument: str) -> int:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if not raw.startswith(_PREFIX) or len(raw) != len(_PREFIX) + 4:
        raise GraphQLError(f"`{argument}` does not appear to be a valid cursor.")
    return int.from_bytes(raw[len(_PREFIX) :], "big")


@dataclass
class Analysis:
    cost: int = 1
    node_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def analyse(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> Analysis:
    """The query's cost and node count, or GitHub's refusals of connections without sane page sizes."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    operation = next(
        (o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)), None
    )
    out = Analysis()
    if operation is None or schema.query_type is None:
        return out
    requests = 0

    def walk(selection_set: SelectionSetNode, parent: Any, multiplier: int) -> None:
        nonlocal requests
        for node in selection_set.selections:
            if isinstance(node, InlineFragmentNode):
                condition = schema.type_map[node.type_condition.name.value] if node.type_condition else parent
                walk(node.selection_set, condition, multiplier)
                continue
            if isinstance(node, FragmentSpreadNode):
                fragment = fragments[node.name.value]
                walk(fragment.selection_set, schema.type_map[fragment.type_condition.name.value], multiplier)
                continue
            if not isinstance(node, FieldNode) or node.selection_set is None or not hasattr(parent, "fields"):
                continue
            definition = parent.fields.get(node.name.value)
            if definition is None:
                continue
            kind = get_named_type(definition.type)
            inner = multiplier
            if kind.name.endswith("Connection"):
                size = _page_size(node, variables, out)
                requests += multiplier
                inner = multiplier * size
                out.node_count += inner
            walk(node.selection_set, kind, inner)

    walk(operation.selection_set, schema.query_type, 1)
    out.cost = max(1, round(requests / 100))
    if out.node_count > MAX_NODES and not out.errors:
        out.errors.append(
            {
                "type": "MAX_NODE_LIMIT_EXCEEDED",
                "message": f"This query requests up to {out.node_count:,} possible nodes which exceeds "
                f"the maximum limit of {MAX_NODES:,}.",
            }
        )
    return out


def _page_size(node: FieldNode, variables: dict[str, Any] | None, out: Analysis) -> int:
    """`first` or `last` of one connection; a missing or excessive one becomes GitHub's error."""
    given = {arg.name.value: value_from_ast_untyped(arg.value, variables) for arg in node.arguments or ()}
    name = node.name.value
    location = (
        {
            "line": node.loc.source.get_location(node.loc.start).line,
            "column": node.loc.source.get_location(node.loc.start).column,
        }
        if node.loc
        else None
    )
    for key in ("first", "last"):
        value = given.get(key)
        if isinstance(value, int) and value > MAX_PAGE:
            out.errors.append(
                {
                    "type": "EXCESSIVE_PAGINATION",
                    "locations": [location] if location else [],
                    "message": f"Requesting {value} records on the `{name}` connection exceeds the "
                    f"`{key}` limit of {MAX_PAGE} records.",
                }
            )
            return MAX_PAGE
        if isinstance(value, int):
            return max(value, 0)
    out.errors.append(
        {
            "type": "MISSING_PAGINATION_BOUNDARIES",
            "locations": [location] if location else [],
            "message": f"You must provide a `first` or `last` value to properly paginate the `{name}` "
            "connection.",
        }
    )
    return MAX_PAGE
