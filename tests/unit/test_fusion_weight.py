from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from core.types import Chunk
from indexes import store
from indexes.backends.fuse import fuse
from indexes.embedder import HashEmbedder
from indexes.fusion import weighted_fusion
from indexes.fusion_weight import (
    BUNDLED,
    FEATURES,
    GRID,
    MODEL_FILE,
    WeightModel,
    fit_weight_model,
    latin_share,
    query_features,
    weight_model_for,
)
from indexes.hybrid import SearchParams, SearchTrace


def _fixed(w: float) -> WeightModel:
    """A model that gives every query the dense weight ``w``."""
    return WeightModel([0.0, 0.0], math.log(w / (1 - w)), [0.0, 0.0], [1.0, 1.0])


def test_latin_share() -> None:
    assert latin_share("환불 refund") == pytest.approx(6 / 8)
    assert latin_share("환불 언제 되나요") == 0.0
    assert latin_share("How long does a refund take?") == 1.0
    assert latin_share("") == 0.0 and latin_share("123 ?!") == 0.0
    assert query_features(0.5, "abc") == {"coverage": 0.5, "latin": 1.0}


def test_dense_weight_hand_computed() -> None:
    model = WeightModel([-2.0, 1.0], 1.0, [0.5, 0.0], [0.5, 2.0])
    # z = 1 - 2 * (1 - 0.5) / 0.5 + 1 * (0 - 0) / 2 = -1
    assert model.dense_weight({"coverage": 1.0, "latin": 0.0}) == pytest.approx(1 / (1 + math.e))
    # z = 1 - 2 * (0 - 0.5) / 0.5 + 1 * (1 - 0) / 2 = 3.5
    assert model.dense_weight({"coverage": 0.0, "latin": 1.0}) == pytest.approx(1 / (1 + math.exp(-3.5)))


def test_other_features_are_refused() -> None:
    with pytest.raises(ValueError, match="not this version's"):
        WeightModel([0.0], 0.0, [0.0], [1.0], features=("length",))


def test_bundled_model_trusts_dense_more_when_bm25_knows_fewer_query_words() -> None:
    model = weight_model_for(None)
    assert model.features == FEATURES and model.fit.get("fingerprint")
    known = model.dense_weight({"coverage": 1.0, "latin": 0.0})
    unknown = model.dense_weight({"coverage": 0.0, "latin": 0.0})
    assert 0.5 < known < unknown < 1.0


def test_data_dir_model_wins_and_round_trips(tmp_path: Path) -> None:
    assert weight_model_for(tmp_path).to_json() == weight_model_for(None).to_json()
    mine = WeightModel([-1.5, 0.25], 2.0, [0.9, 0.1], [0.2, 0.3], fit={"fingerprint": "abc"})
    mine.save(tmp_path / MODEL_FILE)
    loaded = weight_model_for(tmp_path)
    assert loaded.to_json() == mine.to_json()
    assert BUNDLED.is_file()


