"""Deterministic sampling of queries and (label-stratified) items for ``--limit`` / ``--seed``."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence

__all__ = ["sample", "stratified_sample"]


def sample(n: int, limit: int | None, seed: int) -> list[int]:
    """Deterministic sample of ``limit`` positions out of ``n`` (all when no limit), in order."""
    if limit is None or limit >= n:
        return list(range(n))
    return sorted(random.Random(seed).sample(range(n), limit))


def stratified_sample(
    labels: Sequence[str], limit: int | None, seed: int, *, min_group: int = 5
) -> list[int]:
    """``limit`` positions, deterministic for a seed, in original order.

    Spread over the labels in proportion to their size when that leaves at least ``min_group``
    items per label on average; otherwise (many small labels, e.g. 1,000 paraphrase sets) whole
    labels are drawn at random until the budget is spent, so the sample still has groups to find."""
    n = len(labels)
    if limit is None or limit >= n:
        return list(range(n))
    rng = random.Random(seed)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        groups[label].append(i)
    names = sorted(groups)
    rng.shuffle(names)
    if limit < min_group * len(groups):
        whole: list[int] = []
        for g in names:
            whole += groups[g][: limit - len(whole)]
            if len(whole) >= limit:
                break
        return sorted(whole)
    quota = {g: int(limit * len(groups[g]) / n) for g in names}
    left = limit - sum(quota.values())
    for g in names:  # hand out the remainder, one each, to labels that still have items
        if left <= 0:
            break
        if quota[g] < len(groups[g]):
            quota[g] += 1
            left -= 1
    chosen: list[int] = []
    for g in names:
        chosen += rng.sample(groups[g], quota[g])
    return sorted(chosen)
