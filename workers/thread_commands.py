"""`/mldebt ignore` and `/mldebt unignore` replies in the review thread of one of our comments.

The reply itself is the dismissal: the review reads it back with the other
review comments, so nothing here stores it. This handler checks that the
author may write (and keeps that answer for the reviews), resolves or
reopens the thread, and runs a review whose fresh check run no longer
counts the finding (GitHub cannot take annotations off a run). Every write
is idempotent, so a redelivered reply changes nothing twice.
"""

from __future__ import annotations

import logging

from core.logs import log_context
from workers.access import may_write, remember
from workers.answers import THREAD_HELP
from workers.commands import review_again
from workers.context import current
from workers.dismissals import IGNORE, UNIGNORE, parse_ignore
from workers.gateway import GitHubGateway
from workers.publish import OUR_COMMENTS
from workers.review_threads import ours

log = logging.getLogger("mldebt.commands")


def handle_thread_command(
    installation_id: int,
    repo: str,
    pr_number: int,
    comment_id: int,
    user: str,
    association: str,
    command: str,
    argument: str = "",
    in_reply_to: int = 0,
    by_bot: bool = False,
) -> str:
    ctx = current()
    marker = f"<!-- mldebt:reply-to {comment_id} -->"
    with (
        log_context(repo=repo, pr=pr_number, installation=installation_id),
        GitHubGateway(ctx.settings, ctx.tokens, installation_id, ctx.redis) as gh,
    ):
        gh.react_to_review_comment(repo, comment_id, "eyes")
        if by_bot:
            remember(ctx.redis, repo, "review", comment_id, False)
            gh.react_to_review_comment(repo, comment_id, "confused")
            return "refused: a bot"
        posted = ours(gh.list_review_comments(repo, pr_number), OUR_COMMENTS)
        if all(comment.id != in_reply_to for comment in posted):
            gh.react_to_review_comment(repo, comment_id, "confused")
            return "not a thread of ours"
        if command not in (IGNORE, UNIGNORE) or (command == IGNORE and not parse_ignore(argument).reason):
            gh.reply_in_thread_once(repo, pr_number, in_reply_to, THREAD_HELP, marker)
            gh.react_to_review_comment(repo, comment_id, "confused")
            return "help"
        allowed = may_write(gh, repo, user, association)
        remember(ctx.redis, repo, "review", comment_id, allowed)
        if not allowed:
            gh.react_to_review_comment(repo, comment_id, "confused")
            log.info("refused /mldebt %s from %s", command, user)
            return "refused"
        gh.resolve_thread(repo, pr_number, in_reply_to, resolved=command == IGNORE)
        outcome = review_again(ctx, gh, repo, pr_number, f"{command}-{comment_id}")
        gh.react_to_review_comment(repo, comment_id, "+1")
        return f"{command}: {outcome}"
