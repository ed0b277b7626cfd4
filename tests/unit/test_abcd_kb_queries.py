"""The hand-written abcd_kb question set (eval/data/abcd_kb) and its dataset adapter."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from eval.adapters import ABCD_QUERIES, RETRIEVAL_DATASETS, retrieval_dataset
from eval.datasets import load_queries
from eval.errors import DatasetError
from tests.conftest import SHARED_DATA, shared_dataset


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9$#]+", text.lower()))


def test_the_query_file_parses_with_one_or_two_gold_subflows_and_no_duplicates() -> None:
    queries, info = load_queries(ABCD_QUERIES)
    assert info.rows == len(queries) >= 110
    assert [q.qid for q in queries] == [f"ABCD-{n:03d}" for n in range(1, len(queries) + 1)]
    assert all(q.in_scope and 1 <= len(q.gold) <= 2 for q in queries)
    assert all(re.fullmatch(r"[A-Za-z -]+::[A-Za-z -]+", d) for q in queries for d in q.gold)
    texts = Counter(_norm(q.text) for q in queries)
    assert [t for t, n in texts.items() if n > 1] == []


def test_every_gold_article_exists_and_every_subflow_has_two_questions() -> None:
    kb = shared_dataset("abcd_kb", "kb_articles.jsonl")
    ids = {json.loads(line)["doc_id"] for line in kb.read_text(encoding="utf-8").splitlines() if line}
    queries, _ = load_queries(ABCD_QUERIES)
    asked = Counter(d for q in queries for d in q.gold)
    assert len(ids) == 55
    assert set(asked) - ids == set()  # every gold id names an article
    assert {d for d in ids if asked[d] < 2} == set()  # all 55 subflows, two questions or more


def test_the_adapter_reads_one_document_per_subflow_with_its_guideline_text() -> None:
    shared_dataset("abcd_kb", "kb_articles.jsonl")
    rset = retrieval_dataset("abcd_kb", SHARED_DATA)
    assert len(rset.corpus) == 55 and len(rset.queries) == len(load_queries(ABCD_QUERIES)[0])
    doc = rset.corpus["Shipping Issue::Shipping Cost"]
    assert doc.title == "Shipping Cost" and "[Offer Refund]" in doc.text
    assert [Path(f.path).name for f in rset.files] == ["kb_articles.jsonl", "queries.jsonl"]


def test_the_adapter_refuses_a_kb_that_lacks_a_gold_article(tmp_path: Path) -> None:
    assert "abcd_kb" in RETRIEVAL_DATASETS
    (tmp_path / "abcd_kb").mkdir()
    row = {"doc_id": "Account Access::Recover Username", "subflow": "Recover Username", "instructions": ["x"]}
    (tmp_path / "abcd_kb" / "kb_articles.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="not in"):
        retrieval_dataset("abcd_kb", tmp_path)
    with pytest.raises(DatasetError, match="not found"):
        retrieval_dataset("abcd_kb", tmp_path / "elsewhere")
