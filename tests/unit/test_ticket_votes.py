"""Resolved tickets vote for the article whose consultation tag they carry (KMS_TICKET_VOTE)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assist.evidence import gather, ticket_votes
from assist.knowledge import KnowledgeBase
from core.types import Chunk, ChunkHit, DocHit
from eval.calibrate import from_tickets
from tests.tinykb import build_tiny_kb, copy_kb


def _doc(doc_id: str, score: float, **meta: object) -> DocHit:
    doc_type = doc_id.split(":", 1)[0]
    chunk = Chunk(f"{doc_id}#0", doc_id, doc_type, doc_id, "body", "x", "x")  # type: ignore[arg-type]
    return DocHit(doc_id, doc_type, doc_id, score, [ChunkHit(chunk, score)], dict(meta))  # type: ignore[arg-type]


ARTICLES = [
    _doc("article:coupon", 0.90, tag="고객::혜택::쿠폰"),
    _doc("article:refund", 0.80, tag="고객::환불::요청"),
    _doc("article:notag", 0.70),
]


def test_the_tag_of_the_closest_tickets_lifts_its_article() -> None:
    tickets = [
        _doc("ticket:T-1", 0.6, tags=["고객::환불::요청"]),
        _doc("ticket:T-2", 0.2, tags=["고객::환불::요청", "고객::기타"]),
    ]
    ranked = ticket_votes(ARTICLES, tickets, 0.3)
    assert [d.doc_id for d in ranked] == ["article:refund", "article:coupon", "article:notag"]
    assert ranked[0].score == pytest.approx(0.80 + 0.3 * 0.6)  # the best ticket of the tag, once
    assert ranked[1].score == pytest.approx(0.90)  # no ticket carries its tag
    assert ARTICLES[1].score == 0.80  # the input is not changed


def test_no_weight_no_tickets_or_no_shared_tag_keep_everything() -> None:
    tickets = [_doc("ticket:T-1", 0.9, tags=["고객::환불::요청"])]
    assert ticket_votes(ARTICLES, tickets, 0.0) == ARTICLES
    assert ticket_votes(ARTICLES, [], 0.3) == ARTICLES
    other = [_doc("ticket:T-9", 0.9, tags=["고객::배송::지연"]), _doc("ticket:T-8", 0.9)]
    assert [(d.doc_id, d.score) for d in ticket_votes(ARTICLES, other, 0.3)] == [
        (d.doc_id, d.score) for d in ARTICLES
    ]


def test_a_negative_ticket_score_never_lowers_an_article() -> None:
    ranked = ticket_votes(ARTICLES, [_doc("ticket:T-1", -0.4, tags=["고객::환불::요청"])], 1.0)
    assert [(d.doc_id, d.score) for d in ranked] == [(d.doc_id, d.score) for d in ARTICLES]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("tiny") / "kms"
    build_tiny_kb(data)
    return data


def test_gather_applies_the_vote_and_leaves_out_excluded_documents(built: Path, tmp_path: Path) -> None:
    query = "환불 언제 들어와요?"
    off = gather(KnowledgeBase(copy_kb(built, tmp_path / "off")), query)
    on_kb = KnowledgeBase(copy_kb(built, tmp_path / "on", ticket_vote=0.5))
    on = gather(on_kb, query)
    assert any(t.doc_id == "ticket:T-2" for t in on.tickets)
    refund_off = next(a for a in off.articles if a.doc_id == "article:refund")
    refund_on = next(a for a in on.articles if a.doc_id == "article:refund")
    t2 = next(t for t in on.tickets if t.doc_id == "ticket:T-2")
    assert refund_on.score == pytest.approx(refund_off.score + 0.5 * t2.score)
    assert on.articles[0].doc_id == "article:refund"

    alone = gather(on_kb, query, exclude=("ticket:T-2",))
    assert all(t.doc_id != "ticket:T-2" for t in alone.tickets)
    assert all(h.chunk.doc_id != "ticket:T-2" for h in alone.chunk_hits)
    refund_alone = next(a for a in alone.articles if a.doc_id == "article:refund")
    assert refund_alone.score == pytest.approx(refund_off.score)  # its own ticket cast the only vote


def test_calibration_leaves_a_ticket_out_of_its_own_answer(built: Path, tmp_path: Path) -> None:
    kb = KnowledgeBase(copy_kb(built, tmp_path / "kms"))
    rows = from_tickets(kb, [("환불 언제 들어와요?", ["고객::환불::요청"], "T-2"), ("포장 되나요", ["x"])])
    assert rows[0].gold == frozenset({"refund"}) and rows[0].source_id == "ticket:T-2"
    assert rows[1].gold == frozenset() and rows[1].source_id is None


@pytest.mark.parametrize("vote", [0.0, 0.5])
def test_an_article_pool_leaves_the_evidence_as_it_was(built: Path, tmp_path: Path, vote: float) -> None:
    kb = KnowledgeBase(copy_kb(built, tmp_path / "kb", ticket_vote=vote))
    query = "환불 언제 들어와요?"
    plain = gather(kb, query, k=2)
    pooled = gather(kb, query, k=2, article_pool=4)
    assert plain.article_pool == []
    assert [(d.doc_id, d.score) for d in pooled.articles] == [(d.doc_id, d.score) for d in plain.articles]
    assert [d.doc_id for d in pooled.tickets] == [d.doc_id for d in plain.tickets]
    assert [d.doc_id for d in pooled.docs] == [d.doc_id for d in plain.docs]
    assert len(plain.articles) < len(pooled.article_pool) <= 4  # the tiny KB has three articles
    assert {d.doc_id for d in plain.articles} <= {d.doc_id for d in pooled.article_pool}
