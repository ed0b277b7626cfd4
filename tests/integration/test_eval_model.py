"""The retrieval harness with the real bundled model on a tiny Korean corpus (few, slow-ish)."""

from __future__ import annotations

import pytest

from core.settings import Settings
from eval.datasets import Doc, Query, RetrievalSet
from eval.retrieval import run_retrieval

pytestmark = pytest.mark.model


def test_real_model_retrieval_run(real_settings: Settings) -> None:
    corpus = {
        "refund": Doc("refund", "환불 안내", "환불은 결제 취소 후 3~5영업일 안에 카드사로 처리됩니다."),
        "address": Doc("address", "배송지 변경", "배송지 변경은 출고 전까지 마이페이지에서 가능합니다."),
        "password": Doc("password", "비밀번호", "비밀번호를 잊으셨다면 로그인 화면에서 재설정하세요."),
    }
    queries = [
        Query("1", "돈은 언제 돌려받나요", {"refund": 1.0}),
        Query("2", "받는 곳 주소를 바꾸고 싶어요", {"address": 1.0}),
        Query("3", "로그인 암호가 기억나지 않아요", {"password": 1.0}),
    ]
    run = run_retrieval(RetrievalSet("tiny-ko", corpus, queries), real_settings)
    assert run.config["embedder"] == "bundled:multilingual-e5-small"
    # paraphrases with little word overlap: the dense leg's job (BM25 misses two of them)
    assert run.metrics["dense/recall@1"] == 1.0
    assert run.metrics["bm25/recall@5"] < 1.0
    assert run.metrics["hybrid/recall@5"] == 1.0
