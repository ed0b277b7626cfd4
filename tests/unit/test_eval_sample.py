"""`kms eval sample` on a two-article stand-in for the sample KB (hash embedder, real answer code),
and the committed baseline's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ingest.sample
from core.settings import Settings
from eval.abstention import ENV_KEY
from eval.sample import BASELINE, run_sample

ARTICLE = """## 제목
{title}

## 목적
{purpose}

## 정책
- {policy}

## 단계별 절차
1. 주문번호를 확인합니다.

## 상담 스크립트
Q: {question}
A: {answer}

## 주요 상황 및 해결책
### 예외
담당 팀에 문의합니다.

## 문서 관리 및 업데이트
최종 수정일: 2026-10-06
담당자: 고객지원팀
"""


def _kb(root: Path) -> list[Path]:
    folder = root / "articles"
    folder.mkdir(parents=True)
    (folder / "KB-A-refund.md").write_text(
        ARTICLE.format(
            title="환불 처리 가이드",
            purpose="환불 시점 문의에 답합니다.",
            policy="환불은 주문 취소 후 영업일 기준 3~5일 이내에 처리됩니다.",
            question="환불은 언제 되나요?",
            answer="주문 취소 후 영업일 기준 3~5일 이내에 환불됩니다.",
        ),
        encoding="utf-8",
    )
    (folder / "KB-B-delivery.md").write_text(
        ARTICLE.format(
            title="배송 지연 안내",
            purpose="배송 지연 문의에 답합니다.",
            policy="택배사 사정으로 배송이 1~2일 늦어질 수 있습니다.",
            question="배송이 왜 이렇게 늦어요?",
            answer="택배사 사정으로 1~2일 늦어질 수 있습니다.",
        ),
        encoding="utf-8",
    )
    return [folder]


def test_run_sample_on_a_tiny_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _kb(tmp_path / "kb")
    monkeypatch.setattr(ingest.sample, "sample_paths", lambda: paths)
    eval_file = tmp_path / "eval.jsonl"
    rows = [
        {
            "qid": "1",
            "question": "환불 언제 되나요",
            "doc_ids": ["KB-A-refund"],
            "reference_answer": "주문 취소 후 영업일 기준 3~5일 이내에 환불됩니다.",
            "in_scope": True,
        },
        {
            "qid": "2",
            "question": "배송이 늦어요",
            "doc_ids": ["KB-B-delivery"],
            "reference_answer": None,
            "in_scope": True,
        },
        {
            "qid": "3",
            "question": "내일 서울 날씨 어때요",
            "doc_ids": [],
            "reference_answer": None,
            "in_scope": False,
        },
    ]
    eval_file.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "kms", embedder="hash")
    cache = tmp_path / "kms" / "eval-cache" / "sample-index"
    run = run_sample(settings, eval_file=eval_file, index_cache=cache)
    m = run.metrics
    assert m["retrieval/n_queries"] == 2 and m["abstention/n_out_of_scope"] == 1
    assert m["retrieval/bm25/recall@1"] == 1.0
    assert {
        "answers/token_f1",
        "answers/groundedness",
        "abstention/auc",
        "retrieval/hybrid/ndcg@10",
    } <= m.keys()
    assert run.primary_metric == "retrieval/hybrid/ndcg@10" and (cache / "manifest.json").is_file()
    again = run_sample(settings, eval_file=eval_file, index_cache=cache)  # seeded from the cached index
    assert again.metrics["retrieval/hybrid/ndcg@10"] == m["retrieval/hybrid/ndcg@10"]


def test_committed_baseline_is_a_sample_report() -> None:
    if not BASELINE.exists():
        pytest.skip("no committed sample baseline yet")
    report = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert report["kind"] == "sample" and report["primary_metric"] in report["metrics"]
    assert report["config"]["embedder"] == "bundled:multilingual-e5-small"
    assert all(not k.startswith("n1") and "_ms_" not in k for k in report["metrics"])  # no timings judged
    assert ENV_KEY == "KMS_ANSWER_THRESHOLD"
