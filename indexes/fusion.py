"""Fusing the dense and BM25 legs (pure functions over {key: score} maps).

``weighted``: each leg's scores are scaled over the union of candidates of this query, then
summed with weights (a key a leg did not score counts as 0). The dense leg is min-max scaled (a
cosine has no natural zero: the weakest candidate becomes 0, the best 1). The BM25 leg is divided
by its best score: BM25 is 0 for a chunk sharing no query term, so a candidate's share of the best
score means the same whether or not every candidate happens to share a term. Min-max scaling
would stretch small differences between candidates that all match (a question whose every
candidate holds "환불") into the full 0–1 range, and let them outvote the dense leg. On the
candidates of the fusion report's sets the two scalings differ only for questions whose every
candidate has a BM25 score (README: fusion).
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


def share_of_best(scores: Mapping[int, float]) -> dict[int, float]:
    """Each score over the best one (scores ≥ 0, as BM25's; all 0 stays 0)."""
    hi = max(scores.values(), default=0.0)
    if hi <= 1e-12:
        return dict.fromkeys(scores, 0.0)
    return {k: max(v, 0.0) / hi for k, v in scores.items()}


def weighted_fusion(
    dense: Mapping[int, float], lexical: Mapping[int, float], *, w_dense: float, w_lexical: float
) -> dict[int, float]:
    nd, nl = minmax(dense), share_of_best(lexical)
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
