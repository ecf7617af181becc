"""`/mldebt …` slash commands from PR comments.

The receiver only saw a comment; here we check that its author may write to
the repository (the collaborator-permission API, after `author_association`
as a cheap first filter), acknowledge with reactions, and run the review.
`/mldebt ignore <rule-id> <reason>` is itself the record of the dismissal:
the review reads it back from the conversation, this handler only vouches
for its author and reviews again.
"""

from __future__ import annotations

import logging

from rq import get_current_job

from core import keys
from core.logs import log_context
from rules.rule import all_rules
from workers.access import may_write, remember
from workers.answers import HELP, RULE_HELP, explain
from workers.context import WorkerContext, current
from workers.dismissals import IGNORE, UNIGNORE, conversation_said, parse_rule_ignore
from workers.gateway import GitHubGateway
from workers.port import GitHubPort
from workers.review import Review, will_retry
from workers.supersession import remember_head

log = logging.getLogger("mldebt.commands")
REVIEWING = ("rescore", IGNORE, UNIGNORE)


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
        if command not in REVIEWING:
            gh.react_to_comment(repo, comment_id, "confused")
            shown = command.replace("`", "")[:30]
            gh.reply_once(
                repo,
                pr_number,
                f"Unknown command `/mldebt {shown}`." + "\n\n" + HELP if shown else HELP,
                marker,
            )
            return "help"
        if command != "rescore":
            rule, asked = parse_rule_ignore(argument)
            if rule not in all_rules() or (command == IGNORE and not asked.reason):
                gh.react_to_comment(repo, comment_id, "confused")
                gh.reply_once(repo, pr_number, RULE_HELP, marker)
                return "help"
        allowed = may_write(gh, repo, user, association)
        remember(ctx.redis, repo, "issue", comment_id, allowed)
        if not allowed:
            gh.react_to_comment(repo, comment_id, "confused")
            gh.reply_once(
                repo,
                pr_number,
                f"`/mldebt {command}` needs write access to this repository, so this request was not run.",
                marker,
            )
            log.info("refused /mldebt %s from %s", command, user)
            return "refused"
        if command != "rescore":
            conversation_said(ctx.redis, repo, pr_number)
        outcome = review_again(ctx, gh, repo, pr_number, f"{command}-{comment_id}")
        gh.react_to_comment(repo, comment_id, "rocket")
        return f"{command}: {outcome}"


def review_again(ctx: WorkerContext, gh: GitHubPort, repo: str, pr_number: int, run: str) -> str:
    """A review of the PR's current head under a `run` of its own: a fresh check run, since a run's
    annotations can only be added to, never taken back."""
    pr = gh.get_pull_request(repo, pr_number)
    remember_head(ctx.redis, repo, pr_number, pr.head_sha)
    job_id = keys.review_job_id(repo, pr_number, pr.head_sha, run)
    return Review(ctx, gh, repo, pr_number, pr.head_sha, job_id, retrying=will_retry(get_current_job())).run()
