"""Dismissals as the review reads them back from GitHub's comments, and what the check run says of them."""

from __future__ import annotations

from redis import Redis

from rules.engine import ScanResult
from rules.finding import Finding, Severity
from rules.rule import DOCS_URL
from tests.fakes.github_port import RecordingGitHub
from workers import report
from workers.access import Writers
from workers.dismissals import Dismissal, Ignore, parse_ignore, parse_rule_ignore, read, tally
from workers.dismissed_text import dismissed_section, often_section
from workers.plan import plan
from workers.port import IssueComment, PostedComment, PrFile, ThreadComment

REPO = "octo-org/ml-repo"
SHA = "0123456789abcdef0123456789abcdef01234567"


def _finding(line: int, rule: str = "hardcoded-path", severity: Severity = Severity.HIGH) -> Finding:
    return Finding(
        rule, severity, "train.py", line, line, f"{rule} at {line}", "Say why.", key=f"{rule}-{line}"
    )


def _ours(comment_id: int, *findings: Finding) -> PostedComment:
    return PostedComment(comment_id, report.comment_body(findings), "train.py", findings[0].line)


def _reply(comment_id: int, to: int, body: str, author: str = "alice", **more: object) -> ThreadComment:
    fields: dict[str, object] = {"association": "COLLABORATOR", "author_is_bot": False, **more}
    return ThreadComment(
        comment_id,
        body,
        "train.py",
        None,
        author,
        bool(fields["author_is_bot"]),
        str(fields["association"]),
        to,
    )


def _said(comment_id: int, body: str, author: str = "alice") -> IssueComment:
    return IssueComment(comment_id, body, author, False, "MEMBER", frozenset())


def test_an_ignore_names_its_kind_only_when_it_is_one_of_the_two() -> None:
    assert parse_ignore("false-positive  the paper's value") == Ignore("false-positive", "the paper's value")
    assert parse_ignore("Wont-Fix legacy") == Ignore("wont-fix", "legacy")
    assert parse_ignore("works as intended") == Ignore("", "works as intended")
    assert parse_ignore("wont-fix") == Ignore("wont-fix", "")
    assert parse_rule_ignore("`Magic-Number` false-positive seeds") == (
        "magic-number",
        Ignore("false-positive", "seeds"),
    )


def test_the_latest_writers_word_in_each_thread_wins(redis: Redis) -> None:
    leak, path = _finding(16, "split-leakage", Severity.CRITICAL), _finding(12)
    gh = RecordingGitHub(posted=[_ours(1, leak), _ours(2, path)], permissions={"mallory": "read"})
    gh.replies = [
        _reply(10, 1, "/mldebt ignore false-positive refit per fold"),
        _reply(11, 2, "/mldebt ignore wont-fix legacy"),
        _reply(12, 2, "/mldebt unignore"),
        _reply(13, 2, "/mldebt ignore it is fine", author="mallory"),  # a reader: not taken
        _reply(14, 2, "/mldebt ignore", author="bob"),  # no reason: not taken
        _reply(15, 2, "/mldebt ignore sure", author="ci[bot]", author_is_bot=True),
        _reply(16, 99, "/mldebt ignore not our thread"),
    ]

    dismissals = read(gh.list_review_comments(REPO, 1), [], Writers(redis, gh, REPO))

    assert dismissals.of(leak) == Dismissal("alice", "refit per fold", "false-positive")
    assert dismissals.of(path) is None
    # Each command from a person is vouched for once; a bot's or one without a reason never costs a call.
    assert sorted(args[1] for args in gh.called("permission_of")) == ["alice", "alice", "alice", "mallory"]


def test_whether_an_author_could_write_is_asked_once_per_comment(redis: Redis) -> None:
    leak = _finding(16, "split-leakage", Severity.CRITICAL)
    gh = RecordingGitHub(posted=[_ours(1, leak)], replies=[_reply(10, 1, "/mldebt ignore refit per fold")])
    for _ in range(3):
        assert read(gh.list_review_comments(REPO, 1), [], Writers(redis, gh, REPO)).of(leak) is not None
    assert len(gh.called("permission_of")) == 1

    redis.flushdb()  # the cache is lost, the dismissal is not: GitHub is asked again
    assert read(gh.list_review_comments(REPO, 1), [], Writers(redis, gh, REPO)).of(leak) is not None
    assert len(gh.called("permission_of")) == 2


