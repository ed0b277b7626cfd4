"""The product's fusion of a dense and a BM25 result list, keyed by candidate number.

The same arithmetic as ``HybridIndex.search_chunks`` (weighted, query-weighted ``auto``,
RRF, adaptive ranker, single legs) over lists a backend returned; candidates are numbered 0..n-1
in union order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from indexes.fusion import rrf_fusion, weighted_fusion
from indexes.hybrid import SearchParams
from indexes.ranker import QueryStats, feature_matrix, ranker_for


def fuse(
    params: SearchParams,
    dense_ranked: Sequence[int],
    lexical_ranked: Sequence[int],
    dense_score: Mapping[int, float],
    lex_score: Mapping[int, float],
    stats: QueryStats | None = None,
    auto_weight: float | None = None,
) -> tuple[dict[int, float], np.ndarray | None]:
    """Fused score per candidate (and the adaptive ranker's feature rows, in ``union`` order).
    ``auto_weight``: fusion="auto"'s dense weight for this query (``SearchParams.auto_weight``),
    required with that fusion."""
    union = list(dict.fromkeys([*dense_ranked, *lexical_ranked]))
    if params.fusion == "dense":
        return {p: dense_score.get(p, 0.0) for p in union}, None
    if params.fusion == "bm25":
        return {p: lex_score.get(p, 0.0) for p in union}, None
    if params.fusion == "rrf":
        fused = rrf_fusion(
            list(dense_ranked),
            list(lexical_ranked),
            k=params.rrf_k,
            w_dense=params.w_dense,
            w_lexical=params.w_lexical,
        )
        return fused, None
    if params.fusion == "adaptive":
        dense_rank = {p: r for r, p in enumerate(dense_ranked, start=1)}
        lex_rank = {p: r for r, p in enumerate(lexical_ranked, start=1)}
        features = feature_matrix(
            np.array([dense_score.get(p, 0.0) for p in union]),
            np.array([lex_score.get(p, 0.0) for p in union]),
            np.array([dense_rank.get(p, 0) for p in union]),
            np.array([lex_rank.get(p, 0) for p in union]),
            stats or QueryStats(0.0, 0),
        )
        ranker = params.ranker or ranker_for(None)
        return dict(zip(union, ranker.score(features).tolist(), strict=True)), features
    if params.fusion == "auto":
        if auto_weight is None:  # the weight depends on the query's language: the caller has it
            raise ValueError("fusion='auto' needs the query's dense weight (SearchParams.auto_weight)")
        return weighted_fusion(dense_score, lex_score, w_dense=auto_weight, w_lexical=1.0 - auto_weight), None
    return weighted_fusion(dense_score, lex_score, w_dense=params.w_dense, w_lexical=params.w_lexical), None
