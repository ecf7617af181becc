"""Contents API entries: a file with its base64 text, or one entry of a folder listing.

GitHub inlines a file's text only up to a size and wraps its base64 at 60
characters; the bot's file reads depend on both, so the rule lives with the
shape that applies it.
"""

from __future__ import annotations

import base64
from urllib.parse import quote

from ghsim.repository import Repo
from ghsim.shapes_repos import HTML, Json, RepoShapes


class ContentShapes(RepoShapes):
    """The shapes of the contents API."""

    def content_file(
        self, repo: Repo, path: str, ref: str, blob_sha: str, data: bytes, max_inline: int
    ) -> Json:
        out = self.content_entry(repo, path, ref, blob_sha, "file", len(data))
        if len(data) > max_inline:
            out.update(content="", encoding="none")
        else:
            out.update(content=encode_base64_lines(data), encoding="base64")
        return out

    def content_entry(self, repo: Repo, path: str, ref: str, sha: str, kind: str, size: int) -> Json:
        r = self.repo_url(repo)
        where, at = quote(path), quote(ref, safe="")
        self_url = f"{r}/contents/{where}?ref={at}"
        git_url = f"{r}/git/{'blobs' if kind == 'file' else 'trees'}/{sha}"
        html = f"{HTML}/{repo.full_name}/{'blob' if kind == 'file' else 'tree'}/{quote(ref)}/{where}"
        download = (
            f"https://raw.githubusercontent.com/{repo.full_name}/{quote(ref)}/{where}"
            if kind == "file"
            else None
        )
        return {
            "type": kind,
            "size": size,
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "sha": sha,
            "url": self_url,
            "git_url": git_url,
            "html_url": html,
            "download_url": download,
            "_links": {"self": self_url, "git": git_url, "html": html},
        }


def encode_base64_lines(data: bytes) -> str:
    """GitHub wraps base64 content at 60 characters with ``\\n`` separators."""
    raw = base64.b64encode(data).decode()
    return "".join(raw[i : i + 60] + "\n" for i in range(0, len(raw), 60))
