"""/v1/integrations/…: webhooks of connected helpdesks and messengers (role ``integration``).

Thin: ``assist.integrations`` parses, decides and sends. Each route reads the raw body (for the
products that sign it), answers fast and leaves the outbound calls to the durable outbox, sent
right after the response (a background task) and retried later if the helpdesk is down.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from assist.api.errors import ERROR_RESPONSES
from assist.api.readiness import IndexedKB
from assist.errors import ConflictError
from assist.integrations import chatwoot, helpdesk, kakao, outbox
from assist.integrations.client import endpoint_for
from assist.integrations.payloads import load_json
from assist.integrations.signatures import verify_chatwoot, verify_zendesk
from assist.knowledge import KnowledgeBase
from core.settings import Settings

router = APIRouter(prefix="/v1/integrations", tags=["integrations"], responses=ERROR_RESPONSES)


async def raw_body(request: Request) -> bytes:
    return await request.body()


Body = Annotated[bytes, Depends(raw_body)]
# the body is read raw (signatures are over its bytes); the schema tells /docs it is a JSON object
JSON_BODY: dict[str, Any] = {
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}
}


def _require(settings: Settings, connector: str) -> None:
    if endpoint_for(settings, connector) is None:
        raise ConflictError(
            f"{connector} is not configured: set KMS_{connector.upper()}_URL and its credentials",
            details={"connector": connector},
        )


def _send_later(
    tasks: BackgroundTasks, settings: Settings, sessions: sessionmaker[Session], ids: list[int]
) -> None:
    if ids:
        tasks.add_task(outbox.deliver, settings, sessions, ids)


@router.post(
    "/chatwoot",
    openapi_extra=JSON_BODY,
    summary="Chatwoot 에이전트 봇 · Chatwoot agent-bot webhook",
    description="A `message_created` event: a confident answer is posted to the conversation; "
    "otherwise the conversation is opened for a human with a private note (suggestion and citations).",
)
def chatwoot_webhook(body: Body, request: Request, kb: IndexedKB, tasks: BackgroundTasks) -> dict[str, Any]:
    settings = kb.settings
    if settings.chatwoot_webhook_secret is not None:
        verify_chatwoot(settings.chatwoot_webhook_secret.get_secret_value(), request.headers, body)
    message = chatwoot.parse(load_json(body, "Chatwoot"))
    if isinstance(message, str):
        return {"status": "ignored", "reason": message}
    _require(settings, "chatwoot")
    key = f"chatwoot:{message.account_id}:{message.conversation_id}:{message.message_id}"
    if outbox.queued(kb.sessions, key + ":reply") or outbox.queued(kb.sessions, key + ":open"):
        return {"status": "duplicate"}
    plan = chatwoot.plan(kb, message)
    ids = outbox.enqueue(kb.sessions, plan.calls, allow=settings.pii_allow)
    _send_later(tasks, settings, kb.sessions, ids)
    return {"status": plan.outcome, "confidence": round(plan.confidence, 4), "queued": len(ids)}


@router.post(
    "/kakao",
    openapi_extra=JSON_BODY,
    summary="카카오 i 오픈빌더 스킬 · Kakao i Open Builder skill",
    description="A skill request; a version 2.0 skill response (simpleText, and quickReplies "
    "offering an agent on hand-off) within the platform's 5-second limit.",
)
def kakao_skill(body: Body, kb: IndexedKB) -> dict[str, Any]:
    request = kakao.parse(load_json(body, "Kakao"))
    response, _outcome = kakao.respond(kb, request)
    return response


def _helpdesk(
    name: str, body: bytes, request: Request, kb: KnowledgeBase, tasks: BackgroundTasks
) -> dict[str, Any]:
    settings = kb.settings
    if name == "zendesk" and settings.zendesk_webhook_secret is not None:
        verify_zendesk(settings.zendesk_webhook_secret.get_secret_value(), request.headers, body)
    ticket = helpdesk.parse(name, load_json(body, name.capitalize()))
    _require(settings, name)
    if outbox.queued(kb.sessions, helpdesk.note_key(ticket)):
        return {"status": "duplicate", "helpdesk_ticket_id": ticket.ticket_id}
    stored, suggestion, call = helpdesk.store_and_plan(kb, ticket)
    request.state.audit_object = stored.id
    ids = outbox.enqueue(kb.sessions, [call], allow=settings.pii_allow)
    _send_later(tasks, settings, kb.sessions, ids)
    return {
        "status": "queued",
        "ticket_id": stored.id,
        "helpdesk_ticket_id": ticket.ticket_id,
        "suggestion_id": suggestion.id,
        "confidence": round(suggestion.confidence, 4),
    }


@router.post(
    "/zendesk",
    openapi_extra=JSON_BODY,
    summary="Zendesk 새 티켓 · New Zendesk ticket (side-panel note)",
    description="Stores the ticket and posts its suggestion back as an internal comment "
    "(X-Zendesk-Webhook-Signature checked when KMS_ZENDESK_WEBHOOK_SECRET is set).",
)
def zendesk_webhook(body: Body, request: Request, kb: IndexedKB, tasks: BackgroundTasks) -> dict[str, Any]:
    return _helpdesk("zendesk", body, request, kb, tasks)


@router.post(
    "/freshdesk",
    openapi_extra=JSON_BODY,
    summary="Freshdesk 새 티켓 · New Freshdesk ticket (side-panel note)",
    description="Stores the ticket and posts its suggestion back as a private note.",
)
def freshdesk_webhook(body: Body, request: Request, kb: IndexedKB, tasks: BackgroundTasks) -> dict[str, Any]:
    return _helpdesk("freshdesk", body, request, kb, tasks)
