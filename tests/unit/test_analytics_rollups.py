"""The analytics rollups (migration 0006, storage/rollups.py): after inserts, updates (resolve,
reopen, CSAT, tags, channel, day, feedback changes) and deletes, every rollup row equals what a
back-fill from the source rows gives, and the report read from the rollups equals the report read
from the source rows; the migration back-fills a database that holds data and downgrades; the same
on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, insert, inspect, select, text, update
from sqlalchemy.orm import Session, sessionmaker

import storage as db
from assist.analytics import build_report, make_period
from assist.analytics.rollups import DIRECT, usable
from core.settings import Settings
from storage.rollups import KEYS, ROLLUP_TABLES, backfill
from tests import pg
from tests.analytics_world import (
    NOW,
    PII_ALLOW,
    REPEAT_ROWS,
    REPEAT_T0,
    SINCE,
    UNTIL,
    at,
    build_world,
    insert_repeat_rows,
)
from tests.migrations import head_revision, on_postgres, on_sqlite, to_revision
from tests.unit.test_analytics_indexes import fill

postgres_url = pg.make_postgres_fixture(scope="module")


def snapshot(conn: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every rollup's rows that are not all zero (sums rounded: deltas may leave 1e-15)."""
    out = {}
    for table in ROLLUP_TABLES:
        rows = []
        for row in conn.execute(text(f"SELECT * FROM {table}")):
            values = tuple(round(v, 9) if isinstance(v, float) else v for v in row)
            if any(values[len(KEYS[table]) :]):
                rows.append(tuple(str(v) for v in values))
        out[table] = sorted(rows)
    return out


