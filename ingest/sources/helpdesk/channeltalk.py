"""Channel Talk (채널톡): user chats with their messages.

Accepted files (field names as in the Channel Talk Open API v5):

- ``{"userChats": [...], "messages": [...], "users": [...]}``: a List of UserChats response, with
  the chats' messages (Get a UserChat's messages, ``messages``) in the top-level ``messages`` list
  (matched by ``chatId``) and/or in each chat's own ``messages`` list;
- ``{"userChat": {...}, "messages": [...]}``: Get a UserChat with its messages;
- a JSON list / JSON Lines file of user chats, each with its ``messages``.

``personType`` ``user`` is the customer, ``manager`` an agent, ``bot`` a bot; a message with a
``log`` (opened, closed, assigned, ...) is an activity, one with ``options`` holding ``private`` an
internal note. Text is ``plainText``, else the text of its ``blocks``. ``state`` opened/snoozed/
closed becomes open/pending/closed. Timestamps are epoch milliseconds; the chat's update time is
its newest timestamp (``updatedAt``, ``frontUpdatedAt``, ``deskUpdatedAt``, ``closedAt``, ...,
and its messages'). ``contactMediumType`` is the channel; ``name`` (often the customer's name) is not
kept as a subject. The API documents no satisfaction score
on a user chat, so CSAT stays empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .conversation import Conversation, ExportError, HelpdeskRead, Message, Role, convert, load_json
from .fields import RecordError, mapped, objects, optional_text, parse_time, record_id, seq, text_list

STATES = {"opened": "open", "snoozed": "pending", "closed": "closed"}
ROLES: dict[str, Role] = {"user": "customer", "manager": "agent", "bot": "bot"}
CHAT_TIMES = (
    "updatedAt",
    "frontUpdatedAt",
    "deskUpdatedAt",
    "closedAt",
    "snoozedAt",
    "openedAt",
    "createdAt",
)


def records_of(data: Any) -> list[Any]:
    """The user chats of a Channel Talk file, each with its messages in ``messages``."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise ExportError("expected a JSON object with 'userChats', or a list of user chats")
    if isinstance(data.get("userChats"), list):
        chats = data["userChats"]
    elif isinstance(data.get("userChat"), dict):
        chats = [data["userChat"]]
    else:
        raise ExportError("no 'userChats' list here; is this a Channel Talk export?")
    by_chat: dict[str, list[Any]] = {}
    for message in data.get("messages") or []:
        if isinstance(message, dict):
            by_chat.setdefault(str(message.get("chatId")), []).append(message)
    if not by_chat:
        return chats
    merged = []
    for chat in chats:
        if isinstance(chat, dict) and str(chat.get("id")) in by_chat:
            own = seq(chat.get("messages"))
            seen = {m.get("id") for m in own if isinstance(m, dict)}
            extra = [m for m in by_chat[str(chat["id"])] if m.get("id") not in seen]
            chat = {**chat, "messages": own + extra}
        merged.append(chat)
    return merged


def blocks_text(blocks: Any) -> str:
    """The text of message blocks (``text``/``code`` values, ``bullets`` one line per item)."""
    lines: list[str] = []
    for block in seq(blocks):
        if not isinstance(block, dict):
            continue
        if isinstance(block.get("value"), str):
            lines.append(block["value"])
        if block.get("blocks"):
            lines.extend(f"- {line}" for line in blocks_text(block["blocks"]).splitlines())
    return "\n".join(lines)


def parse(chat: dict[str, Any]) -> Conversation:
    source_id = record_id(chat)
    times = [chat.get(key) for key in CHAT_TIMES]
    messages: list[tuple[Any, Message]] = []
    for n, message in objects(chat.get("messages"), "messages", "a message object"):
        person = str(message.get("personType") or "")
        if person not in ROLES:
            raise RecordError(
                f"messages[{n}].personType", message.get("personType"), "expected user, manager or bot"
            )
        plain = optional_text(message.get("plainText"), f"messages[{n}].plainText")
        options = seq(message.get("options"))
        created = parse_time(message.get("createdAt"), f"messages[{n}].createdAt", unit="ms")
        times += [message.get("createdAt"), message.get("updatedAt")]
        messages.append(
            (
                message.get("createdAt") or 0,
                Message(
                    role="system" if message.get("log") else ROLES[person],
                    text=plain
                    if plain and plain.strip()
                    else blocks_text(message.get("blocks")).replace("\n", "<br>"),
                    html=not (plain and plain.strip()),  # block values carry inline tags (<b>, <link>)
                    private="private" in options,
                    created_at=created,
                ),
            )
        )
    messages.sort(
        key=lambda pair: pair[0] if isinstance(pair[0], int | float) else 0
    )  # the API lists newest first
    status = mapped(chat.get("state"), "state", STATES, "Channel Talk state")
    stamps = [t for t in times if isinstance(t, int | float) and not isinstance(t, bool)]
    return Conversation(
        product="channeltalk",
        source_id=source_id,
        messages=[message for _, message in messages],
        status=status,
        tags=text_list(chat.get("tags"), "tags"),
        channel=str(chat.get("contactMediumType") or "chat"),
        created_at=parse_time(chat.get("createdAt"), "createdAt", unit="ms"),
        updated_at=parse_time(max(stamps), "updatedAt", unit="ms") if stamps else None,
        resolved_at=parse_time(chat.get("closedAt"), "closedAt", unit="ms") if status == "closed" else None,
        customer_ref=str(chat.get("userId") or "") or None,
    )


def read(path: Path) -> HelpdeskRead:
    return convert("channeltalk", path, records_of(load_json(path)), parse)
