"""Unified-diff patches the way GitHub's REST API shows them.

GitHub renders ``patch`` with git's xdiff (Myers diff, 3 lines of context,
indent heuristic, default funcname headings).  Review-comment validation and
the bot's own line mapping both depend on exactly where hunks start and stop,
so this module ports the parts of xdiff that decide that, rather than using
``difflib`` whose matching (and its "autojunk" on files over 200 lines) gives
different hunks.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

CONTEXT = 3
BINARY_SNIFF_BYTES = 8000
# GitHub's limits on one file's diff; past either the API gives no `patch` and the page shows no diff.
MAX_PATCH_LINES = 20_000
MAX_PATCH_BYTES = 500 * 1024

_SNAKE_CNT = 20
_HEUR_MIN_COST = 256
_MAX_COST_MIN = 256
_K_HEUR = 4
_MAX_EQLIMIT = 1024
_SIMSCAN_WINDOW = 100
_KPDIS_RUN = 4
_LINE_MAX = 1 << 62

_MAX_INDENT = 200
_MAX_BLANKS = 20
_START_OF_FILE_PENALTY = 1
_END_OF_FILE_PENALTY = 21
_TOTAL_BLANK_WEIGHT = -30
_POST_BLANK_WEIGHT = 6
_RELATIVE_INDENT_PENALTY = -4
_RELATIVE_INDENT_WITH_BLANK_PENALTY = 10
_RELATIVE_OUTDENT_PENALTY = 24
_RELATIVE_OUTDENT_WITH_BLANK_PENALTY = 17
_RELATIVE_DEDENT_PENALTY = 23
_RELATIVE_DEDENT_WITH_BLANK_PENALTY = 17
_INDENT_WEIGHT = 60
_INDENT_HEURISTIC_MAX_SLIDING = 100
_FUNC_LINE_MAX = 80
_WHITESPACE = b" \t\n\v\f\r"


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


def _bogosqrt(n: int) -> int:
    i = 1
    while n > 0:
        i <<= 1
        n >>= 2
    return i


@dataclass(frozen=True)
class Hunk:
    """One ``@@`` block; line sets answer "can a review comment sit here?"."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    header: str
    lines: tuple[str, ...]
    new_lines: frozenset[int]
    old_lines: frozenset[int]
    first_position: int

    def text(self) -> str:
        return "\n".join((self.header, *self.lines))


@dataclass(frozen=True)
class FilePatch:
    """Everything the API reports about one file's change."""

    hunks: tuple[Hunk, ...] = ()
    additions: int = 0
    deletions: int = 0
    binary: bool = False
    positions: tuple[tuple[str, int | None, int | None], ...] = field(default=(), repr=False)

    @cached_property
    def text(self) -> str | None:
        """GitHub omits ``patch`` for binary files, for changes without hunks, and for a text diff past its
        limits on one file (20,000 lines or 500 KB), although it still counts the lines changed."""
        if self.binary or not self.hunks:
            return None
        text = "\n".join(h.text() for h in self.hunks)
        if text.count("\n") >= MAX_PATCH_LINES or len(text.encode()) > MAX_PATCH_BYTES:
            return None
        return text

    def hunk_for(self, side: str, line: int) -> Hunk | None:
        for hunk in self.hunks:
            if line in (hunk.new_lines if side == "RIGHT" else hunk.old_lines):
                return hunk
        return None

    def position_for(self, side: str, line: int) -> int | None:
        """Position (lines below the first ``@@``) used by the legacy review API."""
        for index, (_, old, new) in enumerate(self.positions, start=1):
            if (new if side == "RIGHT" else old) == line:
                return index
        return None

    def line_at_position(self, position: int) -> tuple[str, int] | None:
        """Side and line of a legacy ``position``; None when it points at a header."""
        if not 1 <= position <= len(self.positions):
            return None
        kind, old, new = self.positions[position - 1]
        if kind == "-" and old is not None:
            return "LEFT", old
        if new is not None:
            return "RIGHT", new
        return None

    def diff_hunk_until(self, side: str, line: int) -> str:
        """GitHub's ``diff_hunk``: the hunk text from its header down to the commented line."""
        hunk = self.hunk_for(side, line)
        if hunk is None:
            return ""
        out = [hunk.header]
        old, new = hunk.old_start, hunk.new_start
        for text in hunk.lines:
            out.append(text)
            kind = text[:1]
            if kind == "\\":
                continue
            hit = (side == "RIGHT" and kind != "-" and new == line) or (
                side == "LEFT" and kind != "+" and old == line
            )
            if kind != "+":
                old += 1
            if kind != "-":
                new += 1
            if hit:
                break
        return "\n".join(out)


