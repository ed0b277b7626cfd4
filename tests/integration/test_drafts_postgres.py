"""The drafts tables (migration 0002) on SQLite and a real PostgreSQL server: a round trip.

The PostgreSQL case skips when no server binary is installed (tests/pg.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

import storage as db


def test_drafts_tables_round_trip(sessions: sessionmaker[Session]) -> None:
    engine = sessions.kw["bind"]
    assert {"topics", "drafts", "draft_revisions"} <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), db.Base.metadata) == []
    seen = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    with sessions.begin() as s:
        topic = db.TopicRow(
            key="topic-abc",
            label="편의점 · 픽업",
            size=6,
            previous_size=4,
            member_ids=["T-1", "T-2"],
            centroid=[0.1, -0.2],
            first_seen=seen,
            last_seen=seen,
        )
        s.add(topic)
        s.flush()
        draft = db.DraftRow(
            topic_id=topic.id,
            title="편의점 픽업 문의 처리 가이드",
            tag="고객::배송::픽업",
            sections={"policy": "- 3일 이내 수령"},
            provenance={"policy": [{"text": "3일 이내 수령", "tickets": ["T-1"], "kind": "extracted"}]},
            evidence={"coverage": 0.81, "ticket_ids": ["T-1", "T-2"]},
            markdown="## 제목\n편의점 픽업 문의 처리 가이드\n",
            size=6,
            growth=2.0,
        )
        s.add(draft)
        s.flush()
        s.add(
            db.DraftRevisionRow(
                draft_id=draft.id,
                sections={"policy": "- 3일 이내"},
                changed=["policy"],
                author="김검토",
                note="정리",
            )
        )
        draft_id = draft.id
    with sessions() as s:
        row = s.get(db.DraftRow, draft_id)
        assert row is not None and row.status == "pending" and row.topic.key == "topic-abc"
        assert row.provenance["policy"][0]["tickets"] == ["T-1"] and row.evidence["coverage"] == 0.81
        assert row.topic.centroid == [0.1, -0.2] and row.topic.first_seen == seen
        assert row.created_at.tzinfo is UTC
        [rev] = s.scalars(select(db.DraftRevisionRow).where(db.DraftRevisionRow.draft_id == draft_id)).all()
        assert (rev.author, rev.changed) == ("김검토", ["policy"])
    with pytest.raises(IntegrityError), sessions.begin() as s:  # statuses are checked by the database
        s.add(db.DraftRow(topic_id=row.topic_id, title="x", status="published"))
    with pytest.raises(IntegrityError), sessions.begin() as s:  # one topic per key
        s.add(db.TopicRow(key="topic-abc"))
    with sessions.begin() as s:  # deleting a topic deletes its drafts and their revisions
        s.delete(s.get(db.TopicRow, row.topic_id))
    with sessions() as s:
        assert (
            s.scalars(select(db.DraftRow)).all() == [] and s.scalars(select(db.DraftRevisionRow)).all() == []
        )
