"""Check runs with GitHub's validation quirks.

Notable rules kept on purpose: at most 50 annotations per request (bots must
batch across PATCHes), annotations accumulate and are never cleared, output
text fields are capped at 65,535 characters, and a completed run needs a
conclusion (and a conclusion implies completed).
"""

from __future__ import annotations

from typing import Any

from ghsim.errors import ApiError, invalid_request, not_found
from ghsim.models import Annotation, CheckRun
from ghsim.repository import Repo
from ghsim.routes.common import optional_str, parse_time, required_str
from ghsim.routing import Ctx, EndpointSet, Reply
from ghsim.util import now

api = EndpointSet()
DOC = "https://docs.github.com/rest/checks/runs#create-a-check-run"
MAX_ANNOTATIONS = 50
MAX_OUTPUT_TEXT = 65535
MAX_ACTIONS = 3
STATUSES = ("queued", "in_progress", "completed")
CONCLUSIONS = ("action_required", "cancelled", "failure", "neutral", "success", "skipped", "timed_out")
LEVELS = ("notice", "warning", "failure")


def _annotation(index: int, raw: Any) -> Annotation:
    where = f"For 'properties/output/properties/annotations/items/{index}'"
    if not isinstance(raw, dict):
        raise invalid_request(f"{where}, {raw!r} is not an object.", DOC)
    for key in ("path", "start_line", "end_line", "annotation_level", "message"):
        if raw.get(key) is None:
            raise invalid_request(f'{where}, "{key}" wasn\'t supplied.', DOC)
    for key in ("start_line", "end_line", "start_column", "end_column"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise invalid_request(f"{where}/{key}, {value!r} is not an integer.", DOC)
    if raw["annotation_level"] not in LEVELS:
        raise invalid_request(
            f'{where}/annotation_level, "{raw["annotation_level"]}" is not one of '
            '["notice", "warning", "failure"].',
            DOC,
        )
    if raw["start_line"] < 1 or raw["end_line"] < raw["start_line"]:
        raise ApiError(
            422,
            "Invalid request.\n\nannotation end_line must be greater than or equal to start_line",
            doc=DOC,
        )
    has_columns = raw.get("start_column") is not None or raw.get("end_column") is not None
    if has_columns and raw["start_line"] != raw["end_line"]:
        raise ApiError(
            422,
            "Invalid request.\n\nstart_column and end_column may only be used when "
            "start_line and end_line are the same",
            doc=DOC,
        )
    for key, limit in (("message", 64 * 1024), ("raw_details", 64 * 1024), ("title", 255)):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            raise ApiError(
                422,
                f"Invalid request.\n\nannotation {key} is too long (maximum is {limit} characters)",
                doc=DOC,
            )
    return Annotation(
        str(raw["path"]),
        raw["start_line"],
        raw["end_line"],
        raw["annotation_level"],
        raw["message"],
        raw.get("start_column"),
        raw.get("end_column"),
        raw.get("title"),
        raw.get("raw_details"),
    )


def _output(raw: Any) -> tuple[dict[str, str | None], list[Annotation]]:
    if not isinstance(raw, dict):
        raise invalid_request("For 'properties/output', is not an object.", DOC)
    for key in ("title", "summary"):
        if not isinstance(raw.get(key), str):
            raise invalid_request(f"For 'properties/output', \"{key}\" wasn't supplied.", DOC)
    texts = {"title": raw["title"], "summary": raw["summary"], "text": raw.get("text")}
    for key in ("summary", "text"):
        value = texts[key]
        if value is not None and len(value) > MAX_OUTPUT_TEXT:
            raise ApiError(
                422,
                f"Invalid request.\n\nOnly {MAX_OUTPUT_TEXT} characters are allowed; "
                f"{len(value)} were supplied.",
                doc=DOC,
            )
    notes = raw.get("annotations") or []
    if not isinstance(notes, list):
        raise invalid_request("For 'properties/output/properties/annotations', is not an array.", DOC)
    if len(notes) > MAX_ANNOTATIONS:
        raise ApiError(
            422,
            f"Invalid request.\n\nOnly {MAX_ANNOTATIONS} annotations are allowed per request; "
            f"{len(notes)} were supplied.",
            doc=DOC,
        )
    return texts, [_annotation(i, n) for i, n in enumerate(notes)]


def _actions(raw: Any) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        raise invalid_request("For 'properties/actions', is not an array.", DOC)
    if len(raw) > MAX_ACTIONS:
        raise invalid_request(f"For 'properties/actions', only {MAX_ACTIONS} actions are allowed.", DOC)
    out = []
    for index, action in enumerate(raw):
        where = f"For 'properties/actions/items/{index}'"
        if not isinstance(action, dict):
            raise invalid_request(f"{where}, is not an object.", DOC)
        for key, limit in (("label", 20), ("description", 40), ("identifier", 20)):
            value = action.get(key)
            if not isinstance(value, str):
                raise invalid_request(f'{where}, "{key}" wasn\'t supplied.', DOC)
            if len(value) > limit:
                raise invalid_request(
                    f'{where}/{key}, "{value}" is too long (maximum is {limit} characters).', DOC
                )
        out.append(
            {
                "label": action["label"],
                "description": action["description"],
                "identifier": action["identifier"],
            }
        )
    return out


def _apply(run: CheckRun, body: dict[str, Any], creating: bool) -> None:
    """Validate everything first, then mutate, so a 422 leaves the run untouched."""
    status = body.get("status")
    conclusion = body.get("conclusion")
    if status is not None and status not in STATUSES:
        raise invalid_request(f"For 'properties/status', \"{status}\" is not one of {list(STATUSES)}.", DOC)
    if conclusion is not None and conclusion not in CONCLUSIONS:
        raise invalid_request(
            f"For 'properties/conclusion', \"{conclusion}\" is not one of {list(CONCLUSIONS)}.", DOC
        )
    if conclusion is not None and status is not None and status != "completed":
        raise invalid_request("Conclusion can only be set when status is completed.", DOC)
    completed_at = parse_time(body.get("completed_at"), "completed_at")
    started_at = parse_time(body.get("started_at"), "started_at")
    if conclusion is not None:
        status = "completed"
    if (status == "completed" or completed_at is not None) and conclusion is None:
        raise invalid_request(
            '"conclusion" wasn\'t supplied; it is required when status is completed '
            "or completed_at is given.",
            DOC,
        )
    output = _output(body["output"]) if body.get("output") is not None else None
    actions = _actions(body["actions"]) if body.get("actions") is not None else None
    details_url = optional_str(body, "details_url")
    external_id = optional_str(body, "external_id")
    if not creating and body.get("name") is not None:
        run.name = required_str(body, "name")
    if details_url is not None:
        run.details_url = details_url
    if external_id is not None:
        run.external_id = external_id
    if started_at is not None:
        run.started_at = started_at
    if status is not None:
        run.status = status
        if status == "completed":
            run.conclusion = conclusion
            run.completed_at = completed_at or now()
        else:
            run.conclusion = None
            run.completed_at = None
    if output is not None:
        texts, notes = output
        run.title, run.summary, run.text = texts["title"], texts["summary"], texts["text"]
        run.annotations.extend(notes)
    if actions is not None:
        run.actions = actions


def _run_or_404(ctx: Ctx, repo: Repo) -> CheckRun:
    run = ctx.sim.state.check_runs.get(ctx.params["check_run_id"])
    if run is None or run.repo_id != repo.id:
        raise not_found("https://docs.github.com/rest/checks/runs#get-a-check-run")
    return run


@api.post("/repos/{owner}/{repo}/check-runs", permission=("checks", "write"))
def create_check_run(ctx: Ctx) -> Any:
    repo = ctx.repo()
    body = ctx.json_body()
    name = required_str(body, "name")
    head_sha = required_str(body, "head_sha")
    if head_sha not in repo.objects.commits:
        raise ApiError(422, f"No commit found for SHA: {head_sha}", doc=DOC)
    state = ctx.sim.state
    suite = state.suite_for(repo, head_sha)
    run = CheckRun(
        state.next_id(), repo.id, name, head_sha, suite.id, state.app_id, "queued", None, now(), None
    )
    _apply(run, body, creating=True)
    state.check_runs[run.id] = run
    return Reply(ctx.shapes.check_run(run), 201)


@api.patch("/repos/{owner}/{repo}/check-runs/{check_run_id:int}", permission=("checks", "write"))
def update_check_run(ctx: Ctx) -> Any:
    repo = ctx.repo()
    run = _run_or_404(ctx, repo)
    _apply(run, ctx.json_body(), creating=False)
    return ctx.shapes.check_run(run)


@api.get("/repos/{owner}/{repo}/check-runs/{check_run_id:int}", permission=("checks", "read"))
def get_check_run(ctx: Ctx) -> Any:
    return ctx.shapes.check_run(_run_or_404(ctx, ctx.repo()))


@api.get("/repos/{owner}/{repo}/check-runs/{check_run_id:int}/annotations", permission=("checks", "read"))
def list_annotations(ctx: Ctx) -> Any:
    repo = ctx.repo()
    run = _run_or_404(ctx, repo)
    return ctx.page([ctx.shapes.annotation(repo, run, a) for a in run.annotations])


@api.get("/repos/{owner}/{repo}/commits/{ref}/check-runs", permission=("checks", "read"))
def list_for_ref(ctx: Ctx) -> Any:
    repo = ctx.repo()
    sha = repo.resolve(ctx.params["ref"])
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {ctx.params['ref']}", doc=DOC)
    runs = sorted(
        (r for r in ctx.sim.state.check_runs.values() if r.repo_id == repo.id and r.head_sha == sha),
        key=lambda r: r.id,
        reverse=True,
    )
    name = ctx.query.get("check_name")
    status = ctx.query.get("status")
    if name is not None:
        runs = [r for r in runs if r.name == name]
    if status is not None:
        runs = [r for r in runs if r.status == status]
    if ctx.query.get("filter", "latest") == "latest":
        seen: set[str] = set()
        latest = []
        for run in runs:
            if run.name not in seen:
                seen.add(run.name)
                latest.append(run)
        runs = latest
    total = len(runs)
    return ctx.page(
        [ctx.shapes.check_run(r) for r in runs],
        wrap=lambda chunk: {"total_count": total, "check_runs": chunk},
    )


@api.get("/repos/{owner}/{repo}/check-suites/{suite_id:int}", permission=("checks", "read"))
def get_check_suite(ctx: Ctx) -> Any:
    repo = ctx.repo()
    suite = next(
        (
            s
            for s in ctx.sim.state.check_suites.values()
            if s.id == ctx.params["suite_id"] and s.repo_id == repo.id
        ),
        None,
    )
    if suite is None:
        raise not_found()
    return ctx.shapes.check_suite(suite, repo)