class _XdFile:
    """One side of the comparison, with sentinel-padded change flags like xdiff."""

    def __init__(self, records: list[bytes], hashes: list[int]) -> None:
        self.recs = records
        self.ha = hashes
        self.nrec = len(records)
        self._chg = [False] * (self.nrec + 2)

    def chg(self, i: int) -> bool:
        return self._chg[i + 1]

    def set_chg(self, i: int, value: bool) -> None:
        self._chg[i + 1] = value


def _recs_cmp(
    ha1: list[int],
    ha2: list[int],
    rindex1: list[int],
    rindex2: list[int],
    f1: _XdFile,
    f2: _XdFile,
    need_min_root: bool,
) -> None:
    ndiags = len(ha1) + len(ha2) + 3
    mxcost = max(_bogosqrt(ndiags), _MAX_COST_MIN)
    stack: list[tuple[int, int, int, int, bool]] = [(0, len(ha1), 0, len(ha2), need_min_root)]
    while stack:
        off1, lim1, off2, lim2, need_min = stack.pop()
        while off1 < lim1 and off2 < lim2 and ha1[off1] == ha2[off2]:
            off1 += 1
            off2 += 1
        while off1 < lim1 and off2 < lim2 and ha1[lim1 - 1] == ha2[lim2 - 1]:
            lim1 -= 1
            lim2 -= 1
        if off1 == lim1:
            for i in range(off2, lim2):
                f2.set_chg(rindex2[i], True)
        elif off2 == lim2:
            for i in range(off1, lim1):
                f1.set_chg(rindex1[i], True)
        else:
            i1, i2, min_lo, min_hi = _split(ha1, ha2, off1, lim1, off2, lim2, need_min, mxcost)
            stack.append((i1, lim1, i2, lim2, min_hi))
            stack.append((off1, i1, off2, i2, min_lo))


def _split(
    ha1: list[int],
    ha2: list[int],
    off1: int,
    lim1: int,
    off2: int,
    lim2: int,
    need_min: bool,
    mxcost: int,
) -> tuple[int, int, bool, bool]:
    """xdiff's xdl_split: find the middle snake of an optimal (or bounded-cost) path."""
    dmin, dmax = off1 - lim2, lim1 - off2
    fmid, bmid = off1 - off2, lim1 - lim2
    odd = (fmid - bmid) & 1
    kvdf: dict[int, int] = {fmid: off1}
    kvdb: dict[int, int] = {bmid: lim1}
    fmin = fmax = fmid
    bmin = bmax = bmid
    ec = 0
    while True:
        ec += 1
        got_snake = False
        if fmin > dmin:
            fmin -= 1
            kvdf[fmin - 1] = -1
        else:
            fmin += 1
        if fmax < dmax:
            fmax += 1
            kvdf[fmax + 1] = -1
        else:
            fmax -= 1
        for d in range(fmax, fmin - 1, -2):
            i1 = kvdf[d - 1] + 1 if kvdf[d - 1] >= kvdf[d + 1] else kvdf[d + 1]
            prev1 = i1
            i2 = i1 - d
            while i1 < lim1 and i2 < lim2 and ha1[i1] == ha2[i2]:
                i1 += 1
                i2 += 1
            if i1 - prev1 > _SNAKE_CNT:
                got_snake = True
            kvdf[d] = i1
            if odd and bmin <= d <= bmax and kvdb[d] <= i1:
                return i1, i2, True, True
        if bmin > dmin:
            bmin -= 1
            kvdb[bmin - 1] = _LINE_MAX
        else:
            bmin += 1
        if bmax < dmax:
            bmax += 1
            kvdb[bmax + 1] = _LINE_MAX
        else:
            bmax -= 1
        for d in range(bmax, bmin - 1, -2):
            i1 = kvdb[d - 1] if kvdb[d - 1] < kvdb[d + 1] else kvdb[d + 1] - 1
            prev1 = i1
            i2 = i1 - d
            while i1 > off1 and i2 > off2 and ha1[i1 - 1] == ha2[i2 - 1]:
                i1 -= 1
                i2 -= 1
            if prev1 - i1 > _SNAKE_CNT:
                got_snake = True
            kvdb[d] = i1
            if not odd and fmin <= d <= fmax and i1 <= kvdf[d]:
                return i1, i2, True, True
        if need_min:
            continue
        if got_snake and ec > _HEUR_MIN_COST:
            found = _snake_heuristic(
                ha1, ha2, off1, lim1, off2, lim2, ec, kvdf, kvdb, fmin, fmax, fmid, bmin, bmax, bmid
            )
            if found is not None:
                return found
        if ec >= mxcost:
            return _cost_cutoff(off1, lim1, off2, lim2, kvdf, kvdb, fmin, fmax, bmin, bmax)