def test_a_rule_dismissed_on_the_pr_covers_each_of_its_findings_until_unignored(redis: Redis) -> None:
    gh = RecordingGitHub()
    conversation = [
        _said(1, "/mldebt ignore hardcoded-path wont-fix paths are fixed by the platform"),
        _said(2, "/mldebt ignore no-such-rule because"),
        _said(3, "/mldebt ignore magic-number seeds"),
        _said(4, "/mldebt unignore magic-number"),
    ]
    dismissals = read([], conversation, Writers(redis, gh, REPO))
    assert dismissals.of(_finding(3)) == Dismissal(
        "alice", "paths are fixed by the platform", "wont-fix", "hardcoded-path"
    )
    assert dismissals.of(_finding(9)) is not None
    assert dismissals.of(_finding(3, "magic-number", Severity.MEDIUM)) is None


def test_a_dismissed_finding_is_not_said_again_nor_counted_nor_marked_fixed(redis: Redis) -> None:
    leak, path = _finding(16, "split-leakage", Severity.CRITICAL), _finding(12)
    posted = [_ours(1, leak)]
    gh = RecordingGitHub(posted=posted, replies=[_reply(10, 1, "/mldebt ignore refit per fold")])
    dismissals = read(gh.list_review_comments(REPO, 1), [], Writers(redis, gh, REPO))
    result = ScanResult(findings=[leak, path], fixed=[], notes=[], files_scanned=1)
    diff = [PrFile("train.py", "modified", None, "@@ -1,0 +1,30 @@\n" + "+x\n" * 30)]

    planned = plan(
        result, diff, posted, head_sha=SHA, max_comments=25, check_name="mldebt", dismissals=dismissals
    )

    assert [each.findings for each in planned.comments] == [(path,)]
    assert planned.fixed == ()
    assert planned.check_run.conclusion == "failure"
    assert planned.check_run.title == "1 new finding (1 blocking) · 1 dismissed"
    assert [a.title for a in planned.check_run.annotations] == ["hardcoded-path (high)"]
    assert planned.check_run.summary.endswith(
        "\n\n### Dismissed\n\n"
        f"- **critical** [`split-leakage`]({DOCS_URL.format(rule='split-leakage')}) `train.py` line 16:"
        " ignored, dismissed by @\u200balice: refit per fold"
    )


def test_the_dismissed_list_says_kind_scope_who_and_why_and_pings_no_one() -> None:
    dismissed = [
        (
            _finding(16, "split-leakage", Severity.CRITICAL),
            Dismissal("alice", "see @bob's #12", "false-positive"),
        ),
        (_finding(3), Dismissal("carol", "platform paths", "wont-fix", "hardcoded-path")),
    ]
    assert dismissed_section(dismissed, "https://docs/{rule}.md") == [
        "",
        "### Dismissed",
        "",
        "- **critical** [`split-leakage`](https://docs/split-leakage.md) `train.py` line 16: false positive,"
        " dismissed by @\u200balice: see @\u200bbob's #\u200b12",
        "- **high** [`hardcoded-path`](https://docs/hardcoded-path.md) `train.py` line 3: won't fix with the"
        " whole rule, dismissed by @\u200bcarol: platform paths",
    ]
    assert dismissed_section([], "https://docs/{rule}.md") == []


def test_a_rule_dismissed_in_three_prs_of_a_repository_earns_the_config_line(redis: Redis) -> None:
    for number in (1, 2, 2, 3):
        counts = tally(
            redis, REPO, number, ["magic-number", "hardcoded-path"] if number == 3 else ["magic-number"]
        )
    assert counts == {"magic-number": 3, "hardcoded-path": 1}
    assert tally(redis, "octo-org/other", 1, ["magic-number"]) == {"magic-number": 1}
    assert often_section(counts) == [
        "",
        "### Dismissed again and again",
        "",
        "Dismissed across this repository: `magic-number` in 3 pull requests. If a rule does not fit this"
        " repository, switch it off once in `.github/mldebt.yml` on the default branch instead of dismissing"
        " it in every pull request:",
        "",
        "```yaml",
        "rules:",
        "  magic-number: false",
        "```",
    ]
    assert often_section({"magic-number": 2}) == []
