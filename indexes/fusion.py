"""Fusing the dense and BM25 legs (pure functions over {key: score} maps).

``weighted``: each leg's scores are min-max scaled over the union of candidates of this
query, then summed with weights (a key a leg did not score counts as that leg's minimum).
``rrf``: reciprocal rank fusion, sum of w / (k + rank).
"""

from __future__ import annotations

from collections.abc import Mapping


def minmax(scores: Mapping[int, float]) -> dict[int, float]:
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    if hi - lo <= 1e-12:
        return {k: 1.0 if hi > 0 else 0.0 for k in scores}
    return {k: (v - lo) / (hi - lo) for k, v in scores.items()}


def weighted_fusion(
    dense: Mapping[int, float], lexical: Mapping[int, float], *, w_dense: float, w_lexical: float
) -> dict[int, float]:
    nd, nl = minmax(dense), minmax(lexical)
    keys = set(nd) | set(nl)
    return {k: w_dense * nd.get(k, 0.0) + w_lexical * nl.get(k, 0.0) for k in keys}


def rrf_fusion(
    dense_ranked: list[int],
    lexical_ranked: list[int],
    *,
    k: int = 60,
    w_dense: float = 1.0,
    w_lexical: float = 1.0,
) -> dict[int, float]:
    out: dict[int, float] = {}
    for weight, ranked in ((w_dense, dense_ranked), (w_lexical, lexical_ranked)):
        for rank, key in enumerate(ranked, start=1):
            out[key] = out.get(key, 0.0) + weight / (k + rank)
    return out
