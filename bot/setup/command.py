"""`mldebt setup --url https://my.host`: the flags, the run, and what the person is told.

Nothing printed here holds the private key or the webhook secret: only where
they were written.
"""

from __future__ import annotations

import argparse
import re
import sys
import webbrowser
from pathlib import Path

from bot.setup.envfile import Destination, refuse_to_overwrite
from bot.setup.flow import ManifestFlow, Outcome, SetupRequest
from bot.setup.manifest import GITHUB_WEB_URL, SetupError, api_url_for, webhook_url

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
# The repository's own manifest, beside pyproject.toml.
DEFAULT_MANIFEST = Path(__file__).resolve().parents[2] / "app.yml"
_ORG_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")


def _org(name: str) -> str:
    if not _ORG_NAME.fullmatch(name):
        raise argparse.ArgumentTypeError(f"not a GitHub organization name: {name!r}")
    return name


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "setup",
        help="register the GitHub App from app.yml and write its credentials to .env",
        description="Create the mldebt GitHub App through GitHub's App-manifest flow: a page on "
        "127.0.0.1 sends app.yml to GitHub, GitHub sends you back with a code, and the App's id, "
        "private key and webhook secret are written to .env and a key file, readable by you alone.",
    )
    where = command.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="the receiver's public address; GitHub delivers webhooks to URL/webhook")
    where.add_argument(
        "--webhook-url",
        help="the whole address GitHub delivers to, as it is (a relay's, like https://smee.io/…)",
    )
    command.add_argument(
        "--org", type=_org, help="create the App in this organization (default: your account)"
    )
    command.add_argument(
        "--env-file", type=Path, default=Path(".env"), help="where to write the settings (default: .env)"
    )
    command.add_argument(
        "--key-file",
        type=Path,
        help="where to write the private key (default: secrets/mldebt.pem beside the .env)",
    )
    command.add_argument(
        "--github-url", default=GITHUB_WEB_URL, help=f"GitHub's web address (default: {GITHUB_WEB_URL})"
    )
    command.add_argument(
        "--api-url",
        help="GitHub's API (default: https://api.github.com for github.com, else GITHUB_URL/api/v3)",
    )
    command.add_argument(
        "--manifest", type=Path, default=DEFAULT_MANIFEST, help="the App manifest (default: app.yml)"
    )
    command.add_argument(
        "--port", type=int, default=0, help="loopback port of the set-up page (default: any free one)"
    )
    command.add_argument(
        "--force", action="store_true", help="replace an existing key file and the .env's mldebt settings"
    )
    command.add_argument(
        "--no-browser", action="store_true", help="print the set-up page's address, do not open it"
    )


def request_from(args: argparse.Namespace) -> SetupRequest:
    env_file: Path = args.env_file
    return SetupRequest(
        manifest_file=args.manifest,
        hook_url=webhook_url(args.url, args.webhook_url),
        github_url=args.github_url.rstrip("/"),
        api_url=(args.api_url or api_url_for(args.github_url)).rstrip("/"),
        org=args.org,
        destination=Destination(
            env_file, args.key_file or env_file.parent / "secrets" / "mldebt.pem", args.force
        ),
        port=args.port,
    )


def next_steps(outcome: Outcome, destination: Destination) -> str:
    """What the person reads once the App exists: where things went and the two steps left."""
    app = outcome.credentials
    names = ", ".join(outcome.written)
    return (
        f"Created the GitHub App {app.name} (id {app.app_id}): {app.html_url}\n"
        f"Wrote {destination.env_file} ({names}) and the private key to {destination.key_file}, "
        "both readable by you alone (mode 600). Keep them out of git.\n"
        "Next:\n"
        f"  1. Install the App on the repositories to review: {app.html_url}/installations/new\n"
        "  2. Start mldebt beside that .env: docker compose up -d\n"
    )


def run(args: argparse.Namespace) -> int:
    try:
        request = request_from(args)
        refuse_to_overwrite(request.destination)
        flow = ManifestFlow(request)
    except (SetupError, OSError) as exc:
        print(f"mldebt setup: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        print(f"Open {flow.url}/ in a browser signed in to GitHub; it sends the App manifest there.")
        print("Waiting for GitHub to send you back (Ctrl-C to stop)…", flush=True)
        if not args.no_browser:
            webbrowser.open(f"{flow.url}/")
        outcome = flow.wait()
    except SetupError as exc:
        print(f"mldebt setup: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("mldebt setup: stopped", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(next_steps(outcome, request.destination), end="")
    return EXIT_OK
