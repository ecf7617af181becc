"""The review job: one pull request at one head SHA, from changed files to a check run and a review.

It takes ids and SHAs, never payloads or clients. Every output is
idempotent: the check run belongs to the job (its `external_id`) and is
reused by every retry of it, comments carry a hidden fingerprint and are
posted under a per-PR lock so that concurrent jobs never post one twice, and
a job that a newer push has superseded posts nothing. Whatever fails, the
check run is completed, never left in progress.
"""

from __future__ import annotations

import dataclasses
import logging
import posixpath
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from githubkit.exception import RequestFailed
from rq import get_current_job
from rq.job import Job

from bot import keys
from bot.logs import log_context
from bot.metrics import JOB_SECONDS
from rules.config import CONFIG_PATH, DEFAULT_REGISTRIES, load_config
from rules.engine import ChangedFile, FileNote, ReviewInput, ScanResult, scan
from rules.finding import Finding
from rules.source import kind_of
from workers import checkruns, report
from workers.context import WorkerContext, current
from workers.diffmap import commentable_lines
from workers.gateway import GitHubGateway
from workers.port import ANNOTATIONS_PER_REQUEST, BLOB, MAX_PR_FILES, TREE, Blob, GitHubPort, PostedComment, PrFile, PullInfo, PullRequestNotFound, PullSnapshot, ReviewComment, ReviewRejected
from workers.patches import base_from_patch
from workers.repoview import GitHubRepoView
from workers.supersession import newer_head

log = logging.getLogger("mldebt.review")
OUR_COMMENTS = report.MARKER_PREFIX
# A probe's comments carry this instead, so a probe left pending is never read as a posted comment (its
# author sees it in the PR's comment list); it is as long, so GitHub's length limit judges both alike.
PROBE_COMMENTS = "<!-- mldebt:probing "
# Longer spans read as a wall of highlighted code; such a comment marks the first line only.
MAX_COMMENT_SPAN = 8
# Findings of one rule this close together on the diff are one remark: a new config's six untuned values
# get one comment that lists them, not six. A run stays short enough to read as one.
MAX_RUN_GAP = 2
MAX_RUN_FINDINGS = 12
COMMENT_LOCK_SECONDS = 120
# One request's worth: new findings first (the report lists them first), existing debt only in the room
# left. Each further 50 would cost a paced write; the check run's text still lists every finding.
MAX_ANNOTATIONS = ANNOTATIONS_PER_REQUEST
GONE = (404, 410)
STARTED_SUMMARY = "mldebt is reading the files this pull request changed."


class Superseded(Exception):
    """A newer push made this review moot."""


class PullRequestGone(Exception):
    """The PR or its branch disappeared mid-review (closed, deleted)."""


PlannedComment = tuple[tuple[Finding, ...], ReviewComment]


@dataclass
class Anchoring:
    comments: list[PlannedComment] = field(default_factory=list)
    unanchored: list[Finding] = field(default_factory=list)


def comment_lock_key(repo: str, pr: int) -> str:
    return f"{keys.PREFIX}:comment-lock:{repo}#{pr}"


def will_retry(job: Job | None) -> bool:
    """Whether RQ runs this job again if it raises now."""
    return job is not None and bool(job.retries_left)


