"""Query logs, stored suggestions, agent feedback and chatbot answer feedback. Nothing here commits.

Queries may hold personal data, so only a hash of the normalised query is kept in the log. The
one exception is the text of chatbot questions that were handed off (``record_unanswered``):
PII-masked on its way in (``storage/masking.py``), kept a set number of days, or not at all.
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from storage.models import (
    HANDOFF_REASONS,
    AnswerFeedbackRow,
    FeedbackRow,
    QueryLogRow,
    SuggestionRow,
    UnansweredQuestionRow,
    utcnow,
)

QueryKind = Literal["search", "suggest", "answer", "chat"]
Verdict = Literal["used", "edited", "rejected"]
AnswerVerdict = Literal["helpful", "not_helpful"]
HandoffReason = Literal["low_confidence", "no_answer", "no_evidence", "fix_failed"]  # models.HANDOFF_REASONS


def query_hash(query: str) -> str:
    """sha256 of the normalised query (NFKC, case-folded, whitespace collapsed)."""
    normalised = " ".join(unicodedata.normalize("NFKC", query).casefold().split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def log_query(
    session: Session,
    *,
    kind: QueryKind,
    query: str,
    hit_ids: Sequence[str],
    timings_ms: dict[str, float],
    confidence: float | None = None,
    abstained: bool | None = None,
    log_id: str | None = None,
    handoff_reason: HandoffReason | None = None,
) -> str:
    """Record a served query (its hash only, never the text); returns the log id (``log_id`` or
    a new one). ``handoff_reason``: why a chatbot question was handed off (only with
    ``abstained``; one of ``HANDOFF_REASONS``)."""
    if handoff_reason is not None and (handoff_reason not in HANDOFF_REASONS or not abstained):
        raise ValueError(f"handoff_reason {handoff_reason!r}: one of {HANDOFF_REASONS}, with abstained")
    log_id = log_id or uuid.uuid4().hex
    session.add(
        QueryLogRow(
            id=log_id,
            kind=kind,
            query_hash=query_hash(query),
            hit_ids=list(hit_ids),
            timings_ms={stage: float(ms) for stage, ms in timings_ms.items()},
            confidence=confidence,
            abstained=abstained,
            handoff_reason=handoff_reason,
        )
    )
    return log_id


MAX_QUESTION_CHARS = 2_000  # what the report shows and clusters; a longer question is cut


def record_unanswered(
    session: Session, log_id: str, question: str, *, keep_days: int, now: datetime | None = None
) -> bool:
    """Keep the text of a handed-off question (``log_id``: its query log row, written in the same
    transaction), PII-masked by the mapper events before the insert; and delete the texts older
    than ``keep_days`` (one range read of the ``created_at`` index). ``keep_days`` 0 keeps none
    (the opt-out). Returns whether the text was kept."""
    if keep_days <= 0:
        return False
    now = now or utcnow()
    session.execute(
        delete(UnansweredQuestionRow).where(
            UnansweredQuestionRow.created_at < now - timedelta(days=keep_days)
        )
    )
    text = " ".join(question.split())[:MAX_QUESTION_CHARS]
    if not text:
        return False
    session.add(UnansweredQuestionRow(log_id=log_id, text=text, created_at=now))
    return True


def unanswered_texts(
    session: Session,
    since: datetime | None,
    until: datetime,
    *,
    limit: int,
    period: ColumnElement[bool] | None = None,
) -> list[tuple[str, datetime]]:
    """``(masked text, asked at)`` of the kept handed-off questions asked from ``since`` (None: any
    time) up to ``until`` inclusive, latest first, ``limit`` at most. ``period`` replaces that
    range filter with the caller's own (the analytics report's index-aware one). The one reader of
    the texts: the analytics report and the gap-draft run both call it."""
    q = UnansweredQuestionRow
    if period is None:
        period = q.created_at <= until if since is None else (q.created_at >= since) & (q.created_at <= until)
    stmt = select(q.text, q.created_at).where(period).order_by(q.created_at.desc(), q.log_id).limit(limit)
    return [(str(t), when) for t, when in session.execute(stmt).all()]


def save_suggestion(
    session: Session,
    payload: dict[str, Any],
    *,
    ticket_id: str | None = None,
    query_log_id: str | None = None,
    suggestion_id: str | None = None,
) -> str:
    """Store a suggestion as returned; ``ticket_id`` must name a stored ticket (or be None)."""
    sid = suggestion_id or uuid.uuid4().hex
    session.add(SuggestionRow(id=sid, ticket_id=ticket_id, query_log_id=query_log_id, payload=payload))
    return sid


def add_feedback(
    session: Session,
    suggestion_id: str,
    verdict: Verdict,
    *,
    final_text: str | None = None,
    reason: str | None = None,
    edit_distance: float | None = None,
) -> int:
    """Record what an agent did with a suggestion; returns the feedback id."""
    row = FeedbackRow(
        suggestion_id=suggestion_id,
        verdict=verdict,
        final_text=final_text,
        reason=reason,
        edit_distance=edit_distance,
    )
    session.add(row)
    session.flush()
    return row.id


def add_answer_feedback(
    session: Session, log_id: str, verdict: AnswerVerdict, *, reason: str | None = None
) -> int:
    """Record whether a chatbot answer (its query log id) helped; returns the feedback id.
    A second feedback for the same answer violates the unique ``log_id`` (IntegrityError)."""
    row = AnswerFeedbackRow(log_id=log_id, verdict=verdict, reason=reason)
    session.add(row)
    session.flush()
    return row.id
