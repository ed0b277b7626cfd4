"""Adaptive fusion: a small learned ranker over both legs' evidence for each candidate chunk.

Fixed weights cannot win everywhere: Korean paraphrases favour the dense leg, exact-term and
keyword questions favour BM25. This ranker scores every candidate of one query with a
logistic regression over per-candidate features of both legs (raw and scaled scores, gaps to the
leg's best, reciprocal ranks) and their products with per-query features that say how much each
leg is to be trusted for *this* query: the share of query tokens the BM25 vocabulary knows, the
query's length in tokens, the dense top-1/top-2 margin and the BM25 top-1/top-2 margin. So the
weights change per query (and per corpus) without any hand-set switch.

The model file (JSON) records its features, standardisation, coefficients and the fingerprint of
the labelled data it was fitted on (``kms eval fusion --fit``). Lookup: ``DATA_DIR/fusion_model.json``
(fitted on your own labelled questions), else the bundled ``indexes/data/fusion_model.json``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexes.logistic import StandardLogistic, fit_standard_logistic

BUNDLED = Path(__file__).parent / "data" / "fusion_model.json"
MODEL_FILE = "fusion_model.json"

FEATURES: tuple[str, ...] = (
    "dense",  # raw cosine similarity
    "dense_gap",  # cosine minus the query's best cosine (<= 0)
    "dense_mm",  # min-max scaled over the candidates
    "dense_rr",  # 1 / dense rank (0 when the dense leg did not fetch it)
    "bm25_rel",  # BM25 score / the query's best BM25 score
    "bm25_mm",
    "bm25_rr",
    "bm25_rel_x_cov",  # BM25 evidence x share of query tokens the index knows
    "bm25_rel_x_len",  # BM25 evidence x log(1 + query tokens)
    "bm25_rel_x_bmargin",  # BM25 evidence x BM25 top-1/top-2 relative margin
    "dense_mm_x_dmargin",  # dense evidence x dense top-1/top-2 margin
    "dense_gap_x_cov",
)


@dataclass(frozen=True)
class QueryStats:
    """Per-query signals of how far each leg is to be trusted."""

    coverage: float  # share of query tokens found in the BM25 vocabulary (0 with no tokens)
    n_tokens: int  # BM25 tokens of the query


def _minmax(x: np.ndarray) -> np.ndarray:
    if x.size == 0:
        return x
    lo, hi = float(x.min()), float(x.max())
    if hi - lo <= 1e-12:
        return np.full_like(x, 1.0 if hi > 0 else 0.0)
    return (x - lo) / (hi - lo)


def _top2_margin(x: np.ndarray) -> float:
    if x.size < 2:
        return float(x[0]) if x.size else 0.0
    top = np.partition(x, x.size - 2)[-2:]
    return float(top[1] - top[0])


def feature_matrix(
    dense: np.ndarray,
    lexical: np.ndarray,
    dense_rank: np.ndarray,
    lexical_rank: np.ndarray,
    stats: QueryStats,
) -> np.ndarray:
    """One row of :data:`FEATURES` per candidate. ``*_rank`` are 1-based, 0 = not fetched by that leg;
    ``dense``/``lexical`` are every candidate's raw scores (0 where a leg has none)."""
    dense = np.asarray(dense, dtype=np.float64)
    lexical = np.maximum(np.asarray(lexical, dtype=np.float64), 0.0)
    n = dense.size
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    best_lex = float(lexical.max())
    bm25_rel = lexical / best_lex if best_lex > 0 else np.zeros(n)
    bmargin = _top2_margin(lexical) / best_lex if best_lex > 0 else 0.0
    dmargin = _top2_margin(dense)
    dense_rr = np.where(dense_rank > 0, 1.0 / np.maximum(dense_rank, 1), 0.0)
    bm25_rr = np.where(lexical_rank > 0, 1.0 / np.maximum(lexical_rank, 1), 0.0)
    dense_gap = dense - float(dense.max())
    dense_mm = _minmax(dense)
    cols = [
        dense,
        dense_gap,
        dense_mm,
        dense_rr,
        bm25_rel,
        _minmax(lexical),
        bm25_rr,
        bm25_rel * stats.coverage,
        bm25_rel * math.log1p(stats.n_tokens),
        bm25_rel * bmargin,
        dense_mm * dmargin,
        dense_gap * stats.coverage,
    ]
    return np.stack(cols, axis=1)


@dataclass
class FusionRanker(StandardLogistic):
    """Standardised logistic regression over :data:`FEATURES`; scores are probabilities 0..1."""

    features: tuple[str, ...] = FEATURES

    def __post_init__(self) -> None:
        if tuple(self.features) != FEATURES:
            raise ValueError(f"fusion model features {list(self.features)} are not this version's")
        self._w = np.asarray(self.coef, dtype=np.float64) / np.where(
            np.asarray(self.scale) == 0, 1.0, np.asarray(self.scale, dtype=np.float64)
        )
        self._b = float(self.intercept - float(self._w @ np.asarray(self.mean, dtype=np.float64)))

    def score(self, x: np.ndarray) -> np.ndarray:
        z = np.clip(x @ self._w + self._b, -40.0, 40.0)
        return np.asarray(1.0 / (1.0 + np.exp(-z)))


def fit_ranker(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, *, fit_info: dict[str, Any], c: float = 1.0
) -> FusionRanker:
    """Fit on candidate rows ``x`` with 0/1 labels ``y`` (1 = a gold document's chunk); ``groups``
    (query index per row) weights every query equally however many candidates it has."""
    if len(set(y.tolist())) < 2:
        raise ValueError("fitting the fusion needs candidates of both gold and other documents")
    _, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
    weights = 1.0 / counts[inverse]
    balanced = weights * len(counts) / weights.sum()
    fitted = fit_standard_logistic(x, y, c=c, max_iter=2000, sample_weight=balanced)
    return FusionRanker(
        coef=fitted.coef,
        intercept=fitted.intercept,
        mean=fitted.mean,
        scale=fitted.scale,
        fit={**fit_info, "rows": len(y), "queries": len(counts), "positives": int(y.sum()), "C": c},
    )


def load_ranker(path: Path) -> FusionRanker:
    """The model in ``path``, re-read when the file changes."""
    return FusionRanker.load_cached(path)


def ranker_for(data_dir: Path | None) -> FusionRanker:
    """``DATA_DIR/fusion_model.json`` when there is one, else the bundled model."""
    own = data_dir / MODEL_FILE if data_dir is not None else None
    return load_ranker(own if own is not None and own.is_file() else BUNDLED)
