"""Chatbot answer feedback: did the customer find an answer helpful (issue 17, VOC analytics).

``POST /v1/answer/{log_id}/feedback`` stores one verdict per answer (``helpful`` /
``not_helpful``) against the answer's query-log row (``Answer.log_id``; answers from
``/v1/chat/completions`` carry theirs in ``kms.log_id``). The optional reason is the customer's
own words: length-checked and PII-masked before it is stored. A second feedback for the same
answer is a 409 conflict (the first stands; feedback is one click per answer): the unique
``log_id`` refuses the second insert, also when two arrive at once. An answer whose log write was
deferred (a locked database, ``assist/logwriter.py``) is a 404 until the write lands. The analytics
report counts it in the chatbot section (``assist/analytics/answer_feedback.py``).
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assist.errors import ConflictError, InvalidInputError, NotFoundError
from assist.fields import MAX_NOTE_CHARS, check_text
from assist.knowledge import KnowledgeBase
from korean.pii import mask_pii
from storage import ANSWER_KINDS, ANSWER_VERDICTS, AnswerFeedbackRow, QueryLogRow, add_answer_feedback
from storage.logs import AnswerVerdict

__all__ = ["ANSWER_KINDS", "ANSWER_VERDICTS", "record_answer_feedback"]

MAX_LOG_ID_CHARS: int = QueryLogRow.__table__.c.id.type.length  # type: ignore[attr-defined]  # 32


def _not_found(log_id: str) -> NotFoundError:
    shown = log_id if len(log_id) <= MAX_LOG_ID_CHARS else f"{log_id[:MAX_LOG_ID_CHARS]}…"
    return NotFoundError(f"answer {shown!r} does not exist", details={"log_id": shown})


def _conflict(log_id: str) -> ConflictError:
    return ConflictError(f"answer {log_id!r} already has feedback", details={"log_id": log_id})


def record_answer_feedback(
    kb: KnowledgeBase, log_id: str, *, verdict: str, reason: str | None = None
) -> dict[str, object]:
    """Store whether the answer logged as ``log_id`` helped; returns the stored feedback.

    InvalidInputError for another verdict or an over-long reason, NotFoundError when no chatbot
    answer was logged under ``log_id`` (a search or a suggestion is not an answer), and
    ConflictError when the answer already has feedback."""
    if verdict not in ANSWER_VERDICTS:
        raise InvalidInputError(
            f"verdict must be one of {', '.join(ANSWER_VERDICTS)}, not {verdict!r}", field="verdict"
        )
    check_text(reason, field="reason", limit=MAX_NOTE_CHARS)
    if len(log_id) > MAX_LOG_ID_CHARS or not log_id.isprintable():  # no answer has such an id
        raise _not_found(log_id)
    masked = mask_pii(reason.strip()) if reason and reason.strip() else None
    try:
        with kb.sessions() as session, session.begin():
            kind = session.scalar(select(QueryLogRow.kind).where(QueryLogRow.id == log_id))
            if kind not in ANSWER_KINDS:
                raise _not_found(log_id)
            fid = add_answer_feedback(session, log_id, cast(AnswerVerdict, verdict), reason=masked)
            row = session.get(AnswerFeedbackRow, fid)
            assert row is not None
            stored, created = row.reason, row.created_at
    except IntegrityError:  # the unique log_id: the answer already has feedback (the first stands)
        raise _conflict(log_id) from None
    return {"id": fid, "log_id": log_id, "verdict": verdict, "reason": stored, "created_at": created}
