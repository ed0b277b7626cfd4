"""The analytics benchmark's data reaches every report table it is meant to time: topics with
member tickets, ticket coverage, answer feedback, masked unanswered texts that cluster into topics,
drafts with chatbot questions (benchmarks/analytics_report.py, analytics_data.py)."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from assist.analytics import build_report, make_period
from core.settings import Settings
from korean.pii import PII_PLACEHOLDERS
from storage import AnswerFeedbackRow, DraftRow, TicketCoverageRow, TopicRow, UnansweredQuestionRow, open_db

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import analytics_data
import analytics_report

TODAY = date(2026, 11, 30)


def test_generated_data_fills_the_newer_tables(tmp_path: Path) -> None:
    sessions = open_db(Settings(data_dir=tmp_path, embedder="hash"))
    try:
        extra = analytics_report.generate(sessions, 3000, TODAY)
        written = analytics_report.more(sessions, extra, TODAY)
        assert "60 topics" in written
        with sessions() as session:
            count = {
                m.__tablename__: session.scalar(select(func.count()).select_from(m))
                for m in (TopicRow, DraftRow, TicketCoverageRow, AnswerFeedbackRow, UnansweredQuestionRow)
            }
            assert count["topics"] == 60 and count["drafts"] == analytics_data.DRAFTS
            assert count["ticket_coverage"] and count["answer_feedback"] and count["unanswered_questions"]
            members = sum(len(t.member_ids) for t in session.scalars(select(TopicRow)))
            assert (
                0
                < members
                <= analytics_data.RUN_TICKETS + analytics_data.OLD_TOPICS * analytics_data.OLD_MEMBERS
            )
            assert (session.scalar(select(func.sum(DraftRow.unanswered))) or 0) > 0
            texts = list(session.scalars(select(UnansweredQuestionRow.text)))
            assert all("{" not in t for t in texts)
            assert any(p in t for t in texts for p in PII_PLACEHOLDERS)
            with analytics_report.timed_parts() as parts:
                report = build_report(
                    session, make_period(TODAY - timedelta(days=89), TODAY), models=analytics_report.MODELS
                )
            assert "topic counts" in parts and "coverage" in parts and "unanswered topics" in parts
        assert report.table("volume_by_topic").rows
        assert report.table("unanswered_topics").rows
        assert report.section("chatbot").figures["unanswered_texts"] == len(texts)
        assert report.table("suggestions_by_topic").rows
        assert report.section("health").figures["coverage_tickets"]
        assert report.section("chatbot").figures["answer_feedback"]
    finally:
        sessions.kw["bind"].dispose()
    # the patched section parts are put back
    from assist.analytics import volume

    assert volume.topic_counts.__name__ == "topic_counts"
