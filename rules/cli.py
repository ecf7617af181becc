"""`mldebt scan`: the bot's review, run on a local git repository.

The same engine and rules as the GitHub App, over the files that differ between
the base (by default the merge base with the default branch) and the head (by
default the working tree, uncommitted and untracked files included); with
`--staged`, the index against HEAD, as a pre-commit hook must judge a commit.
The config comes from the base revision, as on GitHub, so a change cannot
switch off the checks that would report it.

`--sarif-output FILE` writes SARIF beside the chosen report, from the same
scan: CI gets the job log and the code-scanning upload from one run.

Exit status: 1 when a new finding is at a failing severity (`fail_on`), 0
otherwise (always 0 with `--exit-zero`), 2 for usage errors, an invalid config,
a report file that cannot be written or when the directory is not a git
repository. With `--fix` the status is that of the findings left once the safe
fixes are written. Unlike the App, which reviews with defaults and reports a
broken config in its check run, the CLI stops: a local run is where the config
gets fixed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from rules.cli_fix import fixed_lines, write_fixes
from rules.cli_options import UsageError, choose_rules, rule_ids
from rules.config import CONFIG_PATH, Config, load_config
from rules.docs import DOCS_URL_ENV, DocsLinks, docs_links
from rules.engine import ReviewInput, ScanResult, scan
from rules.gitindex import StagedRepo
from rules.gitrepo import GitError, GitRepo
from rules.render_json import findings_json
from rules.render_text import Comparison, render, statistics, statistics_json, summary_lines
from rules.rule import ChangeRule, all_rules
from rules.sarif import to_sarif

EXIT_CLEAN = 0
EXIT_BLOCKING = 1
EXIT_USAGE = 2


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _version() -> str:
    """The installed distribution's version; a source checkout run with PYTHONPATH has none."""
    try:
        return version("mldebt")
    except PackageNotFoundError:
        return "unknown (not installed)"


def parser(
    more_commands: Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None] | None = None,
) -> argparse.ArgumentParser:
    """`mldebt`'s parser; `more_commands` adds the commands of the App's side (`mldebt setup`), which
    the rules must not import."""
    top = argparse.ArgumentParser(
        prog="mldebt", description="Review ML code for machine-learning technical debt."
    )
    top.add_argument("--version", action="version", version=f"mldebt {_version()}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    command = commands.add_parser(
        "scan",
        help="review the changes of a local git repository",
        description="Review the files that differ between BASE and HEAD, "
        "as the mldebt GitHub App would review a pull request.",
    )
    command.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="scan these files or folders as they are, without a diff (`.` for the whole repository)",
    )
    command.add_argument(
        "--repo", default=".", metavar="DIR", help="the repository (default: the current directory)"
    )
    command.add_argument(
        "--base",
        metavar="REV",
        help="base revision; the merge base with HEAD is used (default: the default branch: origin/HEAD, "
        "main or master)",
    )
    command.add_argument(
        "--head",
        metavar="REV",
        help="head revision (default: the working tree, with uncommitted and untracked files)",
    )
    command.add_argument(
        "--staged",
        action="store_true",
        help="review the staged changes (the index against HEAD) only, as a pre-commit hook must; "
        "unstaged edits and untracked files are ignored",
    )
    command.add_argument(
        "--pr-body", metavar="FILE", type=Path, help="a file holding the pull request description"
    )
    command.add_argument(
        "--now", metavar="ISO-TIME", type=_moment, help="the current time, for stale-branch (default: now)"
    )
    command.add_argument(
        "--format", choices=("text", "json", "sarif"), default="text", help="output format (default: text)"
    )
    command.add_argument(
        "--config",
        metavar="FILE",
        type=Path,
        help=f"config file to use instead of the base revision's {CONFIG_PATH}",
    )
    command.add_argument(
        "--select",
        metavar="RULE[,RULE]",
        action="append",
        default=[],
        help="run only these rules (repeatable; overrides the config's enabled: false)",
    )
    command.add_argument(
        "--ignore", metavar="RULE[,RULE]", action="append", default=[], help="skip these rules (repeatable)"
    )
    command.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when new findings are at a failing severity"
    )
    command.add_argument(
        "--output", metavar="FILE", type=Path, help="write the report to FILE instead of standard output"
    )
    command.add_argument(
        "--sarif-output",
        metavar="FILE",
        type=Path,
        help="also write the findings as SARIF to FILE, from the same scan as the report "
        "(which --format and --output still choose); the exit status is unchanged",
    )
    command.add_argument(
        "--statistics", action="store_true", help="print the number of findings per rule instead of each one"
    )
    command.add_argument(
        "--docs-url",
        metavar="URL",
        help=f"where rule pages live, for the links in the report: a folder of <rule-id>.md pages or a "
        f"template with {{rule}} (default: ${DOCS_URL_ENV}, else mldebt's own pages)",
    )
    command.add_argument(
        "--fix",
        action="store_true",
        help="apply the safe fixes to the working tree, say what changed, then report what is left",
    )
    if more_commands is not None:
        more_commands(commands)
    return top


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.__class__.__name__}") from None


