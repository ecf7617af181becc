"""Git's rename detection between two trees: which removed path became which added one.

A pull request's file list shows a moved file as one "renamed" row with a
patch, not a removal and an addition, and the bot's line mapping depends on
that pairing; the pairing is its own search (exact content first, then
similarity) with its own limits, apart from the history that asks for it.
"""

from __future__ import annotations

from ghsim.diff import is_binary, similarity

RENAME_THRESHOLD = 0.5
RENAME_PAIR_LIMIT = 1_000_000


def detect_renames(
    removed: list[str], added: list[str], old: dict[str, str], new: dict[str, str], blobs: dict[str, bytes]
) -> dict[str, str]:
    """Exact-content renames first, then the most similar text pair above 50%."""
    pairs: dict[str, str] = {}
    by_blob: dict[str, list[str]] = {}
    for path in added:
        by_blob.setdefault(new[path], []).append(path)
    for path in removed:
        candidates = by_blob.get(old[path])
        if candidates:
            pairs[path] = candidates.pop(0)
    rest_old = [p for p in removed if p not in pairs]
    taken = set(pairs.values())
    rest_new = [p for p in added if p not in taken]
    if len(rest_old) * len(rest_new) > RENAME_PAIR_LIMIT:
        return pairs
    scored: list[tuple[float, str, str]] = []
    for src in rest_old:
        src_data = blobs[old[src]]
        if is_binary(src_data):
            continue
        for dst in rest_new:
            dst_data = blobs[new[dst]]
            if is_binary(dst_data):
                continue
            score = similarity(src_data, dst_data)
            if score >= RENAME_THRESHOLD:
                scored.append((score, src, dst))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    for _, src, dst in scored:
        if src not in pairs and dst not in taken:
            pairs[src] = dst
            taken.add(dst)
    return pairs
