"""Repeat contacts (the first-contact-resolution estimate) read by a window over each customer's
tickets, as PostgreSQL reads them, count what the index probe counts (SQLite's way) and what
comparing each ticket with the customer's next one counts: ties in time, tickets known only by
their ingest time, exactly 7 days, other channels, tickets after the period, masked references.
On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

import storage as db
from assist.analytics import make_period
from assist.analytics.service import _repeat_contacts_by_probe, _repeat_contacts_by_window, repeat_contacts
from core.settings import Settings
from tests import pg
from tests.analytics_world import PII_ALLOW, REPEAT_ROWS, SINCE, UNTIL, insert_repeat_rows

postgres_url = pg.make_postgres_fixture(scope="module")
ROWS = [
    *REPEAT_ROWS,
    ("F0", "cust-f", True, -24 * 3, "chat"),  # before the period; F1 is its next
    ("F1", "cust-f", True, 24, "chat"),
    ("F2", "cust-f", True, 24 * 12, "chat"),  # beyond the horizon: F1 is not a repeat
]
EXPECTED = {None: (6, 3), "chat": (5, 3)}  # A1 C1 E1 repeat; A2 B1 F1 do not


def check(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        insert_repeat_rows(s, ROWS)
    with sessions() as s:
        for channel, counts in EXPECTED.items():
            period = make_period(SINCE, UNTIL, channel)
            assert repeat_contacts(s, period) == counts
            assert _repeat_contacts_by_probe(s, period) == counts
            assert _repeat_contacts_by_window(s, period) == counts


def test_window_and_probe_agree(tmp_path: Path) -> None:
    sessions = db.open_db(Settings(data_dir=tmp_path / "kms", embedder="hash", pii_allow=PII_ALLOW))
    try:
        check(sessions)
    finally:
        sessions.kw["bind"].dispose()


@pytest.mark.postgres
def test_window_and_probe_agree_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    with pg.fresh_database(postgres_url) as url:
        settings = Settings(data_dir=tmp_path / "kms", embedder="hash", pii_allow=PII_ALLOW, database_url=url)
        sessions = db.open_db(settings)
        try:
            check(sessions)
        finally:
            sessions.kw["bind"].dispose()
