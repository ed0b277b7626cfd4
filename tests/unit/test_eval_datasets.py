"""eval.datasets / eval.adapters: strict readers, clear errors, deterministic sampling."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from eval.adapters import retrieval_dataset, topic_dataset
from eval.datasets import (
    load_corpus,
    load_items,
    load_queries,
    load_retrieval_set,
    sample,
    stratified_sample,
)
from eval.errors import DatasetError, EvalConfigError


def _write(path: Path, rows: list[object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
        encoding="utf-8",
    )
    return path


def test_corpus_fields_and_fingerprint(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "c.jsonl",
        [
            {"doc_id": "a", "title": "환불", "text": "환불은 3일"},
            "",
            {"doc_id": 7, "body": "본문"},
            {"doc_id": "faq", "question": "How?", "answers": ["One.", "Two."]},
        ],
    )
    corpus, info = load_corpus(path)
    assert corpus["a"].title == "환불" and corpus["7"].text == "본문"
    assert corpus["faq"].title == "How?" and corpus["faq"].text == "One.\n\nTwo."
    assert info.rows == 3 and len(info.sha256) == 64


@pytest.mark.parametrize(
    ("rows", "line", "words"),
    [
        ([{"doc_id": "a", "text": "x"}, "{not json"], 2, "invalid JSON"),
        ([{"doc_id": "a", "text": "x"}, {"doc_id": "b"}], 2, "no text"),
        (
            [{"doc_id": "a", "text": "x"}, "", {"doc_id": "a", "text": "y"}],
            3,
            "duplicate doc_id 'a' (first on line 1)",
        ),
        ([{"text": "x"}], 1, "no 'doc_id'"),
        (["[1, 2]"], 1, "expected a JSON object"),
    ],
)
def test_bad_corpus_row_names_file_and_line(
    tmp_path: Path, rows: list[object], line: int, words: str
) -> None:
    path = _write(tmp_path / "corpus.jsonl", rows)
    with pytest.raises(DatasetError) as err:
        load_corpus(path)
    assert err.value.line == line and err.value.file == str(path)
    assert f"{path}:{line}:" in err.value.message and words in err.value.message


def test_bad_query_rows(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "q.jsonl", [{"qid": 1, "question": "a", "doc_id": "x"}, {"qid": 2, "doc_id": "x"}]
    )
    with pytest.raises(DatasetError, match=r"q.jsonl:2: query '2' has no text"):
        load_queries(path)
    path = _write(tmp_path / "q2.jsonl", [{"qid": 1, "query": "a", "in_scope": "no"}])
    with pytest.raises(DatasetError, match=r"q2.jsonl:1: 'in_scope' must be true or false"):
        load_queries(path)
    with pytest.raises(DatasetError, match="not found"):
        load_queries(tmp_path / "missing.jsonl")


def test_retrieval_set_with_qrels_and_out_of_scope(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "corpus.jsonl", [{"doc_id": "a", "text": "x"}, {"doc_id": "b", "text": "y"}])
    queries = _write(
        tmp_path / "q.jsonl",
        [
            {"qid": "1", "question": "q one", "doc_ids": ["a", "gone"], "answers": ["ref"]},
            {"qid": "2", "query": "q two"},
        ],
    )
    qrels = _write(tmp_path / "qrels.jsonl", [{"qid": "2", "doc_id": "b", "score": 2}])
    oos = _write(tmp_path / "oos.jsonl", [{"qid": "1", "question": "weather?"}])
    rset = load_retrieval_set(corpus, queries, out_of_scope_path=oos)
    assert rset.queries[0].gold == {"a": 1.0} and rset.queries[0].reference == "ref"
    assert any("not in the corpus" in n for n in rset.notes)
    assert rset.queries[-1].qid == "oos:1" and rset.queries[-1].in_scope is False
    assert len(rset.files) == 3
    graded = load_retrieval_set(corpus, queries, qrels_path=qrels)
    assert graded.queries[1].gold == {"b": 2.0} and graded.queries[0].gold == {}
    wrong = _write(tmp_path / "wrong.jsonl", [{"qid": "1", "question": "q", "doc_id": "zzz"}])
    with pytest.raises(DatasetError, match="no gold doc id of any query is in the corpus"):
        load_retrieval_set(corpus, wrong)


def test_items_need_label(tmp_path: Path) -> None:
    path = _write(tmp_path / "u.jsonl", [{"text": "a", "intent": "x"}, {"text": "b"}])
    with pytest.raises(DatasetError, match=r"u.jsonl:2: row has no label in 'intent'"):
        load_items(path, label_field="intent")


def test_sampling_is_deterministic_and_stratified() -> None:
    assert sample(10, None, 1) == list(range(10))
    assert sample(100, 10, 4) == sample(100, 10, 4) != sample(100, 10, 5)
    labels = ["a"] * 60 + ["b"] * 30 + ["c"] * 10
    picked = stratified_sample(labels, 20, 0)
    assert picked == stratified_sample(labels, 20, 0) and len(picked) == 20
    assert Counter(labels[i] for i in picked) == {"a": 12, "b": 6, "c": 2}
    many = [str(i // 10) for i in range(1000)]  # 100 groups of 10: whole groups are drawn
    groups = Counter(many[i] for i in stratified_sample(many, 50, 0))
    assert len(groups) == 5 and set(groups.values()) == {10}


def test_named_datasets_from_a_data_root(tmp_path: Path) -> None:
    _write(
        tmp_path / "parakqc" / "utterances.jsonl",
        [{"id": i, "text": f"문장 {i}", "paraphrase_set": i // 3, "topic": "t"} for i in range(6)],
    )
    rset = retrieval_dataset("parakqc", tmp_path)
    assert sorted(rset.corpus) == ["set0", "set1"] and len(rset.queries) == 4
    assert rset.queries[0].gold == {"set0": 1.0}
    items = topic_dataset("parakqc", tmp_path, label_field="topic")
    assert items.labels == ["t"] * 6
    with pytest.raises(EvalConfigError, match="unknown retrieval dataset 'nope'"):
        retrieval_dataset("nope", tmp_path)
    with pytest.raises(DatasetError, match="is --data-root"):
        retrieval_dataset("stackfaq", tmp_path)
