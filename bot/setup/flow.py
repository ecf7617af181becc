"""The browser's part of the manifest flow, served on loopback, and the code exchange that ends it.

GitHub takes a manifest only as a form its user's browser posts, and answers
by sending that browser to the manifest's `redirect_url` with a one-time code.
So the set-up serves two pages on 127.0.0.1: one that posts the manifest to
GitHub by itself, and the redirect's target, which checks the `state` it made
(a forged redirect could otherwise plant another App's credentials), converts
the code (`POST /app-manifests/{code}/conversions`, no credentials needed)
and writes what it gets.
"""

from __future__ import annotations

import hmac
import html
import json
import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bot.setup.envfile import Credentials, Destination, write_credentials
from bot.setup.manifest import SetupError, build_manifest, form_action
from core.settings import Secret

CALLBACK_PATH = "/callback"
HTTP_TIMEOUT = 30.0


@dataclass(frozen=True)
class SetupRequest:
    """Everything `mldebt setup` was asked for."""

    manifest_file: Path
    hook_url: str
    github_url: str
    api_url: str
    org: str | None
    destination: Destination
    port: int = 0


@dataclass(frozen=True)
class Outcome:
    credentials: Credentials
    written: list[str]


def convert(api_url: str, code: str) -> Credentials:
    """Trades the one-time code for the App's id, private key and webhook secret."""
    # Imported here: githubkit takes about a second to load, which `mldebt scan` would pay on every run.
    from githubkit import GitHub, UnauthAuthStrategy
    from githubkit.exception import GitHubException, RequestFailed

    try:
        with GitHub(UnauthAuthStrategy(), base_url=api_url, timeout=HTTP_TIMEOUT, http_cache=False) as github:
            app = github.rest.apps.create_from_manifest(code).parsed_data
    except RequestFailed as exc:
        status = exc.response.status_code
        if status == 404:
            raise SetupError(
                "GitHub no longer knows this code (it works once, within an hour): run mldebt setup again"
            ) from None
        raise SetupError(f"GitHub refused the code exchange with HTTP {status}") from None
    except GitHubException as exc:
        raise SetupError(f"the code exchange with {api_url} failed: {exc.__class__.__name__}") from None
    if not app.webhook_secret:
        raise SetupError(
            "GitHub made the App without a webhook secret; the manifest's hook_attributes were lost"
        )
    return Credentials(
        app_id=app.id,
        name=app.name,
        html_url=app.html_url,
        private_key=Secret(app.pem),
        webhook_secret=Secret(app.webhook_secret),
    )


def form_page(action: str, manifest: dict[str, object]) -> str:
    """A page that posts the manifest to GitHub once loaded (the button is for browsers without JS)."""
    return (
        '<!doctype html>\n<html><head><meta charset="utf-8"><title>mldebt setup</title></head>\n'
        '<body onload="document.forms[0].submit()">\n'
        f'<form method="post" action="{html.escape(action)}">\n'
        f'<input type="hidden" name="manifest" value="{html.escape(json.dumps(manifest))}">\n'
        "<p>Sending the mldebt App manifest to GitHub…</p>\n"
        '<button type="submit">Create the GitHub App</button>\n'
        "</form>\n</body></html>\n"
    )


def _message_page(title: str, text: str) -> str:
    return (
        f'<!doctype html>\n<html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>\n'
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>\n"
    )


class ManifestFlow:
    """One set-up: binds its loopback port at once, so the redirect URL is known before the manifest is."""

    def __init__(self, request: SetupRequest) -> None:
        self.request = request
        self.state = secrets.token_urlsafe(32)
        self._server = ThreadingHTTPServer(("127.0.0.1", request.port), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        try:
            self.manifest = build_manifest(request.manifest_file, request.hook_url, self.url + CALLBACK_PATH)
        except SetupError:
            self._server.server_close()
            raise
        self._done = threading.Event()
        self._finish_lock = threading.Lock()
        self._outcome: Outcome | SetupError | None = None

    def wait(self, timeout: float | None = None) -> Outcome:
        """Serves until the redirect has been handled (or `timeout` seconds pass), then closes the port."""
        worker = threading.Thread(target=self._server.serve_forever, name="mldebt-setup", daemon=True)
        worker.start()
        try:
            if not self._done.wait(timeout):
                raise SetupError("no answer from GitHub in time: open the set-up page and create the App")
        finally:
            self._server.shutdown()
            self._server.server_close()
            worker.join()
        outcome = self._outcome
        if isinstance(outcome, SetupError):
            raise outcome
        assert outcome is not None
        return outcome

    def _callback(self, query: str) -> tuple[int, str]:
        params = parse_qs(query)
        state = params.get("state", [""])[0]
        code = params.get("code", [""])[0]
        if not hmac.compare_digest(state.encode(), self.state.encode()):
            return 400, _message_page("Not this set-up", "The state does not match the one this set-up sent.")
        if not code:
            return 400, _message_page("No code", "GitHub's redirect carried no code.")
        with self._finish_lock:
            if self._done.is_set():
                return 409, _message_page("Already done", "This set-up has already finished.")
            try:
                outcome: Outcome | SetupError = self._complete(code)
            except SetupError as error:
                outcome = error
            self._outcome = outcome
            self._done.set()
        if isinstance(outcome, SetupError):
            return 502, _message_page("mldebt setup failed", str(outcome))
        return 200, _message_page(
            "mldebt is registered",
            f"The GitHub App {outcome.credentials.name} is created; the terminal says what is next.",
        )

    def _complete(self, code: str) -> Outcome:
        credentials = convert(self.request.api_url, code)
        try:
            written = write_credentials(self.request.destination, credentials, self.request.api_url)
        except SetupError as error:
            # GitHub hands the key and secret over once: the App exists, but they are lost.
            raise SetupError(
                f"{error}. The App {credentials.name} (id {credentials.app_id}) exists on GitHub: make "
                f"a new private key and webhook secret at {credentials.html_url}, or delete it there"
            ) from None
        return Outcome(credentials, written)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        flow = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                if path == "/":
                    action = form_action(flow.request.github_url, flow.request.org, flow.state)
                    self._send(200, form_page(action, flow.manifest))
                elif path == CALLBACK_PATH:
                    self._send(*flow._callback(query))
                else:
                    self._send(404, _message_page("Not found", urlsplit(self.path).path))

            def _send(self, status: int, page: str) -> None:
                body = page.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Silent: the request line of the redirect holds the one-time code."""

        return Handler