def _nearby(files: list[PrFile]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """What rules read beside the changed files, at head and at base: the folder and parent of an added
    file (pipeline-jungle) and `.dvc/` (no-experiment-tracking)."""
    both = [(".dvc", TREE)]
    added = [
        (folder, TREE)
        for item in files
        if item.status in ("added", "copied")
        for folder in (posixpath.dirname(item.path), posixpath.dirname(posixpath.dirname(item.path)))
    ]
    return both + added, both


def _anchor(run: Sequence[Finding], lines: frozenset[int]) -> ReviewComment:
    """A multi-line comment where the whole span is in one hunk, else the first flagged line."""
    first, last = run[0].line, max(finding.end_line for finding in run)
    span = range(first, last + 1)
    body = report.comment_body(run)
    if 1 < len(span) <= MAX_COMMENT_SPAN and all(line in lines for line in span):
        return ReviewComment(run[0].path, last, body, start_line=first)
    return ReviewComment(run[0].path, first, body)


def _runs(findings: Sequence[Finding], anchorable: Mapping[str, frozenset[int]]) -> list[tuple[Finding, ...]]:
    """Neighbouring findings of one rule in one file, all on one stretch of the diff, grouped; the most
    severe run comes first, as the findings did."""
    runs: list[list[Finding]] = []
    growing: dict[tuple[str, str], list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: (f.path, f.rule, f.line)):
        lines = anchorable.get(finding.path, frozenset())
        run = growing.get((finding.path, finding.rule))
        if (
            run is not None
            and finding.line in lines
            and len(run) < MAX_RUN_FINDINGS
            and finding.line - max(f.end_line for f in run) <= MAX_RUN_GAP + 1
            and all(line in lines for line in range(run[0].line, finding.line + 1))
        ):
            run.append(finding)
            continue
        run = [finding]
        runs.append(run)
        if finding.line in lines:
            growing[(finding.path, finding.rule)] = run
    order = {id(finding): index for index, finding in enumerate(findings)}
    runs.sort(key=lambda run: min(order[id(finding)] for finding in run))
    return [tuple(run) for run in runs]


def _probe(comment: ReviewComment) -> ReviewComment:
    return dataclasses.replace(comment, body=comment.body.replace(OUR_COMMENTS, PROBE_COMMENTS))


def review_pull_request(installation_id: int, repo: str, pr_number: int, head_sha: str, run: str = "auto") -> str:
    ctx = current()
    job = get_current_job()
    job_id = job.id if job is not None else keys.review_job_id(repo, pr_number, head_sha, run)
    started = time.perf_counter()
    with log_context(repo=repo, pr=pr_number, sha=head_sha[:12], job=job_id, installation=installation_id):
        with GitHubGateway(ctx.settings, ctx.tokens, installation_id, ctx.redis) as gateway:
            outcome = Review(ctx, gateway, repo, pr_number, head_sha, job_id, retrying=will_retry(job)).run()
        JOB_SECONDS.labels(job="review").observe(time.perf_counter() - started)
        log.info("review %s", outcome)
        return outcome


class Review:
    def __init__(
        self, ctx: WorkerContext, gateway: GitHubPort, repo: str, pr_number: int, head_sha: str, job_id: str, *, retrying: bool
    ) -> None:
        self.ctx = ctx
        self.gh = gateway
        self.repo = repo
        self.pr_number = pr_number
        self.head_sha = head_sha
        self.job_id = job_id
        self.retrying = retrying
        self.annotations_present: int | None = None

    def superseded_by(self) -> str | None:
        return newer_head(self.ctx.redis, self.gh, self.repo, self.pr_number, self.head_sha)

    def run(self) -> str:
        try:
            newer = self.superseded_by()
            if newer:
                self._close_earlier_attempt(newer)
                return f"superseded by {newer[:7]} before it started"
            own = checkruns.own_run(
                self.ctx.redis, self.gh, self.repo, self.head_sha, self.job_id, "Reviewing for ML debt…", STARTED_SUMMARY
            )
        except RequestFailed as exc:
            if exc.response.status_code in GONE:
                return "repository or commit gone"
            raise
        check_id = own.id
        self.annotations_present = own.annotations_present
        try:
            return self._review(check_id)
        except Superseded as exc:
            self._close(check_id, "neutral", "Superseded by a newer push", f"A newer commit ({exc}) is being reviewed instead.")
            return f"superseded by {exc}"
        except PullRequestGone as exc:
            self._close(check_id, "neutral", "Pull request closed", f"Nothing to review: {exc}.")
            return "pull request gone"
        except RequestFailed as exc:
            if exc.response.status_code not in GONE:
                self._fail(check_id)
                raise
            log.info("GitHub answered %s mid-review; ending without retry", exc.response.status_code)
            self._close(check_id, "neutral", "Pull request changed", "Nothing to review: the pull request, its branch or a commit is gone.")
            return "gone mid-review"
        except Exception:
            self._fail(check_id)
            raise

    def _close_earlier_attempt(self, newer: str) -> None:
        """A retry that finds itself superseded closes the run its first attempt left promising a retry."""
        earlier = checkruns.existing(self.ctx.redis, self.gh, self.repo, self.head_sha, self.job_id)
        if earlier is not None:
            self._close(earlier, "neutral", "Superseded by a newer push", f"A newer commit ({newer[:7]}) is being reviewed instead.")

    def _fail(self, check_id: int) -> None:
        log.exception("review failed")
        if self.retrying:
            self._close(check_id, "neutral", checkruns.RETRY_TITLE, checkruns.RETRY_SUMMARY)
            return
        self._close(
            check_id,
            "neutral",
            "mldebt could not finish",
            "mldebt could not finish this review because GitHub or the worker failed. "
            "Comment `/mldebt rescore` on the pull request or press **Rescore** to try again.",
        )

    def _close(self, check_id: int, conclusion: str, title: str, summary: str) -> None:
        """Best effort: if even this fails, the run stays reusable for the job's retry."""
        try:
            self.gh.complete_check_run(
                self.repo, check_id, conclusion=conclusion, title=title, summary=summary, text="", annotations=(), actions=[report.RESCORE_ACTION]
            )
        except Exception:
            log.exception("could not close check run %s", check_id)

    def _pull(self) -> PullInfo:
        try:
            pr = self.gh.get_pull_request(self.repo, self.pr_number)
        except RequestFailed as exc:
            if exc.response.status_code in (404, 410):
                raise PullRequestGone("the pull request no longer exists") from None
            raise
        return self._still_current(pr)

    def _still_current(self, pr: PullInfo) -> PullInfo:
        if pr.state != "open":
            raise PullRequestGone("the pull request is closed")
        if pr.head_sha != self.head_sha:
            raise Superseded(pr.head_sha[:7])
        return pr

    def _review(self, check_id: int) -> str:
        try:
            files = self.gh.list_changed_files(self.repo, self.pr_number)
        except RequestFailed as exc:
            if exc.response.status_code == 404:
                raise PullRequestGone("the pull request or its branch was deleted") from None
            raise
        snapshot = self._snapshot(files)
        pr = self._still_current(snapshot.pull)
        changed, known, config_text = self._contents(pr, files, snapshot.blobs)
        config, config_errors = load_config(config_text)
        view = GitHubRepoView(self.gh, self.repo, {"base": pr.base_sha, "head": self.head_sha}, known, snapshot.folders)
        result = scan(
            ReviewInput(
                changed=changed, repo=view, config=config, pr_body=pr.body, oldest_commit=snapshot.oldest_commit, now=datetime.now(UTC)
            )
        )
        result.config_errors = config_errors
        if len(files) >= MAX_PR_FILES:
            result.notes.append(FileNote(f"files past the first {MAX_PR_FILES:,}", "GitHub's API lists no more of a pull request's files; any beyond them were not analysed"))
        if view.partial_listings:
            listed = min(view.partial_listings.values())
            result.notes.append(FileNote("the repository's file list", f"too large to list in full within mldebt's call budget; rules that look across the repository (lock files, DVC, experiment tracking) saw {listed:,} of its files"))
        lock = self.ctx.redis.lock(
            comment_lock_key(self.repo, self.pr_number), timeout=COMMENT_LOCK_SECONDS, blocking_timeout=self.ctx.settings.job_timeout_seconds
        )
        with lock:
            newer = self.superseded_by()
            if newer:
                raise Superseded(newer[:7])
            anchoring = self._comment(result, files)
        output = report.check_output(result, self.head_sha, anchoring.unanchored)
        self.gh.complete_check_run(
            self.repo,
            check_id,
            conclusion=output.conclusion,
            title=output.title,
            summary=output.summary,
            text=output.text,
            annotations=output.annotations[:MAX_ANNOTATIONS],
            actions=[report.RESCORE_ACTION],
            annotations_present=self.annotations_present,
        )
        return f"{output.conclusion}: {len(result.new)} new, {sum(len(run) for run, _ in anchoring.comments)} commented"

    def _snapshot(self, files: list[PrFile]) -> PullSnapshot:
        """The PR, its oldest commit, the head of every readable changed file, the base config and the default
        feature registries on both sides (most reviews read them), in one GraphQL call."""
        readable = [item.path for item in files if item.status != "removed" and kind_of(item.path) is not None]
        head_nearby, base_nearby = _nearby(files)
        registries = [(path, BLOB) for path in DEFAULT_REGISTRIES]
        at_head = [(path, BLOB) for path in readable] + registries + head_nearby
        at_base = [(CONFIG_PATH, BLOB), *registries, *base_nearby]
        try:
            return self.gh.read_pull_snapshot(self.repo, self.pr_number, self.head_sha, at_head, at_base)
        except PullRequestNotFound:
            raise PullRequestGone("the pull request no longer exists") from None

    def _contents(
        self, pr: PullInfo, files: list[PrFile], blobs: dict[tuple[str, str], Blob]
    ) -> tuple[list[ChangedFile], dict[tuple[str, str], Blob], str | None]:
        """Changed files at head and base; a base is rebuilt from GitHub's patch, else read in one more batch."""
        readable = [item for item in files if item.status != "removed" and kind_of(item.path) is not None]
        bases: dict[str, str | None] = {}
        missing_base = []
        for item in readable:
            if item.status == "added":
                continue
            head = blobs[(self.head_sha, item.path)].data
            rebuilt = base_from_patch(head, item.patch) if head is not None and item.patch else None
            if rebuilt is None:
                missing_base.append((pr.base_sha, item.previous_path or item.path))
            bases[item.path] = rebuilt
        if missing_base:
            fetched = self.gh.read_files(self.repo, missing_base)
            blobs.update(fetched)
            for item in readable:
                if item.path in bases and bases[item.path] is None:
                    bases[item.path] = fetched[(pr.base_sha, item.previous_path or item.path)].data
        changed = []
        read = {item.path for item in readable}
        for item in files:
            head_blob = blobs.get((self.head_sha, item.path)) if item.path in read else None
            changed.append(
                ChangedFile(
                    path=item.path,
                    status=item.status,
                    head=head_blob.data if head_blob else None,
                    base=bases.get(item.path),
                    previous_path=item.previous_path,
                    skip_reason=head_blob.skip_reason if head_blob else None,
                )
            )
        return changed, blobs, blobs[(pr.base_sha, CONFIG_PATH)].data

    def _comment(self, result: ScanResult, files: list[PrFile]) -> Anchoring:
        """One review with only what is new, on diff lines, not yet said; earlier comments marked fixed."""
        posted = self.gh.list_our_comments(self.repo, self.pr_number, OUR_COMMENTS)
        already = {each for comment in posted for each in report.fingerprints_in(comment.body)}
        anchorable = {item.path: commentable_lines(item.patch) for item in files}
        anchoring = Anchoring()
        for run in _runs([finding for finding in result.new if report.fingerprint(finding) not in already], anchorable):
            path = run[0].path
            lines = anchorable.get(path, frozenset())
            if run[0].line in lines and len(anchoring.comments) < self.ctx.settings.max_review_comments:
                anchoring.comments.append((run, _anchor(run, lines)))
            else:
                anchoring.unanchored.extend(run)
        self._post(anchoring, result)
        self._mark_fixed(posted, result, files)
        return anchoring

    def _post(self, anchoring: Anchoring, result: ScanResult) -> None:
        """One review; if GitHub refuses it, the comments it refuses are found without publishing anything
        and go to the check run, and the rest are posted as that one review."""
        if not anchoring.comments:
            return
        body = f"**mldebt** found {len(result.new)} new ML-debt finding(s) in this push; details are in the `{self.ctx.settings.check_name}` check run."
        try:
            self.gh.post_review(self.repo, self.pr_number, self.head_sha, body, [p for _, p in anchoring.comments], OUR_COMMENTS)
            return
        except ReviewRejected as exc:
            log.warning("review refused (%s); finding the comments GitHub will not take", exc)
        self._pull()
        # A probe an interrupted attempt left pending blocks every review of ours here: it alone may be what was refused.
        leftover = self.gh.discard_pending_review(self.repo, self.pr_number)
        refused = self._refused(anchoring.comments, known_refused=not leftover)
        anchoring.comments = [entry for entry in anchoring.comments if all(entry is not out for out in refused)]
        anchoring.unanchored.extend(finding for run, _ in refused for finding in run)
        if anchoring.comments:
            self.gh.post_review(self.repo, self.pr_number, self.head_sha, body, [p for _, p in anchoring.comments], OUR_COMMENTS)

    def _refused(self, batch: list[PlannedComment], *, known_refused: bool) -> list[PlannedComment]:
        """The comments GitHub refuses, found by halving with probes that publish nothing.

        A half is probed only when what is known does not settle it: when a
        refused batch's first half is taken, the refusal is in its second.
        """
        if not known_refused and self.gh.review_would_be_taken(self.repo, self.pr_number, self.head_sha, [_probe(p) for _, p in batch]):
            return []
        if len(batch) == 1:
            return batch
        middle = len(batch) // 2
        first = self._refused(batch[:middle], known_refused=False)
        return first + self._refused(batch[middle:], known_refused=not first)

    def _mark_fixed(self, posted: list[PostedComment], result: ScanResult, files: list[PrFile]) -> None:
        present = {report.fingerprint(finding) for finding in result.findings}
        skipped = {note.path for note in result.notes}
        for comment in posted:
            if report.FIXED_MARKER in comment.body or comment.path in skipped:
                continue
            if report.fingerprints_in(comment.body).isdisjoint(present):
                self.gh.edit_review_comment(self.repo, comment.id, report.fixed_body(comment.body, self.head_sha))
