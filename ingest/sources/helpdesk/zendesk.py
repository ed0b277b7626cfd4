"""Zendesk Support: tickets with their comments.

Accepted files (field names as in the Zendesk Support API v2):

- ``{"tickets": [...], "users": [...]}``: a List Tickets / Incremental Ticket Export response, with
  users side-loaded (``?include=users``) so that end-users and agents can be told apart;
- ``{"ticket": {...}}``: a Show Ticket response;
- a JSON list or JSON Lines file of tickets (the account's JSON data export).

Each ticket carries its comments in ``comments`` (a List Comments response's ``comments``, or the
data export's own). A comment is the customer's when its ``author_id`` is the ticket's
``requester_id`` or an ``end-user``; it is a bot/automation message when ``via.channel`` says so
(``rule``, ``answer_bot``, ...); ``public: false`` is an internal note. ``satisfaction_rating.score``
``good``/``bad`` becomes CSAT 5/1 (``offered``/``unoffered`` mean no rating).

Ticket metrics (``?include=metric_sets``: a ``metric_set`` on each ticket, or a side-loaded
``metric_sets`` list matched by ``ticket_id``) give the first reply (``created_at`` plus
``reply_time_in_minutes.calendar``) and ``reopens``; without them the first reply is the first
public agent comment and reopens are not known.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .conversation import Conversation, ExportError, HelpdeskRead, Message, Role, convert, load_json
from .fields import as_list, flag, mapped, obj, objects, optional_text, parse_time, record_id, text_list

STATUSES = {"new": "open", "open": "open", "pending": "pending", "hold": "pending",
            "solved": "resolved", "closed": "closed"}  # fmt: skip
CSAT = {"good": 5.0, "bad": 1.0}
BOT_CHANNELS = {"rule", "answer_bot", "answer_bot_for_agents", "answer_bot_for_sdk", "answer_bot_for_slack",
                "answer_bot_for_web_widget", "answer_bot_api", "sample_ticket", "system"}  # fmt: skip


def records_of(data: Any) -> tuple[list[Any], dict[str, dict[str, Any]]]:
    """(tickets, users by id) of a Zendesk file."""
    if isinstance(data, list):
        return data, {}
    if not isinstance(data, dict):
        raise ExportError("expected a JSON object with 'tickets', or a list of tickets")
    users = {
        str(user.get("id")): user
        for user in data.get("users") or []
        if isinstance(user, dict) and "id" in user
    }
    if "tickets" in data:
        if not isinstance(data["tickets"], list):
            raise ExportError("'tickets' is not a list")
        return data["tickets"], users
    if isinstance(data.get("ticket"), dict):
        return [data["ticket"]], users
    raise ExportError(
        "no 'tickets' list here (keys: "
        + ", ".join(sorted(map(str, data))[:10])
        + "); is this a Zendesk export?"
    )


def metric_sets_of(data: Any) -> dict[str, dict[str, Any]]:
    """Side-loaded ticket metrics (``metric_sets``) by ticket id."""
    found = data.get("metric_sets") if isinstance(data, dict) else None
    return {str(m.get("ticket_id")): m for m in found or [] if isinstance(m, dict) and "ticket_id" in m}


def service_times(metric: dict[str, Any], created_at: datetime | None) -> tuple[datetime | None, int | None]:
    """``(first reply, reopens)`` of a ticket metric set (None where it has no figure)."""
    reopens = metric.get("reopens")
    count = reopens if isinstance(reopens, int) and not isinstance(reopens, bool) and reopens >= 0 else None
    minutes = obj(metric.get("reply_time_in_minutes")).get("calendar")
    if created_at is None or isinstance(minutes, bool) or not isinstance(minutes, int | float):
        return None, count
    return created_at + timedelta(minutes=minutes), count


def _role(comment: dict[str, Any], requester: str, users: dict[str, dict[str, Any]]) -> Role:
    via = obj(comment.get("via"))
    if str(via.get("channel") or "") in BOT_CHANNELS:
        return "bot"
    author = str(comment.get("author_id"))
    if author == requester:
        return "customer"
    role = str((users.get(author) or {}).get("role") or "")
    if role == "end-user":
        return "customer"
    return "agent"


def parse(
    ticket: dict[str, Any],
    users: dict[str, dict[str, Any]],
    metrics: dict[str, dict[str, Any]] | None = None,
) -> Conversation:
    source_id = record_id(ticket)
    requester = str(ticket.get("requester_id"))
    messages: list[Message] = []
    comments = as_list(ticket.get("comments"), "comments")
    for n, comment in objects(comments, "comments", "a comment object"):
        html = comment.get("html_body")
        text = optional_text(
            html
            if isinstance(html, str) and html.strip()
            else comment.get("plain_body") or comment.get("body"),
            f"comments[{n}].body",
        )
        public = flag(comment.get("public", True), f"comments[{n}].public")
        messages.append(
            Message(
                role=_role(comment, requester, users),
                text=text or "",
                html=text is html,
                private=not public,
                created_at=parse_time(comment.get("created_at"), f"comments[{n}].created_at"),
            )
        )
    if not comments and isinstance(ticket.get("description"), str):
        messages.append(Message(role="customer", text=ticket["description"]))  # a ticket without comments
    status = mapped(ticket.get("status"), "status", STATUSES, "Zendesk status")
    rating = ticket.get("satisfaction_rating")
    score = rating.get("score") if isinstance(rating, dict) else None
    via = obj(ticket.get("via"))
    requester_user = users.get(requester) or {}
    created_at = parse_time(ticket.get("created_at"), "created_at")
    metric = obj(ticket.get("metric_set")) or (metrics or {}).get(source_id) or {}
    first_response_at, reopens = service_times(metric, created_at)
    return Conversation(
        product="zendesk",
        source_id=source_id,
        messages=messages,
        subject=str(ticket.get("subject") or ticket.get("raw_subject") or ""),
        status=status,
        tags=text_list(ticket.get("tags"), "tags"),
        channel=str(via.get("channel") or ""),
        created_at=created_at,
        updated_at=parse_time(ticket.get("updated_at"), "updated_at"),
        csat=CSAT.get(str(score)),
        customer_ref=str(requester_user.get("email") or ticket.get("requester_id") or "") or None,
        first_response_at=first_response_at,
        reopens=reopens,
    )


def read(path: Path) -> HelpdeskRead:
    data = load_json(path)
    records, users = records_of(data)
    metrics = metric_sets_of(data)
    return convert("zendesk", path, records, lambda ticket: parse(ticket, users, metrics))
