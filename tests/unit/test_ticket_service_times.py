"""Ticket service times (issue 17, migration 0010): the first agent reply (``first_response_at``)
and the reopen count (``reopens``), as the product records them (a sent suggestion, a resolve, a
reopen, a re-import that moves a resolved ticket back to open) and as exports carry them (CSV
headers, Zendesk ticket metrics, Freshdesk stats, Chatwoot, the first agent message). The report's
figures are hand-computed in tests/unit/test_analytics.py (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

import storage as db
from core.records import TicketRecord
from ingest.sources.helpdesk import chatwoot, freshdesk, zendesk
from ingest.sources.helpdesk.conversation import to_ticket
from ingest.sources.reader import read_file as read_path
from storage import TicketRow, upsert_ticket
from storage.repo import ticket_hash
from storage.rollup_models import TicketDayRow
from tests import pg
from tests.migrations import on_postgres, on_sqlite, to_revision

postgres_url = pg.make_postgres_fixture(scope="module")
T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)
RESOLVED = ("resolved", "closed")


def record(status: str = "resolved", **kw: object) -> TicketRecord:
    base: dict[str, object] = {
        "ticket_id": "X-1",
        "inquiry": "환불 문의",
        "source": "t",
        "resolution": "답변",
    }
    return TicketRecord(**(base | {"status": status, "created_at": T0} | kw))  # type: ignore[arg-type]


def stored(sessions: sessionmaker[Session], ticket_id: str = "X-1") -> TicketRow:
    with sessions() as session:
        row = session.get(TicketRow, ticket_id)
    assert row is not None
    return row


def upsert(sessions: sessionmaker[Session], rec: TicketRecord) -> str:
    with sessions.begin() as session:
        return upsert_ticket(session, rec, resolved_statuses=RESOLVED)


# --- the product: sent draft, resolve, reopen -------------------------------------------------


def test_first_reply_resolve_and_reopen_through_the_api(client: TestClient) -> None:
    created = client.post("/v1/tickets", json={"body": "결제가 두 번 됐어요. 환불은 언제 되나요?"}).json()
    ticket, suggestion = created["ticket"], created["suggestion"]
    tid = ticket["id"]
    kb = client.app.state.kb  # type: ignore[attr-defined]
    row = stored(kb.sessions, tid)
    assert (row.first_response_at, row.reopens) == (None, 0)  # a ticket made here: reopens are seen here
    rejected = client.post(f"/v1/suggestions/{suggestion['id']}/feedback", json={"verdict": "rejected"})
    assert rejected.status_code in (200, 201) and stored(kb.sessions, tid).first_response_at is None
    before = datetime.now(UTC)
    sent = client.post(f"/v1/suggestions/{suggestion['id']}/feedback", json={"verdict": "used"})
    assert sent.status_code in (200, 201), sent.text
    first = stored(kb.sessions, tid).first_response_at
    assert first is not None and before <= first <= datetime.now(UTC)  # the sent draft is the reply

    assert client.post(f"/v1/tickets/{tid}/reopen").status_code == 409  # open: nothing to reopen
    resolved = client.post(f"/v1/tickets/{tid}/resolve", json={"resolution": "환불은 3일 안에 됩니다."})
    assert resolved.status_code == 200 and stored(kb.sessions, tid).first_response_at == first  # kept
    assert any(c.doc_id == f"ticket:{tid}" for c in kb.index.chunks)

    reopened = client.post(f"/v1/tickets/{tid}/reopen")
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "open" and reopened.json()["resolved_at"] is None
    row = stored(kb.sessions, tid)
    assert (row.reopens, row.is_knowledge, row.first_response_at) == (1, False, first)
    assert not any(c.doc_id == f"ticket:{tid}" for c in kb.index.chunks)  # out of the index
    again = client.post(f"/v1/tickets/{tid}/resolve", json={"resolution": "환불이 완료되었습니다."})
    assert again.status_code == 200 and stored(kb.sessions, tid).reopens == 1
    assert client.post(f"/v1/tickets/{tid}/reopen").json()["status"] == "open"
    assert stored(kb.sessions, tid).reopens == 2
    assert client.post("/v1/tickets/nope/reopen").status_code == 404


# --- imports: upsert ----------------------------------------------------------------------------


def test_a_reimport_that_reopens_a_resolved_ticket_counts_it(sessions: sessionmaker[Session]) -> None:
    assert upsert(sessions, record()) == "created"
    assert stored(sessions).reopens is None  # the source does not say
    upsert(sessions, record("open"))  # resolved → open: seen here
    assert stored(sessions).reopens == 1
    upsert(sessions, record("pending"))  # open → pending: not a reopen
    upsert(sessions, record("closed"))
    upsert(sessions, record(""))  # a blank status is unknown, not a reopen
    assert stored(sessions).reopens == 1
    upsert(sessions, record("closed"))
    upsert(sessions, record("Open"))
    assert stored(sessions).reopens == 2
    upsert(sessions, record("resolved", reopens=5))  # the helpdesk's own count wins
    assert stored(sessions).reopens == 5


def test_an_import_keeps_a_first_reply_it_does_not_carry(sessions: sessionmaker[Session]) -> None:
    upsert(sessions, record(first_response_at=T0 + timedelta(hours=2)))
    upsert(sessions, record(resolution="새 답변"))  # no first reply in this export
    assert stored(sessions).first_response_at == T0 + timedelta(hours=2)
    upsert(sessions, record(first_response_at=T0 + timedelta(hours=1)))
    assert stored(sessions).first_response_at == T0 + timedelta(hours=1)


def test_the_hash_of_a_ticket_without_service_times_is_unchanged() -> None:
    """Stored hashes from before 0010 still match: a re-import of the same file is "unchanged"."""
    plain = record()
    assert ticket_hash(plain) == ticket_hash(record(first_response_at=None, reopens=None))
    assert ticket_hash(plain) != ticket_hash(record(reopens=0))
    assert ticket_hash(plain) != ticket_hash(record(first_response_at=T0))


# --- imports: files and helpdesk exports ---------------------------------------------------------


def test_csv_headers_for_first_reply_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text(
        "문의,상태,접수일시,첫응답일시,처리일시,재오픈횟수\n"
        "환불 문의,완료,2026-06-01 09:00,2026-06-01 09:30,2026-06-01 12:00,2\n"
        "배송 문의,완료,2026-06-01 10:00,,2026-06-01 11:00,아니오\n"
        "교환 문의,완료,2026-06-01 10:00,,,여러 번\n",
        encoding="utf-8",
    )
    result = read_path(path)
    first, second, third = result.tickets
    assert first.first_response_at == datetime(2026, 6, 1, 9, 30)  # naive: stored as UTC
    assert first.resolved_at == datetime(2026, 6, 1, 12)  # 처리일시 stays the resolve
    assert (first.reopens, second.reopens, third.reopens) == (2, 0, None)
    assert second.first_response_at is None
    assert [i.field for i in result.issues] == ["reopens"] and "여러 번" in str(result.issues[0])
    english = tmp_path / "en.csv"
    english.write_text("question,first_response_at,reopens\nQ,2026-06-02T08:00:00Z,1\n", encoding="utf-8")
    (ticket,) = read_path(english).tickets
    assert (ticket.first_response_at, ticket.reopens) == (datetime(2026, 6, 2, 8, tzinfo=UTC), 1)
    staged = tmp_path / "staged.csv"
    staged.write_text(
        "문의,상담접수일시,최초답변일시\nQ,2026-06-01 09:00,2026-06-01 10:15\n", encoding="utf-8"
    )
    (ticket,) = read_path(staged).tickets  # "<stage><date word>": 최초답변 is the first reply
    assert ticket.first_response_at == datetime(2026, 6, 1, 10, 15) and ticket.resolved_at is None


def _zendesk_ticket(**extra: object) -> dict[str, object]:
    return {
        "id": 7, "status": "solved", "requester_id": 1, "created_at": "2026-06-01T09:00:00Z",
        "comments": [
            {"author_id": 1, "body": "환불은 언제 되나요?", "created_at": "2026-06-01T09:00:00Z"},
            {"author_id": 2, "body": "환불은 3영업일 안에 처리됩니다.", "created_at": "2026-06-01T11:00:00Z"},
        ],
    } | extra  # fmt: skip


def test_zendesk_ticket_metrics_and_the_first_agent_comment() -> None:
    metric = {"ticket_id": 7, "reopens": 2, "reply_time_in_minutes": {"calendar": 90, "business": 30}}
    inline = to_ticket(zendesk.parse(_zendesk_ticket(metric_set=metric), {}), file="z.json").ticket
    assert (inline.first_response_at, inline.reopens) == (T0 + timedelta(minutes=90), 2)
    sideloaded = {"tickets": [_zendesk_ticket()], "metric_sets": [metric]}
    records, users = zendesk.records_of(sideloaded)
    conv = zendesk.parse(records[0], users, zendesk.metric_sets_of(sideloaded))
    assert (conv.first_response_at, conv.reopens) == (T0 + timedelta(minutes=90), 2)
    bare = to_ticket(zendesk.parse(_zendesk_ticket(), {}), file="z.json").ticket
    assert (bare.first_response_at, bare.reopens) == (T0 + timedelta(hours=2), None)  # the agent's comment
    unreplied = {"reopens": 0, "reply_time_in_minutes": {"calendar": None}}
    assert zendesk.service_times(unreplied, T0) == (None, 0)


def test_freshdesk_stats_and_chatwoot_first_reply() -> None:
    ticket = {"id": 3, "status": 4, "source": 7, "description_text": "배송이 안 와요", "conversations": [],
              "created_at": "2026-06-01T09:00:00Z",
              "stats": {"first_responded_at": "2026-06-01T09:45:00Z",
                        "reopened_at": "2026-06-03T10:00:00Z"}}  # fmt: skip
    conv = freshdesk.parse(ticket, {})
    assert (conv.first_response_at, conv.reopens) == (T0 + timedelta(minutes=45), 1)
    ticket["stats"] = {"reopened_at": None}
    assert freshdesk.parse(ticket, {}).reopens == 0
    ticket.pop("stats")
    assert freshdesk.parse(ticket, {}).reopens is None  # not exported: not known
    chat = {"id": 5, "status": "resolved", "created_at": int(T0.timestamp()),
            "first_reply_created_at": int(T0.timestamp()) + 600,
            "messages": [{"message_type": 0, "content": "쿠폰이 안 돼요",
                          "created_at": int(T0.timestamp())}]}  # fmt: skip
    assert chatwoot.parse(chat, {}).first_response_at == T0 + timedelta(minutes=10)


def test_a_helpdesk_export_file_reads_the_metrics(tmp_path: Path) -> None:
    path = tmp_path / "zendesk.json"
    metric = {"ticket_id": 7, "reopens": 1, "reply_time_in_minutes": {"calendar": 30}}
    path.write_text(json.dumps({"tickets": [_zendesk_ticket()], "metric_sets": [metric]}), encoding="utf-8")
    (item,) = zendesk.read(path).items
    assert (item.ticket.first_response_at, item.ticket.reopens) == (T0 + timedelta(minutes=30), 1)


# --- migration 0010 ------------------------------------------------------------------------------


def check_migration(engine: Engine) -> None:
    to_revision(engine, "0009")
    ticket = {"id": "T1", "channel": "chat", "subject": "", "inquiry": "문의", "resolution": "",
              "status": "resolved", "tags": [], "source": "t", "content_hash": "h", "is_knowledge": True,
              "ingested_at": T0, "created_at": T0}  # fmt: skip
    with engine.begin() as conn:
        conn.execute(TicketRow.__table__.insert(), [ticket])
    assert "reopens" not in {c["name"] for c in inspect(engine).get_columns("tickets")}
    to_revision(engine, "0010")
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0010"
        row = conn.execute(select(TicketRow.first_response_at, TicketRow.reopens)).one()
        assert tuple(row) == (None, None)  # existing tickets: not known
    with engine.begin() as conn:
        conn.execute(
            TicketRow.__table__.update().values(first_response_at=T0 + timedelta(hours=1), reopens=1)
        )
    to_revision(engine, "0009", down=True)
    columns = {c["name"] for c in inspect(engine).get_columns("tickets")}
    assert not {"first_response_at", "reopens"} & columns
    with engine.begin() as conn:  # the rollup triggers on tickets survived the downgrade
        conn.execute(TicketRow.__table__.insert(), [ticket | {"id": "T2"}])
        assert conn.scalar(select(func.sum(TicketDayRow.tickets))) == 2
    db.migrate(engine)  # and up again, as open_db does
    assert {"first_response_at", "reopens"} <= {c["name"] for c in inspect(engine).get_columns("tickets")}


def test_0010_upgrades_and_downgrades(tmp_path: Path) -> None:
    on_sqlite(tmp_path, check_migration)


@pytest.mark.postgres
def test_0010_on_postgres(postgres_url: str) -> None:
    on_postgres(postgres_url, check_migration)


# --- the percentiles read by whole minutes equal a full sort ---------------------------------------


def test_first_response_percentiles_equal_a_sort_of_every_ticket(sessions: sessionmaker[Session]) -> None:
    check_percentiles(sessions)


@pytest.mark.postgres
def test_first_response_percentiles_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    from core.settings import Settings
    from tests.dbhelp import opened

    with (
        pg.fresh_database(postgres_url) as url,
        opened(Settings(data_dir=tmp_path, database_url=url)) as maker,
    ):
        check_percentiles(maker)


def check_percentiles(sessions: sessionmaker[Session]) -> None:
    import math
    import random

    from assist.analytics import make_period
    from assist.analytics.service import first_response_times

    rng = random.Random(3)
    hours = [round(rng.expovariate(1 / 2), 4) for _ in range(301)] + [0.0, 0.0, 1 / 60, 1 / 60]  # ties, edges
    with sessions.begin() as session:
        for i, h in enumerate(hours):
            created, replied = T0 + timedelta(minutes=i), T0 + timedelta(minutes=i, hours=h)
            session.add(TicketRow(id=f"P{i}", inquiry="q", status="open", source="t", content_hash="h",
                                  created_at=created, first_response_at=replied))  # fmt: skip
    ordered, n = sorted(hours), len(hours)
    with sessions() as session:
        figures = first_response_times(session, make_period(T0.date(), T0.date() + timedelta(days=1)))
    assert figures["first_responses"] == n
    assert figures["first_response_hours_median"] == round((ordered[(n - 1) // 2] + ordered[n // 2]) / 2, 2)
    assert figures["first_response_hours_p90"] == round(ordered[math.ceil(0.9 * n) - 1], 2)
    assert figures["first_response_hours_mean"] == round(sum(hours) / n, 2)
