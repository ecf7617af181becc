"""What a person's browser does in the manifest flow, done over real HTTP with httpx.

It reads the set-up page the way a browser would (the form's action and its
hidden `manifest` field), posts that form to the simulator's github.com page,
and follows the redirect back to the set-up's callback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import httpx


@dataclass(frozen=True)
class Form:
    action: str
    method: str
    manifest: str

    @property
    def manifest_json(self) -> Any:
        return json.loads(self.manifest)


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = self.method = self.manifest = ""
        self.submits_on_load = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "body":
            self.submits_on_load = "submit()" in found.get("onload", "")
        elif tag == "form":
            self.action, self.method = found.get("action", ""), found.get("method", "get")
        elif tag == "input" and found.get("name") == "manifest":
            self.manifest = found.get("value", "")


def read_form(setup_url: str) -> tuple[Form, bool]:
    """The set-up page's form, and whether the page submits it by itself."""
    page = httpx.get(f"{setup_url}/", timeout=10)
    assert page.status_code == 200, page.text
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    reader = _FormReader()
    reader.feed(page.text)
    return Form(reader.action, reader.method, reader.manifest), reader.submits_on_load


def submit(form: Form) -> httpx.Response:
    """Posts the form as a browser does; GitHub's answer is a redirect, not yet followed."""
    return httpx.post(form.action, data={"manifest": form.manifest}, timeout=10)


def follow(redirect: httpx.Response) -> httpx.Response:
    assert redirect.status_code == 302, redirect.text
    return httpx.get(redirect.headers["location"], timeout=30)


def create_app(setup_url: str) -> httpx.Response:
    """The whole trip: open the set-up page, let it post the manifest, come back with the code."""
    form, _ = read_form(setup_url)
    return follow(submit(form))
