"""/v1/suggestions and /v1/feedback: suggestions for agents and what they did with them."""

from __future__ import annotations

from fastapi import APIRouter, Request

from assist import tickets
from assist.api.deps import KB
from assist.api.errors import ERROR_RESPONSES, ErrorBody
from assist.api.models import FeedbackCreate, FeedbackOut, FeedbackSummary, SuggestionRequest, VerdictStats
from assist.api.readiness import IndexedKB
from assist.api.security import principal_of
from assist.schemas import Suggestion
from assist.suggest import suggest

router = APIRouter(prefix="/v1", tags=["suggestions"], responses=ERROR_RESPONSES)


@router.post(
    "/suggestions",
    summary="상담 추천 · Suggest articles, tickets, tag and a draft",
    description="Ranked articles with their matching sections, similar resolved tickets, a "
    "consultation tag and a draft reply whose every sentence is cited. Logged (query hash only).",
)
def create_suggestion(req: SuggestionRequest, kb: IndexedKB) -> Suggestion:
    return suggest(kb, req.inquiry, subject=req.subject, k=req.k, log=True)


@router.post(
    "/suggestions/{suggestion_id}/feedback",
    status_code=201,
    summary="추천 피드백 · Feedback on a suggestion",
    description="used / edited / rejected, with the final text; stores the draft→final edit distance.",
    responses={404: {"model": ErrorBody, "description": "Unknown suggestion id · 없는 추천"}},
)
def add_feedback(suggestion_id: str, req: FeedbackCreate, kb: KB, request: Request) -> FeedbackOut:
    stored = tickets.record_feedback(
        kb,
        suggestion_id,
        verdict=req.verdict,
        final_text=req.final_text,
        reason=req.reason,
        actor=principal_of(request).actor,
    )
    return FeedbackOut.model_validate(stored)


@router.get("/feedback/summary", summary="피드백 요약 · Feedback summary")
def feedback_summary(kb: KB) -> FeedbackSummary:
    raw = tickets.feedback_summary(kb)
    verdicts = {
        v: VerdictStats.model_validate(raw.get(v, {"count": 0, "mean_edit_distance": None}))
        for v in tickets.VERDICTS
    }
    return FeedbackSummary(total=sum(s.count for s in verdicts.values()), verdicts=verdicts)
