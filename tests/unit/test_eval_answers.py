"""eval.answers and eval.abstention with a small fake answer function (and the env-file writer)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assist.knowledge import KnowledgeBase
from core.settings import Settings
from eval.abstention import recommend, run_abstention, summarise, write_env_setting
from eval.answers import run_answers, score_answer
from eval.datasets import Doc, Query, RetrievalSet
from eval.errors import EvalConfigError
from eval.metrics import abstention_curve

CORPUS = {
    "refund": Doc(
        "refund",
        "환불 안내",
        "환불은 주문 취소 후 영업일 기준 3~5일 이내에 처리됩니다. 카드 결제는 3~7일 걸립니다.",
    ),
    "delivery": Doc(
        "delivery",
        "배송 지연",
        "배송이 지연되면 문자로 안내합니다. 택배사 사정으로 1~2일 늦어질 수 있습니다.",
    ),
}


@dataclass
class FakeCitation:
    n: int
    doc_id: str
    chunk_id: str
    snippet: str = ""


@dataclass
class FakeAnswer:
    answer: str
    citations: list[FakeCitation] = field(default_factory=list)
    confidence: float = 0.5
    abstained: bool = False


def fake_answer(
    kb: KnowledgeBase, question: str, *, log: bool = True, threshold: float | None = None
) -> FakeAnswer:
    """Answers with the first sentence of the top BM25 hit; 'confidence' from a keyword."""
    assert log is False
    confidence = 0.9 if ("환불" in question or "배송" in question) else 0.2
    hits = kb.search(question, k=1, fusion="bm25")
    if not hits or (threshold is None and confidence < 0.5):
        return FakeAnswer("상담원에게 연결해 드릴게요.", [], confidence, True)
    chunk = hits[0].best.chunk
    first = chunk.body.split(". ")[0] + ". [1]"
    return FakeAnswer(first, [FakeCitation(1, hits[0].doc_id, chunk.chunk_id)], confidence)


def test_score_answer_hand_checked() -> None:
    q = Query("1", "환불?", {"refund": 1.0}, "환불은 3~5일 이내에 처리됩니다.")
    texts = {"c1": "환불은 주문 취소 후 영업일 기준 3~5일 이내에 처리됩니다."}
    answer = FakeAnswer(
        "환불은 주문 취소 후 영업일 기준 3~5일 이내에 처리됩니다. [1] 배송은 내일 옵니다. [2]",
        [
            FakeCitation(1, "doc:refund", "c1"),
            FakeCitation(2, "doc:delivery", "c2", snippet="배송 지연 안내"),
        ],
    )
    row = score_answer(answer, q, texts.get)
    assert row["cited"] == ["refund", "delivery"]
    assert row["citation_precision"] == 0.5
    assert row["groundedness"] == 0.5  # sentence 2 is checked against its own citation [2] only
    assert 0 < row["token_f1"] < 1 and 0 < row["rouge_l"] < 1
    abstained = score_answer(FakeAnswer("연결해 드릴게요", abstained=True), q, texts.get)
    assert abstained["token_f1"] is None and abstained["abstained"] is True


def test_run_answers_with_fake(tmp_path: Path) -> None:
    rset = RetrievalSet(
        "tiny",
        dict(CORPUS),
        [
            Query(
                "1",
                "환불 언제 되나요",
                {"refund": 1.0},
                "환불은 주문 취소 후 영업일 기준 3~5일 이내에 처리됩니다.",
            ),
            Query("2", "배송이 늦어요", {"delivery": 1.0}, "배송이 지연되면 문자로 안내합니다."),
            Query("3", "오늘 점심 뭐 먹죠", {"refund": 1.0}, "모릅니다"),
        ],
    )
    run = run_answers(rset, Settings(data_dir=tmp_path / "kms", embedder="hash"), answer_fn=fake_answer)
    m = run.metrics
    assert m["n_queries"] == 3 and m["n_answered"] == 2 and m["abstention_rate"] == pytest.approx(1 / 3)
    assert m["citation_precision"] == 1.0 and m["groundedness"] == 1.0
    assert m["token_f1"] == pytest.approx(1.0) and run.primary_metric == "token_f1"


def test_run_abstention_with_fake(tmp_path: Path) -> None:
    rset = RetrievalSet(
        "tiny",
        dict(CORPUS),
        [
            Query("1", "환불 언제 되나요", {"refund": 1.0}),
            Query("2", "배송이 늦어요", {"delivery": 1.0}),
            Query("3", "오늘 날씨 어때요", in_scope=False),
        ],
    )
    run = run_abstention(rset, Settings(data_dir=tmp_path / "kms", embedder="hash"), answer_fn=fake_answer)
    assert run.metrics["recommended_threshold"] == 0.9
    assert run.metrics["coverage@far0.1"] == 1.0 and run.metrics["top_citation_gold"] == 1.0
    assert all(r["confidence"] in (0.9, 0.2) for r in run.per_query)  # threshold 0: nobody abstained


def test_summarise_needs_both_kinds() -> None:
    with pytest.raises(EvalConfigError, match="both in-scope and out-of-scope"):
        summarise([{"in_scope": True, "confidence": 0.5, "top_gold": True}], 0.1)


def test_recommend_rounds_up() -> None:
    points = abstention_curve([0.91234, 0.5], [0.6])
    assert recommend(points, 0.0) == 0.9124  # lowest observed threshold with FAR 0 (0.91234), rounded up
    assert recommend(points, 1.0) == 0.0
    # an out-of-scope question at confidence 1.0: only "answer nothing" reaches FAR 0 → no setting
    assert recommend(abstention_curve([0.5], [1.0]), 0.0) is None


def test_write_env_setting_replaces_and_keeps_other_lines(tmp_path: Path) -> None:
    env = tmp_path / "sub" / "recommended.env"
    write_env_setting(env, 0.42)
    assert env.read_text() == "KMS_ANSWER_THRESHOLD=0.42\n"
    env.write_text("# tuned\nKMS_FUSION=rrf\nexport KMS_ANSWER_THRESHOLD=0.1\nKMS_ANSWER_THRESHOLD=0.2\n")
    write_env_setting(env, 0.55)
    assert env.read_text() == "# tuned\nKMS_FUSION=rrf\nKMS_ANSWER_THRESHOLD=0.55\n"


def test_answers_and_abstention_run_on_the_products_ingest_of_the_corpus(tmp_path: Path) -> None:
    """The eval KB is what ingest.pipeline makes of the same articles: the same chunks (ids,
    sections, text) as ingesting the corpus files directly, and the real answer path answers."""
    from assist.answer import answer_question
    from eval.kb import _article_markdown, corpus_kb
    from ingest.pipeline import ingest_paths

    settings = Settings(data_dir=tmp_path / "eval-kms", embedder="hash")
    with corpus_kb(CORPUS, settings) as (kb, notes):
        eval_chunks = sorted((c.chunk_id, c.section, c.text) for c in kb.index.chunks)
        answer = answer_question(kb, "환불은 며칠 걸려요?", threshold=0.0, log=False)
    assert notes and "product pipeline" in notes[0]
    assert {cid.split("#")[0] for cid, _, _ in eval_chunks} == {"article:refund", "article:delivery"}
    assert answer.citations and answer.citations[0].doc_id == "article:refund"

    folder = tmp_path / "articles"
    folder.mkdir()
    for doc in CORPUS.values():
        (folder / f"{doc.doc_id}.md").write_text(_article_markdown(doc), encoding="utf-8")
    product = Settings(data_dir=tmp_path / "product-kms", embedder="hash")
    assert ingest_paths([folder], product, kind="articles").ok
    served = KnowledgeBase(product)
    assert sorted((c.chunk_id, c.section, c.text) for c in served.index.chunks) == eval_chunks
