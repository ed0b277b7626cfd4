"""The agent inbox listing: filters, offset pages (the web console) and keyset pages (the API).

Tickets are listed newest first by ``created_at`` (the time the inquiry arrived; tickets
imported without one sort by when they were ingested), ties broken by id, so the order is the
same on SQLite and PostgreSQL. A keyset page continues after an opaque cursor naming the last
ticket of the previous page: pages stay stable while new tickets arrive (an offset shifts by
one for every new ticket) and the database seeks instead of skipping rows.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, String, and_, func, or_, select
from sqlalchemy import cast as sql_cast

from assist.errors import InvalidInputError
from assist.knowledge import KnowledgeBase
from assist.schemas import TicketOut
from storage import TicketRow
from storage.models import UtcDateTime
from storage.repo import is_knowledge

__all__ = ["TicketCursorPage", "is_resolved", "list_tickets", "page_tickets", "ticket_out"]

_SORT_AT = func.coalesce(TicketRow.created_at, TicketRow.ingested_at, type_=UtcDateTime())


@dataclass(frozen=True)
class TicketCursorPage:
    items: list[TicketOut]
    total: int
    next_cursor: str | None  # None on the last page


def ticket_out(row: TicketRow) -> TicketOut:
    return TicketOut(
        id=row.id,
        subject=row.subject,
        inquiry=row.inquiry,
        resolution=row.resolution,
        status=row.status,
        channel=row.channel,
        tags=list(row.tags or []),
        customer_ref=row.customer_ref,
        created_at=row.created_at,
        resolved_at=row.resolved_at,
        resolved_by=row.resolved_by,
        first_response_at=row.first_response_at,
        reopens=row.reopens,
    )


def is_resolved(ticket: TicketOut, resolved_statuses: Sequence[str]) -> bool:
    """Resolved as the inbox filter and the index count it (``storage.repo.is_knowledge``): a
    resolved status and a resolution. A reopened ticket keeps its earlier resolution but is open."""
    return is_knowledge(ticket, resolved_statuses)


def _conditions(status: str | None, query: str | None, tag: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if status == "open":
        conditions.append(TicketRow.is_knowledge.is_(False))
    elif status == "resolved":
        conditions.append(TicketRow.is_knowledge.is_(True))
    if query and query.strip():
        text = query.strip()
        conditions.append(
            or_(
                TicketRow.subject.contains(text, autoescape=True),
                TicketRow.inquiry.contains(text, autoescape=True),
                TicketRow.id.contains(text, autoescape=True),
            )
        )
    if tag and tag.strip():
        conditions.append(_has_tag(tag.strip()))
    return conditions


def _has_tag(tag: str) -> ColumnElement[bool]:
    """``tags`` (a JSON list, stored as written by the engine's serializer) holds ``tag`` or a
    tag under it: the JSON text contains ``"tag"`` or ``"tag::``."""
    stored = sql_cast(TicketRow.tags, String)
    exact = json.dumps(tag, ensure_ascii=False)
    return or_(stored.contains(exact, autoescape=True), stored.contains(exact[:-1] + "::", autoescape=True))


def _count(kb: KnowledgeBase, conditions: list[ColumnElement[bool]]) -> int:
    with kb.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(TicketRow).where(*conditions)) or 0)


def list_tickets(
    kb: KnowledgeBase,
    *,
    status: str | None = None,
    query: str | None = None,
    tag: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[TicketOut], int]:
    """One page of tickets, newest first, and how many match; ``status`` 'open' = not
    resolved/closed, 'resolved' = knowledge; ``tag`` matches a tag or its children ('고객::결제'
    matches '고객::결제::오류'). Only the page's rows are loaded (plus one COUNT)."""
    conditions = _conditions(status, query, tag)
    page = (
        select(TicketRow)
        .where(*conditions)
        .order_by(_SORT_AT.desc(), TicketRow.id.desc())
        .limit(max(1, limit))
        .offset(max(0, offset))
    )
    total = _count(kb, conditions)
    with kb.sessions() as session:
        rows = list(session.scalars(page))
    return [ticket_out(r) for r in rows], total


def encode_cursor(sort_at: datetime, ticket_id: str) -> str:
    raw = json.dumps([sort_at.isoformat(), ticket_id], ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The (sort time, id) a cursor names; a cursor this service did not write is a 422."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        when, ticket_id = json.loads(raw.decode("utf-8"))
        if not isinstance(when, str) or not isinstance(ticket_id, str):
            raise ValueError("cursor fields")
        return datetime.fromisoformat(when), ticket_id
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as exc:
        raise InvalidInputError(
            "cursor is not one this service returned (use next_cursor from the previous page)",
            field="cursor",
        ) from exc


def page_tickets(
    kb: KnowledgeBase,
    *,
    status: str | None = None,
    query: str | None = None,
    tag: str | None = None,
    limit: int = 50,
    after: str | None = None,
) -> TicketCursorPage:
    """The ``limit`` tickets after the ``after`` cursor (from the newest when None), newest
    first, with the cursor of the next page (None when this is the last)."""
    conditions = _conditions(status, query, tag)
    stmt = select(TicketRow, _SORT_AT).where(*conditions)
    if after:
        sort_at, ticket_id = decode_cursor(after)
        key = _SORT_AT
        stmt = stmt.where(or_(key < sort_at, and_(key == sort_at, TicketRow.id < ticket_id)))
    stmt = stmt.order_by(_SORT_AT.desc(), TicketRow.id.desc()).limit(max(1, limit) + 1)
    total = _count(kb, conditions)
    with kb.sessions() as session:
        rows = list(session.execute(stmt).tuples())
    more = len(rows) > max(1, limit)
    rows = rows[: max(1, limit)]
    cursor = encode_cursor(rows[-1][1], rows[-1][0].id) if more and rows else None
    return TicketCursorPage(items=[ticket_out(row) for row, _ in rows], total=total, next_cursor=cursor)
