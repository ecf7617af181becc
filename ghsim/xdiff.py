"""Port of xdiff's Myers diff (xdl_prepare_env + xdl_do_diff): which lines of two texts changed.

GitHub renders patches with git's xdiff, and where a hunk starts and stops
depends on which lines the diff marks changed; ``difflib`` (with its
"autojunk" on files over 200 lines) marks others. This module holds the
line-matching search alone; sliding the changes into place and rendering the
hunks are done by its callers.
"""

from __future__ import annotations

from collections import Counter

_SNAKE_CNT = 20
_HEUR_MIN_COST = 256
_MAX_COST_MIN = 256
_K_HEUR = 4
_MAX_EQLIMIT = 1024
_SIMSCAN_WINDOW = 100
_KPDIS_RUN = 4
_LINE_MAX = 1 << 62


def _bogosqrt(n: int) -> int:
    i = 1
    while n > 0:
        i <<= 1
        n >>= 2
    return i


class XdFile:
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
    f1: XdFile,
    f2: XdFile,
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


def prepare_and_diff(f1: XdFile, f2: XdFile) -> None:
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
