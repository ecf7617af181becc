"""What a review will say, decided before anything is said: the plan, a value with no I/O.

From the scan's findings, the PR's diff and the comments our earlier reviews
left, `plan` decides which findings become which comments anchored where,
which stay in the check run because no diff line can take them, which of our
earlier comments to mark fixed, and the check run's output. `workers.publish`
carries the plan out; keeping the decisions here means comment grouping,
caps and anchoring, the parts that change most, are tested without GitHub.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rules.engine import ScanResult
from rules.finding import Finding
from rules.fix import Fix
from rules.rule import DOCS_URL
from workers import report
from workers.diffmap import commentable_lines
from workers.dismissals import NO_DISMISSALS, Dismissal, Dismissals
from workers.dismissed_text import dismissed_section, often_section
from workers.port import ANNOTATIONS_PER_REQUEST, PostedComment, PrFile, ReviewComment

# Longer spans read as a wall of highlighted code; such a comment marks the first line only.
MAX_COMMENT_SPAN = 8
# A one-click fix replaces the lines its comment spans; past this many it is left to the docs and `--fix`.
MAX_SUGGESTION_SPAN = 25
# Findings of one rule this close together on the diff are one remark: a new config's six untuned values
# get one comment that lists them, not six. A run stays short enough to read as one.
MAX_RUN_GAP = 2
MAX_RUN_FINDINGS = 12
# One request's worth: new findings first (the report lists them first), existing debt only in the room
# left. Each further 50 would cost a paced write; the check run's text still lists every finding.
MAX_ANNOTATIONS = ANNOTATIONS_PER_REQUEST


@dataclass(frozen=True)
class PlannedComment:
    """One review comment and the findings it speaks for (a run of neighbours, or one)."""

    findings: tuple[Finding, ...]
    comment: ReviewComment


@dataclass(frozen=True)
class MarkFixed:
    """An earlier comment of ours whose findings are all gone, and the body that says so."""

    comment_id: int
    body: str


@dataclass(frozen=True)
class ReviewPlan:
    """Everything a review will publish; `result` (the findings no one dismissed) is kept to render the
    check run again when comments GitHub refuses move to it."""

    head_sha: str
    review_body: str
    comments: tuple[PlannedComment, ...]
    unanchored: tuple[Finding, ...]
    fixed: tuple[MarkFixed, ...]
    check_run: report.CheckOutput
    result: ScanResult = field(repr=False)
    dismissed: tuple[tuple[Finding, Dismissal], ...] = ()
    often: Mapping[str, int] = field(default_factory=dict)

    @property
    def commented(self) -> int:
        """Findings the review's comments speak for."""
        return sum(len(planned.findings) for planned in self.comments)

    def without(self, refused: Sequence[PlannedComment]) -> ReviewPlan:
        """The plan once GitHub refused these comments: their findings are listed in the check run instead."""
        comments = tuple(planned for planned in self.comments if all(planned is not out for out in refused))
        unanchored = self.unanchored + tuple(finding for planned in refused for finding in planned.findings)
        return dataclasses.replace(
            self,
            comments=comments,
            unanchored=unanchored,
            check_run=_check_run(self.result, self.head_sha, unanchored, self.dismissed, self.often),
        )


def plan(
    result: ScanResult,
    files: Sequence[PrFile],
    posted: Sequence[PostedComment],
    *,
    head_sha: str,
    max_comments: int,
    check_name: str,
    dismissals: Dismissals = NO_DISMISSALS,
    often: Mapping[str, int] | None = None,
) -> ReviewPlan:
    """One review with only what is new, on diff lines, not yet said, not dismissed; earlier comments
    marked fixed (a dismissed finding is still there, so its comment is not)."""
    kept = dataclasses.replace(
        result, findings=[finding for finding in result.findings if dismissals.of(finding) is None]
    )
    dismissed = tuple(
        (finding, dismissal)
        for finding in result.findings
        if (dismissal := dismissals.of(finding)) is not None
    )
    already = {each for comment in posted for each in report.fingerprints_in(comment.body)}
    anchorable = {item.path: commentable_lines(item.patch) for item in files}
    comments: list[PlannedComment] = []
    unanchored: list[Finding] = []
    unsaid = [finding for finding in kept.new if report.fingerprint(finding) not in already]
    for run in _runs(unsaid, anchorable):
        lines = anchorable.get(run[0].path, frozenset())
        if run[0].line in lines and len(comments) < max_comments:
            comments.append(PlannedComment(run, _anchored(run, lines)))
        else:
            unanchored.extend(run)
    return ReviewPlan(
        head_sha=head_sha,
        review_body=report.review_body(len(kept.new), check_name),
        comments=tuple(comments),
        unanchored=tuple(unanchored),
        fixed=tuple(_fixed(result, posted, head_sha)),
        check_run=_check_run(kept, head_sha, unanchored, dismissed, often or {}),
        result=kept,
        dismissed=dismissed,
        often=dict(often or {}),
    )


