"""The integration outbox (migration 0004) on SQLite and a real PostgreSQL server: keys dedupe,
a call waits while the helpdesk is down, and concurrent retry passes deliver each call once.

The PostgreSQL case skips when no server binary is installed (tests/pg.py).
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, sessionmaker

from assist.integrations import outbox
from core.settings import Settings
from storage.outbox_models import OutboxRow
from tests.fake_helpdesk import closed_port_url, fake_helpdesk


def test_outbox_round_trip(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    assert "integration_outbox" in set(inspect(sessions.kw["bind"]).get_table_names())
    calls = [
        outbox.Call("zendesk", "PUT", f"/api/v2/tickets/{i}.json", {"n": i}, f"zd:{i}") for i in range(12)
    ]
    assert len(outbox.enqueue(sessions, calls)) == 12 and outbox.enqueue(sessions, calls) == []
    down = Settings(
        data_dir=tmp_path,
        zendesk_url=closed_port_url(),
        zendesk_email="a@b.c",
        zendesk_api_token="t",
        integration_attempts=1,
    )
    report = outbox.deliver(down, sessions)
    assert report.retry_later == 12 and outbox.counts(sessions) == {"pending": 12}
    assert outbox.deliver(down, sessions).skipped == 0  # nothing due: the backoff has not passed
    with fake_helpdesk() as fake:
        up = down.model_copy(update={"zendesk_url": fake.url})
        threads = [
            threading.Thread(target=outbox.deliver, args=(up, sessions), kwargs={"force": True})
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(r.path for r in fake.requests) == sorted(c.path for c in calls)  # each once
    assert outbox.counts(sessions) == {"delivered": 12}
    with sessions() as session:
        row = session.scalars(select(OutboxRow).where(OutboxRow.key == "zd:3")).one()
    assert row.attempts == 2 and row.delivered_at is not None and row.delivered_at.tzinfo is not None
