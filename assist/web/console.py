"""Agent console pages: ticket inbox, ticket page with its suggestion panel, new ticket, try a
question, and the form posts behind the page's buttons (feedback, resolve, reopen).

Forms post to these routes and are redirected back (works without JavaScript); ``app.js``
sends the feedback form with ``fetch`` instead so the reply box keeps its text.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy import select

from assist import tickets
from assist.access import home_for
from assist.api.deps import KB
from assist.api.errors import status_for
from assist.api.security import principal_of
from assist.errors import InvalidInputError
from assist.knowledge import KnowledgeBase
from assist.schemas import Suggestion
from assist.suggest import suggest
from assist.ticket_pages import is_resolved
from assist.web.i18n import pick_lang, translate
from assist.web.render import PageRoute, render
from core.errors import KmsError
from storage import ArticleRow, FeedbackRow, SuggestionRow, TicketRow

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PAGE_SIZE = 20
CHANNELS = ("chat", "email", "phone", "web", "app")
_MARKER = re.compile(r"\s?\[\d+\]")


def reply_text(suggestion: Suggestion) -> str:
    """The draft as the customer should read it: without the ``[n]`` citation markers."""
    return _MARKER.sub("", suggestion.draft.text).strip()


def _safe_next(target: str | None, default: str) -> str:
    """A same-site path to go back to (never another host)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def _with_params(path: str, **params: str) -> str:
    base, _, query = path.partition("?")
    kept = [p for p in query.split("&") if p and p.split("=")[0] not in params]
    extra = urlencode(params)
    return base + "?" + "&".join([*kept, extra])


def _full_sections(kb: KnowledgeBase, suggestion: Suggestion) -> dict[str, dict[str, str]]:
    ids = [a.article_id for a in suggestion.articles]
    if not ids:
        return {}
    with kb.sessions() as session:
        rows = session.scalars(select(ArticleRow).where(ArticleRow.id.in_(ids)))
        return {row.id: {**row.sections(), "title": row.title} for row in rows}


def _last_feedback(kb: KnowledgeBase, suggestion_id: str) -> FeedbackRow | None:
    with kb.sessions() as session:
        stmt = (
            select(FeedbackRow)
            .where(FeedbackRow.suggestion_id == suggestion_id)
            .order_by(FeedbackRow.created_at.desc(), FeedbackRow.id.desc())
        )
        return session.scalars(stmt).first()


def ticket_feedback(kb: KnowledgeBase, ticket_id: str) -> list[FeedbackRow]:
    """Every feedback given on the suggestions of a ticket, oldest first."""
    with kb.sessions() as session:
        stmt = (
            select(FeedbackRow)
            .join(SuggestionRow, FeedbackRow.suggestion_id == SuggestionRow.id)
            .where(SuggestionRow.ticket_id == ticket_id)
            .order_by(FeedbackRow.created_at, FeedbackRow.id)
        )
        return list(session.scalars(stmt))


def panel_context(kb: KnowledgeBase, suggestion: Suggestion, *, exclude_ticket: str | None = None) -> dict:
    """What the suggestion panel template needs besides the suggestion itself.

    ``answer_threshold`` (``KMS_ANSWER_THRESHOLD``) marks the confidence meter's low/high point:
    the confidence below which the reply box starts empty and no tag is pre-filled.
    """
    feedback = _last_feedback(kb, suggestion.id)
    reply = reply_text(suggestion)
    if feedback is not None and feedback.final_text:
        reply = feedback.final_text
    return {
        "sg": suggestion,
        "similar": [t for t in suggestion.tickets if t.ticket_id != exclude_ticket],
        "full_sections": _full_sections(kb, suggestion),
        "reply": reply,
        "feedback": feedback,
        "answer_threshold": kb.settings.answer_threshold,
    }


def _tag_options(kb: KnowledgeBase) -> list[str]:
    with kb.sessions() as session:
        tag_lists = session.scalars(select(TicketRow.tags))
        return sorted({t for tags in tag_lists for t in (tags or [])})


@router.get("/")
def home(request: Request) -> RedirectResponse:
    """The first section the signed-in roles may open (the inbox for agents)."""
    return RedirectResponse(home_for(principal_of(request).roles), status_code=303)


