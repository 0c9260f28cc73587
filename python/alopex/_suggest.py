""""Did you mean" suggestions, ranked as the engine ranks them (core/suggest.go)."""

from __future__ import annotations


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance: edits, with a swap of neighbours as one."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def suggest(name: str, candidates: list[str], limit: int = 3) -> list[str]:
    """Up to ``limit`` candidates close to ``name`` (case-insensitive), closest first."""
    lname = name.lower()
    scored = []
    for i, c in enumerate(candidates):
        lc = c.lower()
        d = _distance(lname, lc)
        if d <= max(2, len(name) // 3) or (lname and (lname in lc or lc in lname)):
            # An exact case-insensitive match first, then by distance, then by order.
            scored.append((d, i, c))
    scored.sort()
    return [c for _, _, c in scored[:limit]]
