"""Crash consistency of resolve (database and index agree after a failed or killed index write),
collision-free ticket ids that never overwrite, and log writes that never fail a request."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from assist.consistency import indexed, log_writer, reconcile
from assist.knowledge import KnowledgeBase
from assist.suggest import suggest
from assist.tickets import create_ticket, new_ticket_id, resolve_ticket
from core.errors import DuplicateIdError
from core.records import TicketRecord
from core.settings import Settings
from ingest.pipeline import ingest_paths
from ingest.reconcile import chunk_rows_differ
from storage import QueryLogRow, SuggestionRow, TicketRow
from storage.models import ArticleRow, ChunkRow
from storage.repo import insert_ticket
from tests.tinykb import HASH_THRESHOLD, TINY


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    settings = Settings(data_dir=tmp_path / "kms", embedder="hash", answer_threshold=HASH_THRESHOLD)  # type: ignore[arg-type]
    assert ingest_paths([TINY], settings).ok
    return KnowledgeBase(settings)


def _agree(kb: KnowledgeBase) -> bool:
    """The chunks table mirrors the serving index and the index holds every knowledge ticket."""
    with kb.sessions() as session:
        knowledge = set(session.scalars(select(TicketRow.id).where(TicketRow.is_knowledge.is_(True))))
        differ = chunk_rows_differ(session, kb.index)
    docs = {c.doc_id for c in kb.index.chunks}
    return not differ and all(f"ticket:{t}" in docs for t in knowledge)


def test_a_failed_index_write_is_finished_by_a_retry_instead_of_a_409(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket, _ = create_ticket(kb, body="쿠폰이 적용이 안 돼요")

    def broken(*_a: object, **_k: object) -> Path:
        raise OSError("disk full")

    monkeypatch.setattr(kb, "index_documents", broken)
    with pytest.raises(OSError):
        resolve_ticket(kb, ticket.id, resolution="쿠폰은 결제 단계에서 다시 선택하면 적용됩니다.")
    monkeypatch.undo()
    with kb.sessions() as session:
        assert session.get(TicketRow, ticket.id).is_knowledge  # type: ignore[union-attr]
    assert not indexed(kb, f"ticket:{ticket.id}")  # resolved but not searchable: the stranded state
    out = resolve_ticket(kb, ticket.id, resolution="쿠폰은 결제 단계에서 다시 선택하면 적용됩니다.")
    assert out.status == "resolved"
    assert indexed(kb, f"ticket:{ticket.id}") and _agree(kb)
    from assist.errors import ConflictError

    with pytest.raises(ConflictError):  # once indexed, resolving again is the usual conflict
        resolve_ticket(kb, ticket.id, resolution="다시")


def test_a_restart_reindexes_a_ticket_resolved_before_a_crash(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket, _ = create_ticket(kb, body="영수증 재발급 가능한가요")
    monkeypatch.setattr(kb, "index_documents", lambda *_a, **_k: (_ for _ in ()).throw(SystemExit(9)))
    with pytest.raises(SystemExit):  # the process "dies" between the DB commit and the index write
        resolve_ticket(kb, ticket.id, resolution="마이페이지 주문 상세에서 영수증을 다시 받을 수 있습니다.")
    restarted = KnowledgeBase(kb.settings)
    assert not indexed(restarted, f"ticket:{ticket.id}")
    restarted.warm_up()  # start-up reconciles
    assert indexed(restarted, f"ticket:{ticket.id}") and _agree(restarted)
    assert restarted.search("영수증 재발급", k=1)[0].doc_id == f"ticket:{ticket.id}"


def test_a_chunks_table_left_behind_the_index_is_synced(kb: KnowledgeBase) -> None:
    ticket, _ = create_ticket(kb, body="배송지 변경하고 싶어요")
    resolve_ticket(kb, ticket.id, resolution="출고 전이면 주문 상세에서 배송지를 바꿀 수 있습니다.")
    with kb.sessions() as session, session.begin():  # as if killed after the swap, before the table
        session.execute(ChunkRow.__table__.delete().where(ChunkRow.doc_id == f"ticket:{ticket.id}"))
    assert not _agree(kb)
    assert reconcile(kb) == 0 and _agree(kb)
    assert reconcile(kb) == 0  # idempotent


def test_ticket_ids_have_64_random_bits_and_an_insert_never_overwrites(kb: KnowledgeBase) -> None:
    ids = {new_ticket_id() for _ in range(5000)}
    assert len(ids) == 5000 and all(len(i.rsplit("-", 1)[1]) == 16 for i in ids)
    with kb.sessions() as session, session.begin():
        rec = TicketRecord(ticket_id="W-1", inquiry="첫 고객", source="api", status="open")
        insert_ticket(session, rec, resolved_statuses=("resolved",))
    with pytest.raises(DuplicateIdError), kb.sessions() as session, session.begin():
        rec = TicketRecord(ticket_id="W-1", inquiry="다른 고객", source="api", status="open")
        insert_ticket(session, rec, resolved_statuses=("resolved",))
    with kb.sessions() as session:
        assert session.get(TicketRow, "W-1").inquiry == "첫 고객"  # type: ignore[union-attr]


def test_create_ticket_retries_a_taken_id(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    first, _ = create_ticket(kb, body="첫 번째 문의")
    ids = iter([first.id, "W-20261130-00000000000000ff"])
    monkeypatch.setattr("assist.tickets.new_ticket_id", lambda: next(ids))
    second, suggestion = create_ticket(kb, body="두 번째 문의")
    assert second.id == "W-20261130-00000000000000ff" and suggestion.ticket_id == second.id
    assert log_writer(kb).flush(10)
    with kb.sessions() as session:
        assert session.get(TicketRow, first.id).inquiry == "첫 번째 문의"  # type: ignore[union-attr]
        assert session.get(SuggestionRow, suggestion.id).ticket_id == second.id  # type: ignore[union-attr]


def test_a_log_write_that_fails_on_a_lock_never_fails_the_request(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assist import logwriter

    monkeypatch.setattr(logwriter, "BACKOFF_S", 0.01)
    writer = log_writer(kb)
    real = writer._run
    failures = iter([True, True])

    def flaky(write: logwriter.LogWrite) -> None:
        if next(failures, False):
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        real(write)

    monkeypatch.setattr(writer, "_run", flaky)
    suggestion = suggest(kb, "환불 언제 들어와요")  # served although its log write failed
    assert suggestion.id
    assert writer.flush(10) and writer.deferred >= 1 and writer.dropped == 0
    with kb.sessions() as session:
        assert session.get(SuggestionRow, suggestion.id) is not None  # written by the retry
        assert (session.scalar(select(func.count()).select_from(QueryLogRow)) or 0) >= 1


RESOLVER = """
import sys
from assist.knowledge import KnowledgeBase
from assist.tickets import create_ticket, resolve_ticket
from core.settings import Settings