@router.get("/tickets")
def inbox(
    request: Request,
    kb: KB,
    status: Annotated[str, Query(pattern="^(open|resolved|all)$")] = "open",
    q: Annotated[str, Query(max_length=200)] = "",
    tag: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    items, total = tickets.list_tickets(
        kb,
        status=None if status == "all" else status,
        query=q.strip() or None,
        tag=tag.strip() or None,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    pages = max(1, -(-total // PAGE_SIZE))
    statuses = kb.settings.resolved_statuses
    return render(
        request,
        "inbox.html",
        {
            "items": items,
            "total": total,
            "status": status,
            "q": q,
            "tag": tag,
            "page": page,
            "pages": pages,
            "start": (page - 1) * PAGE_SIZE + 1 if items else 0,
            "end": (page - 1) * PAGE_SIZE + len(items),
            "tag_options": _tag_options(kb),
            "is_resolved": lambda ticket: is_resolved(ticket, statuses),
        },
    )


@router.get("/tickets/new")
def new_ticket_form(request: Request, body: str = "", subject: str = "") -> Response:
    form = {"subject": subject, "body": body, "channel": "chat"}
    return render(request, "ticket_new.html", {"form": form, "channels": CHANNELS, "error": None})


@router.post("/tickets/new")
def new_ticket(
    request: Request,
    kb: KB,
    body: Annotated[str, Form()] = "",
    subject: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "",
    q: Annotated[str, Form()] = "",
    prefill: Annotated[str, Form()] = "",
) -> Response:
    if prefill:  # "make it a ticket" from try-a-question: the form, filled in (text never in a URL)
        form = {"subject": subject, "body": body or q, "channel": channel or "chat"}
        return render(request, "ticket_new.html", {"form": form, "channels": CHANNELS, "error": None})
    try:
        ticket, _suggestion = tickets.create_ticket(kb, body=body, subject=subject or None, channel=channel)
    except InvalidInputError as exc:
        form = {"subject": subject, "body": body, "channel": channel}
        context = {"form": form, "channels": CHANNELS, "error": exc.message, "error_field": "body"}
        return render(request, "ticket_new.html", context, status_code=400)
    return RedirectResponse(f"/tickets/{ticket.id}?msg=created", status_code=303)


@router.get("/tickets/{ticket_id}")
def ticket_page(request: Request, kb: KB, ticket_id: str) -> Response:
    ticket = tickets.get_ticket_out(kb, ticket_id)
    suggestion = tickets.ticket_suggestions(kb, ticket_id)[0]
    resolved = is_resolved(ticket, kb.settings.resolved_statuses)  # reopened: open, resolution kept
    context = {
        "ticket": ticket,
        "resolved": resolved,
        **panel_context(kb, suggestion, exclude_ticket=ticket.id),
    }
    if resolved:  # the outcome replaces the reply box: final answer and feedback given
        context["feedback_given"] = ticket_feedback(kb, ticket.id)
    return render(request, "ticket.html", context)


@router.post("/tickets/{ticket_id}/resolve")
def resolve(
    request: Request,
    kb: KB,
    ticket_id: str,
    text: Annotated[str, Form()] = "",
    tag: Annotated[str, Form()] = "",
) -> Response:
    tags = [tag.strip()] if tag.strip() else None
    tickets.resolve_ticket(kb, ticket_id, resolution=text, tags=tags, actor=principal_of(request).actor)
    return RedirectResponse(f"/tickets/{ticket_id}?msg=resolved", status_code=303)


@router.post("/tickets/{ticket_id}/reopen")
def reopen(kb: KB, ticket_id: str) -> Response:
    """A resolved ticket back to open, as ``POST /v1/tickets/{id}/reopen`` (409 page if open)."""
    tickets.reopen_ticket(kb, ticket_id)
    return RedirectResponse(f"/tickets/{ticket_id}?msg=reopened", status_code=303)


@router.post("/suggestions/{suggestion_id}/feedback")
def feedback(
    request: Request,
    kb: KB,
    suggestion_id: str,
    verdict: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    wants_json = "application/json" in request.headers.get("accept", "")
    try:
        stored = tickets.record_feedback(
            kb,
            suggestion_id,
            verdict=verdict,
            final_text=text if verdict == "edited" and text.strip() else None,
            reason=(reason.strip() or None) if verdict == "rejected" else None,
            actor=principal_of(request).actor,
        )
    except KmsError as exc:
        if wants_json:
            return JSONResponse({"error": {"code": exc.code, "message": exc.message}}, status_for(exc))
        raise
    if wants_json:
        lang = pick_lang(request)
        message = translate("msg.feedback", lang, verdict=translate(f"sg.{verdict}", lang))
        return JSONResponse({**stored, "message": message}, status_code=201)
    back = _safe_next(next, "/tickets")
    return RedirectResponse(_with_params(back, msg="feedback", verdict=verdict), status_code=303)


@router.get("/try")
def try_form(request: Request) -> Response:
    return render(request, "try.html", {"q": "", "error": None})


@router.post("/try")
def try_question(request: Request, kb: KB, q: Annotated[str, Form(max_length=8000)] = "") -> Response:
    """A question posted (never in the URL, so never in access logs) and its suggestion panel."""
    context: dict = {"q": q, "error": None}
    status = 200
    if q.strip():
        try:
            context.update(panel_context(kb, suggest(kb, q)))
        except InvalidInputError as exc:
            context["error"], status = exc.message, 400
    return render(request, "try.html", context, status_code=status)
