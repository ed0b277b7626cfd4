"""The support KBs of `kms eval fusion`: safety-set questions as retrieval queries, the fresh KBs each
in its own index, and a pooled row over several indexes."""

from __future__ import annotations

import json
from pathlib import Path

from core.settings import Settings
from core.types import Chunk
from eval.datasets import Query
from eval.fusion_eval import _evaluate
from eval.fusion_kbs import FRESH_KBS, fresh_kb_names, fresh_splits, safety_queries
from eval.fusion_split import Split
from indexes import store
from indexes.embedder import HashEmbedder
from indexes.hybrid import SearchParams

ARTICLE = """---
id: {id}
title: {title}
---
# {title}
## 요약
{body}
## 정책
- {body}
"""


def _rows(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_safety_queries_are_the_answerable_single_turn_rows_with_every_expected_article(
    tmp_path: Path,
) -> None:
    path = _rows(
        tmp_path / "q.jsonl",
        [
            {"qid": "A", "class": "direct", "question": "환불은 언제?", "expected": {"doc_id": "KB-1"}},
            {
                "qid": "B",
                "class": "paraphrase",
                "question": "돈 언제 돌려줘요",
                "expected": {"doc_id": "KB-1", "alt_doc_ids": ["KB-2"]},
            },
            {"qid": "C", "class": "uncovered", "question": "적금 금리는?", "expected": "abstain"},
            {
                "qid": "D",
                "class": "multi_turn",
                "question": "그럼 언제요?",
                "history": [{"role": "user", "content": "환불하고 싶어요"}],
                "expected": {"doc_id": "KB-1"},
            },
        ],
    )
    queries = safety_queries(path)
    assert [(q.qid, dict(q.gold)) for q in queries] == [
        ("A", {"KB-1": 1.0}),
        ("B", {"KB-1": 1.0, "KB-2": 1.0}),
    ]


def test_the_committed_fresh_kbs_are_all_found() -> None:
    names = fresh_kb_names()
    assert len(names) >= 12 and {"gas", "telco", "ticket"} <= set(names)
    assert all(safety_queries(FRESH_KBS / n / "questions.jsonl") for n in names)


def test_each_fresh_kb_is_ingested_into_its_own_index(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "fresh"
    for kb, (doc, title, body) in {
        "gas": ("GS-1", "가스 요금 납부", "가스 요금은 매월 25일에 자동이체로 납부됩니다."),
        "gym": ("GY-1", "회원권 정지", "회원권은 연 2회까지 최대 30일 정지할 수 있습니다."),
    }.items():
        (root / kb / "articles").mkdir(parents=True)
        (root / kb / "articles" / f"{doc}.md").write_text(
            ARTICLE.format(id=doc, title=title, body=body), encoding="utf-8"
        )
        question = {"qid": f"{kb}-1", "class": "direct", "question": title, "expected": {"doc_id": doc}}
        _rows(root / kb / "questions.jsonl", [question])
    (root / "notes").mkdir()  # no articles or questions: not a KB
    assert fresh_kb_names(root) == ["gas", "gym"]
    with fresh_splits(settings, tmp_path / "cache", None, root) as splits:
        assert [s.name for s in splits] == ["fresh_kbs/gas", "fresh_kbs/gym"]
        for split, prefix in zip(splits, ("GS", "GY"), strict=True):
            assert {c.doc_id for c in split.index.chunks} == {f"article:{prefix}-1"}
            assert split.params(k=3).doc_types == {"article"}
        metrics, _ = _evaluate(splits, {}, settings)
    assert metrics["dense/recall@1"] == 1.0
    assert (tmp_path / "cache" / "fresh-kb-gas-index").is_dir()  # the next run re-embeds nothing


def _split(name: str, texts: dict[str, str], queries: list[Query]) -> Split:
    chunks = [Chunk(f"doc:{k}#body-0", f"doc:{k}", "doc", k, "body", v, v) for k, v in texts.items()]
    index, _ = store.build(chunks, HashEmbedder(64), store.IndexConfig())
    return Split(name, index, lambda **o: SearchParams(**o), queries, [], {"files": [name]})


def test_a_pooled_row_scores_every_question_in_its_own_index() -> None:
    """Each split's question is searched only in that split's index: pooled, one of two is found."""
    a = _split("a", {"refund": "환불 신청 방법 안내"}, [Query("a1", "환불 신청 방법", {"refund": 1.0})])
    b = _split("b", {"delivery": "배송 조회 메뉴 안내"}, [Query("b1", "환불 신청 방법", {"refund": 1.0})])
    metrics, latency = _evaluate([a, b], {}, Settings())
    assert metrics["dense/recall@5"] == 0.5 and metrics["bm25/recall@5"] == 0.5
    assert len(latency["dense"]) == 2
