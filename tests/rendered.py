"""What GitHub would make of a body mldebt posts: the markdown is parsed, then searched for anything
the reviewed code could have injected (raw HTML, images, foreign links, mentions, issue references,
emphasis or headings around its text)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9][A-Za-z0-9-]*")
_ISSUE_REF = re.compile(r"(?<![\w&])#\d+")
_BARE_URL = re.compile(r"[a-z][a-z0-9+.-]*://|www\.", re.IGNORECASE)
_OUR_HTML = re.compile(r"^(?:<!-- mldebt:[\w ]+-->|<details>|</details>|<details><summary>[^<>]*</summary>)$")
OUR_LINKS = "https://github.com/mldebt/mldebt/"
_MARKUP_AROUND = frozenset(
    {"strong_open", "em_open", "s_open", "heading_open", "link_open", "blockquote_open"}
)


def markdown(body: str) -> list[Token]:
    return _MD.parse(body)


def injected(body: str, canaries: Sequence[str] = ()) -> list[str]:
    """Everything in `body` that would render as markup, a ping or a link the reviewed code put there."""
    problems: list[str] = []

    def text(content: str, open_markup: list[str]) -> None:
        for pattern, what in ((_MENTION, "mention"), (_ISSUE_REF, "issue reference"), (_BARE_URL, "link")):
            problems.extend(f"{what} {found!r}" for found in pattern.findall(content))
        for canary in canaries:
            if canary in content and open_markup:
                problems.append(f"{canary!r} inside {open_markup[-1]}")

    def walk(tokens: list[Token], open_markup: list[str]) -> None:
        for token in tokens:
            if token.type in ("html_inline", "html_block") and not _OUR_HTML.match(token.content.strip()):
                problems.append(f"raw HTML {token.content.strip()!r}")
            elif token.type == "image":
                problems.append(f"image {token.attrGet('src')!r}")
            elif token.type == "link_open" and not str(token.attrGet("href")).startswith(OUR_LINKS):
                problems.append(f"link to {token.attrGet('href')!r}")
            elif token.type == "text":
                text(token.content, open_markup)
            if token.type in _MARKUP_AROUND:
                open_markup.append(token.type)
            elif token.type.replace("_close", "_open") in _MARKUP_AROUND and open_markup:
                open_markup.pop()
            if token.children:
                walk(token.children, open_markup)

    walk(markdown(body), [])
    return problems


def table_rows(body: str) -> list[list[str]]:
    """Cells of every table row in `body`, as GitHub would lay them out."""
    rows: list[list[str]] = []
    in_cell = False
    for token in markdown(body):
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open"):
            in_cell = True
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        elif token.type == "inline" and in_cell:
            rows[-1].append(token.content)
    return rows
