from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.types import Chunk
from indexes import store
from indexes.embedder import HashEmbedder
from indexes.hybrid import SearchParams, SearchTrace
from indexes.ranker import (
    BUNDLED,
    FEATURES,
    MODEL_FILE,
    FusionRanker,
    QueryStats,
    feature_matrix,
    fit_ranker,
    ranker_for,
)


def _rank(n: int) -> np.ndarray:
    return np.arange(1, n + 1)


def test_feature_matrix_hand_computed() -> None:
    x = feature_matrix(
        np.array([0.9, 0.5]), np.array([0.0, 4.0]), np.array([1, 2]), np.array([0, 1]), QueryStats(0.5, 3)
    )
    row = dict(zip(FEATURES, x[1], strict=True))
    assert x.shape == (2, len(FEATURES))
    assert row["dense_gap"] == pytest.approx(-0.4)
    assert row["bm25_rel"] == 1.0 and row["bm25_rr"] == 1.0 and row["dense_rr"] == 0.5
    assert row["bm25_rel_x_cov"] == pytest.approx(0.5)
    assert dict(zip(FEATURES, x[0], strict=True))["bm25_rr"] == 0.0  # not fetched by BM25


def test_feature_matrix_without_bm25_evidence_or_candidates() -> None:
    x = feature_matrix(np.array([0.3]), np.array([0.0]), np.array([1]), np.array([0]), QueryStats(0.0, 0))
    assert np.isfinite(x).all()
    assert feature_matrix(np.array([]), np.array([]), _rank(0), _rank(0), QueryStats(0, 0)).shape == (
        0,
        len(FEATURES),
    )


def _synthetic(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Queries whose gold candidate is found by BM25 when coverage is high, by dense otherwise."""
    rng = np.random.default_rng(seed)
    xs, ys, groups = [], [], []
    for q in range(120):
        cov = float(q % 2)
        dense, lexical = rng.uniform(0.7, 0.8, 10), rng.uniform(0.0, 5.0, 10)
        gold = int(rng.integers(10))
        if cov:
            lexical[gold] = 9.0
        else:
            dense[gold] = 0.85
        d_rank = np.argsort(np.argsort(-dense)) + 1
        l_rank = np.argsort(np.argsort(-lexical)) + 1
        xs.append(feature_matrix(dense, lexical, d_rank, l_rank, QueryStats(cov, 4)))
        ys.append(np.arange(10) == gold)
        groups.append(np.full(10, q))
    return np.concatenate(xs), np.concatenate(ys).astype(int), np.concatenate(groups)


def test_fitted_ranker_trusts_the_leg_the_query_features_point_to() -> None:
    x, y, groups = _synthetic(0)
    ranker = fit_ranker(x, y, groups, fit_info={"data": "synthetic"})
    tx, ty, tgroups = _synthetic(1)
    scores = ranker.score(tx)
    top1 = [ty[tgroups == g][np.argmax(scores[tgroups == g])] for g in np.unique(tgroups)]
    assert np.mean(top1) > 0.9
    assert ranker.fit["data"] == "synthetic" and ranker.fit["queries"] == 120
    assert ((scores >= 0) & (scores <= 1)).all()


def test_model_round_trips_and_data_dir_model_wins(tmp_path: Path) -> None:
    x, y, groups = _synthetic(0)
    ranker = fit_ranker(x, y, groups, fit_info={"fingerprint": "abc"})
    ranker.save(tmp_path / MODEL_FILE)
    loaded = ranker_for(tmp_path)
    assert loaded.fit["fingerprint"] == "abc"
    assert np.allclose(loaded.score(x), ranker.score(x))
    assert ranker_for(tmp_path / "elsewhere").fit == ranker_for(None).fit  # the bundled model


def test_bundled_model_records_what_it_was_fitted_on() -> None:
    data = json.loads(BUNDLED.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES)
    assert data["fit"]["datasets"] and data["fit"]["fingerprint"]


def test_model_with_other_features_is_refused() -> None:
    with pytest.raises(ValueError):
        FusionRanker(coef=[1.0], intercept=0.0, mean=[0.0], scale=[1.0], features=("dense",))


def test_adaptive_search_ranks_and_traces_features() -> None:
    texts = {
        "a": "환불 신청 방법 안내 환불 접수",
        "b": "배송 조회는 주문 내역에서 합니다",
        "c": "회원 탈퇴 절차와 주의 사항",
    }
    chunks = [Chunk(f"doc:{k}#body-0", f"doc:{k}", "doc", k, "body", v, v) for k, v in texts.items()]
    index, _ = store.build(chunks, HashEmbedder(64), store.IndexConfig())
    trace = SearchTrace()
    params = SearchParams(k=3, fusion="adaptive", ranker=ranker_for(None))
    hits = index.search_chunks("환불 접수", params, trace=trace)
    assert hits[0].chunk.doc_id == "doc:a"
    assert trace.fusion_features is not None and trace.fusion_features.shape == (len(hits), len(FEATURES))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_from_settings_gives_adaptive_fusion_a_model(tmp_path: Path) -> None:
    class S:
        candidates, fusion, weight_dense, weight_lexical, rrf_k = 50, "adaptive", 0.7, 0.3, 60
        data_dir = tmp_path

    params = SearchParams.from_settings(S())
    assert params.ranker is not None and params.ranker.fit == ranker_for(None).fit
    assert SearchParams.from_settings(S(), fusion="rrf").ranker is None