def _snake_heuristic(
    ha1: list[int],
    ha2: list[int],
    off1: int,
    lim1: int,
    off2: int,
    lim2: int,
    ec: int,
    kvdf: dict[int, int],
    kvdb: dict[int, int],
    fmin: int,
    fmax: int,
    fmid: int,
    bmin: int,
    bmax: int,
    bmid: int,
) -> tuple[int, int, bool, bool] | None:
    best = 0
    split = (0, 0)
    for d in range(fmax, fmin - 1, -2):
        dd = d - fmid if d > fmid else fmid - d
        i1 = kvdf[d]
        i2 = i1 - d
        v = (i1 - off1) + (i2 - off2) - dd
        if (
            v > _K_HEUR * ec
            and v > best
            and off1 + _SNAKE_CNT <= i1 < lim1
            and off2 + _SNAKE_CNT <= i2 < lim2
        ):
            k = 1
            while ha1[i1 - k] == ha2[i2 - k]:
                if k == _SNAKE_CNT:
                    best = v
                    split = (i1, i2)
                    break
                k += 1
    if best > 0:
        return split[0], split[1], True, False
    best = 0
    for d in range(bmax, bmin - 1, -2):
        dd = d - bmid if d > bmid else bmid - d
        i1 = kvdb[d]
        i2 = i1 - d
        v = (lim1 - i1) + (lim2 - i2) - dd
        if (
            v > _K_HEUR * ec
            and v > best
            and off1 < i1 <= lim1 - _SNAKE_CNT
            and off2 < i2 <= lim2 - _SNAKE_CNT
        ):
            k = 0
            while ha1[i1 + k] == ha2[i2 + k]:
                if k == _SNAKE_CNT - 1:
                    best = v
                    split = (i1, i2)
                    break
                k += 1
    if best > 0:
        return split[0], split[1], False, True
    return None


def _cost_cutoff(
    off1: int,
    lim1: int,
    off2: int,
    lim2: int,
    kvdf: dict[int, int],
    kvdb: dict[int, int],
    fmin: int,
    fmax: int,
    bmin: int,
    bmax: int,
) -> tuple[int, int, bool, bool]:
    fbest = fbest1 = -1
    for d in range(fmax, fmin - 1, -2):
        i1 = min(kvdf[d], lim1)
        i2 = i1 - d
        if lim2 < i2:
            i1 = lim2 + d
            i2 = lim2
        if fbest < i1 + i2:
            fbest = i1 + i2
            fbest1 = i1
    bbest = bbest1 = _LINE_MAX
    for d in range(bmax, bmin - 1, -2):
        i1 = max(off1, kvdb[d])
        i2 = i1 - d
        if i2 < off2:
            i1 = off2 + d
            i2 = off2
        if i1 + i2 < bbest:
            bbest = i1 + i2
            bbest1 = i1
    if (lim1 + lim2) - bbest < fbest - (off1 + off2):
        return fbest1, fbest - fbest1, True, False
    return bbest1, bbest - bbest1, False, True


