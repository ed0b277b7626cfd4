"""eval.metrics against hand-computed values and scikit-learn."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn import metrics as skm

from eval.metrics import (
    CurvePoint,
    abstention_curve,
    adjusted_rand_index,
    citation_precision,
    curve_auc,
    first_relevant_rank,
    groundedness,
    is_supported,
    ndcg_at_k,
    normalized_mutual_info,
    percentiles,
    recall_at_k,
    reciprocal_rank,
    rouge_l,
    threshold_for_far,
    token_f1,
    v_measure,
)

RANKED = ["d3", "d1", "d7", "d2", "d9"]


def test_recall_any_and_all() -> None:
    gold = {"d2": 1.0, "d8": 1.0}
    assert recall_at_k(RANKED, gold, 1) == 0.0
    assert recall_at_k(RANKED, gold, 3) == 0.0
    assert recall_at_k(RANKED, gold, 4) == 1.0  # any gold id counts (alternatives)
    assert recall_at_k(RANKED, gold, 5, mode="all") == 0.5
    assert recall_at_k(RANKED, {}, 5) == 0.0


def test_first_rank_and_mrr() -> None:
    assert first_relevant_rank(RANKED, {"d7": 1}) == 3
    assert first_relevant_rank(RANKED, {"zz": 1}) is None
    assert reciprocal_rank(RANKED, {"d7": 1, "d9": 1}, 10) == pytest.approx(1 / 3)
    assert reciprocal_rank(RANKED, {"d9": 1}, 4) == 0.0  # beyond the cutoff


def test_ndcg_hand_computed() -> None:
    # relevant at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5); ideal = 1 + 1/log2(3)
    gold = {"d1": 1.0, "d2": 1.0}
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(RANKED, gold, 10) == pytest.approx(expected)
    assert ndcg_at_k(["d1", "d2"], gold, 10) == pytest.approx(1.0)
    assert ndcg_at_k(RANKED, {"nope": 1.0}, 10) == 0.0


def test_ndcg_matches_sklearn_with_graded_relevance() -> None:
    docs = ["a", "b", "c", "d", "e", "f"]
    gold = {"a": 3.0, "c": 1.0, "f": 2.0}
    scores = [0.1, 0.9, 0.8, 0.3, 0.2, 0.7]  # no ties: ranking b, c, f, d, e, a
    ranked = [d for _, d in sorted(zip(scores, docs, strict=True), reverse=True)]
    y_true = np.array([[gold.get(d, 0.0) for d in docs]])
    for k in (1, 3, 5, 6):
        ref = skm.ndcg_score(y_true, np.array([scores]), k=k)
        assert ndcg_at_k(ranked, gold, k) == pytest.approx(ref), k


def test_token_f1_and_rouge_l() -> None:
    pred, ref = ["환불", "은", "3", "일"], ["환불", "은", "5", "일", "이내"]
    # overlap 3: P = 3/4, R = 3/5 → F1 = 2/3 · … = 0.6667
    assert token_f1(pred, ref) == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    # LCS(환불 은 일) = 3, same P/R here
    assert rouge_l(pred, ref) == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert rouge_l(["a", "b", "c"], ["c", "b", "a"]) == pytest.approx(1 / 3)
    assert token_f1(["a", "a"], ["a"]) == pytest.approx(2 * 0.5 * 1 / 1.5)
    assert token_f1([], []) == 1.0
    assert token_f1(["x"], []) == 0.0


def test_citation_precision_and_groundedness() -> None:
    assert citation_precision(["a", "b", "a"], {"a": 1}) == 0.5
    assert citation_precision([], {"a": 1}) is None
    source = "환불은 주문 취소 후 영업일 기준 3~5일 이내에 처리됩니다.   카드는 3~7일 걸립니다."
    assert is_supported("환불은 주문 취소 후 영업일 기준  3~5일 이내에 처리됩니다.", [source])
    assert is_supported("환불은 주문 취소 후 영업일 기준 3~5일 이내 처리됩니다.", [source])  # fuzzy ≥ 90
    assert not is_supported("배송은 내일 도착합니다.", [source])
    assert groundedness(["카드는 3~7일 걸립니다.", "배송은 내일 도착합니다."], [[source], [source]]) == 0.5
    assert groundedness([], []) is None


def test_clustering_metrics_match_sklearn() -> None:
    rng = np.random.default_rng(3)
    for _ in range(5):
        gold = rng.integers(0, 6, 80).astype(str)
        pred = rng.integers(0, 9, 80).astype(str)
        assert normalized_mutual_info(gold, pred) == pytest.approx(
            skm.normalized_mutual_info_score(gold, pred)
        )
        assert adjusted_rand_index(gold, pred) == pytest.approx(skm.adjusted_rand_score(gold, pred))
        h, c, v = v_measure(gold, pred)
        assert (h, c, v) == pytest.approx(skm.homogeneity_completeness_v_measure(gold, pred))
    same = ["a", "a", "b", "b"]
    assert normalized_mutual_info(same, ["x", "x", "y", "y"]) == pytest.approx(1.0)
    assert adjusted_rand_index(same, ["x", "x", "y", "y"]) == pytest.approx(1.0)
    assert adjusted_rand_index(["a", "b", "c"], ["a", "b", "c"]) == pytest.approx(
        skm.adjusted_rand_score(["a", "b", "c"], ["a", "b", "c"])
    )


def test_abstention_curve_hand_made() -> None:
    ins = [0.9, 0.8, 0.6, 0.3]
    outs = [0.7, 0.2]
    gold = [True, True, False, True]
    points = abstention_curve(ins, outs, gold)
    by_t = {p.threshold: p for p in points}
    assert by_t[0.0] == CurvePoint(0.0, 1.0, 1.0, 0.75)
    assert by_t[0.6].coverage == 0.75 and by_t[0.6].far == 0.5
    assert by_t[0.7].coverage == 0.5 and by_t[0.7].far == 0.5
    assert by_t[0.8] == CurvePoint(0.8, 0.5, 0.0, 1.0)
    top = points[-1]
    assert top.threshold > 1.0 and top.coverage == 0.0 and top.far == 0.0 and top.answered_correct is None
    assert threshold_for_far(points, 0.0).threshold == 0.8  # type: ignore[union-attr]
    assert threshold_for_far(points, 0.5).threshold == 0.3  # type: ignore[union-attr]
    assert curve_auc(abstention_curve([0.9, 0.8], [0.1])) == pytest.approx(1.0)


def test_percentiles() -> None:
    got = percentiles([float(x) for x in range(1, 101)])
    assert got["p50"] == pytest.approx(50.5)
    assert got["p95"] == pytest.approx(95.05)
    assert math.isnan(percentiles([])["p99"])


def test_answer_contained_judges_short_gold_answers_inside_long_replies() -> None:
    from eval.metrics import answer_contained

    reply = "환불 은 결제 취소 후 3~5 영업일 안 에 카드사 로 처리 되 ㅂ니다".split()
    assert answer_contained(reply, ["3~5", "영업일"])
    assert not answer_contained(reply, ["7", "영업일", "이내"])
    assert answer_contained([], []) and not answer_contained(["x"], [])
