"""Reviews, review comments, issue comments and reactions: the conversation on a pull request.

Who may see a pending review's comments, and which fields GitHub leaves out
until it is submitted, show up in these shapes; the bot's dismissals and
commands are read back through them, so they are kept together.
"""

from __future__ import annotations

from ghsim.models import IssueComment, Reaction, Review, ReviewComment
from ghsim.shapes_repos import HTML, Json, RepoShapes
from ghsim.util import iso, node_id


class CommentShapes(RepoShapes):
    """The shapes of a pull request's conversation."""

    def review(self, review: Review) -> Json:
        repo = self.state.repo_by_id(review.repo_id)
        assert repo is not None
        pr_url = f"{self.repo_url(repo)}/pulls/{review.pr_number}"
        html = f"{HTML}/{repo.full_name}/pull/{review.pr_number}#pullrequestreview-{review.id}"
        out: Json = {
            "id": review.id,
            "node_id": node_id("PRR", review.id),
            "user": self.user(review.user),
            "body": review.body,
            "state": review.state,
            "html_url": html,
            "pull_request_url": pr_url,
            "_links": {"html": {"href": html}, "pull_request": {"href": pr_url}},
            "submitted_at": iso(review.submitted_at),
            "commit_id": review.commit_id,
            "author_association": self.state.association(repo, review.user),
        }
        if review.state == "PENDING":
            del out["submitted_at"]
        return out

    def review_comment(self, comment: ReviewComment) -> Json:
        repo = self.state.repo_by_id(comment.repo_id)
        assert repo is not None
        r = self.repo_url(repo)
        u = f"{r}/pulls/comments/{comment.id}"
        html = f"{HTML}/{repo.full_name}/pull/{comment.pr_number}#discussion_r{comment.id}"
        pr_url = f"{r}/pulls/{comment.pr_number}"
        out: Json = {
            "url": u,
            "pull_request_review_id": comment.review_id,
            "id": comment.id,
            "node_id": node_id("PRRC", comment.id),
            "diff_hunk": comment.diff_hunk,
            "path": comment.path,
            "position": comment.position,
            "original_position": comment.original_position,
            "commit_id": comment.commit_id,
            "original_commit_id": comment.original_commit_id,
            "user": self.user(comment.user),
            "body": comment.body,
            "created_at": iso(comment.created_at),
            "updated_at": iso(comment.updated_at),
            "html_url": html,
            "pull_request_url": pr_url,
            "author_association": self.state.association(repo, comment.user),
            "_links": {"self": {"href": u}, "html": {"href": html}, "pull_request": {"href": pr_url}},
            "start_line": comment.start_line,
            "original_start_line": comment.original_start_line,
            "start_side": comment.start_side,
            "line": comment.line,
            "original_line": comment.original_line,
            "side": comment.side,
            "subject_type": comment.subject_type,
            "reactions": self.reaction_rollup(("pull_comment", comment.id), u),
        }
        if comment.in_reply_to_id is not None:
            out["in_reply_to_id"] = comment.in_reply_to_id
        if self.state.in_pending_review(comment):
            # GitHub gives a pending comment's place only as a diff position until it is submitted.
            for key in ("line", "original_line", "side", "start_line", "original_start_line", "start_side"):
                del out[key]
        return out

    def issue_comment(self, comment: IssueComment) -> Json:
        repo = self.state.repo_by_id(comment.repo_id)
        assert repo is not None
        r = self.repo_url(repo)
        u = f"{r}/issues/comments/{comment.id}"
        return {
            "id": comment.id,
            "node_id": node_id("IC", comment.id),
            "url": u,
            "html_url": f"{HTML}/{repo.full_name}/pull/{comment.number}#issuecomment-{comment.id}",
            "body": comment.body,
            "user": self.user(comment.user),
            "created_at": iso(comment.created_at),
            "updated_at": iso(comment.updated_at),
            "issue_url": f"{r}/issues/{comment.number}",
            "author_association": self.state.association(repo, comment.user),
            "performed_via_github_app": self.app() if comment.user.type == "Bot" else None,
            "reactions": self.reaction_rollup(("issue_comment", comment.id), u),
        }

    def reaction_rollup(self, subject: tuple[str, int], url: str) -> Json:
        counts = dict.fromkeys(("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes"), 0)
        for reaction in self.state.reactions:
            if reaction.subject == subject:
                counts[reaction.content] += 1
        return {"url": f"{url}/reactions", "total_count": sum(counts.values()), **counts}

    def reaction(self, reaction: Reaction) -> Json:
        return {
            "id": reaction.id,
            "node_id": node_id("REA", reaction.id),
            "user": self.user(reaction.user),
            "content": reaction.content,
            "created_at": iso(reaction.created_at),
        }
