from __future__ import annotations

import pytest

from indexes.fusion import minmax, rrf_fusion, share_of_best, weighted_fusion


def test_minmax_scales_to_unit_range() -> None:
    assert minmax({1: 2.0, 2: 4.0, 3: 3.0}) == {1: 0.0, 2: 1.0, 3: 0.5}


def test_minmax_constant_scores() -> None:
    assert minmax({1: 0.7, 2: 0.7}) == {1: 1.0, 2: 1.0}
    assert minmax({1: 0.0}) == {1: 0.0}
    assert minmax({}) == {}


def test_weighted_fusion_hand_computed() -> None:
    dense = {1: 0.9, 2: 0.5, 3: 0.7}  # scaled: 1, 0, 0.5
    lexical = {1: 0.0, 2: 10.0, 3: 5.0}  # scaled: 0, 1, 0.5
    fused = weighted_fusion(dense, lexical, w_dense=0.6, w_lexical=0.4)
    assert fused[1] == pytest.approx(0.6)
    assert fused[2] == pytest.approx(0.4)
    assert fused[3] == pytest.approx(0.5)


def test_weighted_fusion_missing_leg_counts_as_zero() -> None:
    fused = weighted_fusion({1: 0.8, 2: 0.4}, {2: 3.0, 3: 1.0}, w_dense=0.5, w_lexical=0.5)
    assert fused == pytest.approx({1: 0.5, 2: 0.5, 3: 0.5 / 3})  # BM25 1.0 is a third of the best


def test_bm25_is_a_share_of_the_best_score_not_stretched_when_every_candidate_matches() -> None:
    assert share_of_best({1: 4.0, 2: 3.0, 3: 0.0}) == {1: 1.0, 2: 0.75, 3: 0.0}
    assert share_of_best({1: 0.0, 2: 0.0}) == {1: 0.0, 2: 0.0} and share_of_best({}) == {}
    # every candidate shares a query term: BM25 4.0 vs 3.8 is a near tie, and stays one, so the
    # dense leg's clear preference for 2 decides (min-max would make it 1 vs 0 and flip the order)
    dense = {1: 0.80, 2: 0.86, 3: 0.70}
    lexical = {1: 4.0, 2: 3.8, 3: 3.6}
    fused = weighted_fusion(dense, lexical, w_dense=0.5, w_lexical=0.5)
    assert max(fused, key=fused.__getitem__) == 2
    stretched = {k: 0.5 * minmax(dense)[k] + 0.5 * minmax(lexical)[k] for k in dense}
    assert max(stretched, key=stretched.__getitem__) == 1


def test_rrf_hand_computed() -> None:
    fused = rrf_fusion([1, 2], [2, 3], k=60)
    assert fused[1] == pytest.approx(1 / 61)
    assert fused[2] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[3] == pytest.approx(1 / 62)
    assert max(fused, key=fused.__getitem__) == 2
