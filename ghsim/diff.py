"""Unified-diff patches the way GitHub's REST API shows them: two blobs in, one ``FilePatch`` out.

GitHub renders ``patch`` with git's xdiff (Myers diff, 3 lines of context,
indent heuristic, default funcname headings).  Review-comment validation and
the bot's own line mapping both depend on exactly where hunks start and stop,
so the simulator ports the parts of xdiff that decide that (``ghsim.xdiff``,
``ghsim.xdiff_compact``) rather than using ``difflib``, whose matching gives
different hunks. This module is the one place that runs those passes in git's
order and cuts their result into hunks with git's context and headings, so
every caller gets the same patch for the same pair of blobs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ghsim.file_patch import FilePatch, Hunk
from ghsim.xdiff import XdFile, prepare_and_diff
from ghsim.xdiff_compact import WHITESPACE, change_compact

CONTEXT = 3
BINARY_SNIFF_BYTES = 8000
_FUNC_LINE_MAX = 80


def is_binary(data: bytes) -> bool:
    """Git's rule: a NUL byte in the first 8000 bytes makes a file binary."""
    return b"\0" in data[:BINARY_SNIFF_BYTES]


def split_records(data: bytes) -> list[bytes]:
    """Lines with their trailing newline kept, so a last line without one differs."""
    if not data:
        return []
    parts = data.split(b"\n")
    records = [part + b"\n" for part in parts[:-1]]
    if parts[-1]:
        records.append(parts[-1])
    return records


def _func_line(rec: bytes) -> str | None:
    """Git's default funcname rule: a line starting with a letter, ``_`` or ``$``."""
    if not rec:
        return None
    first = rec[0]
    if not (chr(first).isascii() and (chr(first).isalpha() or first in (0x5F, 0x24))):
        return None
    cut = rec[:_FUNC_LINE_MAX].rstrip(WHITESPACE)
    return cut.decode("utf-8", errors="replace")


def _changes(f1: XdFile, f2: XdFile) -> list[tuple[int, int, int, int]]:
    out: list[tuple[int, int, int, int]] = []
    i = j = 0
    while i < f1.nrec or j < f2.nrec:
        if f1.chg(i) or f2.chg(j):
            si, sj = i, j
            while i < f1.nrec and f1.chg(i):
                i += 1
            while j < f2.nrec and f2.chg(j):
                j += 1
            out.append((si, sj, i - si, j - sj))
        else:
            i += 1
            j += 1
    return out


def _line_text(rec: bytes) -> str:
    return (
        rec.rstrip(b"\n").decode("utf-8", errors="replace")
        if rec.endswith(b"\n")
        else rec.decode("utf-8", errors="replace")
    )


def _range(start: int, count: int) -> str:
    first = start if count else start - 1
    return f"{first}" if count == 1 else f"{first},{count}"


@dataclass
class _HunkBody:
    """One hunk's lines as they are emitted, and the old and new line numbers they show.

    ``positions`` is the whole file's list of diff positions, shared by all its hunks.
    """

    positions: list[tuple[str, int | None, int | None]]
    lines: list[str] = field(default_factory=list)
    old_set: set[int] = field(default_factory=set)
    new_set: set[int] = field(default_factory=set)

    def put(self, kind: str, rec: bytes, old: int | None, new: int | None) -> None:
        self.lines.append(kind + _line_text(rec))
        self.positions.append((kind, old, new))
        if old is not None:
            self.old_set.add(old)
        if new is not None:
            self.new_set.add(new)
        if not rec.endswith(b"\n"):
            self.lines.append("\\ No newline at end of file")
            self.positions.append(("\\", None, None))


def _emit(f1: XdFile, f2: XdFile, changes: list[tuple[int, int, int, int]]) -> FilePatch:
    hunks: list[Hunk] = []
    positions: list[tuple[str, int | None, int | None]] = []
    additions = sum(c[3] for c in changes)
    deletions = sum(c[2] for c in changes)
    func_line: str | None = None
    funclineprev = -1
    k = 0
    while k < len(changes):
        last = k
        while last + 1 < len(changes):
            prev = changes[last]
            distance = changes[last + 1][0] - (prev[0] + prev[2])
            if distance > 2 * CONTEXT:
                break
            last += 1
        first_c, last_c = changes[k], changes[last]
        s1 = max(first_c[0] - CONTEXT, 0)
        s2 = max(first_c[1] - CONTEXT, 0)
        lctx = min(CONTEXT, f1.nrec - (last_c[0] + last_c[2]), f2.nrec - (last_c[1] + last_c[3]))
        e1 = last_c[0] + last_c[2] + lctx
        e2 = last_c[1] + last_c[3] + lctx
        line = s1 - 1
        while line != funclineprev and 0 <= line < f1.nrec:
            found = _func_line(f1.recs[line])
            if found is not None:
                func_line = found
                break
            line -= 1
        funclineprev = s1 - 1
        header = f"@@ -{_range(s1 + 1, e1 - s1)} +{_range(s2 + 1, e2 - s2)} @@"
        if func_line:
            header += " " + func_line
        if hunks or positions:
            positions.append(("@", None, None))
        first_position = len(positions) + 1
        body = _HunkBody(positions)
        put = body.put
        i1, i2 = s1, s2
        for c in changes[k : last + 1]:
            while i1 < c[0]:
                put(" ", f1.recs[i1], i1 + 1, i2 + 1)
                i1 += 1
                i2 += 1
            for i in range(c[0], c[0] + c[2]):
                put("-", f1.recs[i], i + 1, None)
            for j in range(c[1], c[1] + c[3]):
                put("+", f2.recs[j], None, j + 1)
            i1 = c[0] + c[2]
            i2 = c[1] + c[3]
        while i1 < e1:
            put(" ", f1.recs[i1], i1 + 1, i2 + 1)
            i1 += 1
            i2 += 1
        hunks.append(
            Hunk(
                s1 + 1,
                e1 - s1,
                s2 + 1,
                e2 - s2,
                header,
                tuple(body.lines),
                frozenset(body.new_set),
                frozenset(body.old_set),
                first_position,
            )
        )
        k = last + 1
    return FilePatch(tuple(hunks), additions, deletions, False, tuple(positions))


@lru_cache(maxsize=4096)
def compute_patch(old: bytes | None, new: bytes | None) -> FilePatch:
    """Patch between two blob contents; ``None`` stands for "file absent"."""
    old_data = old or b""
    new_data = new or b""
    if is_binary(old_data) or is_binary(new_data):
        return FilePatch(binary=True)
    recs1, recs2 = split_records(old_data), split_records(new_data)
    ids: dict[bytes, int] = {}
    ha1 = [ids.setdefault(r, len(ids)) for r in recs1]
    ha2 = [ids.setdefault(r, len(ids)) for r in recs2]
    f1, f2 = XdFile(recs1, ha1), XdFile(recs2, ha2)
    prepare_and_diff(f1, f2)
    change_compact(f1, f2)
    change_compact(f2, f1)
    return _emit(f1, f2, _changes(f1, f2))


def similarity(old: bytes, new: bytes) -> float:
    """Rough rename score: share of lines kept, as git's rename detection approximates."""
    if not old and not new:
        return 1.0
    patch = compute_patch(old, new)
    if patch.binary:
        return 1.0 if old == new else 0.0
    total = max(len(split_records(old)), len(split_records(new)), 1)
    kept = len(split_records(old)) - patch.deletions
    return kept / total
