"""/v1/answer: grounded chatbot answers with citations, or an honest handoff."""

from __future__ import annotations

from fastapi import APIRouter

from assist.answer import answer_question
from assist.api.errors import ERROR_RESPONSES, ErrorBody
from assist.api.models import AnswerRequest, recent_turns
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