def _clean_mmatch(dis: list[int], i: int, s: int, e: int) -> bool:
    """xdiff discards a many-times-matching line only inside a run of unmatched ones."""
    s = max(s, i - _SIMSCAN_WINDOW)
    e = min(e, i + _SIMSCAN_WINDOW)
    rdis0, rpdis0 = 0, 1
    r = 1
    while i - r >= s:
        if not dis[i - r]:
            rdis0 += 1
        elif dis[i - r] == 2:
            rpdis0 += 1
        else:
            break
        r += 1
    if rdis0 == 0:
        return False
    rdis1, rpdis1 = 0, 1
    r = 1
    while i + r <= e:
        if not dis[i + r]:
            rdis1 += 1
        elif dis[i + r] == 2:
            rpdis1 += 1
        else:
            break
        r += 1
    if rdis1 == 0:
        return False
    rdis1 += rdis0
    rpdis1 += rpdis0
    return rpdis1 * _KPDIS_RUN < rpdis1 + rdis1


def _prepare_and_diff(f1: _XdFile, f2: _XdFile) -> None:
    """xdl_prepare_env + xdl_do_diff: trim ends, drop unmatched lines, then Myers."""
    lim = min(f1.nrec, f2.nrec)
    start = 0
    while start < lim and f1.ha[start] == f2.ha[start]:
        start += 1
    tail = 0
    while tail < lim - start and f1.ha[f1.nrec - 1 - tail] == f2.ha[f2.nrec - 1 - tail]:
        tail += 1
    dend1, dend2 = f1.nrec - tail - 1, f2.nrec - tail - 1
    count1, count2 = Counter(f1.ha), Counter(f2.ha)
    reduced: list[tuple[list[int], list[int]]] = []
    for this, other_count, dend in ((f1, count2, dend1), (f2, count1, dend2)):
        mlim = min(_bogosqrt(this.nrec), _MAX_EQLIMIT)
        dis = [0] * (this.nrec + 1)
        for i in range(start, dend + 1):
            nm = other_count.get(this.ha[i], 0)
            dis[i] = 0 if nm == 0 else (2 if nm >= mlim else 1)
        hashes: list[int] = []
        rindex: list[int] = []
        for i in range(start, dend + 1):
            if dis[i] == 1 or (dis[i] == 2 and not _clean_mmatch(dis, i, start, dend)):
                rindex.append(i)
                hashes.append(this.ha[i])
            else:
                this.set_chg(i, True)
        reduced.append((hashes, rindex))
    (ha1, rindex1), (ha2, rindex2) = reduced
    _recs_cmp(ha1, ha2, rindex1, rindex2, f1, f2, False)


class _Group:
    __slots__ = ("end", "start")

    def __init__(self, xdf: _XdFile) -> None:
        self.start = 0
        self.end = 0
        while xdf.chg(self.end):
            self.end += 1

    def next(self, xdf: _XdFile) -> bool:
        if self.end == xdf.nrec:
            return False
        self.start = self.end + 1
        self.end = self.start
        while xdf.chg(self.end):
            self.end += 1
        return True

    def previous(self, xdf: _XdFile) -> bool:
        if self.start == 0:
            return False
        self.end = self.start - 1
        self.start = self.end
        while xdf.chg(self.start - 1):
            self.start -= 1
        return True

    def slide_down(self, xdf: _XdFile) -> bool:
        if self.end < xdf.nrec and xdf.ha[self.start] == xdf.ha[self.end]:
            xdf.set_chg(self.start, False)
            self.start += 1
            xdf.set_chg(self.end, True)
            self.end += 1
            while xdf.chg(self.end):
                self.end += 1
            return True
        return False

    def slide_up(self, xdf: _XdFile) -> bool:
        if self.start > 0 and xdf.ha[self.start - 1] == xdf.ha[self.end - 1]:
            self.start -= 1
            xdf.set_chg(self.start, True)
            self.end -= 1
            xdf.set_chg(self.end, False)
            while xdf.chg(self.start - 1):
                self.start -= 1
            return True
        return False


def _get_indent(rec: bytes) -> int:
    ret = 0
    for c in rec:
        if c not in _WHITESPACE:
            return ret
        if c == 0x20:
            ret += 1
        elif c == 0x09:
            ret += 8 - ret % 8
        if ret >= _MAX_INDENT:
            return _MAX_INDENT
    return -1


