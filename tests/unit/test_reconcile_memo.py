"""The start-up reconcile does not chunk again documents it has seen agree (the memo), and still
finds every document whose record or index chunks changed since; any change to what chunking
depends on (settings, code) or a damaged memo means a full comparison, as without a memo."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from assist.consistency import indexed, reconcile
from assist.knowledge import KnowledgeBase
from core.settings import Settings
from ingest.pipeline import ingest_paths
from ingest.reconcile import MEMO_FILE, ReconcilePlan, memo_key, plan, read_memo, write_memo
from storage import TicketRow
from tests.tinykb import TINY


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    settings = Settings(data_dir=tmp_path / "kms", embedder="hash")  # type: ignore[call-arg]
    assert ingest_paths([TINY], settings).ok
    return KnowledgeBase(settings)


def _plan(kb: KnowledgeBase) -> ReconcilePlan:
    with kb.sessions() as session:
        return plan(session, kb.settings, kb.index, memo=read_memo(_memo(kb), memo_key(kb.settings)))


def _memo(kb: KnowledgeBase) -> Path:
    return kb.settings.data_dir / "cache" / MEMO_FILE


def test_a_second_start_chunks_nothing_that_agreed(kb: KnowledgeBase) -> None:
    assert _plan(kb).chunked == 0  # the ingest that built the index wrote the memo (remember_build)
    _memo(kb).unlink()
    first = _plan(kb)
    assert first.empty and first.chunked > 3  # no memo: every document is chunked
    assert reconcile(kb) == 0 and _memo(kb).exists()
    again = _plan(kb)
    assert again.empty and again.chunked == 0 and again.agreed == first.agreed


def test_a_record_changed_behind_the_index_is_still_found(kb: KnowledgeBase) -> None:
    reconcile(kb)
    with kb.sessions() as session, session.begin():
        ticket = session.scalars(select(TicketRow).where(TicketRow.is_knowledge.is_(True))).first()
        assert ticket is not None
        ticket.resolution = "환불은 영업일 기준 7일 안에 처리됩니다."  # committed, never indexed
        doc_id = f"ticket:{ticket.id}"
    todo = _plan(kb)
    assert todo.replace_docs == [doc_id] and todo.chunked == 1
    assert reconcile(kb) == 1 and indexed(kb, doc_id)
    assert any("7일" in c.text for c in kb.index.chunks if c.doc_id == doc_id)
    assert _plan(kb).empty


def test_an_index_changed_behind_the_memo_is_still_found(kb: KnowledgeBase) -> None:
    reconcile(kb)
    doc_id = next(c.doc_id for c in kb.index.chunks if c.doc_type == "article")
    kb.index_documents([], replace_docs=[doc_id])  # the index lost an article the database holds
    todo = _plan(kb)
    assert todo.replace_docs == [doc_id] and todo.chunked == 1
    assert reconcile(kb) == 1 and indexed(kb, doc_id)


@pytest.mark.parametrize("damage", ["other settings", "not json"])
def test_a_memo_of_other_settings_or_a_damaged_one_means_a_full_comparison(
    kb: KnowledgeBase, damage: str
) -> None:
    reconcile(kb)
    key = memo_key(kb.settings)
    if damage == "other settings":
        other = kb.settings.model_copy(update={"chunk_max_chars": kb.settings.chunk_max_chars + 1})
        assert memo_key(other) != key
        assert read_memo(_memo(kb), memo_key(other)) == {}
    else:
        _memo(kb).write_text("{", encoding="utf-8")
        assert read_memo(_memo(kb), key) == {}
        assert _plan(kb).chunked > 3


def test_write_memo_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cache" / MEMO_FILE
    write_memo(path, "k1", {"ticket:1": ["a", "b"]})
    write_memo(path, "k1", {"ticket:2": ["c", "d"]})
    assert read_memo(path, "k1") == {"ticket:2": ["c", "d"]} and read_memo(path, "k2") == {}
    assert [p.name for p in path.parent.iterdir()] == [MEMO_FILE]
