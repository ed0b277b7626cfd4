"""Live tickets: store an incoming inquiry, suggest, resolve (→ knowledge), reopen, feedback.

Incoming text is PII-masked before it is stored. Resolving a ticket makes it knowledge at
once: it is chunked, embedded and added to the serving index incrementally; reopening takes it
out of the index again until the next resolve.

Service times (issue 17): the first agent reply (``first_response_at``) is the first of the
agent sending a suggested draft (feedback ``used`` or ``edited``) and the resolve (the final
answer goes to the customer); a reopen counts in ``reopens``.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from rapidfuzz.distance import Levenshtein
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from assist.consistency import index_or_reconcile, indexed, log_writer, reconcile, reconcile_quietly
from assist.errors import ConflictError, InvalidInputError, NotFoundError
from assist.evidence import clean_query
from assist.fields import MAX_CHANNEL_CHARS, MAX_REF_CHARS, MAX_SUBJECT_CHARS, check_text, clean_tags
from assist.knowledge import KnowledgeBase
from assist.schemas import Suggestion, TicketOut
from assist.suggest import record_suggestion, suggest
from assist.ticket_pages import list_tickets as list_tickets
from assist.ticket_pages import ticket_out
from core.errors import DuplicateIdError
from core.records import TicketRecord
from ingest.chunking import ticket_chunks
from korean.pii import mask_pii
from storage import FeedbackRow, SuggestionRow, TicketRow, add_feedback, get_ticket, upsert_ticket
from storage.logs import Verdict
from storage.repo import insert_ticket, ticket_to_record

log = logging.getLogger(__name__)

VERDICTS = ("used", "edited", "rejected")
_MARKERS = re.compile(r"\s?\[\d+\]")


def _require(kb: KnowledgeBase, ticket_id: str) -> TicketRow:
    with kb.sessions() as session:
        row = get_ticket(session, ticket_id)
    if row is None:
        raise NotFoundError(f"ticket {ticket_id!r} does not exist", details={"ticket_id": ticket_id})
    return row


def create_ticket(
    kb: KnowledgeBase,
    *,
    body: str,
    subject: str | None = None,
    channel: str = "",
    customer_ref: str | None = None,
) -> tuple[TicketOut, Suggestion]:
    """Store an open ticket (masked) and return it with its suggestion."""
    check_text(subject, field="subject", limit=MAX_SUBJECT_CHARS)
    check_text(channel, field="channel", limit=MAX_CHANNEL_CHARS)
    check_text(customer_ref, field="customer_ref", limit=MAX_REF_CHARS)
    inquiry = clean_query(body, kb.settings, field_name="body")
    subj = mask_pii(subject.strip()) if subject else ""
    ticket_id = new_ticket_id()
    rec = TicketRecord(
        ticket_id=ticket_id,
        inquiry=inquiry,
        subject=subj,
        source="api",
        status="open",
        channel=channel or "",
        created_at=datetime.now(UTC),
        customer_ref=mask_pii(customer_ref) if customer_ref else None,
        reopens=0,  # a ticket made here: every reopen of it is seen here
    )
    suggestion = suggest(kb, inquiry, subject=subj or None, ticket_id=ticket_id, log=False)
    for attempt in range(3):
        try:
            with kb.sessions() as session, session.begin():  # an insert: never overwrites a ticket
                insert_ticket(session, rec, resolved_statuses=kb.settings.resolved_statuses)
            break
        except (DuplicateIdError, IntegrityError):  # a taken id (≈never with 64 random bits)
            if attempt == 2:
                raise
            rec.ticket_id = ticket_id = new_ticket_id()
            suggestion.ticket_id = ticket_id
        except OperationalError as exc:  # a writer held the lock past the busy timeout: try again
            if attempt == 2:
                raise
            log.warning("ticket insert retried (%s)", type(exc).__name__)
    # the log and stored suggestion never fail the request (assist/logwriter.py)
    query = f"{subj}\n{inquiry}" if subj else inquiry
    log_writer(kb).write(lambda session: record_suggestion(session, suggestion, query))
    return ticket_out(_require(kb, ticket_id)), suggestion


def new_ticket_id(now: datetime | None = None) -> str:
    """``W-YYYYMMDD-`` + 16 hex digits (64 random bits: at 1,000 tickets a day the chance of
    any collision in a day is ≈3·10⁻¹⁴; an insert of a taken id is a conflict anyway)."""
    return f"W-{(now or datetime.now(UTC)):%Y%m%d}-{secrets.token_hex(8)}"


def get_ticket_out(kb: KnowledgeBase, ticket_id: str) -> TicketOut:
    return ticket_out(_require(kb, ticket_id))


def ticket_suggestions(kb: KnowledgeBase, ticket_id: str) -> list[Suggestion]:
    """Stored suggestions of a ticket, newest first (computed anew if it has none)."""
    row = _require(kb, ticket_id)
    with kb.sessions() as session:
        payloads: list[dict[str, Any]] = list(
            session.scalars(
                select(SuggestionRow.payload)
                .where(SuggestionRow.ticket_id == ticket_id)
                .order_by(SuggestionRow.created_at.desc())
            )
        )
    if payloads:
        return [Suggestion.model_validate(p) for p in payloads]
    return [suggest(kb, row.inquiry, subject=row.subject or None, ticket_id=ticket_id)]


def resolve_ticket(
    kb: KnowledgeBase,
    ticket_id: str,
    *,
    resolution: str,
    tags: Sequence[str] | None = None,
    actor: str | None = None,
) -> TicketOut:
    """Store the final answer; the ticket becomes knowledge, searchable immediately.

    ``actor`` (the signed-in user or key) is stored as ``resolved_by``. The database commits
    first, then the index is written; if that write fails (or the process dies), the ticket is
    re-indexed by ``reconcile`` (at start-up, right after the failure, or when the resolve is
    retried: a retry of a resolved ticket the index lacks completes it instead of a 409)."""
    row = _require(kb, ticket_id)
    if row.is_knowledge:
        if not indexed(kb, f"ticket:{ticket_id}"):
            reconcile(kb)
            return ticket_out(_require(kb, ticket_id))
        raise ConflictError(f"ticket {ticket_id!r} is already resolved", details={"ticket_id": ticket_id})
    answer = clean_query(resolution, kb.settings, field_name="resolution")
    rec = ticket_to_record(row)
    rec.resolution = answer
    rec.status = "resolved"
    rec.resolved_at = datetime.now(UTC)
    rec.first_response_at = rec.first_response_at or rec.resolved_at  # the answer is a reply
    if tags is not None:
        rec.tags = clean_tags(tags) or []
    with kb.sessions() as session, session.begin():
        upsert_ticket(session, rec, resolved_statuses=kb.settings.resolved_statuses)
        if actor is not None and (stored := session.get(TicketRow, ticket_id)) is not None:
            stored.resolved_by = actor[:120]
    try:
        kb.index_documents(ticket_chunks(rec, kb.settings), replace_docs=[f"ticket:{ticket_id}"])
    except Exception:
        reconcile_quietly(kb)  # a second try now; else start-up or a retried resolve finishes it
        raise
    return ticket_out(_require(kb, ticket_id))


def reopen_ticket(kb: KnowledgeBase, ticket_id: str) -> TicketOut:
    """A resolved ticket back to open (the customer wrote again, the answer did not hold): it
    counts one more reopen, stops being knowledge and leaves the serving index until it is
    resolved again (its resolution time then runs to the new resolve). Only a resolved ticket
    can be reopened (409 otherwise). The database commits first; a failed index write is
    finished by ``reconcile``, as for resolve."""
    row = _require(kb, ticket_id)
    if not row.is_knowledge:
        raise ConflictError(f"ticket {ticket_id!r} is not resolved", details={"ticket_id": ticket_id})
    rec = ticket_to_record(row)
    rec.status, rec.resolved_at, rec.reopens = "open", None, (row.reopens or 0) + 1
    with kb.sessions() as session, session.begin():
        upsert_ticket(session, rec, resolved_statuses=kb.settings.resolved_statuses)
    index_or_reconcile(kb, [], f"ticket:{ticket_id}")
    return ticket_out(_require(kb, ticket_id))


def _replied(session: Session, suggestion: SuggestionRow, verdict: str) -> None:
    """A draft sent (used or edited) is the ticket's first reply if it had none."""
    if verdict == "rejected" or suggestion.ticket_id is None:
        return
    ticket = session.get(TicketRow, suggestion.ticket_id)
    if ticket is not None and ticket.first_response_at is None:
        ticket.first_response_at = datetime.now(UTC)


