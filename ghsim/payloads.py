"""Webhook payloads built from live simulator state, shaped like GitHub's.

The objects inside (pull_request, repository, check_run, comment...) come
from the same serialisers as the REST API, so ids, shas and urls in a
payload line up with what the bot later fetches.  Builders that describe a
human action (a comment) create it in state first, as GitHub would have.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ghsim.repository import PullRequest, Repo
from ghsim.util import iso, node_id

if TYPE_CHECKING:
    from ghsim.simulator import SimulatedGitHub

Json = dict[str, Any]


def _repo(sim: SimulatedGitHub, repo: str | Repo) -> Repo:
    return repo if isinstance(repo, Repo) else sim.repo(repo)


def _envelope(sim: SimulatedGitHub, repo: Repo, action: str, sender: str) -> Json:
    out: Json = {"action": action, "repository": sim.shapes.repository(repo)}
    if repo.owner.type == "Organization":
        owner = sim.shapes.user(repo.owner)
        out["organization"] = {
            "login": owner["login"],
            "id": owner["id"],
            "node_id": owner["node_id"],
            "url": f"{sim.url}/orgs/{repo.owner.login}",
            "repos_url": owner["repos_url"],
            "events_url": f"{sim.url}/orgs/{repo.owner.login}/events",
            "hooks_url": f"{sim.url}/orgs/{repo.owner.login}/hooks",
            "issues_url": f"{sim.url}/orgs/{repo.owner.login}/issues",
            "members_url": f"{sim.url}/orgs/{repo.owner.login}/members{{/member}}",
            "public_members_url": f"{sim.url}/orgs/{repo.owner.login}/public_members{{/member}}",
            "avatar_url": owner["avatar_url"],
            "description": None,
        }
    out["sender"] = sim.shapes.user(sim.state.user(sender))
    out["installation"] = {"id": repo.installation_id, "node_id": node_id("I", repo.installation_id)}
    return out


def pull_request(
    sim: SimulatedGitHub,
    repo: str | Repo,
    number: int,
    action: str = "opened",
    *,
    sender: str | None = None,
    before: str | None = None,
    after: str | None = None,
) -> Json:
    """``pull_request`` event; ``synchronize`` gets ``before``/``after`` from the last push by default."""
    with sim.state.lock:
        target = _repo(sim, repo)
        pr = target.pull(number)
        out = _envelope(sim, target, action, sender or pr.user.login)
        out = {
            "action": action,
            "number": pr.number,
            "pull_request": sim.shapes.pull_request(pr),
            **{k: v for k, v in out.items() if k != "action"},
        }
        if action == "synchronize":
            out["before"] = before or pr.before_sha or pr.base_sha
            out["after"] = after or pr.head_sha
        return out


def _issue(sim: SimulatedGitHub, pr: PullRequest) -> Json:
    repo = pr.repo
    api = f"{sim.shapes.repo_url(repo)}/issues/{pr.number}"
    html = f"https://github.com/{repo.full_name}/pull/{pr.number}"
    comments = sum(
        1 for c in sim.state.issue_comments.values() if c.repo_id == repo.id and c.number == pr.number
    )
    return {
        "url": api,
        "repository_url": sim.shapes.repo_url(repo),
        "labels_url": f"{api}/labels{{/name}}",
        "comments_url": f"{api}/comments",
        "events_url": f"{api}/events",
        "html_url": html,
        "id": pr.id + 1,
        "node_id": node_id("I", pr.id),
        "number": pr.number,
        "title": pr.title,
        "user": sim.shapes.user(pr.user),
        "labels": [],
        "state": pr.state,
        "locked": False,
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "comments": comments,
        "created_at": iso(pr.created_at),
        "updated_at": iso(pr.updated_at),
        "closed_at": iso(pr.closed_at),
        "author_association": sim.state.association(repo, pr.user),
        "active_lock_reason": None,
        "draft": pr.draft,
        "body": pr.body,
        "pull_request": {
            "url": f"{sim.shapes.repo_url(repo)}/pulls/{pr.number}",
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "merged_at": iso(pr.merged_at),
        },
        "reactions": sim.shapes.reaction_rollup(("issue", pr.id), api),
        "timeline_url": f"{api}/timeline",
        "performed_via_github_app": None,
        "state_reason": None,
    }


def issue_comment(
    sim: SimulatedGitHub,
    repo: str | Repo,
    number: int,
    body: str,
    *,
    user: str = "alice",
    action: str = "created",
) -> Json:
    """A user's comment on PR ``number`` (``issue.pull_request`` set); the comment is created in state."""
    with sim.state.lock:
        target = _repo(sim, repo)
        pr = target.pull(number)
        comment = sim.state.add_issue_comment(target, number, body, sim.state.user(user))
        envelope = _envelope(sim, target, action, user)
        return {
            "action": action,
            "issue": _issue(sim, pr),
            "comment": sim.shapes.issue_comment(comment),
            **{k: v for k, v in envelope.items() if k != "action"},
        }