@dataclass(frozen=True)
class Scanned:
    """A scan and what it compared: the summary names both sides so that a count of 0 explains itself."""

    result: ScanResult
    root: Path
    compared: Comparison


def _config(args: argparse.Namespace, text: str | None, origin: str, skip: frozenset[str]) -> Config:
    """The config to scan with: `--config FILE` or `text`, then the rule selection; errors stop the scan."""
    if args.config is not None:
        text = _read(args.config, "config")
    config, errors = load_config(text, str(args.config) if args.config is not None else CONFIG_PATH)
    if errors:
        where = "" if args.config is not None else f" (read from {origin}; --config FILE uses another)"
        raise UsageError("\n".join([f"invalid config{where}:", *(f"  {error}" for error in errors)]))
    known = all_rules()
    return choose_rules(
        config,
        known,
        rule_ids(args.select, known, "--select"),
        rule_ids(args.ignore, known, "--ignore") | skip,
    )


def _relative(root: Path, path: str) -> str:
    """A PATH argument as a repository-relative prefix ("" for the root); outside the repository: an error."""
    resolved = Path(path).resolve()
    if not resolved.exists():
        raise UsageError(f"no such file or directory: {path}")
    try:
        relative = resolved.relative_to(root.resolve())
    except ValueError:
        raise UsageError(f"{path} is outside the repository {root}") from None
    return "" if relative == Path() else relative.as_posix()


def _review_files(args: argparse.Namespace, root: Path) -> Scanned:
    """`scan PATH…`: the files as they are, every finding existing; change rules have no change to judge."""
    if args.base or args.head:
        raise UsageError("PATH arguments scan files as they are; --base/--head compare revisions: use one")
    repo = GitRepo(root, GitRepo.commit(root, "HEAD"), None)
    skip = frozenset(rule_id for rule_id, rule in all_rules().items() if issubclass(rule, ChangeRule))
    config = _config(args, repo.read_text(CONFIG_PATH, "head"), "the working tree", skip)
    prefixes = [_relative(root, path) for path in args.paths]
    result = scan(ReviewInput(changed=repo.current_files(prefixes), repo=repo, config=config))
    result.findings = [finding.with_(new=False) for finding in result.findings]
    return Scanned(result, root, Comparison(paths=tuple(args.paths)))


def _review_staged(args: argparse.Namespace, root: Path) -> Scanned:
    """`scan --staged`: what the commit being made would record, judged against HEAD and HEAD's config."""
    if args.paths or args.base or args.head:
        raise UsageError("--staged compares the index with HEAD: it takes no PATH, --base or --head")
    repo = StagedRepo(root)
    changed = repo.changed_files()
    config = _config(args, repo.read_text(CONFIG_PATH, "base"), "HEAD", frozenset())
    pr_body = _read(args.pr_body, "pull request body") if args.pr_body else ""
    result = scan(ReviewInput(changed=changed, repo=repo, config=config, pr_body=pr_body))
    compared = Comparison(
        base=repo.base_name, base_sha=repo.base, head="the staged changes", nothing_changed=not changed
    )
    return Scanned(result, root, compared)


