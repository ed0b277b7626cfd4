"""Helpdesk side-panel: a new Zendesk or Freshdesk ticket in, an internal note with the
suggestion (draft, citations, article links) back on that ticket.

Accepted payloads (fields as the products document them):

- Zendesk, a ticket event webhook (``type: zen:event-type:ticket.created``, the ticket in
  ``detail``: ``id``, ``subject``, ``description``), or a trigger webhook whose JSON body you write
  with placeholders: ``{"ticket": {"id": "{{ticket.id}}", "subject": "{{ticket.title}}",
  "description": "{{ticket.description}}"}}``.
- Freshdesk, an automation rule webhook: the "simple" encoding (``freshdesk_webhook``:
  ``ticket_id``, ``ticket_subject``, ``ticket_description``) or a custom JSON body
  ``{"ticket": {"id": "{{ticket.id}}", "subject": "{{ticket.subject}}", "description":
  "{{ticket.description}}"}}``.

The ticket is stored here like ``POST /v1/tickets`` (PII-masked, channel ``zendesk``/``freshdesk``,
``customer_ref`` the helpdesk's ticket id) and its suggestion goes back as a private note:
Zendesk ``PUT /api/v2/tickets/{id}.json`` ``{"ticket": {"comment": {"body", "public": false}}}``;
Freshdesk ``POST /api/v2/tickets/{id}/notes`` ``{"body", "private": true}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from typing import Any

from assist import tickets
from assist.errors import InvalidInputError
from assist.integrations.notes import note_html, suggestion_note
from assist.integrations.outbox import Call
from assist.integrations.payloads import obj, ref, text
from assist.knowledge import KnowledgeBase
from assist.schemas import Suggestion, TicketOut

HELPDESKS = ("zendesk", "freshdesk")
_TAGS = re.compile(r"<[^>]+>")
__all__ = ["HELPDESKS", "NewTicket", "note_key", "parse", "store_and_plan"]


@dataclass(frozen=True)
class NewTicket:
    helpdesk: str
    ticket_id: str  # the helpdesk's id
    subject: str
    description: str


def _plain(value: str) -> str:
    """Freshdesk descriptions arrive as HTML: tags out, entities decoded, whitespace folded."""
    return re.sub(r"[ \t]+", " ", unescape(_TAGS.sub(" ", value))).strip()


def parse(helpdesk: str, payload: dict[str, Any]) -> NewTicket:
    """The new ticket of a webhook (InvalidInputError, naming the field, when malformed)."""
    product = helpdesk.capitalize()
    if helpdesk == "zendesk" and "detail" in payload:
        kind = text(payload, "type", product)
        if kind != "zen:event-type:ticket.created":
            raise InvalidInputError(
                f"Zendesk webhook: event type {kind[:60]!r} is not ticket.created", field="type"
            )
        ticket = obj(payload, "detail", product)
    elif helpdesk == "freshdesk" and "freshdesk_webhook" in payload:
        simple = obj(payload, "freshdesk_webhook", product)
        ticket = {
            "id": simple.get("ticket_id"),
            "subject": simple.get("ticket_subject"),
            "description": simple.get("ticket_description"),
        }
    else:
        ticket = obj(payload, "ticket", product)
    description = text(ticket, "description", product, required=False)
    subject = text(ticket, "subject", product, required=False)
    found = NewTicket(helpdesk, ref(ticket, "id", product), _plain(subject), _plain(description))
    if not found.description and not found.subject:
        raise InvalidInputError(
            f"{product} webhook: the ticket has no subject or description", field="description"
        )
    return found


def note_key(ticket: NewTicket) -> str:
    return f"{ticket.helpdesk}:{ticket.ticket_id}:note"


def store_and_plan(kb: KnowledgeBase, ticket: NewTicket) -> tuple[TicketOut, Suggestion, Call]:
    """Store the ticket (with its suggestion) and the note call that posts the suggestion back."""
    stored, suggestion = tickets.create_ticket(
        kb,
        body=ticket.description or ticket.subject,
        subject=ticket.subject or None,
        channel=ticket.helpdesk,
        customer_ref=f"{ticket.helpdesk}:{ticket.ticket_id}",
    )
    settings = kb.settings
    note = suggestion_note(
        suggestion, threshold=settings.answer_threshold, link_base=settings.integration_link_url
    )
    if ticket.helpdesk == "zendesk":
        body: dict[str, Any] = {"ticket": {"comment": {"body": note, "public": False}}}
        call = Call("zendesk", "PUT", f"/api/v2/tickets/{ticket.ticket_id}.json", body, note_key(ticket))
    else:
        body = {"body": note_html(note), "private": True}
        call = Call("freshdesk", "POST", f"/api/v2/tickets/{ticket.ticket_id}/notes", body, note_key(ticket))
    return stored, suggestion, call