def pull_request_review_comment(
    sim: SimulatedGitHub,
    repo: str | Repo,
    number: int,
    in_reply_to: int,
    body: str,
    *,
    user: str = "alice",
    action: str = "created",
) -> Json:
    """A user's reply to review comment ``in_reply_to`` on PR ``number``; the reply is created in state."""
    with sim.state.lock:
        target = _repo(sim, repo)
        pr = target.pull(number)
        reply = sim.state.add_review_reply(
            target, sim.state.review_comments[in_reply_to], body, sim.state.user(user)
        )
        envelope = _envelope(sim, target, action, user)
        return {
            "action": action,
            "comment": sim.shapes.review_comment(reply),
            "pull_request": sim.shapes.pull_request(pr),
            **{k: v for k, v in envelope.items() if k != "action"},
        }


def check_run(
    sim: SimulatedGitHub,
    repo: str | Repo,
    check_run_id: int,
    action: str = "rerequested",
    *,
    identifier: str | None = None,
    sender: str = "alice",
) -> Json:
    """``check_run`` event; pass ``identifier`` for ``requested_action`` (the button's identifier)."""
    with sim.state.lock:
        target = _repo(sim, repo)
        run = sim.state.check_runs[check_run_id]
        shaped = sim.shapes.check_run(run)
        suite = next(s for s in sim.state.check_suites.values() if s.id == run.suite_id)
        shaped["check_suite"] = sim.shapes.check_suite(suite, target)
        out = {
            "action": action,
            "check_run": shaped,
            **{k: v for k, v in _envelope(sim, target, action, sender).items() if k != "action"},
        }
        if action == "requested_action":
            if identifier is None:
                raise ValueError("requested_action needs the action identifier")
            out["requested_action"] = {"identifier": identifier}
        return out


def check_suite(
    sim: SimulatedGitHub,
    repo: str | Repo,
    head_sha: str,
    action: str = "rerequested",
    *,
    sender: str = "alice",
) -> Json:
    """``check_suite`` event for the App's suite on ``head_sha`` (created if needed)."""
    with sim.state.lock:
        target = _repo(sim, repo)
        suite = sim.state.suite_for(target, head_sha)
        return {
            "action": action,
            "check_suite": sim.shapes.check_suite(suite, target),
            **{k: v for k, v in _envelope(sim, target, action, sender).items() if k != "action"},
        }


def installation(
    sim: SimulatedGitHub, installation_id: int, action: str = "created", *, sender: str | None = None
) -> Json:
    """``installation`` event listing the installation's repositories."""
    with sim.state.lock:
        inst = sim.state.installations[installation_id]
        repos = [r for r in sim.state.repos.values() if r.installation_id == installation_id]
        return {
            "action": action,
            "installation": sim.shapes.installation(inst),
            "repositories": [sim.shapes.repository_brief(r) for r in repos],
            "requester": None,
            "sender": sim.shapes.user(sim.state.user(sender or inst.account.login)),
        }


def ping(sim: SimulatedGitHub) -> Json:
    """The ``ping`` event GitHub sends when an App's webhook is configured."""
    with sim.state.lock:
        return {
            "zen": "Keep it logically awesome.",
            "hook_id": sim.webhooks.hook_id,
            "hook": {
                "type": "App",
                "id": sim.webhooks.hook_id,
                "name": "web",
                "active": True,
                "events": list(sim.state.events),
                "app_id": sim.app_id,
                "config": {"content_type": "json", "insecure_ssl": "0", "url": sim.webhook_url or ""},
            },
            "sender": sim.shapes.user(
                sim.state.user(sim.state.installations[min(sim.state.installations)].account.login)
            )
            if sim.state.installations
            else None,
        }
