"""Chatwoot: conversations with their messages.

Accepted files (field names as in the Chatwoot Application API):

- ``{"data": {"meta": {...}, "payload": [...]}}``: a List Conversations response;
- ``{"payload": [...]}`` or a JSON list / JSON Lines file of conversations;
- a single conversation (Conversation Details).

Each conversation carries its messages in ``messages`` (the List Messages response's ``payload``).
``message_type`` 0 incoming (the contact), 1 outgoing (an agent, or a bot when ``sender.type`` /
``sender_type`` is an agent bot), 2 activity and 3 template (never text to keep); ``private: true``
is an internal note. An optional top-level ``csat_survey_responses`` list (the CSAT Survey
Responses report, matched by ``conversation_id``) or a submitted ``input_csat`` message gives CSAT
(``rating`` 1-5). Timestamps are epoch seconds; ``meta.channel`` ``Channel::WebWidget`` becomes
``web_widget``. ``first_reply_created_at`` is the first reply (else the first agent message).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .conversation import Conversation, ExportError, HelpdeskRead, Message, Role, convert, load_json
from .fields import RecordError, flag, mapped, obj, objects, optional_text, parse_time, record_id, text_list

STATUSES = {"open": "open", "pending": "pending", "snoozed": "pending", "resolved": "resolved"}
TYPES = {"incoming": 0, "outgoing": 1, "activity": 2, "template": 3}
BOT_SENDERS = {"agentbot", "captainassistant"}  # sender.type agent_bot, sender_type AgentBot


def records_of(data: Any) -> tuple[list[Any], dict[str, float]]:
    """(conversations, CSAT by conversation id) of a Chatwoot file."""
    csat: dict[str, float] = {}
    if isinstance(data, list):
        return data, csat
    if not isinstance(data, dict):
        raise ExportError("expected a JSON object or a list of conversations")
    for response in data.get("csat_survey_responses") or []:
        if isinstance(response, dict) and isinstance(response.get("rating"), int | float):
            csat[str(response.get("conversation_id"))] = float(response["rating"])
    body = obj(data.get("data")) or data
    if isinstance(body.get("payload"), list):
        return body["payload"], csat
    if "messages" in data and "id" in data:
        return [data], csat
    raise ExportError("no conversation list ('data.payload' or 'payload') here; is this a Chatwoot export?")


def _role(message: dict[str, Any], n: int) -> Role:
    kind = message.get("message_type")
    kind = TYPES.get(kind, kind) if isinstance(kind, str) else kind
    if kind not in (0, 1, 2, 3):
        raise RecordError(f"messages[{n}].message_type", message.get("message_type"), "expected 0, 1, 2 or 3")
    if kind == 2:
        return "system"
    if kind == 3:
        return "bot"
    if kind == 0:
        return "customer"
    sender = obj(message.get("sender"))
    sender_type = str(sender.get("type") or message.get("sender_type") or "")
    return "bot" if sender_type.lower().replace("_", "") in BOT_SENDERS else "agent"


def _submitted_rating(message: dict[str, Any]) -> float | None:
    attrs = message.get("content_attributes")
    submitted = attrs.get("submitted_values") if isinstance(attrs, dict) else None
    response = submitted.get("csat_survey_response") if isinstance(submitted, dict) else None
    rating = response.get("rating") if isinstance(response, dict) else None
    return float(rating) if isinstance(rating, int | float) and not isinstance(rating, bool) else None


def parse(conv: dict[str, Any], csat: dict[str, float]) -> Conversation:
    source_id = record_id(conv)
    messages: list[Message] = []
    rating = csat.get(source_id)
    for n, message in objects(conv.get("messages"), "messages", "a message object"):
        content = optional_text(message.get("content"), f"messages[{n}].content")
        private = flag(message.get("private", False), f"messages[{n}].private")
        rating = rating if rating is not None else _submitted_rating(message)
        messages.append(
            Message(
                role=_role(message, n),
                text=content or "",
                html=bool(re.search(r"<(p|br|div)\b", content or "", re.IGNORECASE)),
                private=private,
                created_at=parse_time(message.get("created_at"), f"messages[{n}].created_at"),
            )
        )
    status = mapped(conv.get("status"), "status", STATUSES, "Chatwoot status")
    meta = obj(conv.get("meta"))
    sender = obj(meta.get("sender"))
    channel = str(meta.get("channel") or "").removeprefix("Channel::")
    stamps = [conv.get(key) for key in ("updated_at", "last_activity_at", "timestamp")]
    updated = next((s for s in stamps if s not in (None, "")), None)
    return Conversation(
        product="chatwoot",
        source_id=source_id,
        messages=messages,
        status=status,
        tags=text_list(conv.get("labels"), "labels"),
        channel=re.sub(r"(?<=[a-z])(?=[A-Z])", "_", channel).lower(),
        created_at=parse_time(conv.get("created_at"), "created_at"),
        updated_at=parse_time(updated, "updated_at"),
        csat=rating,
        customer_ref=str(sender.get("email") or sender.get("id") or "") or None,
        first_response_at=parse_time(conv.get("first_reply_created_at"), "first_reply_created_at"),
    )


def read(path: Path) -> HelpdeskRead:
    records, csat = records_of(load_json(path))
    return convert("chatwoot", path, records, lambda conv: parse(conv, csat))