def _anchored(run: Sequence[Finding], lines: frozenset[int]) -> ReviewComment:
    """On exactly the lines of a lone finding's fix when the diff shows them all, carrying it as a suggestion;
    else a multi-line comment where the whole span is in one hunk, else one on the first flagged line."""
    fix = run[0].fix if len(run) == 1 else None
    if fix is not None and _shows(fix, lines):
        start = fix.start_line if fix.start_line < fix.end_line else None
        return ReviewComment(run[0].path, fix.end_line, report.comment_body(run, fix), start_line=start)
    first, last = run[0].line, max(finding.end_line for finding in run)
    span = range(first, last + 1)
    body = report.comment_body(run)
    if 1 < len(span) <= MAX_COMMENT_SPAN and all(line in lines for line in span):
        return ReviewComment(run[0].path, last, body, start_line=first)
    return ReviewComment(run[0].path, first, body)


def _shows(fix: Fix, lines: frozenset[int]) -> bool:
    """Every line the fix replaces is one the diff shows on the head side, so GitHub takes the comment."""
    span = range(fix.start_line, fix.end_line + 1)
    return len(span) <= MAX_SUGGESTION_SPAN and all(line in lines for line in span)


def _runs(findings: Sequence[Finding], anchorable: Mapping[str, frozenset[int]]) -> list[tuple[Finding, ...]]:
    """Neighbouring findings of one rule in one file, all on one stretch of the diff, grouped; the most
    severe run comes first, as the findings did. A finding with a fix the diff can take stays alone:
    its suggestion replaces exactly its own lines."""
    grouped: list[list[Finding]] = []
    growing: dict[tuple[str, str], list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: (f.path, f.rule, f.line)):
        lines = anchorable.get(finding.path, frozenset())
        run = growing.get((finding.path, finding.rule))
        alone = finding.fix is not None and _shows(finding.fix, lines)
        if (
            run is not None
            and not alone
            and finding.line in lines
            and len(run) < MAX_RUN_FINDINGS
            and finding.line - max(f.end_line for f in run) <= MAX_RUN_GAP + 1
            and all(line in lines for line in range(run[0].line, finding.line + 1))
        ):
            run.append(finding)
            continue
        run = [finding]
        grouped.append(run)
        if finding.line in lines and not alone:
            growing[(finding.path, finding.rule)] = run
    order = {id(finding): index for index, finding in enumerate(findings)}
    grouped.sort(key=lambda run: min(order[id(finding)] for finding in run))
    return [tuple(run) for run in grouped]


def _fixed(result: ScanResult, posted: Sequence[PostedComment], head_sha: str) -> list[MarkFixed]:
    """Our comments whose findings this push no longer has; a file left unread fixes nothing."""
    present = {report.fingerprint(finding) for finding in result.findings}
    skipped = {note.path for note in result.notes}
    return [
        MarkFixed(comment.id, report.fixed_body(comment.body, head_sha))
        for comment in posted
        if report.FIXED_MARKER not in comment.body
        and comment.path not in skipped
        and report.fingerprints_in(comment.body).isdisjoint(present)
    ]


def _check_run(
    result: ScanResult,
    head_sha: str,
    unanchored: Sequence[Finding],
    dismissed: Sequence[tuple[Finding, Dismissal]],
    often: Mapping[str, int],
) -> report.CheckOutput:
    """The report of the findings no one dismissed, then the dismissed ones and the config they suggest."""
    output = report.check_output(result, head_sha, unanchored)
    sections = dismissed_section(dismissed, DOCS_URL) + often_section(often)
    extra = "\n" + "\n".join(sections) if sections else ""
    return dataclasses.replace(
        output,
        title=output.title + (f" · {len(dismissed)} dismissed" if dismissed else ""),
        summary=report.capped(output.summary + extra),
        annotations=output.annotations[:MAX_ANNOTATIONS],
    )