def _split_score(xdf: _XdFile, split: int) -> tuple[int, int]:
    """measure_split + score_add_split: (effective indent, penalty) of one split point."""
    if split >= xdf.nrec:
        end_of_file, indent = True, -1
    else:
        end_of_file, indent = False, _get_indent(xdf.recs[split])
    pre_blank, pre_indent = 0, -1
    for i in range(split - 1, -1, -1):
        pre_indent = _get_indent(xdf.recs[i])
        if pre_indent != -1:
            break
        pre_blank += 1
        if pre_blank == _MAX_BLANKS:
            pre_indent = 0
            break
    post_blank, post_indent = 0, -1
    for i in range(split + 1, xdf.nrec):
        post_indent = _get_indent(xdf.recs[i])
        if post_indent != -1:
            break
        post_blank += 1
        if post_blank == _MAX_BLANKS:
            post_indent = 0
            break

    penalty = 0
    if pre_indent == -1 and pre_blank == 0:
        penalty += _START_OF_FILE_PENALTY
    if end_of_file:
        penalty += _END_OF_FILE_PENALTY
    blanks_after = 1 + post_blank if indent == -1 else 0
    total_blank = pre_blank + blanks_after
    penalty += _TOTAL_BLANK_WEIGHT * total_blank + _POST_BLANK_WEIGHT * blanks_after
    effective = indent if indent != -1 else post_indent
    any_blanks = total_blank != 0
    if effective == -1 or pre_indent == -1 or effective == pre_indent:
        pass
    elif effective > pre_indent:
        penalty += _RELATIVE_INDENT_WITH_BLANK_PENALTY if any_blanks else _RELATIVE_INDENT_PENALTY
    elif post_indent != -1 and post_indent > effective:
        penalty += _RELATIVE_OUTDENT_WITH_BLANK_PENALTY if any_blanks else _RELATIVE_OUTDENT_PENALTY
    else:
        penalty += _RELATIVE_DEDENT_WITH_BLANK_PENALTY if any_blanks else _RELATIVE_DEDENT_PENALTY
    return effective, penalty


def _score_cmp(s1: tuple[int, int], s2: tuple[int, int]) -> int:
    cmp_indents = (s1[0] > s2[0]) - (s1[0] < s2[0])
    return _INDENT_WEIGHT * cmp_indents + (s1[1] - s2[1])


def _change_compact(xdf: _XdFile, xdfo: _XdFile) -> None:
    """xdl_change_compact with git's default indent heuristic."""
    g, go = _Group(xdf), _Group(xdfo)
    while True:
        if g.end != g.start:
            while True:
                groupsize = g.end - g.start
                end_matching_other = -1
                while g.slide_up(xdf):
                    go.previous(xdfo)
                earliest_end = g.end
                if go.end > go.start:
                    end_matching_other = g.end
                while g.slide_down(xdf):
                    go.next(xdfo)
                    if go.end > go.start:
                        end_matching_other = g.end
                if groupsize == g.end - g.start:
                    break
            if g.end == earliest_end:
                pass
            elif end_matching_other != -1:
                while go.end == go.start:
                    g.slide_up(xdf)
                    go.previous(xdfo)
            else:
                shift = max(earliest_end, g.end - groupsize - 1, g.end - _INDENT_HEURISTIC_MAX_SLIDING)
                best_shift = -1
                best_score = (0, 0)
                while shift <= g.end:
                    a = _split_score(xdf, shift)
                    b = _split_score(xdf, shift - groupsize)
                    score = (a[0] + b[0], a[1] + b[1])
                    if best_shift == -1 or _score_cmp(score, best_score) <= 0:
                        best_score = score
                        best_shift = shift
                    shift += 1
                while g.end > best_shift:
                    g.slide_up(xdf)
                    go.previous(xdfo)
        if not g.next(xdf):
            break
        go.next(xdfo)


def _func_line(rec: bytes) -> str | None:
    """Git's default funcname rule: a line starting with a letter, ``_`` or ``$``."""
    if not rec:
        return None
    first = rec[0]
    if not (chr(first).isascii() and (chr(first).isalpha() or first in (0x5F, 0x24))):
        return None
    cut = rec[:_FUNC_LINE_MAX].rstrip(_WHITESPACE)
    return cut.decode("utf-8", errors="replace")


def _changes(f1: _XdFile, f2: _XdFile) -> list[tuple[int, int, int, int]]:
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


def _emit(f1: _XdFile, f2: _XdFile, changes: list[tuple[int, int, int, int]]) -> FilePatch:
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
    f1, f2 = _XdFile(recs1, ha1), _XdFile(recs2, ha2)
    _prepare_and_diff(f1, f2)
    _change_compact(f1, f2)
    _change_compact(f2, f1)
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
