"""The suggestion latency benchmark's corpus survives the server's start-up reconcile: the rows it
writes and the index it builds agree, so a server on that data folder finds the documents (an
index built without rows was emptied by the reconcile, and the HTTP leg measured nothing)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from assist.knowledge import KnowledgeBase
from assist.suggest import suggest
from core.settings import Settings
from ingest.reconcile import chunk_rows_differ, plan

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
latency = pytest.importorskip("latency")
bench_corpus = pytest.importorskip("bench_corpus")


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A few rows of each dataset the corpus reads, in the layout of ../shared/data."""
    root = tmp_path / "data"
    welfare = [
        {
            "title": "기초연금",
            "text": "기초연금은 만 65세 이상 어르신에게 매달 지급됩니다. 신청은 주민센터에서.",
        },
        {"title": "긴급복지", "text": "갑작스러운 위기 상황에 놓인 가구에 생계비를 지원합니다."},
    ]
    _write(root / "welfare_qa_ko" / "corpus.jsonl", welfare)
    petition = {"id": "7", "title": "놀이터 안전 점검 요청", "text": "동네 놀이터의 미끄럼틀이 부서졌습니다."}
    _write(root / "korean_petitions" / "petitions.jsonl", [petition])
    questions = [
        {
            "qid": f"q{n}",
            "question": f"장애인 활동지원 {n}번 문의",
            "reference_answer": "주민센터에 신청하세요.",
        }
        for n in range(bench_corpus.HOLDOUT + 3)
    ]
    _write(root / "welfare_qa_ko" / "queries.jsonl", questions)
    _write(
        root / "chatbot_data_ko" / "qa.jsonl",
        [{"id": 1, "question": "오늘 너무 힘들어", "answer": "쉬세요."}],
    )
    banking = [
        {
            "id": "train-0",
            "split": "train",
            "text": "I am still waiting on my card?",
            "label": "card_arrival",
        },
        {"id": "test-0", "split": "test", "text": "Where is my card?", "label": "card_arrival"},
    ]
    _write(root / "banking77" / "queries.jsonl", banking)
    return root


def test_records_fill_the_size_and_repeat_under_new_ids(data: Path, settings: Settings) -> None:
    recs, unique = bench_corpus.records(data, 400, settings)  # the sample KB alone has 316 chunks
    chunks = bench_corpus.write_rows(settings, recs)
    assert len(chunks) == 400 and len({c.chunk_id for c in chunks}) == 400
    assert unique < 400 and any(c.doc_id.endswith("~1") for c in chunks)
    assert {"article:P7", "ticket:train-0", "ticket:CB1"} <= {c.doc_id for c in chunks}


def test_a_server_start_keeps_the_benchmark_index(data: Path, settings: Settings, tmp_path: Path) -> None:
    recs, _ = bench_corpus.records(data, 340, settings)
    _built, chunks = latency.build(recs, settings, 10, tmp_path)
    kb = KnowledgeBase(settings)  # what the server's lifespan opens, then warms up (reconcile first)
    with kb.sessions() as session:
        assert plan(session, settings, kb.index).empty
        assert not chunk_rows_differ(session, kb.index)
    kb.warm_up()
    assert {c.chunk_id for c in kb.index.chunks} == {c.chunk_id for c in chunks}
    found = suggest(kb, "I am still waiting on my card?", log=False)
    assert any(t.ticket_id.startswith("train-0") for t in found.tickets)
    assert suggest(kb, "기초연금 신청", log=False).articles
