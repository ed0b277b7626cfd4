"""/v1/tickets: the agent inbox. Thin: ``assist.tickets`` does the work."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from assist import tickets
from assist.api.deps import KB
from assist.api.errors import ERROR_RESPONSES, ErrorBody
from assist.api.models import TicketCreate, TicketCreated, TicketPage, TicketResolve
from assist.api.readiness import IndexedKB
from assist.api.security import principal_of
from assist.errors import InvalidInputError
from assist.fields import MAX_TAG_CHARS
from assist.schemas import Suggestion, TicketOut
from assist.ticket_pages import page_tickets

router = APIRouter(prefix="/v1/tickets", tags=["tickets"], responses=ERROR_RESPONSES)
MAX_OFFSET = 2**63 - 1  # SQL OFFSET is a signed 64-bit integer
MAX_CURSOR_CHARS = 2_000
_404: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Unknown ticket id · 없는 티켓"}
}


@router.post(
    "",
    status_code=201,
    summary="티켓 생성 · Create a ticket",
    description="Stores the inquiry (PII-masked) as an open ticket and returns it with its suggestion. "
    "Ticket and suggestion are written together or not at all.",
)
def create_ticket(req: TicketCreate, kb: IndexedKB, request: Request) -> TicketCreated:
    ticket, suggestion = tickets.create_ticket(
        kb, body=req.body, subject=req.subject, channel=req.channel or "", customer_ref=req.customer_ref
    )
    request.state.audit_object = ticket.id
    return TicketCreated(ticket=ticket, suggestion=suggestion)


@router.get("", summary="티켓 목록 · List tickets (inbox)")
def list_tickets(
    kb: KB,
    status: Annotated[
        Literal["open", "resolved"] | None, Query(description="open = not yet knowledge; resolved")
    ] = None,
    q: Annotated[str | None, Query(description="Text in subject, inquiry or id.", max_length=200)] = None,
    tag: Annotated[
        str | None, Query(description="Tag or tag prefix, e.g. '고객::결제'.", max_length=MAX_TAG_CHARS)
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[
        int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip (prefer `cursor` for deep pages).")
    ] = 0,
    cursor: Annotated[
        str | None,
        Query(description="`next_cursor` of the previous page (keyset paging).", max_length=MAX_CURSOR_CHARS),
    ] = None,
) -> TicketPage:
    if cursor is not None and offset:
        raise InvalidInputError("use either cursor or offset, not both", field="offset", value=offset)
    if cursor is not None or offset == 0:
        page = page_tickets(kb, status=status, query=q, tag=tag, limit=limit, after=cursor or None)
        return TicketPage(
            items=page.items, total=page.total, limit=limit, offset=0, next_cursor=page.next_cursor
        )
    items, total = tickets.list_tickets(kb, status=status, query=q, tag=tag, limit=limit, offset=offset)
    return TicketPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/{ticket_id}", summary="티켓 조회 · Get a ticket", responses=_404)
def get_ticket(ticket_id: str, kb: KB) -> TicketOut:
    return tickets.get_ticket_out(kb, ticket_id)


@router.get(
    "/{ticket_id}/suggestions",
    summary="티켓의 추천 · Suggestions of a ticket",
    description="Stored suggestions, newest first; computed anew when the ticket has none.",
    responses=_404,
)
def ticket_suggestions(ticket_id: str, kb: KB) -> list[Suggestion]:
    return tickets.ticket_suggestions(kb, ticket_id)


@router.post(
    "/{ticket_id}/resolve",
    summary="티켓 해결 · Resolve a ticket",
    description="Stores the final answer; the ticket becomes knowledge, searchable immediately.",
    responses={**_404, 409: {"model": ErrorBody, "description": "Already resolved · 이미 해결됨"}},
)
def resolve_ticket(ticket_id: str, req: TicketResolve, kb: IndexedKB, request: Request) -> TicketOut:
    actor = principal_of(request).actor
    return tickets.resolve_ticket(kb, ticket_id, resolution=req.resolution, tags=req.tags, actor=actor)


@router.post(
    "/{ticket_id}/reopen",
    summary="티켓 재오픈 · Reopen a ticket",
    description="A resolved ticket back to open (counted as a reopen); it leaves the knowledge index "
    "until it is resolved again.",
    responses={**_404, 409: {"model": ErrorBody, "description": "Not resolved · 해결되지 않은 티켓"}},
)
def reopen_ticket(ticket_id: str, kb: IndexedKB, request: Request) -> TicketOut:
    request.state.audit_object = ticket_id
    return tickets.reopen_ticket(kb, ticket_id)