def rollups_match_a_backfill(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        trans = conn.begin()
        try:
            kept = snapshot(conn)
            backfill(conn)
            rebuilt = snapshot(conn)
        finally:
            trans.rollback()
    assert kept == rebuilt
    return kept


def reports(sessions: sessionmaker[Session], **period: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    def one(direct: bool) -> dict[str, Any]:
        with sessions() as session:
            session.info[DIRECT] = direct
            sections: dict[str, Any] = build_report(session, make_period(**period), now=NOW).as_dict()[
                "sections"
            ]
            return sections

    return one(False), one(True)


PERIODS: list[dict[str, Any]] = [
    {"since": SINCE, "until": UNTIL},
    {"since": SINCE, "until": UNTIL, "channel": "chat"},
    {"since": SINCE, "until": UNTIL, "channel": "app"},
    {"since": date(2026, 3, 1), "until": UNTIL},  # week buckets
    {"since": UNTIL, "until": UNTIL},
]


def check(sessions: sessionmaker[Session]) -> None:
    rollups_match_a_backfill(sessions.kw["bind"])
    for period in PERIODS:
        from_rollups, direct = reports(sessions, **period)
        assert from_rollups == direct, period


def ticket(session: Session, tid: str) -> db.TicketRow:
    row = session.get(db.TicketRow, tid)
    assert row is not None
    return row


def changes(sessions: sessionmaker[Session]) -> Iterator[str]:
    """Writes as the product makes them (and a few it does not), one transaction each."""
    with sessions.begin() as s:  # resolve the open ticket T4, with a CSAT and a tag
        row = ticket(s, "T4")
        row.status, row.resolved_at, row.csat, row.tags = "resolved", at(6, 5, 15), 2.0, ["결제"]
    yield "resolve"
    with sessions.begin() as s:  # reopen T1
        row = ticket(s, "T1")
        row.status, row.resolved_at = "open", None
    yield "reopen"
    with sessions.begin() as s:  # T3 moves to the app channel: its suggestion S3 moves with it
        ticket(s, "T3").channel = "app"
        ticket(s, "T5").created_at = at(6, 2, 8)  # and T5 to another day
        ticket(s, "T9").csat = None
    yield "channel, day, CSAT"
    with sessions.begin() as s:
        db.add_feedback(s, "S5", "used", edit_distance=0.0)  # S5's first feedback
        db.add_feedback(s, "S1", "rejected", reason="틀림")  # S1's second
        s.execute(
            update(db.FeedbackRow).where(db.FeedbackRow.suggestion_id == "S2").values(verdict="rejected")
        )
    yield "feedback added and changed"
    with sessions.begin() as s:
        s.execute(delete(db.FeedbackRow).where(db.FeedbackRow.suggestion_id == "S4"))  # S4 has none left
        s.execute(update(db.SuggestionRow).where(db.SuggestionRow.id == "S2").values(ticket_id="T1"))
    yield "feedback deleted, suggestion moved to another ticket"
    with sessions.begin() as s:
        s.execute(delete(db.SuggestionRow).where(db.SuggestionRow.id == "S1"))  # its feedback cascades
        s.execute(delete(db.TicketRow).where(db.TicketRow.id == "T3"))  # S3's ticket_id becomes NULL
    yield "suggestion and ticket deleted"
    t0 = datetime(2026, 6, 2, 10, tzinfo=UTC)
    with sessions.begin() as s:  # a bulk Core insert, as the helpdesk imports and the benchmark
        s.execute(
            insert(db.TicketRow),
            [
                {
                    "id": f"B{i}",
                    "channel": "kakao" if i % 2 else "chat",
                    "inquiry": "문의",
                    "status": "resolved",
                    "tags": ["배송", "결제"] if i % 3 else [],
                    "created_at": t0 + timedelta(hours=7 * i),
                    "resolved_at": t0 + timedelta(hours=7 * i + i % 5),
                    "csat": float(i % 5 + 1) if i % 4 else None,
                    "source": "bulk",
                    "content_hash": "x",
                }
                for i in range(12)
            ],
        )
        s.execute(
            insert(db.SuggestionRow),
            [
                {"id": f"BS{i}", "ticket_id": f"B{i}", "payload": {"articles": [{"article_id": "KB-2"}]}}
                | {"created_at": t0 + timedelta(hours=9 * i)}
                for i in range(6)
            ],
        )
        s.execute(
            insert(db.FeedbackRow),
            [
                {
                    "suggestion_id": f"BS{i % 3}",
                    "verdict": ("used", "edited")[i % 2],
                    "edit_distance": 0.1 * i,
                }
                for i in range(6)
            ],
        )
        s.execute(update(db.QueryLogRow).where(db.QueryLogRow.id == "q0").values(abstained=True, hit_ids=[]))
        s.execute(delete(db.QueryLogRow).where(db.QueryLogRow.id == "q3"))
    yield "bulk inserts, query log changed"


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    made = build_world(Settings(data_dir=tmp_path / "kms", embedder="hash", pii_allow=PII_ALLOW))
    yield made
    made.kw["bind"].dispose()


def test_the_world_rollups_equal_a_backfill_and_the_report(sessions: sessionmaker[Session]) -> None:
    kept = rollups_match_a_backfill(sessions.kw["bind"])
    assert ("2026-06-01", "app", "1", "0", "1", "1", "24.0", "1", "3.0", "0") in kept["rollup_ticket_days"]
    check(sessions)


def test_rollups_follow_every_change(sessions: sessionmaker[Session]) -> None:
    for step in changes(sessions):
        try:
            check(sessions)
        except AssertionError as exc:
            raise AssertionError(f"after {step}: {exc}") from exc
    from_rollups, _ = reports(sessions, since=SINCE, until=UNTIL)
    assert from_rollups["agent_assist"]["figures"]["suggestions"] == 4 + 6  # S1 deleted, S6 before


def test_a_period_that_is_not_whole_days_reads_the_source_rows(sessions: sessionmaker[Session]) -> None:
    period = make_period(SINCE, UNTIL)
    odd = type(period)(period.since + timedelta(hours=10, minutes=30), period.until, None, "day")
    with sessions() as session:
        assert usable(session, period) and not usable(session, odd)
        assert build_report(session, odd, now=NOW).section("volume").figures["tickets"] == 5  # not T1


def check_migration(engine: Engine) -> None:
    to_revision(engine, "0005")
    fill(engine)
    to_revision(engine, "head")
    tables = set(inspect(engine).get_table_names())
    assert set(ROLLUP_TABLES) <= tables
    kept = rollups_match_a_backfill(engine)
    assert len(kept["rollup_ticket_days"]) == 3  # 2026-06-01 .. 06-03 (chat); ingested-only ones too
    assert sum(int(r[2]) for r in kept["rollup_ticket_days"]) == 50
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
    to_revision(engine, "0005", down=True)
    assert not set(ROLLUP_TABLES) & set(inspect(engine).get_table_names())
    with engine.begin() as conn:  # the triggers went with them: writes still work
        conn.execute(update(db.TicketRow).values(csat=4.0))
        conn.execute(delete(db.FeedbackRow))
        assert conn.scalar(select(db.TicketRow.csat).limit(1)) == 4.0
    db.migrate(engine)  # and up again, as open_db does: back-filled from the rows as they are now
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT sum(csat_sum) FROM rollup_ticket_days")) == 200.0
        assert conn.scalar(text("SELECT sum(feedback) FROM rollup_suggestion_days")) == 0
    rollups_match_a_backfill(engine)


def test_0006_backfills_a_database_with_data_and_downgrades(tmp_path: Path) -> None:
    on_sqlite(tmp_path, check_migration)


@pytest.mark.postgres
def test_0006_on_postgres(postgres_url: str) -> None:
    on_postgres(postgres_url, check_migration)


@pytest.mark.postgres
def test_rollups_follow_every_change_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    with pg.fresh_database(postgres_url) as url:
        settings = Settings(data_dir=tmp_path / "kms", embedder="hash", pii_allow=PII_ALLOW, database_url=url)
        made = build_world(settings)
        try:
            check(made)
            for step in changes(made):
                try:
                    check(made)
                except AssertionError as exc:
                    raise AssertionError(f"after {step}: {exc}") from exc
        finally:
            made.kw["bind"].dispose()


def test_repeat_contacts_match_the_next_ticket_of_each_customer(tmp_path: Path) -> None:
    """The index probe counts what comparing each ticket with that customer's next one (by time,
    then id) counts: ties in time, tickets known only by their ingest time, exactly 7 days, other
    channels, tickets after the period, masked references."""
    t0, rows = REPEAT_T0, REPEAT_ROWS
    sessions = db.open_db(Settings(data_dir=tmp_path / "kms", embedder="hash", pii_allow=PII_ALLOW))
    try:
        with sessions.begin() as s:
            insert_repeat_rows(s, rows)
        from assist.analytics.service import repeat_contacts

        expected: dict[str | None, tuple[int, int]] = {}
        for channel in (None, "chat"):
            timed = sorted(
                (t0 + timedelta(hours=h), tid, ref, c) for tid, ref, _, h, c in rows if "[" not in ref
            )
            n = repeated = 0
            for ts, tid, ref, c in timed:
                if ts >= datetime(2026, 6, 8, tzinfo=UTC) or (channel and c != channel):
                    continue
                later = [u for u, uid, r, _ in timed if r == ref and (u, uid) > (ts, tid)]
                n += 1
                repeated += bool(later) and min(later) - ts <= timedelta(days=7)
            expected[channel] = (n, repeated)
        assert expected == {None: (5, 3), "chat": (4, 3)}  # A1 C1 E1 repeat; A2 B1 do not
        with sessions() as s:
            for channel, counts in expected.items():
                assert repeat_contacts(s, make_period(SINCE, UNTIL, channel)) == counts
    finally:
        sessions.kw["bind"].dispose()
