"""Findings a writer dismissed, read back from GitHub on every review: the comments are the record.

A dismissal is a comment: a writer's `/mldebt ignore <reason>` reply on one
of our review comments (the findings that comment speaks for, by
fingerprint, so it holds across pushes and line moves), or `/mldebt ignore
<rule-id> <reason>` in the PR's conversation (every finding of that rule in
the PR). In each place the latest writer's word wins, so `/mldebt unignore`
there undoes it. Redis keeps only hints: whether an author could write
(`Writers`), and a mark telling a review that read the conversation with its
first query that a rule-wide command came since, so it reads it again under
the comment lock (`conversation_said`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from redis import Redis

import rules.catalog  # noqa: F401  (registers every rule)
from core import keys
from core.jobs import COMMAND, command_parts
from rules.finding import Finding
from rules.rule import all_rules
from workers import report
from workers.access import Writers
from workers.port import IssueComment, ThreadComment
from workers.review_threads import ours

# What a dismissal may say it is, besides a plain "ignore".
KINDS = {"false-positive": "false positive", "wont-fix": "won't fix"}
IGNORE, UNIGNORE = "ignore", "unignore"


@dataclass(frozen=True)
class Ignore:
    """`/mldebt ignore [false-positive|wont-fix] <reason>` as said: `kind` is "" when none was named."""

    kind: str
    reason: str


@dataclass(frozen=True)
class Dismissal:
    by: str
    reason: str
    kind: str = ""
    # Set when the whole rule was dismissed on the PR rather than one finding in its thread.
    rule: str = ""


def parse_ignore(argument: str) -> Ignore:
    first, _, rest = argument.strip().partition(" ")
    if first.lower() in KINDS:
        return Ignore(first.lower(), rest.strip())
    return Ignore("", argument.strip())


def parse_rule_ignore(argument: str) -> tuple[str, Ignore]:
    """`<rule-id> [kind] <reason>`: the rule id lower-cased, backticks around it dropped."""
    rule, _, rest = argument.strip().partition(" ")
    return rule.strip("`").lower(), parse_ignore(rest)


@dataclass(frozen=True)
class Dismissals:
    by_fingerprint: Mapping[str, Dismissal]
    by_rule: Mapping[str, Dismissal]

    def of(self, finding: Finding) -> Dismissal | None:
        return self.by_fingerprint.get(report.fingerprint(finding)) or self.by_rule.get(finding.rule)


NO_DISMISSALS = Dismissals({}, {})


def _command(body: str) -> tuple[str, str] | None:
    match = COMMAND.search(body)
    if match is None or match["word"].lower() not in (IGNORE, UNIGNORE):
        return None
    return command_parts(match)


def in_threads(comments: Sequence[ThreadComment], writers: Writers) -> dict[str, Dismissal]:
    """Fingerprint → dismissal, from writers' replies on our comments; a reply without a reason is none."""
    findings_of = {
        posted.id: report.fingerprints_in(posted.body) for posted in ours(comments, report.MARKER_PREFIX)
    }
    latest: dict[int, Dismissal | None] = {}
    for comment in sorted(comments, key=lambda c: c.id):
        said = _command(comment.body) if comment.in_reply_to in findings_of else None
        if said is None:
            continue
        word, argument = said
        asked = parse_ignore(argument)
        if word == IGNORE and not asked.reason:
            continue
        if not writers.wrote(
            "review", comment.id, comment.author, comment.association, comment.author_is_bot
        ):
            continue
        thread = comment.in_reply_to or 0
        latest[thread] = Dismissal(comment.author, asked.reason, asked.kind) if word == IGNORE else None
    return {
        fingerprint: dismissal
        for thread, dismissal in latest.items()
        if dismissal is not None
        for fingerprint in findings_of[thread]
    }


def in_conversation(comments: Sequence[IssueComment], writers: Writers) -> dict[str, Dismissal]:
    """Rule → dismissal, from writers' `/mldebt ignore <rule-id> <reason>` on the PR itself."""
    known = all_rules()
    latest: dict[str, Dismissal | None] = {}
    for comment in comments:
        said = _command(comment.body)
        if said is None or comment.author is None:
            continue
        word, argument = said
        rule, asked = parse_rule_ignore(argument)
        if rule not in known or (word == IGNORE and not asked.reason):
            continue
        if not writers.wrote("issue", comment.id, comment.author, comment.association, comment.author_is_bot):
            continue
        latest[rule] = Dismissal(comment.author, asked.reason, asked.kind, rule) if word == IGNORE else None
    return {rule: dismissal for rule, dismissal in latest.items() if dismissal is not None}


def read(
    threads: Sequence[ThreadComment], conversation: Sequence[IssueComment], writers: Writers
) -> Dismissals:
    return Dismissals(in_threads(threads, writers), in_conversation(conversation, writers))


def conversation_said(redis: Redis, repo: str, pr_number: int) -> None:
    """Tells reviews already past their first read that the conversation holds a newer rule-wide word."""
    key = keys.conversation_said_key(repo, pr_number)
    pipe = redis.pipeline()
    pipe.incr(key)
    pipe.expire(key, keys.CONVERSATION_SAID_TTL_SECONDS)
    pipe.execute()


def conversation_mark(redis: Redis, repo: str, pr_number: int) -> int:
    """What a review compares, under the comment lock, with the mark it took before its first read: a
    change means a rule-wide command came after that read."""
    mark = redis.get(keys.conversation_said_key(repo, pr_number))
    return int(mark) if mark is not None else 0


def tally(redis: Redis, repo: str, pr_number: int, rules: Iterable[str]) -> dict[str, int]:
    """Notes that these rules were dismissed in this PR; answers in how many PRs of the repository each was.

    Only a hint for the config suggestion: Redis alone keeps it, and a lost count starts again.
    """
    wanted = sorted(set(rules))
    if not wanted:
        return {}
    pipe = redis.pipeline()
    for rule in wanted:
        key = keys.dismissed_rule_key(repo, rule)
        pipe.sadd(key, str(pr_number))
        pipe.expire(key, keys.DISMISSED_RULE_TTL_SECONDS)
        pipe.scard(key)
    answers = pipe.execute()
    return {rule: int(answers[3 * index + 2]) for index, rule in enumerate(wanted)}
