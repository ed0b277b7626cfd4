"""/v1/answer: grounded chatbot answers with citations, or an honest handoff; and the customer's
feedback on an answer (helpful or not)."""

from __future__ import annotations

from fastapi import APIRouter

from assist.answer import answer_question
from assist.answer_feedback import record_answer_feedback
from assist.api.deps import KB
from assist.api.errors import ERROR_RESPONSES, ErrorBody
from assist.api.models import AnswerFeedbackCreate, AnswerFeedbackOut, AnswerRequest, recent_turns
from assist.api.readiness import IndexedKB
from assist.schemas import Answer

router = APIRouter(prefix="/v1", tags=["answers"], responses=ERROR_RESPONSES)


@router.post(
    "/answer",
    summary="챗봇 답변 · Answer a customer question",
    description="A cited answer ([n] markers, citations list) when the knowledge base supports it; "
    "otherwise abstained=true with the handoff message and the reason. Logged (query hash only).",
    responses={502: {"model": ErrorBody, "description": "LLM endpoint failed · LLM 오류"}},
)
def answer(req: AnswerRequest, kb: IndexedKB) -> Answer:
    turns = [(turn.role, turn.content) for turn in req.history]
    history = recent_turns(turns, limit_chars=kb.settings.max_inquiry_chars)
    return answer_question(kb, req.question, history=history, locale=req.locale, log=True)


@router.post(
    "/answer/{log_id}/feedback",
    status_code=201,
    summary="답변 피드백 · Feedback on an answer",
    description="Whether the customer found the answer helpful: `helpful` or `not_helpful`, with an "
    "optional reason (personal data masked before it is stored). `log_id` is the answer's `log_id` "
    "(from /v1/chat/completions: `kms.log_id`). One feedback per answer: a second is a 409.",
    responses={
        404: {"model": ErrorBody, "description": "No answer was logged under this id · 없는 답변"},
        409: {"model": ErrorBody, "description": "The answer already has feedback · 이미 피드백이 있음"},
    },
)
def add_answer_feedback(log_id: str, req: AnswerFeedbackCreate, kb: KB) -> AnswerFeedbackOut:
    stored = record_answer_feedback(kb, log_id, verdict=req.verdict, reason=req.reason)
    return AnswerFeedbackOut.model_validate(stored)
