"""Chatbot: questions answered vs handed off to a person (deflection), why, and which questions
keep coming back unanswered.

Read from the query log (``kind`` answer or chat). The log keeps a hash of each question, never
its text (it may hold personal data), and no channel; what that leaves out is listed in the
section's ``not_recorded``.
"""

from __future__ import annotations

from typing import Any, TypeVarTuple

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from assist.analytics.period import Period
from assist.analytics.sql import bucket_of, in_period, json_length, one, rows_of
from assist.analytics.tables import Section, Table, ratio, rounded
from indexes.db import QueryLogRow

KINDS = ("answer", "chat")
TOP_REPEATED = 20

NOT_RECORDED = [
    "text of unanswered questions: the query log keeps only a hash (questions may hold personal "
    "data), so they cannot be shown or clustered into topics; recurring topics come from tickets "
    "(knowledge health: gap topics)",
    "feedback from chatbot users on answers: no endpoint records it",
    "hand-off reason as given to the user: the log keeps only whether the question was handed "
    "off; the reason shown is derived from whether anything in the KB matched",
]

_Ts = TypeVarTuple("_Ts")

__all__ = ["chatbot_section"]


def _scope(stmt: Select[*_Ts], period: Period) -> Select[*_Ts]:
    return stmt.where(QueryLogRow.kind.in_(KINDS), in_period(QueryLogRow.created_at, period))


def _handed_off() -> Any:
    return QueryLogRow.abstained.is_(True)


def totals(session: Session, period: Period) -> dict[str, Any]:
    stmt = select(
        func.count(),
        func.sum(case((_handed_off(), 1), else_=0)),
        func.avg(QueryLogRow.confidence),
    )
    total, handed, conf = one(session, _scope(stmt, period))
    total, handed = int(total), int(handed or 0)
    return {
        "questions": total,
        "answered": total - handed,
        "handed_off": handed,
        "deflection_rate": ratio(total - handed, total),
        "mean_confidence": rounded(conf),
    }


def over_time(session: Session, period: Period) -> list[list[Any]]:
    bucket = bucket_of(QueryLogRow.created_at, period)
    stmt = select(bucket, func.count(), func.sum(case((_handed_off(), 1), else_=0))).group_by(bucket)
    counts = {int(b): (int(n), int(h or 0)) for b, n, h in rows_of(session, _scope(stmt, period))}
    rows = []
    for i, label in enumerate(period.labels()):
        n, h = counts.get(i, (0, 0))
        rows.append([label, n - h, h, ratio(n - h, n)])
    return rows


def handoff_reasons(session: Session, period: Period) -> list[list[Any]]:
    reason = case((json_length(QueryLogRow.hit_ids) == 0, "no_evidence"), else_="weak_evidence")
    stmt = select(reason, func.count()).where(_handed_off()).group_by(reason)
    rows = rows_of(session, _scope(stmt, period))
    total = sum(int(n) for _, n in rows)
    return sorted(([str(r), int(n), ratio(int(n), total)] for r, n in rows), key=lambda r: (-r[1], r[0]))


def repeated_unanswered(session: Session, period: Period) -> list[list[Any]]:
    """Questions handed off more than once (by hash of the normalised question)."""
    stmt = (
        select(QueryLogRow.query_hash, func.count(), func.max(QueryLogRow.created_at))
        .where(_handed_off())
        .group_by(QueryLogRow.query_hash)
        .having(func.count() > 1)
        .order_by(func.count().desc(), QueryLogRow.query_hash)
        .limit(TOP_REPEATED)
    )
    return [
        [str(h)[:12], int(n), last.date().isoformat() if last else None]
        for h, n, last in rows_of(session, _scope(stmt, period))
    ]


def chatbot_section(session: Session, period: Period) -> Section:
    notes = list(NOT_RECORDED)
    if period.channel:
        notes.insert(0, "channel of chatbot questions: the figures cover every channel")
    figures = totals(session, period)
    repeated = repeated_unanswered(session, period)
    figures["repeated_unanswered_questions"] = len(repeated)
    return Section(
        "chatbot",
        "Chatbot",
        figures=figures,
        tables=[
            Table(
                "chatbot_over_time",
                f"Answered and handed off per {period.bucket}",
                ["bucket", "answered", "handed_off", "deflection_rate"],
                over_time(session, period),
            ),
            Table(
                "handoff_reasons",
                "Why questions were handed off",
                ["reason", "questions", "share"],
                handoff_reasons(session, period),
            ),
            Table(
                "repeated_unanswered",
                "Questions handed off more than once (hash of the question)",
                ["question_hash", "times", "last_seen"],
                repeated,
            ),
        ],
        not_recorded=notes,
    )
