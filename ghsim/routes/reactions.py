"""Reactions the App's bot leaves on issue comments and review comments.

Both kinds of comment take reactions by the same rules (the same eight
contents, an existing one answered with 200), so both route modules add them
through here.
"""

from __future__ import annotations

from ghsim.errors import invalid
from ghsim.models import Reaction
from ghsim.routing import Ctx, Reply
from ghsim.util import now

REACTIONS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")


def add_reaction(ctx: Ctx, subject: tuple[str, int]) -> Reply:
    """201 for a new reaction, 200 when this user already left the same one."""
    content = ctx.json_body().get("content")
    if content not in REACTIONS:
        raise invalid(
            "content", "Reaction", "invalid", doc="https://docs.github.com/rest/reactions/reactions"
        )
    user = ctx.sim.state.bot
    for existing in ctx.sim.state.reactions:
        if existing.subject == subject and existing.user.id == user.id and existing.content == content:
            return Reply(ctx.shapes.reaction(existing), 200)
    reaction = Reaction(ctx.sim.state.next_id(), subject, user, content, now())
    ctx.sim.state.reactions.append(reaction)
    return Reply(ctx.shapes.reaction(reaction), 201)
