"""Chatbot answer feedback: how many answers customers marked helpful or not helpful, per day or
week, and the articles cited by the answers marked not helpful.

Feedback (``answer_feedback``, ``POST /v1/answer/{log_id}/feedback``) counts in the period its
answer was given in, like a suggestion's feedback in agent assist; an answer has at most one.
Articles come from the answer's logged citations (``query_logs.hit_ids``); answers handed off to
a person cite nothing (their logged ids are the evidence that was too weak) and are left out of
that table. Each is one ``GROUP BY`` over the period's answers that have feedback.
"""

from __future__ import annotations

from typing import Any, TypeVarTuple

from sqlalchemy import Select, case, distinct, func, select, true
from sqlalchemy.orm import Session

from assist.analytics.period import Period
from assist.analytics.sql import bucket_of, json_rows, rows_of, unindexed, use_index
from assist.analytics.tables import Table, ratio
from storage import ANSWER_KINDS, AnswerFeedbackRow, ArticleRow, QueryLogRow

TOP_ARTICLES = 20

_Ts = TypeVarTuple("_Ts")

__all__ = ["feedback_figures", "feedback_tables", "scan"]


def _scope(session: Session, stmt: Select[*_Ts], period: Period) -> Select[*_Ts]:
    """The period's chatbot answers that have feedback. A short period is read through the
    answers' time index (each then probes its feedback by the unique ``log_id``); for a longer one
    SQLite reads the feedback table, the smaller one, and probes each answer by its key, instead
    of scanning every logged question (``sql.use_index``; PostgreSQL's planner chooses itself)."""
    ts = QueryLogRow.created_at
    indexed = use_index(session, ts, period.since, period.until)
    feedback_log = AnswerFeedbackRow.log_id if indexed else unindexed(AnswerFeedbackRow.log_id)
    when = ts if indexed else unindexed(ts)
    return (
        stmt.select_from(AnswerFeedbackRow)
        .join(QueryLogRow, QueryLogRow.id == feedback_log)
        .where(QueryLogRow.kind.in_(ANSWER_KINDS), when >= period.since, when < period.until)
    )


def _answers(verdict: str) -> Any:
    return func.sum(case((AnswerFeedbackRow.verdict == verdict, 1), else_=0))


def scan(session: Session, period: Period) -> list[tuple[int, int, int]]:
    """``(bucket, helpful, not helpful)`` per bucket of the answers' times that has feedback."""
    bucket = bucket_of(QueryLogRow.created_at, period)
    stmt = select(bucket, _answers("helpful"), _answers("not_helpful")).group_by(bucket)
    return [(int(b), int(h or 0), int(n or 0)) for b, h, n in rows_of(session, _scope(session, stmt, period))]


def feedback_figures(rows: list[tuple[int, int, int]], questions: int) -> dict[str, Any]:
    helpful, not_helpful = sum(r[1] for r in rows), sum(r[2] for r in rows)
    given = helpful + not_helpful
    return {
        "answer_feedback": given,
        "answer_feedback_rate": ratio(given, questions),
        "helpful": helpful,
        "not_helpful": not_helpful,
        "helpful_rate": ratio(helpful, given),
    }


def over_time(rows: list[tuple[int, int, int]], period: Period) -> list[list[Any]]:
    by_bucket = {b: (h, n) for b, h, n in rows}
    out = []
    for i, label in enumerate(period.labels()):
        h, n = by_bucket.get(i, (0, 0))
        out.append([label, h, n, ratio(h, h + n)])
    return out


def not_helpful_articles(session: Session, period: Period) -> list[list[Any]]:
    """``[article_id, title, not_helpful, helpful, not_helpful_rate]``: articles cited by answers
    marked not helpful (an answer counts once however many of its sentences cite the article),
    most such answers first."""
    hits, doc = json_rows(session, QueryLogRow.hit_ids, "hit")
    answer = QueryLogRow.id

    def answers(verdict: str) -> Any:
        return func.count(distinct(case((AnswerFeedbackRow.verdict == verdict, answer))))

    not_helpful, helpful = answers("not_helpful"), answers("helpful")
    stmt = _scope(session, select(doc, not_helpful, helpful), period)
    stmt = (
        stmt.join(hits, true())
        .where(QueryLogRow.abstained.is_not(True), doc.like("article:%"))
        .group_by(doc)
        .having(not_helpful > 0)
        .order_by(not_helpful.desc(), doc)
        .limit(TOP_ARTICLES)
    )
    found = [(str(d).removeprefix("article:"), int(n), int(h)) for d, n, h in rows_of(session, stmt)]
    ids = [aid for aid, _, _ in found]
    titles = dict(rows_of(session, select(ArticleRow.id, ArticleRow.title).where(ArticleRow.id.in_(ids))))
    return [[aid, titles.get(aid, ""), n, h, ratio(n, n + h)] for aid, n, h in found]


def feedback_tables(session: Session, period: Period, rows: list[tuple[int, int, int]]) -> list[Table]:
    return [
        Table(
            "answer_feedback_over_time",
            f"Answers marked helpful and not helpful per {period.bucket}",
            ["bucket", "helpful", "not_helpful", "helpful_rate"],
            over_time(rows, period),
        ),
        Table(
            "not_helpful_articles",
            "Articles cited by answers marked not helpful",
            ["article_id", "title", "not_helpful", "helpful", "not_helpful_rate"],
            not_helpful_articles(session, period),
        ),
    ]