def _synthetic(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Questions whose best dense weight is 0.5 when BM25 knows their words, 1.0 when it does not."""
    rng = np.random.default_rng(seed)
    cov = rng.choice([0.0, 1.0], 200)
    latin = rng.uniform(0, 1, 200)
    grid = np.array(GRID)
    best = np.where(cov > 0, 0.5, 1.0)
    ndcg = 1.0 - np.abs(grid[None, :] - best[:, None])
    return np.stack([cov, latin], axis=1), ndcg


def test_fit_weight_model_follows_coverage_and_is_deterministic() -> None:
    x, ndcg = _synthetic(0)
    fit = fit_weight_model([x], [ndcg], [0.5], fit_info={"fingerprint": "t"}, cap=1.0, iters=800)
    again = fit_weight_model([x], [ndcg], [0.5], fit_info={"fingerprint": "t"}, cap=1.0, iters=800)
    assert fit.to_json() == again.to_json()
    assert fit.fit["fingerprint"] == "t" and fit.fit["cap"] == 1.0
    low = fit.dense_weight({"coverage": 0.0, "latin": 0.5})
    high = fit.dense_weight({"coverage": 1.0, "latin": 0.5})
    assert low > 0.9 and high < 0.6


TEXTS = {
    "refund": "환불 신청은 주문 내역에서 환불 버튼을 누르면 됩니다",
    "delivery": "배송 조회는 주문 내역의 배송 조회 메뉴에서 합니다",
    "withdraw": "회원 탈퇴는 설정 메뉴의 계정 관리에서 할 수 있습니다",
    "points": "포인트는 결제 금액의 1%가 적립됩니다",
}


def test_auto_fusion_is_weighted_fusion_at_the_query_weight() -> None:
    chunks = [Chunk(f"doc:{k}#body-0", f"doc:{k}", "doc", k, "body", v, v) for k, v in TEXTS.items()]
    index, _ = store.build(chunks, HashEmbedder(64), store.IndexConfig())
    for query in ("환불 신청 방법", "배송 조회 메뉴", "refund please"):
        trace = SearchTrace()
        auto = index.search_chunks(query, SearchParams(fusion="auto", weight_model=_fixed(0.6)), trace=trace)
        fixed = index.search_chunks(query, SearchParams(fusion="weighted", w_dense=0.6, w_lexical=0.4))
        assert trace.fusion_weight == pytest.approx(0.6)
        assert [h.chunk.chunk_id for h in auto] == [h.chunk.chunk_id for h in fixed]
        assert [h.score for h in auto] == pytest.approx([h.score for h in fixed])


def test_backend_fuse_auto_uses_the_given_weight() -> None:
    dense, lexical = {0: 0.9, 1: 0.5, 2: 0.7}, {0: 0.0, 1: 10.0, 2: 5.0}
    fused, features = fuse(SearchParams(fusion="auto"), [0, 2, 1], [1, 2], dense, lexical, None, 0.8)
    assert features is None
    assert fused == pytest.approx(weighted_fusion(dense, lexical, w_dense=0.8, w_lexical=0.2))
    # without the query's weight there is no right answer (it depends on the query's language)
    with pytest.raises(ValueError, match="auto"):
        fuse(SearchParams(fusion="auto"), [0, 2, 1], [1, 2], dense, lexical, None)


def test_from_settings_loads_the_weight_model_for_auto(tmp_path: Path) -> None:
    from core.settings import Settings

    _fixed(0.75).save(tmp_path / MODEL_FILE)
    params = SearchParams.from_settings(Settings(fusion="auto", data_dir=tmp_path))
    assert params.weight_model is not None
    assert params.auto_weight(1.0, "환불") == pytest.approx(0.75)
    assert SearchParams.from_settings(Settings(fusion="weighted", data_dir=tmp_path)).weight_model is None


def test_capped_objective_does_not_trade_one_dataset_below_its_best_leg() -> None:
    """A gains up to 0.2 at a dense weight of 0.5; B loses 0.05 x (1 - w) below its dense leg. The
    mean alone would sacrifice B; capped at 0.01 the fit stays where B keeps (nearly) its leg."""
    grid = np.array(GRID)
    x = np.zeros((50, len(FEATURES)))
    a = np.tile(0.8 + 0.2 * (1 - 2 * np.abs(grid - 0.5)), (50, 1))
    b = np.tile(0.9 - 0.05 * (1 - grid), (50, 1))
    info = {"fingerprint": "t"}
    capped = fit_weight_model([x, x], [a, b], [0.8, 0.9], fit_info=info, cap=0.01, iters=800)
    uncapped = fit_weight_model([x, x], [a, b], [0.8, 0.9], fit_info=info, cap=1.0, iters=800)
    features = {"coverage": 0.0, "latin": 0.0}
    assert capped.dense_weight(features) >= 0.9
    assert uncapped.dense_weight(features) <= 0.6