def review(args: argparse.Namespace) -> Scanned:
    """Everything `scan` needs, from git; GitError or UsageError for anything the user must fix."""
    root = GitRepo.toplevel(args.repo)
    if args.staged:
        return _review_staged(args, root)
    if args.paths:
        return _review_files(args, root)
    head = GitRepo.commit(root, args.head) if args.head else None
    head_commit = head or GitRepo.commit(root, "HEAD")
    base_branch = args.base or GitRepo.default_branch(root)
    base_tip = GitRepo.commit(root, base_branch)
    base = GitRepo.merge_base(root, base_tip, head_commit)
    repo = GitRepo(root, base, head)
    changed = repo.changed_files()
    config = _config(args, repo.read_text(CONFIG_PATH, "base"), base_branch, frozenset())
    result = scan(
        ReviewInput(
            changed=changed,
            repo=repo,
            config=config,
            pr_body=_read(args.pr_body, "pull request body") if args.pr_body else "",
            oldest_commit=repo.oldest_commit(),
            now=args.now or datetime.now(UTC),
        )
    )
    compared = Comparison(
        base=base_branch,
        base_sha=base,
        merge_base=base != base_tip,
        head=f"{args.head} ({head[:7]})" if head else "the working tree",
        nothing_changed=not changed,
    )
    return Scanned(result, root, compared)


def links(args: argparse.Namespace) -> DocsLinks:
    """`--docs-url`, else `$MLDEBT_DOCS_URL`, else mldebt's own pages; malformed is a usage error."""
    try:
        if args.docs_url is not None:
            return docs_links(args.docs_url, "--docs-url")
        return docs_links(os.environ.get(DOCS_URL_ENV))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def report(args: argparse.Namespace, scanned: Scanned, docs: DocsLinks) -> str:
    """The report in the chosen format; for JSON and SARIF the summary goes to stderr, not into the data."""
    result = scanned.result
    if args.statistics and args.format == "json":
        return json.dumps(statistics_json(result, docs), indent=2) + "\n"
    if args.statistics:
        return "\n".join([*statistics(result), "", *summary_lines(result, scanned.compared)]) + "\n"
    if args.format == "json":
        return json.dumps(findings_json(result, docs), indent=2) + "\n"
    if args.format == "sarif":
        return sarif_report(scanned, docs)
    return render(result, docs, scanned.compared)


def sarif_report(scanned: Scanned, docs: DocsLinks) -> str:
    """SARIF 2.1.0, for `--format sarif` and `--sarif-output` alike."""
    return json.dumps(to_sarif(scanned.result, docs, scanned.root), indent=2) + "\n"


def _write(path: Path, text: str) -> str | None:
    """Writes a report file; the error to print, if it could not be written."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        return f"mldebt: cannot write {path}: {exc.strerror or exc}"
    return None


def _usage_problem(args: argparse.Namespace) -> str | None:
    """Flags that cannot go together, found before anything is scanned."""
    if args.statistics and args.format == "sarif":
        return "--statistics works with --format text or json, not sarif"
    if args.fix and (args.head or args.staged):
        used = "--head" if args.head else "--staged"
        return f"--fix edits the working tree; it cannot be used with {used}"
    if (
        args.output is not None
        and args.sarif_output is not None
        and args.output.resolve() == args.sarif_output.resolve()
    ):
        return f"--output and --sarif-output both name {args.output}: give the SARIF report a file of its own"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    return run(parser().parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """`mldebt scan` with its parsed arguments.

    One scan makes every report: the one `--format` chooses (standard output or `--output`) and, with
    `--sarif-output`, the SARIF file beside it, so that the two cannot disagree.
    """
    problem = _usage_problem(args)
    if problem:
        print(f"mldebt: {problem}", file=sys.stderr)
        return EXIT_USAGE
    to_stderr = args.format != "text" or args.output is not None
    try:
        docs = links(args)
        scanned = review(args)
        if args.fix:
            written = write_fixes(scanned.root, scanned.result.findings)
            print("\n".join(fixed_lines(written)), file=sys.stderr if to_stderr else sys.stdout)
            if written:
                scanned = review(args)
    except (GitError, UsageError) as exc:
        print(f"mldebt: {exc}", file=sys.stderr)
        return EXIT_USAGE
    text = report(args, scanned, docs)
    if args.output is None:
        sys.stdout.write(text)
    else:
        failure = _write(args.output, text)
        if failure:
            print(failure, file=sys.stderr)
            return EXIT_USAGE
    if to_stderr:
        print("\n".join(summary_lines(scanned.result, scanned.compared)), file=sys.stderr)
    if args.sarif_output is not None:
        failure = _write(args.sarif_output, sarif_report(scanned, docs))
        if failure:
            print(failure, file=sys.stderr)
            return EXIT_USAGE
    if args.exit_zero:
        return EXIT_CLEAN
    return EXIT_BLOCKING if scanned.result.blocking else EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
