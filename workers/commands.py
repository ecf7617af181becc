"""`/mldebt …` slash commands from PR comments.

The receiver only saw a comment; here we check that its author may write to
the repository (the collaborator-permission API, after `author_association`
as a cheap first filter), acknowledge with reactions, and run the review.
"""

from __future__ import annotations

import logging

from rq import get_current_job

from core import keys
from core.logs import log_context
from workers.answers import HELP, explain
from workers.context import current
from workers.gateway import GitHubGateway
from workers.review import Review, will_retry
from workers.supersession import remember_head

log = logging.getLogger("mldebt.commands")
MAY_WRITE = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
WRITE_PERMISSIONS = frozenset({"admin", "write", "maintain"})


def handle_command(
    installation_id: int,
    repo: str,
    pr_number: int,
    comment_id: int,
    user: str,
    association: str,
    command: str,
    argument: str = "",
) -> str:
    ctx = current()
    marker = f"<!-- mldebt:reply {comment_id} -->"
    with (
        log_context(repo=repo, pr=pr_number, installation=installation_id),
        GitHubGateway(ctx.settings, ctx.tokens, installation_id, ctx.redis) as gh,
    ):
        gh.react_to_comment(repo, comment_id, "eyes")
        if command in ("help", "explain"):
            answer, understood = (HELP, True) if command == "help" else explain(argument, ctx.settings.docs)
            gh.reply_once(repo, pr_number, answer, marker)
            gh.react_to_comment(repo, comment_id, "rocket" if understood else "confused")
            return command
        if command != "rescore":
            gh.react_to_comment(repo, comment_id, "confused")
            shown = command.replace("`", "")[:30]
            gh.reply_once(
                repo,
                pr_number,
                f"Unknown command `/mldebt {shown}`." + "\n\n" + HELP if shown else HELP,
                marker,
            )
            return "help"
        allowed = association.upper() in MAY_WRITE and gh.permission_of(repo, user) in WRITE_PERMISSIONS
        if not allowed:
            gh.react_to_comment(repo, comment_id, "confused")
            gh.reply_once(
                repo,
                pr_number,
                "`/mldebt rescore` needs write access to this repository, so this request was not run.",
                marker,
            )
            log.info("refused /mldebt rescore from %s", user)
            return "refused"
        pr = gh.get_pull_request(repo, pr_number)
        remember_head(ctx.redis, repo, pr_number, pr.head_sha)
        job_id = keys.review_job_id(repo, pr_number, pr.head_sha, f"rescore-{comment_id}")
        outcome = Review(
            ctx, gh, repo, pr_number, pr.head_sha, job_id, retrying=will_retry(get_current_job())
        ).run()
        gh.react_to_comment(repo, comment_id, "rocket")
        return f"rescored: {outcome}"
