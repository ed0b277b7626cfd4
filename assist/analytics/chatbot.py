"""Chatbot: questions answered vs handed off to a person (deflection), why, which questions
keep coming back unanswered (by hash, and clustered into topics: ``unanswered``), and whether
customers found the answers helpful (``answer_feedback``).

Read from the query log (``kind`` answer or chat). The log keeps a hash of each question, never
its text, and no channel; the PII-masked text of handed-off questions is kept apart for a set
number of days (``unanswered_questions``, migration 0011). The hand-off reason is the one the
chatbot gave (``handoff_reason``, migration 0013); questions logged before that keep a reason
derived from whether anything in the KB matched. What that leaves out is listed in the section's
``not_recorded``.
"""

from __future__ import annotations

from typing import Any, TypeVarTuple

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from assist.analytics import answer_feedback, rollups
from assist.analytics.period import Period
from assist.analytics.sql import bucket_of, json_length, rows_of, time_range
from assist.analytics.tables import Section, Table, ratio, rounded
from assist.analytics.unanswered import TextModels, unanswered_table
from storage import ANSWER_KINDS, QueryLogRow

TOP_REPEATED = 20

NOT_RECORDED: list[str] = []
# hand-offs logged before the reason was (0013): weak_evidence, or no_evidence when nothing matched
LEGACY = "weak_evidence"
LEGACY_NOTE = (
    "hand-off reason of questions logged before it was recorded (migration 0013): derived from "
    "whether anything in the KB matched (weak_evidence; no_evidence when nothing did)"
)

_Ts = TypeVarTuple("_Ts")

__all__ = ["chatbot_section"]


def _scope(session: Session, stmt: Select[*_Ts], period: Period) -> Select[*_Ts]:
    in_period = time_range(session, QueryLogRow.created_at, period.since, period.until)
    return stmt.where(QueryLogRow.kind.in_(ANSWER_KINDS), in_period)


def _handed_off() -> Any:
    return QueryLogRow.abstained.is_(True)


def scan(session: Session, period: Period) -> list[tuple[int, str, int, float, int]]:
    """One pass over the period's questions: ``(bucket, outcome, questions, sum of confidence,
    questions with a confidence)`` per bucket and outcome (``answered``, or the stored hand-off
    reason: ``low_confidence``, ``no_answer``, ``no_evidence``, ``fix_failed`` (0014); for a
    hand-off logged before 0013,
    ``no_evidence`` when nothing in the KB matched, else ``weak_evidence``: as
    ``storage.rollups.answer_rows``). From the daily rollups for whole days."""
    if rollups.usable(session, period):
        return rollups.answer_rows(session, period)
    outcome = case(
        (_handed_off() & QueryLogRow.handoff_reason.is_not(None), QueryLogRow.handoff_reason),
        (_handed_off() & (json_length(QueryLogRow.hit_ids) == 0), "no_evidence"),
        (_handed_off(), "weak_evidence"),
        else_="answered",
    ).label("outcome")
    bucket = bucket_of(QueryLogRow.created_at, period)
    stmt = select(
        bucket, outcome, func.count(), func.sum(QueryLogRow.confidence), func.count(QueryLogRow.confidence)
    ).group_by(bucket, outcome)
    return [
        (int(b), str(o), int(n), float(c or 0), int(k))
        for b, o, n, c, k in rows_of(session, _scope(session, stmt, period))
    ]


def totals(rows: list[tuple[int, str, int, float, int]]) -> dict[str, Any]:
    total = sum(r[2] for r in rows)
    handed = sum(r[2] for r in rows if r[1] != "answered")
    rated = sum(r[4] for r in rows)
    return {
        "questions": total,
        "answered": total - handed,
        "handed_off": handed,
        "deflection_rate": ratio(total - handed, total),
        "mean_confidence": rounded(sum(r[3] for r in rows) / rated) if rated else None,
    }


def over_time(rows: list[tuple[int, str, int, float, int]], period: Period) -> list[list[Any]]:
    out = []
    for i, label in enumerate(period.labels()):
        n = sum(r[2] for r in rows if r[0] == i)
        h = sum(r[2] for r in rows if r[0] == i and r[1] != "answered")
        out.append([label, n - h, h, ratio(n - h, n)])
    return out


def handoff_reasons(rows: list[tuple[int, str, int, float, int]]) -> list[list[Any]]:
    counts: dict[str, int] = {}
    for _, outcome, n, _, _ in rows:
        if outcome != "answered":
            counts[outcome] = counts.get(outcome, 0) + n
    total = sum(counts.values())
    return sorted(([r, n, ratio(n, total)] for r, n in counts.items()), key=lambda r: (-r[1], r[0]))


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
        for h, n, last in rows_of(session, _scope(session, stmt, period))
    ]


def chatbot_section(session: Session, period: Period, models: TextModels | None = None) -> Section:
    """``models``: the KB's embedder and lexicon, for the unanswered topics (loaded only when the
    period has question texts); without them that table stays empty and a note says why."""
    notes = list(NOT_RECORDED)
    if period.channel:
        notes.insert(0, "channel of chatbot questions: the figures cover every channel")
    rows = scan(session, period)
    notes += [LEGACY_NOTE] if any(r[1] == LEGACY and r[2] for r in rows) else []
    figures = totals(rows)
    repeated = repeated_unanswered(session, period)
    figures["repeated_unanswered_questions"] = len(repeated)
    topics, topic_figures, topic_notes = unanswered_table(session, period, models)
    figures |= topic_figures
    notes += topic_notes
    feedback = answer_feedback.scan(session, period)
    figures |= answer_feedback.feedback_figures(feedback, figures["questions"])
    return Section(
        "chatbot",
        "Chatbot",
        figures=figures,
        tables=[
            Table(
                "chatbot_over_time",
                f"Answered and handed off per {period.bucket}",
                ["bucket", "answered", "handed_off", "deflection_rate"],
                over_time(rows, period),
            ),
            Table(
                "handoff_reasons",
                "Why questions were handed off",
                ["reason", "questions", "share"],
                handoff_reasons(rows),
            ),
            Table(
                "repeated_unanswered",
                "Questions handed off more than once (hash of the question)",
                ["question_hash", "times", "last_seen"],
                repeated,
            ),
            topics,
            *answer_feedback.feedback_tables(session, period, feedback),
        ],
        not_recorded=notes,
    )
