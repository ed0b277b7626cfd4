"""Chatwoot agent bot: a ``message_created`` webhook in, a reply or a hand-off out.

An incoming public message from a contact in a conversation the bot holds (status ``pending``,
as Chatwoot sets it for an inbox with an agent bot) is answered through the product's answer
path (:func:`assist.answer.answer_question`, threshold ``KMS_ANSWER_THRESHOLD``):

- confident → ``POST /api/v1/accounts/{account}/conversations/{conversation}/messages`` with the
  cited answer (``message_type: outgoing``);
- otherwise → ``POST …/toggle_status {"status": "open"}`` (a human takes over) and a private note
  (``private: true``) with the suggestion, its citations and the related articles.

Outgoing, private, template and bot messages, other events and conversations already open are
ignored (the bot never answers a human's conversation or itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assist.answer import answer_question
from assist.integrations.notes import answer_text, suggestion_note
from assist.integrations.outbox import Call
from assist.integrations.payloads import field, obj, ref, text
from assist.knowledge import KnowledgeBase
from assist.suggest import suggest

P = "Chatwoot"
__all__ = ["ChatwootMessage", "Plan", "parse", "plan"]


@dataclass(frozen=True)
class ChatwootMessage:
    account_id: str
    conversation_id: str
    message_id: str
    content: str


@dataclass(frozen=True)
class Plan:
    outcome: str  # "answered" | "handoff"
    calls: list[Call]
    confidence: float


def parse(payload: dict[str, Any]) -> ChatwootMessage | str:
    """The message to answer, or why the event is ignored (a short reason, no customer text).
    A malformed ``message_created`` event raises InvalidInputError."""
    event = text(payload, "event", P)
    if event != "message_created":
        return f"event {event[:40]} is not handled"
    message_type = field(payload, "message_type", P)
    if message_type not in ("incoming", 0):
        return "not an incoming message"
    if payload.get("private") is True:
        return "a private note"
    sender = payload.get("sender")
    if isinstance(sender, dict) and sender.get("type") not in (None, "contact"):
        return "not sent by a contact"
    conversation = obj(payload, "conversation", P)
    if conversation.get("status") not in (None, "pending"):
        return f"conversation is {str(conversation.get('status'))[:20]}: a human has it"
    message = ChatwootMessage(
        account_id=ref(payload, "account.id", P),
        conversation_id=ref(payload, "conversation.id", P),
        message_id=ref(payload, "id", P),
        content=text(payload, "content", P, required=False).strip(),
    )
    return message if message.content else "no text to answer"


def _base(msg: ChatwootMessage) -> str:
    return f"/api/v1/accounts/{msg.account_id}/conversations/{msg.conversation_id}"


def plan(kb: KnowledgeBase, msg: ChatwootMessage) -> Plan:
    """Answer or hand off; the calls to make, keyed by the Chatwoot message id."""
    settings = kb.settings
    key = f"chatwoot:{msg.account_id}:{msg.conversation_id}:{msg.message_id}"
    answer = answer_question(kb, msg.content, log=True)
    if not answer.abstained:
        body = {"content": answer_text(answer), "message_type": "outgoing", "private": False}
        reply = Call("chatwoot", "POST", _base(msg) + "/messages", body, key + ":reply")
        return Plan("answered", [reply], answer.confidence)
    suggestion = suggest(kb, msg.content, log=False)
    note = suggestion_note(
        suggestion,
        threshold=settings.answer_threshold,
        link_base=settings.integration_link_url,
        reason=(answer.handoff_reason or "").split(":", 1)[0],
    )
    calls = [
        Call("chatwoot", "POST", _base(msg) + "/toggle_status", {"status": "open"}, key + ":open"),
        Call(
            "chatwoot",
            "POST",
            _base(msg) + "/messages",
            {"content": note, "message_type": "outgoing", "private": True},
            key + ":note",
        ),
    ]
    return Plan("handoff", calls, answer.confidence)
