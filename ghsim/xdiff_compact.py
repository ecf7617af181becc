"""Port of xdiff's change compaction with git's default indent heuristic: where an ambiguous change sits.

A block of changed lines can often slide up or down over identical lines; git
picks the place that reads best by indentation and blank lines, and so do
GitHub's patches. Kept apart from the Myers search because it is a separate
pass over its result with its own tuning constants.
"""

from __future__ import annotations

from ghsim.xdiff import XdFile

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
# What git's isspace() takes for whitespace, in indents and in funcname headings alike.
WHITESPACE = b" \t\n\v\f\r"


class _Group:
    __slots__ = ("end", "start")

    def __init__(self, xdf: XdFile) -> None:
        self.start = 0
        self.end = 0
        while xdf.chg(self.end):
            self.end += 1

    def next(self, xdf: XdFile) -> bool:
        if self.end == xdf.nrec:
            return False
        self.start = self.end + 1
        self.end = self.start
        while xdf.chg(self.end):
            self.end += 1
        return True

    def previous(self, xdf: XdFile) -> bool:
        if self.start == 0:
            return False
        self.end = self.start - 1
        self.start = self.end
        while xdf.chg(self.start - 1):
            self.start -= 1
        return True

    def slide_down(self, xdf: XdFile) -> bool:
        if self.end < xdf.nrec and xdf.ha[self.start] == xdf.ha[self.end]:
            xdf.set_chg(self.start, False)
            self.start += 1
            xdf.set_chg(self.end, True)
            self.end += 1
            while xdf.chg(self.end):
                self.end += 1
            return True
        return False

    def slide_up(self, xdf: XdFile) -> bool:
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
        if c not in WHITESPACE:
            return ret
        if c == 0x20:
            ret += 1
        elif c == 0x09:
            ret += 8 - ret % 8
        if ret >= _MAX_INDENT:
            return _MAX_INDENT
    return -1


def _split_score(xdf: XdFile, split: int) -> tuple[int, int]:
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


def change_compact(xdf: XdFile, xdfo: XdFile) -> None:
    """xdlchange_compact with git's default indent heuristic."""
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
