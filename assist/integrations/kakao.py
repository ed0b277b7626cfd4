"""Kakao i Open Builder skill: a skill request in, a version 2.0 skill response out.

The utterance (``userRequest.utterance``) is answered through the product's answer path. A
confident answer is a ``simpleText`` with its sources; a hand-off is the hand-off message with a
``quickReplies`` button offering a human agent (its ``messageText`` is what the bot receives when
the customer taps it: point that phrase at your 상담톡/상담원 연결 block).

Open Builder waits 5 seconds for a skill. The answer runs in a worker thread with a time budget
(``KMS_KAKAO_TIME_BUDGET_S``, default 3.5 s); past it the skill answers "잠시 후 …" with the agent
button instead of letting the platform time out (the late answer is dropped).
"""

from __future__ import annotations

import concurrent.futures
from dataclasses import dataclass
from typing import Any

from assist.answer import answer_question
from assist.errors import InvalidInputError
from assist.integrations.payloads import obj, text
from assist.knowledge import KnowledgeBase
from assist.schemas import Answer

P = "Kakao"
MAX_TEXT = 1000  # simpleText.text limit
AGENT_LABEL = "상담사 연결"  # quick reply label (14 characters at most)
LATE_MESSAGE = "답변을 찾는 데 시간이 걸리고 있어요. 잠시 후 다시 질문해 주시거나 상담사를 연결해 주세요."
_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="kakao-skill")

__all__ = ["AGENT_LABEL", "KakaoRequest", "answer_within", "parse", "respond", "skill_response"]


@dataclass(frozen=True)
class KakaoRequest:
    utterance: str
    user_id: str


def parse(payload: dict[str, Any]) -> KakaoRequest:
    """The customer's utterance and the bot user id (InvalidInputError when malformed)."""
    user_request = obj(payload, "userRequest", P)
    utterance = text(user_request, "utterance", P).strip()
    user = user_request.get("user")
    user_id = str(user.get("id", "")) if isinstance(user, dict) else ""
    return KakaoRequest(utterance=utterance, user_id=user_id[:200])


def skill_response(message: str, *, offer_agent: bool) -> dict[str, Any]:
    """A version 2.0 skill response: one simpleText, plus the agent quick reply on hand-off."""
    template: dict[str, Any] = {"outputs": [{"simpleText": {"text": message[:MAX_TEXT]}}]}
    if offer_agent:
        template["quickReplies"] = [{"label": AGENT_LABEL, "action": "message", "messageText": AGENT_LABEL}]
    return {"version": "2.0", "template": template}


def answer_within(kb: KnowledgeBase, question: str, budget_s: float) -> Answer | None:
    """The answer if it is ready within ``budget_s`` seconds, else None."""
    future = _POOL.submit(answer_question, kb, question, log=True)
    try:
        return future.result(timeout=budget_s)
    except concurrent.futures.TimeoutError:
        future.cancel()
        return None


def respond(
    kb: KnowledgeBase, request: KakaoRequest, *, budget_s: float | None = None
) -> tuple[dict[str, Any], str]:
    """(skill response, outcome: "answered" | "handoff" | "late")."""
    if not request.utterance:
        return skill_response(kb.settings.handoff_message_ko, offer_agent=True), "handoff"
    try:
        answer = answer_within(kb, request.utterance, budget_s or kb.settings.kakao_time_budget_s)
    except InvalidInputError:  # over-long or unusable text: a person reads it instead
        return skill_response(kb.settings.handoff_message_ko, offer_agent=True), "handoff"
    if answer is None:
        return skill_response(LATE_MESSAGE, offer_agent=True), "late"
    if answer.abstained:
        return skill_response(answer.answer, offer_agent=True), "handoff"
    sources = [f"[{c.n}] {c.title}" for c in answer.citations]
    body = answer.answer + ("\n\n참고: " + ", ".join(sources) if sources else "")
    return skill_response(body, offer_agent=False), "answered"
