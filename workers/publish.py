"""Carries a review plan out against GitHub: the review, the comments marked fixed, then the check run.

GitHub refuses a whole review for one comment it will not take (a line it
does not count as part of the diff). The plan anchors only on lines the
patch shows, but GitHub has the last word, so a refused review is taken
apart with probes that publish nothing, the refused comments go to the check
run instead, and the rest are posted as the one review. Every write is
idempotent: comments carry our marker, the check run is the job's own.
"""

from __future__ import annotations

import dataclasses
import logging

from workers import report
from workers.plan import PlannedComment, ReviewPlan
from workers.port import GitHubPort, ReviewComment, ReviewRejected
from workers.reading import current_pull

# The review job's logger: an operator follows one job's story in one logger.
log = logging.getLogger("mldebt.review")
OUR_COMMENTS = report.MARKER_PREFIX
# A probe's comments carry this instead, so a probe left pending is never read as a posted comment (its
# author sees it in the PR's comment list); it is as long, so GitHub's length limit judges both alike.
PROBE_COMMENTS = "<!-- mldebt:probing "


class Publisher:
    def __init__(self, gh: GitHubPort, repo: str, pr_number: int) -> None:
        self.gh = gh
        self.repo = repo
        self.pr_number = pr_number

    def publish_comments(self, plan: ReviewPlan) -> ReviewPlan:
        """Posts the review, then marks our earlier comments fixed; returns the plan as GitHub took it."""
        published = self._post(plan)
        for fix in plan.fixed:
            self.gh.edit_review_comment(self.repo, fix.comment_id, fix.body)
        return published

    def complete_check_run(self, check_id: int, plan: ReviewPlan, annotations_present: int | None) -> None:
        """`annotations_present`: on a run an earlier attempt made (None: ask GitHub), none is sent twice."""
        output = plan.check_run
        self.gh.complete_check_run(
            self.repo,
            check_id,
            conclusion=output.conclusion,
            title=output.title,
            summary=output.summary,
            text=output.text,
            annotations=output.annotations,
            actions=[report.RESCORE_ACTION],
            annotations_present=annotations_present,
        )

    def _post(self, plan: ReviewPlan) -> ReviewPlan:
        """One review; if GitHub refuses it, the comments it refuses are found without publishing anything
        and go to the check run, and the rest are posted as that one review."""
        if not plan.comments:
            return plan
        try:
            self._send(plan)
            return plan
        except ReviewRejected as exc:
            log.warning("review refused (%s); finding the comments GitHub will not take", exc)
        current_pull(self.gh, self.repo, self.pr_number, plan.head_sha)
        # A probe an interrupted attempt left pending blocks every review of ours here:
        # it alone may be what was refused.
        leftover = self.gh.discard_pending_review(self.repo, self.pr_number)
        published = plan.without(
            self._refused(plan.head_sha, list(plan.comments), known_refused=not leftover)
        )
        if published.comments:
            self._send(published)
        return published

    def _send(self, plan: ReviewPlan) -> None:
        comments = [planned.comment for planned in plan.comments]
        self.gh.post_review(
            self.repo, self.pr_number, plan.head_sha, plan.review_body, comments, OUR_COMMENTS
        )

    def _refused(self, sha: str, batch: list[PlannedComment], *, known_refused: bool) -> list[PlannedComment]:
        """The comments GitHub refuses, found by halving with probes that publish nothing.

        A half is probed only when what is known does not settle it: when a
        refused batch's first half is taken, the refusal is in its second.
        """
        if not known_refused and self.gh.review_would_be_taken(
            self.repo, self.pr_number, sha, [_probe(planned.comment) for planned in batch]
        ):
            return []
        if len(batch) == 1:
            return batch
        middle = len(batch) // 2
        first = self._refused(sha, batch[:middle], known_refused=False)
        return first + self._refused(sha, batch[middle:], known_refused=not first)


def _probe(comment: ReviewComment) -> ReviewComment:
    return dataclasses.replace(comment, body=comment.body.replace(OUR_COMMENTS, PROBE_COMMENTS))