kb = KnowledgeBase(Settings(data_dir=sys.argv[1], embedder="hash", warm_sentences=False))
for i in range(1000):
    ticket, _ = create_ticket(kb, body=f"택배 {i}번 상자가 파손되어 왔어요")
    print("resolving", flush=True)
    resolve_ticket(kb, ticket.id, resolution=f"파손 사진을 보내 주시면 {i}번 주문을 교환해 드립니다.")
"""


@pytest.mark.parametrize("delay_s", [0.0, 0.5, 1.2])
def test_kill_9_during_resolves_then_restart_leaves_database_and_index_agreeing(
    kb: KnowledgeBase, delay_s: float
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-c", RESOLVER, str(kb.settings.data_dir)],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline()  # its first resolve has started
    time.sleep(delay_s)  # then kill -9 at some point of the following resolves
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    restarted = KnowledgeBase(kb.settings)
    restarted.warm_up()  # start-up reconciles
    assert _agree(restarted)
    with restarted.sessions() as session:
        stored = session.scalar(select(func.count()).select_from(TicketRow)) or 0
    assert stored >= 4  # the tiny KB's 3 tickets and at least the one being resolved


def test_a_retried_article_edit_whose_index_write_failed_is_indexed(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assist.articles import edit_article

    article = next(c.doc_id.split(":", 1)[1] for c in kb.index.chunks if c.doc_type == "article")
    new_text = "환불은 승인 후 영업일 기준 2일 안에 카드사로 취소 요청됩니다."
    with kb.sessions() as session:
        row = session.get(ArticleRow, article)
        assert row is not None
        sections = {"title": row.title, **row.sections(), "summary": new_text}

    def broken(*_a: object, **_k: object) -> Path:
        raise OSError("disk full")

    monkeypatch.setattr(kb, "index_documents", broken)
    with pytest.raises(OSError):
        edit_article(kb, article, sections, None, "kim")
    monkeypatch.undo()
    assert not any(new_text in c.text for c in kb.index.chunks)  # committed, not searchable
    result = edit_article(kb, article, sections, None, "kim")  # the retry
    assert result.outcome == "unchanged" and result.reindexed
    assert any(new_text in c.text for c in kb.index.chunks) and _agree(kb)


def test_a_failed_index_write_leaves_the_serving_index_intact(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexes import deltalog

    ticket = next(c.doc_id for c in kb.index.chunks if c.doc_type == "ticket")
    before = [(h.doc_id, round(h.score, 6)) for h in kb.search("환불 언제", k=5)]
    chunks_before = len(kb.index.chunks)

    def broken(*_a: object, **_k: object) -> Path:
        raise OSError("disk full")

    monkeypatch.setattr(deltalog, "append", broken)  # the delta log write (indexes/compaction.py)
    with pytest.raises(OSError):
        kb.index_documents([], replace_docs=[ticket])  # drops the ticket's chunks, then fails
    monkeypatch.undo()
    assert len(kb.index.chunks) == chunks_before and kb.index.dense.size == chunks_before
    assert [(h.doc_id, round(h.score, 6)) for h in kb.search("환불 언제", k=5)] == before