def record_feedback(
    kb: KnowledgeBase,
    suggestion_id: str,
    *,
    verdict: str,
    final_text: str | None = None,
    reason: str | None = None,
    actor: str | None = None,
) -> dict[str, object]:
    """Store what the agent did with a suggestion, with the draft→final edit distance and who
    gave it (``actor``: the signed-in user or key)."""
    if verdict not in VERDICTS:
        raise InvalidInputError(
            f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}", field="verdict"
        )
    with kb.sessions() as session, session.begin():
        row = session.get(SuggestionRow, suggestion_id)
        if row is None:
            raise NotFoundError(
                f"suggestion {suggestion_id!r} does not exist", details={"suggestion_id": suggestion_id}
            )
        final = mask_pii(final_text) if final_text else None
        # compare with the draft as the agent saw it in the reply box: without [n] markers
        draft = _MARKERS.sub("", str(row.payload.get("draft", {}).get("text", "")))
        distance = Levenshtein.normalized_distance(draft, final) if final is not None else None
        if verdict == "used" and distance is None:
            distance = 0.0
        fid = add_feedback(
            session,
            suggestion_id,
            cast(Verdict, verdict),
            final_text=final,
            reason=mask_pii(reason) if reason else None,
            edit_distance=distance,
        )
        if actor is not None and (stored := session.get(FeedbackRow, fid)) is not None:
            stored.author = actor[:120]
        _replied(session, row, verdict)
    return {"id": fid, "suggestion_id": suggestion_id, "verdict": verdict, "edit_distance": distance}


def feedback_summary(kb: KnowledgeBase) -> dict[str, object]:
    """Counts per verdict and the mean edit distance (a quality metric of drafts)."""
    with kb.sessions() as session:
        rows = session.execute(
            select(FeedbackRow.verdict, func.count(), func.avg(FeedbackRow.edit_distance)).group_by(
                FeedbackRow.verdict
            )
        ).all()
    return {
        str(v): {
            "count": int(cast(int, n)),
            "mean_edit_distance": None if d is None else float(cast(float, d)),
        }
        for v, n, d in rows
    }
