"""Freshdesk: tickets with their conversations.

Accepted files (field names as in the Freshdesk API v2):

- a JSON list (or JSON Lines) of tickets as View a Ticket returns them with
  ``?include=conversations`` (``requester`` and ``stats`` included where exported);
- ``{"tickets": [...], "satisfaction_ratings": [...]}``: the same tickets next to the List All
  Satisfaction Ratings response (matched by ``ticket_id``).

The ticket's ``description`` (HTML) / ``description_text`` is the customer's first message; in
``conversations``, ``incoming: true`` is the customer, ``private: true`` an internal note.
``status`` 2/3/4/5 is open/pending/resolved/closed (custom statuses kept as ``status-<n>``),
``source`` 1/2/3/7/9/10 email/portal/phone/chat/feedback_widget/outbound_email. A satisfaction
rating's ``ratings.default_question`` (-103 … 103) becomes CSAT 1-5. ``stats.first_responded_at``
is the first reply (else the first public agent conversation); ``stats.reopened_at`` set means
reopened (counted once: Freshdesk keeps the last reopen's time, not a count), null means not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .conversation import Conversation, ExportError, HelpdeskRead, Message, convert, load_json
from .fields import RecordError, flag, obj, objects, optional_text, parse_time, record_id, text_list

STATUSES = {2: "open", 3: "pending", 4: "resolved", 5: "closed"}
SOURCES = {1: "email", 2: "portal", 3: "phone", 7: "chat", 9: "feedback_widget", 10: "outbound_email"}


def rating_to_csat(value: Any) -> float | None:
    """Freshdesk's rating scale (103 best, 100 neutral, -103 worst) on 1-5; None if not a rating."""
    if isinstance(value, bool) or not isinstance(value, int) or not (100 <= abs(value) <= 103):
        return None
    step = (abs(value) - 100) * 2 / 3
    return round(3 + step if value > 0 else 3 - step, 2)


def records_of(data: Any) -> tuple[list[Any], dict[str, float]]:
    """(tickets, CSAT by ticket id) of a Freshdesk file."""
    if isinstance(data, list):
        return data, {}
    if not isinstance(data, dict) or not isinstance(data.get("tickets"), list):
        raise ExportError("expected a list of tickets, or an object with a 'tickets' list")
    csat: dict[str, tuple[str, float]] = {}
    for rating in data.get("satisfaction_ratings") or []:
        if not isinstance(rating, dict) or not isinstance(rating.get("ratings"), dict):
            continue
        score = rating_to_csat(rating["ratings"].get("default_question"))
        key, when = (
            str(rating.get("ticket_id")),
            str(rating.get("updated_at") or rating.get("created_at") or ""),
        )
        if score is not None and (key not in csat or when >= csat[key][0]):
            csat[key] = (when, score)
    return data["tickets"], {key: score for key, (_, score) in csat.items()}


def _code(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(field, value, "expected a number code")
    return value


def parse(ticket: dict[str, Any], csat: dict[str, float]) -> Conversation:
    source_id = record_id(ticket)
    html = ticket.get("description")
    first = html if isinstance(html, str) and html.strip() else ticket.get("description_text")
    messages = [Message(role="customer", text=str(first or ""), html=first is html)]
    for n, item in objects(ticket.get("conversations"), "conversations", "a conversation object"):
        body = item.get("body")
        text = optional_text(
            body if isinstance(body, str) and body.strip() else item.get("body_text"),
            f"conversations[{n}].body",
        )
        private = flag(item.get("private", False), f"conversations[{n}].private")
        messages.append(
            Message(
                role="customer" if item.get("incoming") is True else "agent",
                text=text or "",
                html=text is body,
                private=private,
                created_at=parse_time(item.get("created_at"), f"conversations[{n}].created_at"),
            )
        )
    status = _code(ticket.get("status"), "status")
    source = ticket.get("source")
    stats = obj(ticket.get("stats"))
    requester = obj(ticket.get("requester"))
    reopens = (1 if stats["reopened_at"] else 0) if "reopened_at" in stats else None
    return Conversation(
        product="freshdesk",
        source_id=source_id,
        messages=messages,
        subject=str(ticket.get("subject") or ""),
        status=STATUSES.get(status, f"status-{status}"),
        tags=text_list(ticket.get("tags"), "tags"),
        channel=SOURCES.get(_code(source, "source"), f"source-{source}") if source is not None else "",
        created_at=parse_time(ticket.get("created_at"), "created_at"),
        updated_at=parse_time(ticket.get("updated_at"), "updated_at"),
        resolved_at=parse_time(stats.get("resolved_at") or stats.get("closed_at"), "stats.resolved_at"),
        csat=csat.get(source_id),
        customer_ref=str(requester.get("email") or ticket.get("requester_id") or "") or None,
        first_response_at=parse_time(stats.get("first_responded_at"), "stats.first_responded_at"),
        reopens=reopens,
    )


def read(path: Path) -> HelpdeskRead:
    records, csat = records_of(load_json(path))
    return convert("freshdesk", path, records, lambda ticket: parse(ticket, csat))
