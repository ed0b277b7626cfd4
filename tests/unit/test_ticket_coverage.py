"""Coverage of recent tickets by articles (issue 17): ``kms drafts generate`` stores each ticket's
best article cosine and nearest article (``ticket_coverage``, migration 0009) and the analytics
report's knowledge health reads them. Report figures are hand-computed over
tests/analytics_world.py (period 2026-06-01..06-07) with the coverage rows below."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import test_drafts_data as data
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker
from test_drafts_data import CONFIG

import storage as db
from assist.analytics import make_period
from assist.analytics.coverage import NOT_STORED
from assist.analytics.health import health_section
from assist.analytics.tables import Section
from assist.drafts import generate
from assist.drafts.config import DraftSettings
from assist.knowledge import KnowledgeBase
from core.settings import Settings
from storage import TicketCoverageRow, TicketRow
from tests import pg
from tests.analytics_world import NOW, PII_ALLOW, SINCE, UNTIL, build_world
from tests.migrations import on_postgres, on_sqlite, to_revision

template_dir, drafts_kb = data.template_dir, data.drafts_kb  # fixtures
postgres_url = pg.make_postgres_fixture(scope="module")
RAN = NOW - timedelta(days=1)
# ticket, best cosine, nearest article. In the period: T1 T2 T3 T5 T9 (T4 has no row);
# T6 (05-28) and T8 (06-08) lie outside it.
COVERAGE: list[tuple[str, float, str | None]] = [
    ("T1", 0.95, "KB-1"),  # chat, 결제
    ("T2", 0.80, "KB-1"),  # app, 결제 + 환불
    ("T3", 0.90, "KB-2"),  # chat, 배송
    ("T5", 0.70, None),  # email, 배송: the index held no article nearer
    ("T9", 0.85, "KB-3"),  # chat, 배송
    ("T6", 0.99, "KB-1"),
    ("T8", 0.50, "KB-9"),
]


def add_coverage(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        session.add_all(
            TicketCoverageRow(ticket_id=t, best=b, article_id=a, computed_at=RAN) for t, b, a in COVERAGE
        )


def health(sessions: sessionmaker[Session], channel: str | None = None) -> Section:
    with sessions() as session:
        return health_section(session, make_period(SINCE, UNTIL, channel), now=NOW, coverage_threshold=0.88)


def rows(section: Section, name: str) -> list[list[Any]]:
    return next(t for t in section.tables if t.name == name).rows


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> sessionmaker[Session]:
    sessions = build_world(Settings(data_dir=tmp_path_factory.mktemp("cov") / "kms", embedder="hash",
                                    pii_allow=PII_ALLOW))  # fmt: skip
    add_coverage(sessions)
    return sessions


def test_without_a_generate_run_the_section_says_so(tmp_path: Path) -> None:
    sessions = build_world(Settings(data_dir=tmp_path / "kms", embedder="hash", pii_allow=PII_ALLOW))
    section = health(sessions)
    assert not any(k.startswith("coverage_") for k in section.figures)  # no zeros
    assert section.not_recorded == [NOT_STORED] and "kms drafts generate" in NOT_STORED
    assert rows(section, "coverage_by_tag") == [] and rows(section, "coverage_nearest_articles") == []


def test_coverage_of_the_period_tickets(world: sessionmaker[Session]) -> None:
    section = health(world)
    figures = {k: v for k, v in section.figures.items() if k.startswith("coverage_")}
    # T1 T2 T3 T5 T9; covered (>= 0.88): T1 0.95, T3 0.90; mean (0.95+0.80+0.90+0.70+0.85)/5
    assert figures == {
        "coverage_tickets": 5, "coverage_covered": 2, "coverage_covered_share": 0.4,
        "coverage_best_mean": 0.84, "coverage_threshold": 0.88,
        "coverage_computed_at": "2026-06-07T12:00:00+00:00",
    }  # fmt: skip
    assert section.not_recorded == []
    # least covered first: 환불 T2 (0 of 1); 배송 T3 T5 T9 (1 of 3, mean 2.45/3); 결제 T1 T2 (1 of 2)
    assert rows(section, "coverage_by_tag") == [
        ["환불", 1, 0, 0.0, 0.8],
        ["배송", 3, 1, 0.3333, 0.8167],
        ["결제", 2, 1, 0.5, 0.875],
    ]
    # most tickets first; T5 has no nearest article; T6 and T8 are outside the period
    assert rows(section, "coverage_nearest_articles") == [
        ["KB-1", "KB-1 제목", 2, 1, 0.875],
        ["KB-2", "KB-2 제목", 1, 1, 0.9],
        ["KB-3", "KB-3 제목", 1, 0, 0.85],
    ]
    table = next(t for t in section.tables if t.name == "coverage_by_tag")
    assert ">= 0.88" in table.title  # the threshold the table counts as covered


def test_channel_filter_and_default_threshold(world: sessionmaker[Session]) -> None:
    chat = health(world, "chat")  # T1 0.95, T3 0.90, T9 0.85 (T4 has no row)
    assert (chat.figures["coverage_tickets"], chat.figures["coverage_covered"]) == (3, 2)
    assert chat.figures["coverage_covered_share"] == 0.6667 and chat.figures["coverage_best_mean"] == 0.9
    assert rows(chat, "coverage_by_tag") == [["배송", 2, 1, 0.5, 0.875], ["결제", 1, 1, 1.0, 0.95]]
    with world() as session:
        default = health_section(session, make_period(SINCE, UNTIL), now=NOW)
    assert default.figures["coverage_threshold"] == DraftSettings().coverage_threshold


@pytest.mark.postgres
def test_the_same_figures_on_postgres(
    postgres_url: str, world: sessionmaker[Session], tmp_path: Path
) -> None:
    with pg.fresh_database(postgres_url) as url:
        settings = Settings(data_dir=tmp_path / "kms", embedder="hash", pii_allow=PII_ALLOW, database_url=url)
        sessions = build_world(settings)
        try:
            add_coverage(sessions)
            on_pg, chat_pg = health(sessions).as_dict(), health(sessions, "chat").as_dict()
        finally:
            sessions.kw["bind"].dispose()
    assert on_pg == health(world).as_dict() and chat_pg == health(world, "chat").as_dict()


# --- kms drafts generate stores them -----------------------------------------------------------


def stored(kb: KnowledgeBase) -> dict[str, tuple[float, str | None, Any]]:
    with kb.sessions() as session:
        found = session.execute(select(TicketCoverageRow)).scalars().all()
        return {r.ticket_id: (r.best, r.article_id, r.computed_at) for r in found}


def test_generate_stores_each_tickets_coverage(drafts_kb: KnowledgeBase) -> None:
    first = data.NOW
    result = generate(drafts_kb, CONFIG, now=first)
    rows_ = stored(drafts_kb)
    with drafts_kb.sessions() as session:
        tickets = session.scalar(select(func.count()).select_from(TicketRow))
    assert result.tickets == 19 == len(rows_) == tickets  # every ticket of the run, one row each
    assert all(at == first for _, _, at in rows_.values())
    # 비밀번호 재설정 has article KB-PW (covered); 편의점 픽업 has none (the draft's median < 0.5)
    assert all(rows_[f"PW-{n}"][1] == "KB-PW" for n in range(1, 5))
    assert all(rows_[f"PU-{n}"][0] < 0.5 for n in range(1, 7))
    assert min(rows_[f"PW-{n}"][0] for n in range(1, 5)) > max(rows_[f"PU-{n}"][0] for n in range(1, 7))
    later = first + timedelta(hours=1)
    generate(drafts_kb, CONFIG, now=later)  # a rerun replaces the rows, never duplicates them
    again = stored(drafts_kb)
    assert set(again) == set(rows_) and all(at == later for _, _, at in again.values())
    assert all(abs(again[t][0] - rows_[t][0]) < 1e-6 and again[t][1] == rows_[t][1] for t in rows_)


# --- migration 0009 ------------------------------------------------------------------------------


def check_migration(engine: Engine) -> None:
    to_revision(engine, "0008")
    ticket = {"id": "T1", "channel": "chat", "subject": "", "inquiry": "문의", "resolution": "",
              "status": "resolved", "tags": [], "source": "t", "content_hash": "h", "is_knowledge": True,
              "ingested_at": NOW}  # fmt: skip
    with engine.begin() as conn:
        conn.execute(TicketRow.__table__.insert(), [ticket])
    assert "ticket_coverage" not in inspect(engine).get_table_names()
    to_revision(engine, "0009")
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0009"
    table = TicketCoverageRow.__table__
    with engine.begin() as conn:
        conn.execute(
            table.insert(), [{"ticket_id": "T1", "best": 0.9, "article_id": "KB-1", "computed_at": NOW}]
        )
        conn.execute(TicketRow.__table__.delete())  # the row goes with its ticket
        assert conn.scalar(select(func.count()).select_from(table)) == 0
        conn.execute(TicketRow.__table__.insert(), [ticket])
    to_revision(engine, "0008", down=True)
    assert "ticket_coverage" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(TicketRow.__table__)) == 1
    db.migrate(engine)  # and up again, as open_db does
    assert "ticket_coverage" in inspect(engine).get_table_names()


def test_0009_upgrades_and_downgrades(tmp_path: Path) -> None:
    on_sqlite(tmp_path, check_migration)


@pytest.mark.postgres
def test_0009_on_postgres(postgres_url: str) -> None:
    on_postgres(postgres_url, check_migration)
