"""Chatbot answer feedback in the VOC report (assist/analytics/answer_feedback.py), every figure
by hand from tests/analytics_world.py: q0 (06-01, answered, cites KB-1) helpful; q1 (06-01, chat,
handed off, its evidence KB-3) not helpful; q3 (06-03, answered, cites KB-3 in two sentences) not
helpful; q4 (05-20, handed off) not helpful. Four chatbot questions in 06-01..06-07."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session, sessionmaker

from assist.analytics import Report, build_report, make_period
from core.settings import Settings
from tests.analytics_world import NOW, PII_ALLOW, SINCE, UNTIL, build_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> sessionmaker[Session]:
    data = tmp_path_factory.mktemp("answer-feedback") / "kms"
    return build_world(Settings(data_dir=data, embedder="hash", pii_allow=PII_ALLOW))


def report_for(world: sessionmaker[Session], since: date, until: date, channel: str | None = None) -> Report:
    with world() as session:
        return build_report(session, make_period(since, until, channel), now=NOW)


def feedback_figures(report: Report) -> dict[str, object]:
    figures = report.section("chatbot").figures
    names = ("answer_feedback", "answer_feedback_rate", "helpful", "not_helpful", "helpful_rate")
    return {name: figures[name] for name in names}


def test_feedback_per_day_and_the_articles_of_unhelpful_answers(world: sessionmaker[Session]) -> None:
    report = report_for(world, SINCE, UNTIL)
    # q0 q1 q3 in the period (q4 is 05-20): 1 helpful, 2 not; 3 of the 4 questions have feedback
    assert feedback_figures(report) == {"answer_feedback": 3, "answer_feedback_rate": 0.75, "helpful": 1,
                                        "not_helpful": 2, "helpful_rate": 0.3333}  # fmt: skip
    over = report.table("answer_feedback_over_time")
    assert over.columns == ["bucket", "helpful", "not_helpful", "helpful_rate"]
    assert over.rows == [
        ["2026-06-01", 1, 1, 0.5],  # q0 helpful, q1 not
        ["2026-06-02", 0, 0, None],  # q2 has no feedback
        ["2026-06-03", 0, 1, 0.0],  # q3 not
        ["2026-06-04", 0, 0, None],
        ["2026-06-05", 0, 0, None],
        ["2026-06-06", 0, 0, None],
        ["2026-06-07", 0, 0, None],
    ]
    # KB-3: q3 (cited twice: one answer); q1 cites nothing, it was handed off. KB-1: helpful only
    assert report.table("not_helpful_articles").rows == [["KB-3", "KB-3 제목", 1, 0, 1.0]]
    assert report.table("not_helpful_articles").to_csv().splitlines() == [
        "article_id,title,not_helpful,helpful,not_helpful_rate",
        "KB-3,KB-3 제목,1,0,1.0",
    ]


def test_weekly_buckets_and_a_channel(world: sessionmaker[Session]) -> None:
    weeks = report_for(world, date(2026, 3, 30), UNTIL)  # 70 days: ISO weeks from Monday 03-30
    assert weeks.period.bucket == "week"
    # q4 (05-20) joins: 5 questions, 4 with feedback, 1 helpful
    assert feedback_figures(weeks) == {"answer_feedback": 4, "answer_feedback_rate": 0.8, "helpful": 1,
                                       "not_helpful": 3, "helpful_rate": 0.25}  # fmt: skip
    rows = {r[0]: r[1:] for r in weeks.table("answer_feedback_over_time").rows}
    assert len(rows) == 10 and rows["2026-05-18"] == [0, 1, 0.0] and rows["2026-06-01"] == [1, 2, 0.3333]
    assert sum(r[0] + r[1] for r in rows.values()) == 4  # type: ignore[operator]
    assert weeks.table("not_helpful_articles").rows == [["KB-3", "KB-3 제목", 1, 0, 1.0]]  # q4 cites none
    # the query log keeps no channel: a channel's report shows every channel's feedback (noted)
    chat = report_for(world, SINCE, UNTIL, "chat")
    assert feedback_figures(chat)["answer_feedback"] == 3
    assert any("every channel" in n for n in chat.section("chatbot").not_recorded)


def test_no_feedback_in_the_period(world: sessionmaker[Session]) -> None:
    quiet = report_for(world, date(2026, 6, 4), UNTIL)  # no chatbot question 06-04..06-07
    assert feedback_figures(quiet) == {"answer_feedback": 0, "answer_feedback_rate": None, "helpful": 0,
                                       "not_helpful": 0, "helpful_rate": None}  # fmt: skip
    assert quiet.table("not_helpful_articles").rows == []
    assert [r[1:] for r in quiet.table("answer_feedback_over_time").rows] == [[0, 0, None]] * 4
