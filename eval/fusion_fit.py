"""Fitting ``fusion="auto"``'s per-query dense weight (:mod:`indexes.fusion_weight`) on labelled questions.

Each fit question is searched once (both legs, the product's candidates); its nDCG@10 is then
computed for every dense weight of :data:`indexes.fusion_weight.GRID` by re-fusing those candidates
with the product's own :func:`indexes.fusion.weighted_fusion` and document aggregation, so the fit
sees exactly what ``fusion="auto"`` would rank at each weight.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.types import ChunkHit
from eval.datasets import Query
from eval.fusion_split import Split, query_vector
from eval.kb import strip_doc_prefix
from eval.metrics import ndcg_at_k
from indexes.fusion import weighted_fusion
from indexes.fusion_weight import FEATURES, GRID, WeightModel, fit_weight_model, query_features
from indexes.hybrid import SearchTrace, aggregate

DEPTH = 50


@dataclass
class WeightRows:
    """One dataset's fit questions: features, nDCG@10 per grid weight, and of each single leg."""

    x: np.ndarray  # (questions, len(FEATURES))
    ndcg: np.ndarray  # (questions, len(GRID))
    dense: np.ndarray  # (questions,) nDCG@10 of the dense leg alone
    bm25: np.ndarray

    @property
    def best_leg(self) -> float:
        return max(float(self.dense.mean()), float(self.bm25.mean())) if len(self.dense) else 0.0


def _ndcg(hits: Sequence[ChunkHit], scores: dict[int, float], gold: dict[str, float]) -> float:
    """nDCG@10 of the documents the product ranks from ``hits`` fused to ``scores``."""
    order = sorted(scores, key=lambda i: (-scores[i], i))
    docs = aggregate([hits[i] for i in order], k=DEPTH)
    return ndcg_at_k([strip_doc_prefix(d.doc_id) for d in docs], gold, 10)


def weight_rows(split: Split, queries: Sequence[Query]) -> WeightRows:
    xs: list[list[float]] = []
    grids: list[list[float]] = []
    legs: list[tuple[float, float]] = []
    for q in queries:
        trace = SearchTrace()
        params = split.params(fusion="weighted", k=DEPTH)
        hits = split.index.search_chunks(q.text, params, qvec=query_vector(split, q), trace=trace)
        if not hits:
            continue
        known = sum(1 for t in trace.query_tokens if split.index.segments.knows(t))
        feats = query_features(known / max(1, len(trace.query_tokens)), trace.normalized_query)
        xs.append([feats[f] for f in FEATURES])
        dense = {i: h.dense if h.dense is not None else 0.0 for i, h in enumerate(hits)}
        lexical = {i: h.lexical if h.lexical is not None else 0.0 for i, h in enumerate(hits)}
        gold = dict(q.gold)
        grids.append(
            [_ndcg(hits, weighted_fusion(dense, lexical, w_dense=w, w_lexical=1.0 - w), gold) for w in GRID]
        )
        legs.append((_ndcg(hits, dense, gold), _ndcg(hits, lexical, gold)))
    arr = np.array(legs).reshape(-1, 2)
    return WeightRows(
        np.array(xs).reshape(-1, len(FEATURES)), np.array(grids).reshape(-1, len(GRID)), arr[:, 0], arr[:, 1]
    )


def fit_weights(
    splits: Sequence[Split], rows: dict[str, WeightRows], *, split_seed: int = 0, seed: int = 0
) -> WeightModel:
    """The weight model fitted on ``splits``' fit questions, with the fit data's fingerprint."""
    qids = {
        s.name: hashlib.sha256(" ".join(sorted(q.qid for q in s.fit)).encode()).hexdigest()[:16]
        for s in splits
    }
    fps = {s.name: {**s.fingerprint, "fit_qids": qids[s.name]} for s in splits}
    digest = hashlib.sha256(repr(sorted((k, sorted(v.items())) for k, v in fps.items())).encode()).hexdigest()
    info = {
        "datasets": {s.name: {"fit_queries": len(rows[s.name].ndcg), **fps[s.name]} for s in splits},
        "fingerprint": digest[:16],
        "embedder": splits[0].index.embedder.model_id,
        "split_seed": split_seed,
    }
    return fit_weight_model(
        [rows[s.name].x for s in splits],
        [rows[s.name].ndcg for s in splits],
        [rows[s.name].best_leg for s in splits],
        fit_info=info,
        seed=seed,
    )
