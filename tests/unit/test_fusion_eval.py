from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.settings import Settings
from core.types import Chunk
from eval.datasets import Query
from eval.fusion_eval import DEPTH, Split, _candidate_rows, _evaluate, fit_on
from eval.fusion_fit import fit_weights, weight_rows
from eval.retrieval import search_configs
from indexes import store
from indexes.embedder import HashEmbedder
from indexes.fusion_weight import FEATURES, GRID, weight_model_for
from indexes.hybrid import SearchParams

TEXTS = {
    "refund": "환불 신청은 주문 내역에서 환불 버튼을 누르면 됩니다",
    "delivery": "배송 조회는 주문 내역의 배송 조회 메뉴에서 합니다",
    "withdraw": "회원 탈퇴는 설정 메뉴의 계정 관리에서 할 수 있습니다",
    "points": "포인트는 결제 금액의 1%가 적립됩니다",
}
QUESTIONS = [
    ("q1", "환불 신청 방법", "refund"),
    ("q2", "배송 조회", "delivery"),
    ("q3", "회원 탈퇴", "withdraw"),
]


def _split(name: str) -> Split:
    chunks = [Chunk(f"doc:{k}#body-0", f"doc:{k}", "doc", k, "body", v, v) for k, v in TEXTS.items()]
    index, _ = store.build(chunks, HashEmbedder(64), store.IndexConfig())
    queries = [Query(qid, text, {gold: 1.0}) for qid, text, gold in QUESTIONS]
    return Split(name, index, lambda **o: SearchParams(**o), queries, queries, {"files": [name]})


def test_search_configs_list_every_fusion_once() -> None:
    names = [c.name for c in search_configs(Settings(fusion="weighted"))]
    assert names == ["dense", "bm25", "hybrid", "auto", "adaptive", "rrf"]
    names = [c.name for c in search_configs(Settings(fusion="adaptive"))]
    assert names == ["dense", "bm25", "hybrid", "auto", "weighted", "rrf"]
    names = [c.name for c in search_configs(Settings(fusion="auto"))]
    assert names == ["dense", "bm25", "hybrid", "adaptive", "weighted", "rrf"]


def test_fit_rows_label_gold_chunks_and_the_model_records_its_data() -> None:
    a, b = _split("a"), _split("b")
    rows = {s.name: _candidate_rows(s, s.fit) for s in (a, b)}
    x, y, sizes = rows["a"]
    assert x.shape[0] == y.size == sum(sizes) and y.sum() == len(QUESTIONS)
    ranker = fit_on([a, b], rows)
    assert set(ranker.fit["datasets"]) == {"a", "b"}
    assert ranker.fit["queries"] == 2 * len(QUESTIONS) and len(ranker.fit["fingerprint"]) == 16
    metrics, latency = _evaluate(a, {"adaptive": ranker, "adaptive-lodo": ranker}, Settings())
    assert metrics["adaptive/recall@5"] == 1.0 and set(latency) >= {"dense", "bm25", "rrf", "adaptive"}
    assert np.isfinite([v for v in metrics.values() if v is not None]).all()


def test_weight_rows_refuse_the_product_fusion_and_the_auto_model_records_its_data() -> None:
    a, b = _split("a"), _split("b")
    rows = {s.name: weight_rows(s, s.fit) for s in (a, b)}
    r = rows["a"]
    assert r.x.shape == (len(QUESTIONS), len(FEATURES)) and r.ndcg.shape == (len(QUESTIONS), len(GRID))
    assert r.ndcg[:, -1] == pytest.approx(r.dense)  # all weight on the dense leg = the dense leg's order
    assert r.best_leg == max(r.dense.mean(), r.bm25.mean())
    model = fit_weights([a, b], rows, split_seed=3)
    assert set(model.fit["datasets"]) == {"a", "b"} and len(model.fit["fingerprint"]) == 16
    assert model.fit["split_seed"] == 3 and len(model.fit["datasets"]["a"]["fit_qids"]) == 16
    assert fit_weights([a, b], rows, split_seed=3).to_json() == model.to_json()  # deterministic
    metrics, latency = _evaluate(a, {}, Settings(), {"auto": model, "auto-lodo": model})
    assert metrics["auto/recall@5"] == 1.0 and "auto" in latency and "adaptive" not in latency


def test_abcd_kb_is_scored_held_out_and_no_longer_reported_unmeasurable() -> None:
    from eval.fusion_eval import DATASETS, HELD_OUT, PUBLIC, _notes

    assert DATASETS[:5] == ("welfare_qa_ko", "parakqc", "stackfaq", "abcd_kb", "sample_kb")
    assert "abcd_kb" in HELD_OUT and "abcd_kb" not in PUBLIC  # scored, never in the shipped fit
    notes = _notes({}, DATASETS)
    assert not any("not measurable" in n for n in notes)
    assert any(n.startswith("abcd_kb: hand-written") for n in notes)


@pytest.mark.parametrize("fusion", ["weighted", "auto"])
def test_the_product_row_scores_the_fusion_the_settings_search_with(fusion: str, tmp_path: Path) -> None:
    """The report's first row is what the product runs (KMS_FUSION and the model files it reads: here
    the bundled ones, the data dir has none), not a fit of this run."""
    settings = Settings(fusion=fusion, data_dir=tmp_path)
    searched: list[SearchParams] = []

    def params(**o: object) -> SearchParams:
        searched.append(SearchParams.from_settings(settings, **o))
        return searched[-1]

    a = _split("a")
    a.params = params
    metrics, latency = _evaluate(a, {}, settings, {"auto": weight_model_for(None)})
    product = [p for p in searched if p.k == DEPTH][: len(a.test)]  # the first row's searches
    assert "product" in latency and {p.fusion for p in product} == {fusion}
    assert {p.w_dense for p in product} == {settings.weight_dense}
    if fusion == "auto":
        assert all(p.weight_model is weight_model_for(None) for p in product)
    for m in ("recall@1", "recall@5", "mrr@10", "ndcg@10"):
        assert metrics[f"product/{m}"] == metrics[f"{fusion}/{m}"]


def _articles_split() -> Split:
    """Two articles: the coupon one shares more of the question's words, the points one has the
    question itself as a 상담 스크립트 question (tests/unit/test_sentence_rank.py's case)."""
    from tests.unit.test_sentence_rank import COUPON, POINTS, QUERY

    index, _ = store.build([*COUPON, *POINTS], HashEmbedder(), store.IndexConfig())
    queries = [Query("q", QUERY, {"points": 1.0})]
    return Split("articles", index, lambda **o: SearchParams(**o), queries, [], {"files": ["articles"]})


@pytest.mark.parametrize("weight", [0.0, 1.0])
def test_the_suggested_row_is_the_agents_list_the_best_sentence_re_rank_makes(weight: float) -> None:
    """ "suggested" scores the product's search with its first articles re-ranked by their best
    sentence (assist.sentence_rank), as a suggestion lists them; at weight 0 it is the product row."""
    split = _articles_split()
    metrics, latency = _evaluate(split, {}, Settings(sentence_rank=weight))
    assert "suggested" in latency and metrics["product/recall@1"] == 0.0  # retrieval: coupon first
    assert metrics["suggested/recall@1"] == (1.0 if weight else 0.0)
    assert metrics["suggested/recall@5"] == metrics["product/recall@5"] == 1.0
